//! Filter text and query parameters: the seed example, one snapshot per class
//! of bad input, round trips and "never panics".

use proptest::prelude::*;
use wharf_model::{Category, Center, OrderColumn, OrderType, PageRequest, RepositoryQuery};
use wharf_parse::{
    FilterErrorKind as Kind, KEYS, from_query_params, parse_filter, to_filter, to_query_params,
};

/// The message for filter text that must be refused.
fn error(input: &str) -> String {
    match parse_filter(input) {
        Ok(query) => format!("unexpectedly read {input:?} as {query:?}"),
        Err(err) => err.to_string(),
    }
}

/// The message for a query that must not build, checking that both builders
/// agree.
fn build_error(query: &RepositoryQuery) -> String {
    let params = to_query_params(query).map_err(|e| e.kind());
    match to_filter(query) {
        Ok(text) => format!("unexpectedly built {text:?}"),
        Err(err) => {
            // Plain parameters are all optional: an empty query gives none.
            if *query != RepositoryQuery::default() {
                assert_eq!(params.err(), Some(err.kind()), "{err}");
            }
            err.to_string()
        }
    }
}

/// The message for query parameters that must be refused.
fn params_error(params: &[(&str, &str)]) -> String {
    match from_query_params(params.iter().copied()) {
        Ok(query) => format!("unexpectedly read {params:?} as {query:?}"),
        Err(err) => err.to_string(),
    }
}

fn kind(input: &str) -> Option<Kind> {
    parse_filter(input).err().map(|e| e.kind())
}

fn seed_query() -> RepositoryQuery {
    let mut q = RepositoryQuery::default();
    q.center = Some(Center::Mine);
    q.namespace = Some("library".into());
    q.name = Some("nginx".into());
    q.category = Some(Category::Linux);
    q.page = Some(PageRequest::new(0, 100));
    q
}

#[test]
fn seed_uri_with_placeholders_filled() {
    // swr-list-repos: filter='center::self|namespace::{namespace}|name::{name}|
    // category::{category}|offset::{offset}|limit::{limit}'
    let seed = "'center::self|namespace::library|name::nginx|category::linux|offset::0|limit::100'";
    assert_eq!(parse_filter(seed), Ok(seed_query()));
    assert_eq!(
        to_filter(&seed_query()).as_deref(),
        Ok(&seed[1..seed.len() - 1])
    );
}

#[test]
fn seed_keys_one_at_a_time() {
    // "至少要传递一个filter参数": any single key is enough, except the paging pair.
    let mut q = RepositoryQuery::default();
    q.center = Some(Center::ThirdParty);
    assert_eq!(parse_filter("center::thirdparty"), Ok(q.clone()));
    assert_eq!(parse_filter("'center::thirdparty'"), Ok(q));
    let mut q = RepositoryQuery::default();
    q.category = Some(Category::Unknown("gpu".into()));
    assert_eq!(parse_filter("category::gpu"), Ok(q));
}

#[test]
fn any_key_order_reads_the_same() {
    let shuffled =
        "limit::100|category::linux|offset::0|name::nginx|namespace::library|center::self";
    assert_eq!(parse_filter(shuffled), Ok(seed_query()));
}

#[test]
fn newer_keys() {
    let text = "namespace::team|order_column::updated_at|order_type::asc|is_public::false";
    let q = parse_filter(text).unwrap();
    assert_eq!(q.order_column, Some(OrderColumn::UpdatedAt));
    assert_eq!(q.order_type, Some(OrderType::Asc));
    assert_eq!(q.is_public, Some(false));
    assert_eq!(to_filter(&q).as_deref(), Ok(text));
}

#[test]
fn offset_need_not_be_a_multiple_of_limit() {
    let q = parse_filter("offset::7|limit::10").unwrap();
    assert_eq!(q.page, Some(PageRequest::new(7, 10)));
}

#[test]
fn values_are_taken_as_they_are() {
    let q = parse_filter("name::a b:c'|namespace::x'").unwrap();
    assert_eq!(q.name.as_deref(), Some("a b:c'"));
    assert_eq!(q.namespace.as_deref(), Some("x'"));
    let q = parse_filter("name:::x").unwrap();
    assert_eq!(q.name.as_deref(), Some(":x"));
}

#[test]
fn query_params_match_the_filter() {
    let params = to_query_params(&seed_query()).unwrap();
    let names: Vec<_> = params.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        names,
        ["center", "namespace", "name", "category", "offset", "limit"]
    );
    let back = from_query_params(params.iter().map(|(k, v)| (*k, v.as_str())));
    assert_eq!(back, Ok(seed_query()));
    assert_eq!(to_query_params(&RepositoryQuery::default()), Ok(vec![]));
    assert_eq!(
        from_query_params([("filter", "x"), ("Action", "y")]),
        Ok(RepositoryQuery::default())
    );
}

#[test]
fn errors_know_their_kind_key_and_position() {
    let err = parse_filter("'center::self|centre::self'").unwrap_err();
    assert_eq!(err.kind(), Kind::UnknownKey);
    assert_eq!(err.key(), Some("centre"));
    assert_eq!(err.at(), Some(14));
    assert_eq!(err.input(), Some("'center::self|centre::self'"));
    assert_eq!(kind("a"), Some(Kind::NoSeparator));
    assert_eq!(kind("center::me"), Some(Kind::InvalidValue));
    let err = from_query_params([("limit", "0"), ("offset", "0")]).unwrap_err();
    assert_eq!(
        (err.key(), err.at(), err.input()),
        (Some("limit"), None, None)
    );
}

#[test]
fn snapshot_empty() {
    insta::assert_snapshot!(error(""), @r#"invalid filter "": no terms: expected at least one `key::value` term"#);
    insta::assert_snapshot!(error("''"), @r#"invalid filter "''": no terms: expected at least one `key::value` term"#);
    insta::assert_snapshot!(build_error(&RepositoryQuery::default()), @"cannot build filter: no terms: expected at least one `key::value` term");
}

#[test]
fn snapshot_unmatched_quote() {
    insta::assert_snapshot!(error("'center::self"), @r#"invalid filter "'center::self": opening `'` at byte 0 is not closed: expected a closing `'`"#);
    insta::assert_snapshot!(error("'"), @r#"invalid filter "'": opening `'` at byte 0 is not closed: expected a closing `'`"#);
}

#[test]
fn snapshot_no_separator() {
    insta::assert_snapshot!(error("center"), @r#"invalid filter "center": term "center" at byte 0 has no `::`: expected `key::value`"#);
    insta::assert_snapshot!(error("center:self"), @r#"invalid filter "center:self": term "center:self" at byte 0 has no `::`: expected `key::value`"#);
    insta::assert_snapshot!(error("center::self||name::x"), @r#"invalid filter "center::self||name::x": term "" at byte 13 has no `::`: expected `key::value`"#);
    insta::assert_snapshot!(error("'center::self|'"), @r#"invalid filter "'center::self|'": term "" at byte 14 has no `::`: expected `key::value`"#);
}

#[test]
fn snapshot_empty_key() {
    insta::assert_snapshot!(error("::self"), @r#"invalid filter "::self": term "::self" at byte 0 has no key: expected `key::value`"#);
}

#[test]
fn snapshot_unknown_key() {
    insta::assert_snapshot!(error("center::self|centre::self"), @r#"invalid filter "center::self|centre::self": unknown key "centre" at byte 13: expected one of center, namespace, name, category, offset, limit, order_column, order_type, is_public"#);
    insta::assert_snapshot!(error("Center::self"), @r#"invalid filter "Center::self": unknown key "Center" at byte 0: expected one of center, namespace, name, category, offset, limit, order_column, order_type, is_public"#);
    insta::assert_snapshot!(error(" center::self"), @r#"invalid filter " center::self": unknown key " center" at byte 0: expected one of center, namespace, name, category, offset, limit, order_column, order_type, is_public"#);
}

#[test]
fn snapshot_repeated_key() {
    insta::assert_snapshot!(error("center::self|center::thirdparty"), @r#"invalid filter "center::self|center::thirdparty": repeated key "center" at byte 13: expected each key at most once"#);
    insta::assert_snapshot!(params_error(&[("namespace", "a"), ("namespace", "b")]), @r#"invalid query parameters: repeated key "namespace": expected each key at most once"#);
}

#[test]
fn snapshot_empty_value() {
    insta::assert_snapshot!(error("namespace::"), @r#"invalid filter "namespace::": empty namespace at byte 11: expected a value"#);
    insta::assert_snapshot!(params_error(&[("name", "")]), @"invalid query parameters: empty name: expected a value");
    let mut q = RepositoryQuery::default();
    q.namespace = Some(String::new());
    insta::assert_snapshot!(build_error(&q), @"cannot build filter: empty namespace: expected a value");
}

#[test]
fn snapshot_forbidden_in_value() {
    insta::assert_snapshot!(error("namespace::a::b"), @r#"invalid filter "namespace::a::b": namespace "a::b" contains `::` at byte 12: expected a value without `|` or `::`"#);
    insta::assert_snapshot!(params_error(&[("name", "x|center::thirdparty")]), @r#"invalid query parameters: name "x|center::thirdparty" contains `|`: expected a value without `|` or `::`"#);
    let mut q = RepositoryQuery::default();
    q.namespace = Some("team|center::thirdparty".into());
    insta::assert_snapshot!(build_error(&q), @r#"cannot build filter: namespace "team|center::thirdparty" contains `|`: expected a value without `|` or `::`"#);
    let mut q = RepositoryQuery::default();
    q.name = Some("a::b".into());
    insta::assert_snapshot!(build_error(&q), @r#"cannot build filter: name "a::b" contains `::`: expected a value without `|` or `::`"#);
    let mut q = RepositoryQuery::default();
    q.category = Some(Category::Unknown("x|y".into()));
    insta::assert_snapshot!(build_error(&q), @r#"cannot build filter: category "x|y" contains `|`: expected a value without `|` or `::`"#);
}

#[test]
fn snapshot_bad_offset() {
    insta::assert_snapshot!(error("offset::-1|limit::10"), @r#"invalid filter "offset::-1|limit::10": invalid offset "-1" at byte 8: expected an integer in 0..=18446744073709551615"#);
    insta::assert_snapshot!(error("offset::ten|limit::10"), @r#"invalid filter "offset::ten|limit::10": invalid offset "ten" at byte 8: expected an integer in 0..=18446744073709551615"#);
    insta::assert_snapshot!(error("offset::18446744073709551616|limit::10"), @r#"invalid filter "offset::18446744073709551616|limit::10": invalid offset "18446744073709551616" at byte 8: expected an integer in 0..=18446744073709551615"#);
    insta::assert_snapshot!(error("offset:: 1|limit::10"), @r#"invalid filter "offset:: 1|limit::10": invalid offset " 1" at byte 8: expected an integer in 0..=18446744073709551615"#);
}

#[test]
fn snapshot_bad_limit() {
    insta::assert_snapshot!(error("offset::0|limit::0"), @r#"invalid filter "offset::0|limit::0": invalid limit "0" at byte 17: expected an integer in 1..=1000"#);
    insta::assert_snapshot!(error("offset::0|limit::1001"), @r#"invalid filter "offset::0|limit::1001": invalid limit "1001" at byte 17: expected an integer in 1..=1000"#);
    insta::assert_snapshot!(error("offset::0|limit::+5"), @r#"invalid filter "offset::0|limit::+5": invalid limit "+5" at byte 17: expected an integer in 1..=1000"#);
    insta::assert_snapshot!(params_error(&[("offset", "0"), ("limit", "99999999999")]), @r#"invalid query parameters: invalid limit "99999999999": expected an integer in 1..=1000"#);
    let mut q = RepositoryQuery::default();
    q.page = Some(PageRequest::new(0, 0));
    insta::assert_snapshot!(build_error(&q), @r#"cannot build filter: invalid limit "0": expected an integer in 1..=1000"#);
    q.page = Some(PageRequest::new(0, 1001));
    insta::assert_snapshot!(build_error(&q), @r#"cannot build filter: invalid limit "1001": expected an integer in 1..=1000"#);
}

#[test]
fn snapshot_bad_enumerations() {
    insta::assert_snapshot!(error("center::me"), @r#"invalid filter "center::me": invalid center "me" at byte 8: expected one of self, thirdparty"#);
    insta::assert_snapshot!(error("order_type::down"), @r#"invalid filter "order_type::down": invalid order_type "down" at byte 12: expected one of desc, asc"#);
    insta::assert_snapshot!(error("order_column::size"), @r#"invalid filter "order_column::size": invalid order_column "size" at byte 14: expected one of name, updated_time, tag_count, updated_at, namespace, is_public"#);
    insta::assert_snapshot!(error("is_public::yes"), @r#"invalid filter "is_public::yes": invalid is_public "yes" at byte 11: expected true or false"#);
    insta::assert_snapshot!(error("is_public::True"), @r#"invalid filter "is_public::True": invalid is_public "True" at byte 11: expected true or false"#);
}

#[test]
fn snapshot_unpaired_page() {
    insta::assert_snapshot!(error("center::self|offset::0"), @r#"invalid filter "center::self|offset::0": offset at byte 13 without limit: expected offset and limit together"#);
    insta::assert_snapshot!(error("limit::10"), @r#"invalid filter "limit::10": limit at byte 0 without offset: expected offset and limit together"#);
    insta::assert_snapshot!(params_error(&[("limit", "10")]), @"invalid query parameters: limit without offset: expected offset and limit together");
}

#[test]
fn the_underlying_unknown_value_is_the_source() {
    use std::error::Error;
    let err = parse_filter("center::me").unwrap_err();
    let source = err.source().map(|s| s.to_string());
    assert_eq!(
        source.as_deref(),
        Some(r#"invalid center "me": expected one of self, thirdparty"#)
    );
}

/// Text that is safe as a value: not empty, no `|`, no `::`.
fn text() -> impl Strategy<Value = String> {
    "[^|]{1,16}".prop_filter("no `::`", |s| !s.contains("::"))
}

fn category() -> impl Strategy<Value = Category> {
    prop_oneof![
        proptest::sample::select(Category::KNOWN.to_vec()),
        text().prop_map(|s| Category::from(s.as_str())),
    ]
}

fn page() -> impl Strategy<Value = PageRequest> {
    (any::<u64>(), 1..=PageRequest::MAX_LIMIT).prop_map(|(o, l)| PageRequest::new(o, l))
}

fn query() -> impl Strategy<Value = RepositoryQuery> {
    use proptest::option::of;
    use proptest::sample::select;
    (
        of(select(Center::ALL)),
        of(text()),
        of(text()),
        of(category()),
        of(select(OrderColumn::ALL)),
        of(select(OrderType::ALL)),
        of(any::<bool>()),
        of(page()),
    )
        .prop_map(
            |(center, namespace, name, category, column, order, public, page)| {
                let mut q = RepositoryQuery::default();
                q.center = center;
                q.namespace = namespace;
                q.name = name;
                q.category = category;
                q.order_column = column;
                q.order_type = order;
                q.is_public = public;
                q.page = page;
                q
            },
        )
}

/// Asserts the reader's error is well formed, and that what it accepts builds
/// back to text that reads the same.
fn check_text(input: &str) {
    match parse_filter(input) {
        Ok(q) => {
            let text = to_filter(&q).expect("an accepted query builds");
            assert_eq!(parse_filter(&text), Ok(q));
        }
        Err(err) => {
            if let Some(at) = err.at() {
                assert!(input.is_char_boundary(at), "{err}");
                assert!(err.to_string().contains(&format!("at byte {at}")));
            }
            assert_eq!(err.input(), Some(input));
        }
    }
}

proptest! {
    #[test]
    fn filter_round_trips(q in query()) {
        match to_filter(&q) {
            Ok(text) => {
                prop_assert_eq!(parse_filter(&text), Ok(q.clone()));
                prop_assert_eq!(parse_filter(&format!("'{text}'")), Ok(q));
            }
            Err(err) => {
                prop_assert_eq!(err.kind(), Kind::Empty);
                prop_assert_eq!(q, RepositoryQuery::default());
            }
        }
    }

    #[test]
    fn filter_reads_any_key_order(q in query(), seed in any::<u64>()) {
        prop_assume!(q != RepositoryQuery::default());
        let text = to_filter(&q).unwrap();
        let mut terms: Vec<&str> = text.split('|').collect();
        let len = terms.len();
        terms.rotate_left(usize::try_from(seed).unwrap_or(0) % len);
        terms.reverse();
        prop_assert_eq!(parse_filter(&terms.join("|")), Ok(q));
    }

    #[test]
    fn query_params_round_trip(q in query()) {
        let params = to_query_params(&q).unwrap();
        let back = from_query_params(params.iter().map(|(k, v)| (*k, v.as_str())));
        prop_assert_eq!(back, Ok(q));
    }

    #[test]
    fn never_panics_on_any_string(s in ".*") {
        check_text(&s);
    }

    #[test]
    fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        check_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn never_panics_on_near_misses(
        terms in proptest::collection::vec(
            (proptest::sample::select(KEYS.to_vec()), "[a-z0-9:|' +-]{0,6}"), 0..6),
        quoted in any::<bool>(),
    ) {
        let body: Vec<String> = terms.iter().map(|(k, v)| format!("{k}::{v}")).collect();
        let body = body.join("|");
        check_text(&if quoted { format!("'{body}'") } else { body });
    }

    #[test]
    fn params_never_panic(params in proptest::collection::vec(
        (prop_oneof![proptest::sample::select(KEYS.to_vec()).prop_map(String::from), ".*"], ".*"),
        0..8,
    )) {
        let pairs = params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        if let Ok(q) = from_query_params(pairs) {
            let back = to_query_params(&q).unwrap();
            let again = from_query_params(back.iter().map(|(k, v)| (*k, v.as_str())));
            prop_assert_eq!(again, Ok(q));
        }
    }
}
