use proptest::prelude::*;

use super::*;

fn error(text: &str) -> String {
    let e = CatalogSpec::parse(text).unwrap_err();
    format!("{text:?}: {e}")
}

#[test]
fn every_form_reads_and_writes_back() {
    for (text, canonical) in [
        ("swr://cn-north-4", "swr://cn-north-4"),
        ("SWR://cn-north-4/", "swr://cn-north-4"),
        ("swr+http://127.0.0.1:8080", "swr+http://127.0.0.1:8080"),
        ("swr+https://SWR.Example.com", "swr+https://swr.example.com"),
        (
            "swr-official://ap-southeast-1",
            "swr-official://ap-southeast-1",
        ),
        (
            "swr-official+https://[::1]:443/",
            "swr-official+https://[::1]:443",
        ),
        ("uhub://cn-bj2?project=org-1", "uhub://cn-bj2?project=org-1"),
        (
            "uhub+https://api.ucloud.cn?project=org-1&region=cn-bj2",
            "uhub+https://api.ucloud.cn?region=cn-bj2&project=org-1",
        ),
        (
            "swr://cn-north-4?project=0a1B_2.c-3",
            "swr://cn-north-4?project=0a1B_2.c-3",
        ),
    ] {
        let spec = CatalogSpec::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(spec.to_string(), canonical, "{text}");
        assert_eq!(CatalogSpec::parse(canonical).unwrap(), spec, "{text}");
    }
}

#[test]
fn accessors_say_what_was_read() {
    let spec = CatalogSpec::parse("uhub+http://[::1]:8080?region=cn-bj2").unwrap();
    assert_eq!(spec.kind(), CatalogKind::Uhub);
    assert_eq!(spec.region(), Some("cn-bj2"));
    assert_eq!(spec.base_url().as_deref(), Some("http://[::1]:8080"));
    assert_eq!(
        spec.location(),
        &Location::Endpoint {
            scheme: Scheme::Http,
            host: "::1".into(),
            port: Some(8080)
        }
    );
    let spec = CatalogSpec::in_region(CatalogKind::SwrOfficial, "cn-north-4").unwrap();
    assert_eq!(spec.region(), Some("cn-north-4"));
    assert_eq!(spec.base_url(), None);
    let spec = spec.with_project("p1").unwrap().with_project("p2").unwrap();
    assert_eq!(spec.to_string(), "swr-official://cn-north-4?project=p2");
    let e = spec.clone().with_project("a b").unwrap_err();
    assert_eq!(e.position(), "swr-official://cn-north-4?project=a".len());
    // Neither value can smuggle in an option or a path.
    let uhub = CatalogSpec::parse("uhub+https://api.ucloud.cn?region=cn-bj2").unwrap();
    let e = uhub.with_project("org-1&region=cn-sh2").unwrap_err();
    assert_eq!(e.found(), "'&'");
    assert!(spec.with_project("").is_err());
    let e = CatalogSpec::in_region(CatalogKind::Swr, "cn-north-4?project=p").unwrap_err();
    assert_eq!((e.position(), e.found()), (16, "'?'"));
    assert!(CatalogSpec::in_region(CatalogKind::Uhub, "").is_err());
}

#[test]
fn each_mistake_says_where_and_what_was_expected() {
    let cases = [
        "",
        "cn-north-4",
        "swr:/cn-north-4",
        "ftp://x",
        "swr+ftp://x",
        "swr://",
        "swr://cn_north_4",
        "swr://127.0.0.1:8080",
        "swr://cn-north-4/v2/manage",
        "swr://ak:sk@cn-north-4",
        "swr+https://",
        "swr+https://:8080",
        "swr+https://host_name",
        "swr+https://host:",
        "swr+https://host:8x",
        "swr+https://host:99999",
        "swr+https://host:0",
        "swr+https://[::1",
        "swr+https://[1.2.3.4]",
        "swr+https://[::g]",
        "swr+https://[::1]8080",
        "swr://cn-north-4?",
        "swr://cn-north-4?project",
        "swr://cn-north-4?project=",
        "swr://cn-north-4?project=a%20b",
        "swr://cn-north-4?project=a&project=b",
        "swr://cn-north-4?project=a&",
        "swr://cn-north-4?sk=secret",
        "swr+https://host?region=cn-bj2",
        "uhub://cn-bj2?region=cn-sh2",
        "uhub+https://api.ucloud.cn?region=CN",
        "uhub+https://api.ucloud.cn?token=x",
        "swr://région",
    ];
    let messages: Vec<String> = cases.iter().map(|c| error(c)).collect();
    insta::assert_snapshot!(messages.join("\n"), @r#"
    "": invalid catalog spec at position 0: expected a catalog spec such as swr://cn-north-4, found nothing
    "cn-north-4": invalid catalog spec at position 10: expected "://" after the scheme, as in swr://cn-north-4, found the end
    "swr:/cn-north-4": invalid catalog spec at position 3: expected "://" after the scheme, as in swr://cn-north-4, found ':'
    "ftp://x": invalid catalog spec at position 0: expected a scheme: swr, swr-official or uhub, alone for a region or with +http or +https for a host, found "ftp"
    "swr+ftp://x": invalid catalog spec at position 0: expected a scheme: swr, swr-official or uhub, alone for a region or with +http or +https for a host, found "swr+ftp"
    "swr://": invalid catalog spec at position 6: expected a region such as cn-north-4, found the end
    "swr://cn_north_4": invalid catalog spec at position 8: expected a region of a-z, 0-9 and '-' (an endpoint goes in swr+https://HOST), found '_'
    "swr://127.0.0.1:8080": invalid catalog spec at position 9: expected a region of a-z, 0-9 and '-' (an endpoint goes in swr+https://HOST), found '.'
    "swr://cn-north-4/v2/manage": invalid catalog spec at position 16: expected '?' or the end (a spec has no path), found '/'
    "swr://ak:sk@cn-north-4": invalid catalog spec at position 11: expected no credentials (they come from the environment), found '@'
    "swr+https://": invalid catalog spec at position 12: expected a host name or address, found the end
    "swr+https://:8080": invalid catalog spec at position 12: expected a host name or address, found ':'
    "swr+https://host_name": invalid catalog spec at position 16: expected a host of letters, digits, '.' and '-' (an IPv6 address in brackets), found '_'
    "swr+https://host:": invalid catalog spec at position 17: expected a port number after ':', found the end
    "swr+https://host:8x": invalid catalog spec at position 18: expected a port number, found 'x'
    "swr+https://host:99999": invalid catalog spec at position 17: expected a port number in 1..=65535, found "99999"
    "swr+https://host:0": invalid catalog spec at position 17: expected a port number in 1..=65535, found "0"
    "swr+https://[::1": invalid catalog spec at position 16: expected ']' closing the IPv6 address, found the end
    "swr+https://[1.2.3.4]": invalid catalog spec at position 13: expected an IPv6 address such as ::1, found '1'
    "swr+https://[::g]": invalid catalog spec at position 15: expected an IPv6 address of hex digits, ':' and '.', found 'g'
    "swr+https://[::1]8080": invalid catalog spec at position 17: expected ':' and a port, '?' or the end, found '8'
    "swr://cn-north-4?": invalid catalog spec at position 17: expected an option such as project=ID, found the end
    "swr://cn-north-4?project": invalid catalog spec at position 24: expected '=' and a value after the option name, found the end
    "swr://cn-north-4?project=": invalid catalog spec at position 25: expected a value for project, found nothing
    "swr://cn-north-4?project=a%20b": invalid catalog spec at position 26: expected a project of A-Z, a-z, 0-9, '.', '_' and '-', found '%'
    "swr://cn-north-4?project=a&project=b": invalid catalog spec at position 27: expected each option once, found a second project
    "swr://cn-north-4?project=a&": invalid catalog spec at position 27: expected an option such as project=ID, found the end
    "swr://cn-north-4?sk=secret": invalid catalog spec at position 17: expected an option: project, found "sk"
    "swr+https://host?region=cn-bj2": invalid catalog spec at position 17: expected an option: project, found "region"
    "uhub://cn-bj2?region=cn-sh2": invalid catalog spec at position 14: expected no region option: uhub://REGION names the region already, found "region"
    "uhub+https://api.ucloud.cn?region=CN": invalid catalog spec at position 34: expected a region of a-z, 0-9 and '-', found 'C'
    "uhub+https://api.ucloud.cn?token=x": invalid catalog spec at position 27: expected an option: project or region, found "token"
    "swr://région": invalid catalog spec at position 7: expected a region of a-z, 0-9 and '-' (an endpoint goes in swr+https://HOST), found 'é'
    "#);
}

#[test]
fn errors_are_config_errors_and_quote_no_value() {
    let e: Error = CatalogSpec::parse("swr://cn-north-4?sk=very-secret")
        .unwrap_err()
        .into();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(!e.to_string().contains("very-secret"), "{e}");
    for text in [
        "swr+https://AK:very-secret@host",
        "swr:/x?key=very-secret://",
        "swr://x?project=a&very-secret",
        "swr://x?MFyfvK41very-secret=1",
    ] {
        let e = CatalogSpec::parse(text).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("very-secret"), "{e:?}");
    }
}

fn region() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,12}"
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9.-]{1,20}", "[0-9a-f:]{0,6}:[0-9a-f.]{0,8}"]
}

fn spec() -> impl Strategy<Value = CatalogSpec> {
    let kind = prop::sample::select(CatalogKind::ALL.to_vec());
    let scheme = prop_oneof![Just(Scheme::Http), Just(Scheme::Https)];
    let location = prop_oneof![
        region().prop_map(Location::Region),
        (scheme, host(), prop::option::of(1u16..))
            .prop_map(|(scheme, host, port)| { Location::Endpoint { scheme, host, port } }),
    ];
    let project = prop::option::of("[A-Za-z0-9._-]{1,16}");
    (kind, location, prop::option::of(region()), project).prop_map(
        |(kind, location, region, project)| {
            let region = region.filter(|_| {
                kind == CatalogKind::Uhub && matches!(location, Location::Endpoint { .. })
            });
            CatalogSpec {
                kind,
                location,
                region,
                project,
            }
        },
    )
}

proptest! {
    #[test]
    fn never_panics_on_any_string(text in ".{0,60}") {
        if let Ok(spec) = CatalogSpec::parse(&text) {
            prop_assert_eq!(CatalogSpec::parse(&spec.to_string()).unwrap(), spec);
        }
    }

    #[test]
    fn never_panics_on_spec_like_strings(
        text in "(swr|uhub|swr-official)(\\+https?)?://[a-zA-Z0-9.:\\[\\]/?=&@_-]{0,30}"
    ) {
        match CatalogSpec::parse(&text) {
            Ok(spec) => prop_assert_eq!(CatalogSpec::parse(&spec.to_string()).unwrap(), spec),
            Err(e) => prop_assert!(e.position() <= text.chars().count()),
        }
    }

    #[test]
    fn display_round_trips(spec in spec()) {
        let text = spec.to_string();
        prop_assert_eq!(CatalogSpec::parse(&text).map_err(|e| e.to_string()), Ok(spec), "{}", text);
    }
}

#[test]
fn an_endpoint_url_becomes_a_spec_and_its_errors_point_into_the_url() {
    let spec = CatalogSpec::at_endpoint(CatalogKind::Swr, "HTTPS://Swr.Example:8443/").unwrap();
    assert_eq!(spec.to_string(), "swr+https://swr.example:8443");
    for (url, position, expected) in [
        ("http://127.0.0.1:99999", 17, "a port number in 1..=65535"),
        ("https://x/v2", 9, "'?' or the end (a spec has no path)"),
        (
            "https://x?a=b",
            9,
            "no '?' (an endpoint is a URL of a host)",
        ),
        (
            "https://user@x",
            12,
            "no credentials (they come from the environment)",
        ),
        ("cn-north-4", 0, URL),
        ("://x", 0, URL),
        ("ftp://x", 0, URL),
        ("", 0, URL),
        ("ht", 0, URL),
    ] {
        let e = CatalogSpec::at_endpoint(CatalogKind::Swr, url).unwrap_err();
        assert_eq!((e.position(), e.expected()), (position, expected), "{url}");
    }
}

const URL: &str = "a URL starting http:// or https://";

#[test]
fn a_region_joins_only_a_uhub_endpoint_and_kinds_change_with_their_options() {
    let uhub = CatalogSpec::parse("uhub+http://127.0.0.1:1?project=p").unwrap();
    let with = uhub.with_region("cn-bj2").unwrap();
    assert_eq!(
        with.to_string(),
        "uhub+http://127.0.0.1:1?region=cn-bj2&project=p"
    );
    assert_eq!(
        with.clone().with_region("cn-sh2").unwrap().region(),
        Some("cn-sh2")
    );
    let e = with.with_region("CN").unwrap_err();
    assert_eq!(e.expected(), "a region of a-z, 0-9 and '-'");
    let swr = CatalogSpec::parse("swr+http://127.0.0.1:1").unwrap();
    assert_eq!(
        swr.clone().with_region("r").unwrap_err().expected(),
        "an option: project"
    );
    let regional = CatalogSpec::parse("uhub://cn-bj2").unwrap();
    assert!(regional.with_region("r").is_err());

    let official = swr.with_kind(CatalogKind::SwrOfficial).unwrap();
    assert_eq!(official.to_string(), "swr-official+http://127.0.0.1:1");
    assert_eq!(
        CatalogSpec::parse("uhub+http://h?region=r")
            .unwrap()
            .with_kind(CatalogKind::Swr)
            .unwrap_err()
            .expected(),
        "an option: project"
    );
}
