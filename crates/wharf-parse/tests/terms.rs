//! Filter terms for any set of keys: `read_terms` and `write_terms`, their
//! refusals with the byte they name, the round trip, and agreement with
//! `parse_filter`, which is built on the same grammar.

use proptest::prelude::*;
use wharf_parse::{FilterErrorKind as Kind, KEYS};
use wharf_parse::{Term, parse_filter, read_terms, write_terms};

/// List namespaces' keys.
const NAMESPACE_KEYS: &[&str] = &["namespace", "mode"];
/// List repository tags' keys.
const TAG_KEYS: &[&str] = &["offset", "limit", "order_column", "order_type", "tag"];

/// `(key, value)` of each term read.
fn pairs<'a>(terms: &[Term<'a>]) -> Vec<(&'static str, &'a str)> {
    terms.iter().map(|t| (t.key, t.value)).collect()
}

/// Kind, key, byte and message of the refusal of `text` read with `keys`.
fn refusal(text: &str, keys: &[&'static str]) -> (Kind, Option<String>, Option<usize>, String) {
    match read_terms(text, keys) {
        Ok(terms) => panic!("{text:?} read as {terms:?}"),
        Err(err) => {
            assert_eq!(err.input(), Some(text));
            (
                err.kind(),
                err.key().map(str::to_owned),
                err.at(),
                err.to_string(),
            )
        }
    }
}

/// Kind and message of the refusal to write `terms`.
fn write_refusal(terms: &[(&'static str, &str)]) -> (Kind, String) {
    match write_terms(terms.iter().copied()) {
        Ok(text) => panic!("{terms:?} written as {text:?}"),
        Err(err) => {
            assert_eq!((err.at(), err.input()), (None, None));
            (err.kind(), err.to_string())
        }
    }
}

/// Text, and the kind, key, byte and message of its refusal.
type ReadCase = (
    &'static str,
    Kind,
    Option<&'static str>,
    Option<usize>,
    &'static str,
);

/// Terms, and the kind and message of the refusal to write them.
type WriteCase = (&'static [(&'static str, &'static str)], Kind, &'static str);

#[test]
fn terms_read_with_where_they_start() {
    let terms = read_terms("tag::v1|offset::0|limit::10", TAG_KEYS).unwrap();
    assert_eq!(
        terms,
        [
            Term {
                key: "tag",
                value: "v1",
                key_at: 0,
                value_at: 5
            },
            Term {
                key: "offset",
                value: "0",
                key_at: 8,
                value_at: 16
            },
            Term {
                key: "limit",
                value: "10",
                key_at: 18,
                value_at: 25
            },
        ]
    );
    // Quoted, every byte moves by one: offsets are into the text as given.
    let quoted = read_terms("'tag::v1|offset::0|limit::10'", TAG_KEYS).unwrap();
    assert_eq!(pairs(&quoted), pairs(&terms));
    let moved: Vec<(usize, usize)> = quoted.iter().map(|t| (t.key_at, t.value_at)).collect();
    assert_eq!(moved, [(1, 6), (9, 17), (19, 26)]);
    // The key is the caller's own `&'static str`, in the caller's order.
    assert_eq!(
        pairs(&read_terms("mode::visible|namespace::team", NAMESPACE_KEYS).unwrap()),
        [("mode", "visible"), ("namespace", "team")]
    );
}

#[test]
fn values_are_taken_as_they_are() {
    let terms = read_terms("tag::a b:c'|namespace:::x", &["tag", "namespace"]).unwrap();
    assert_eq!(pairs(&terms), [("tag", "a b:c'"), ("namespace", ":x")]);
    assert_eq!(terms[1].value_at, 23);
    // A lone quote at either end is part of the text, not a quote pair.
    assert_eq!(
        pairs(&read_terms("tag::v1'", TAG_KEYS).unwrap()),
        [("tag", "v1'")]
    );
}

#[test]
fn refusals_name_the_key_and_the_byte() {
    let cases: &[ReadCase] = &[
        (
            "",
            Kind::Empty,
            None,
            None,
            r#"invalid filter "": no terms: expected at least one `key::value` term"#,
        ),
        (
            "''",
            Kind::Empty,
            None,
            None,
            r#"invalid filter "''": no terms: expected at least one `key::value` term"#,
        ),
        (
            "'tag::a",
            Kind::UnmatchedQuote,
            None,
            Some(0),
            r#"invalid filter "'tag::a": opening `'` at byte 0 is not closed: expected a closing `'`"#,
        ),
        (
            "tag::a||limit::1",
            Kind::NoSeparator,
            None,
            Some(7),
            r#"invalid filter "tag::a||limit::1": term "" at byte 7 has no `::`: expected `key::value`"#,
        ),
        (
            "'tag::a|limit'",
            Kind::NoSeparator,
            None,
            Some(8),
            r#"invalid filter "'tag::a|limit'": term "limit" at byte 8 has no `::`: expected `key::value`"#,
        ),
        (
            "::a",
            Kind::EmptyKey,
            None,
            Some(0),
            r#"invalid filter "::a": term "::a" at byte 0 has no key: expected `key::value`"#,
        ),
        (
            "tag::a|name::b",
            Kind::UnknownKey,
            Some("name"),
            Some(7),
            r#"invalid filter "tag::a|name::b": unknown key "name" at byte 7: expected one of offset, limit, order_column, order_type, tag"#,
        ),
        (
            "Tag::a",
            Kind::UnknownKey,
            Some("Tag"),
            Some(0),
            r#"invalid filter "Tag::a": unknown key "Tag" at byte 0: expected one of offset, limit, order_column, order_type, tag"#,
        ),
        (
            "tag::a|tag::b",
            Kind::RepeatedKey,
            Some("tag"),
            Some(7),
            r#"invalid filter "tag::a|tag::b": repeated key "tag" at byte 7: expected each key at most once"#,
        ),
        (
            "'limit::5|tag::'",
            Kind::EmptyValue,
            Some("tag"),
            Some(15),
            r#"invalid filter "'limit::5|tag::'": empty tag at byte 15: expected a value"#,
        ),
        (
            "tag::a::b",
            Kind::ForbiddenInValue,
            Some("tag"),
            Some(6),
            r#"invalid filter "tag::a::b": tag "a::b" contains `::` at byte 6: expected a value without `|` or `::`"#,
        ),
    ];
    for &(text, kind, key, at, message) in cases {
        let got = refusal(text, TAG_KEYS);
        assert_eq!(
            got,
            (kind, key.map(str::to_owned), at, message.to_owned()),
            "{text}"
        );
    }
    // The unknown key's message lists the keys it was read with.
    let (_, _, _, message) = refusal("name::team", NAMESPACE_KEYS);
    assert_eq!(
        message,
        r#"invalid filter "name::team": unknown key "name" at byte 0: expected one of namespace, mode"#
    );
    // No keys at all: every key is unknown.
    let (kind, ..) = refusal("tag::a", &[]);
    assert_eq!(kind, Kind::UnknownKey);
}

#[test]
fn the_first_mistake_is_the_one_reported() {
    // A repeated key before a later syntax error.
    let (kind, _, at, _) = refusal("tag::a|tag::b|c", TAG_KEYS);
    assert_eq!((kind, at), (Kind::RepeatedKey, Some(7)));
    // parse_filter gives each value its meaning as it reads: a bad value
    // before a later syntax error is reported first, as always.
    let err = parse_filter("center::me|oops").unwrap_err();
    assert_eq!((err.kind(), err.at()), (Kind::InvalidValue, Some(8)));
    let err = parse_filter("center::self|oops").unwrap_err();
    assert_eq!((err.kind(), err.at()), (Kind::NoSeparator, Some(13)));
    assert_eq!(err, read_terms("center::self|oops", &KEYS).unwrap_err());
}

#[test]
fn terms_write_in_the_order_given() {
    assert_eq!(
        write_terms([("namespace", "team"), ("mode", "visible")]).as_deref(),
        Ok("namespace::team|mode::visible")
    );
    assert_eq!(write_terms([("tag", "v1")]).as_deref(), Ok("tag::v1"));
    // What parse_filter's keys would refuse as values is the caller's to
    // judge: the grammar takes any text without `|` or `::`.
    assert_eq!(
        write_terms([("limit", "0"), ("x_1", ":a b'")]).as_deref(),
        Ok("limit::0|x_1:::a b'")
    );
    let owned = String::from("team");
    let text = write_terms([("namespace", owned.as_str())]).unwrap();
    assert_eq!(text, "namespace::team");
}

#[test]
fn writing_refuses_what_would_not_read_back() {
    let cases: &[WriteCase] = &[
        (
            &[],
            Kind::Empty,
            "cannot build filter: no terms: expected at least one `key::value` term",
        ),
        (
            &[("tag", "")],
            Kind::EmptyValue,
            "cannot build filter: empty tag: expected a value",
        ),
        (
            &[("namespace", "team|mode::all")],
            Kind::ForbiddenInValue,
            r#"cannot build filter: namespace "team|mode::all" contains `|`: expected a value without `|` or `::`"#,
        ),
        (
            &[("tag", "a::b|c")],
            Kind::ForbiddenInValue,
            r#"cannot build filter: tag "a::b|c" contains `::`: expected a value without `|` or `::`"#,
        ),
        (
            &[("tag", "a"), ("tag", "b")],
            Kind::RepeatedKey,
            r#"cannot build filter: repeated key "tag": expected each key at most once"#,
        ),
        (
            &[("", "a")],
            Kind::InvalidKey,
            r#"cannot build filter: invalid key "": expected ASCII letters, digits and `_`"#,
        ),
        (
            &[("tag|mode", "a")],
            Kind::InvalidKey,
            r#"cannot build filter: invalid key "tag|mode": expected ASCII letters, digits and `_`"#,
        ),
        (
            &[("tag:", "a")],
            Kind::InvalidKey,
            r#"cannot build filter: invalid key "tag:": expected ASCII letters, digits and `_`"#,
        ),
        (
            &[("'tag", "a'")],
            Kind::InvalidKey,
            r#"cannot build filter: invalid key "'tag": expected ASCII letters, digits and `_`"#,
        ),
    ];
    for &(terms, kind, message) in cases {
        assert_eq!(
            write_refusal(terms),
            (kind, message.to_owned()),
            "{terms:?}"
        );
    }
}

/// The keys a round trip draws from.
const POOL: &[&str] = &[
    "center",
    "namespace",
    "mode",
    "offset",
    "limit",
    "tag",
    "order_column",
    "x9",
];

/// Text that is safe as a value: not empty, no `|`, no `::`.
fn value() -> impl Strategy<Value = String> {
    "[^|]{1,12}".prop_filter("no `::`", |s| !s.contains("::"))
}

/// Distinct keys from [`POOL`], in any order, each with a value.
fn terms() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    proptest::sample::subsequence(POOL, 1..=POOL.len())
        .prop_shuffle()
        .prop_flat_map(|keys| {
            let n = keys.len();
            (Just(keys), proptest::collection::vec(value(), n))
        })
        .prop_map(|(keys, values)| keys.into_iter().zip(values).collect())
}

proptest! {
    #[test]
    fn write_then_read_round_trips(terms in terms(), quoted in any::<bool>()) {
        let text = write_terms(terms.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        let text = if quoted { format!("'{text}'") } else { text };
        let read = read_terms(&text, POOL).unwrap();
        let back: Vec<(&str, &str)> = read.iter().map(|t| (t.key, t.value)).collect();
        let want: Vec<(&str, &str)> = terms.iter().map(|(k, v)| (*k, v.as_str())).collect();
        prop_assert_eq!(back, want);
        for term in &read {
            let key_end = term.key_at + term.key.len();
            prop_assert_eq!(&text[term.key_at..key_end], term.key);
            prop_assert_eq!(&text[key_end..term.value_at], "::");
            prop_assert_eq!(&text[term.value_at..term.value_at + term.value.len()], term.value);
        }
    }

    #[test]
    fn reading_never_panics_and_names_a_real_byte(s in ".*", quoted in any::<bool>()) {
        let text = if quoted { format!("'{s}'") } else { s };
        match read_terms(&text, POOL) {
            Ok(read) => {
                // What reads, writes back to the same pairs.
                let again = write_terms(read.iter().map(|t| (t.key, t.value))).unwrap();
                let reread = read_terms(&again, POOL).unwrap();
                let a: Vec<(&str, &str)> = read.iter().map(|t| (t.key, t.value)).collect();
                let b: Vec<(&str, &str)> = reread.iter().map(|t| (t.key, t.value)).collect();
                prop_assert_eq!(a, b);
            }
            Err(err) => {
                prop_assert_eq!(err.input(), Some(text.as_str()));
                if let Some(at) = err.at() {
                    prop_assert!(text.is_char_boundary(at), "{}", err);
                    let byte = format!("at byte {at}");
                    prop_assert!(err.to_string().contains(&byte), "{}", err);
                }
            }
        }
    }

    #[test]
    fn near_misses_never_panic(
        terms in proptest::collection::vec(
            (proptest::sample::select(POOL.to_vec()), "[a-z0-9:|' ]{0,5}"), 0..6),
        quoted in any::<bool>(),
    ) {
        let body: Vec<String> = terms.iter().map(|(k, v)| format!("{k}::{v}")).collect();
        let body = body.join("|");
        let text = if quoted { format!("'{body}'") } else { body };
        if let Err(err) = read_terms(&text, POOL) {
            prop_assert_eq!(err.input(), Some(text.as_str()));
        }
    }

    /// parse_filter follows read_terms' grammar: text the grammar refuses
    /// is refused, with the grammar's error unless a value before it was
    /// already wrong.
    #[test]
    fn parse_filter_follows_the_grammar(s in "[a-z_:|' 0-9]{0,40}") {
        match (read_terms(&s, &KEYS), parse_filter(&s)) {
            (Err(grammar), Err(parsed)) => {
                if parsed != grammar {
                    prop_assert_eq!(parsed.kind(), Kind::InvalidValue, "{} / {}", parsed, grammar);
                    prop_assert!(parsed.at() < grammar.at(), "{} / {}", parsed, grammar);
                }
            }
            (Err(grammar), Ok(query)) => {
                prop_assert!(false, "{:?} read as {:?} despite {}", s, query, grammar);
            }
            (Ok(_), Err(parsed)) => {
                prop_assert!(
                    matches!(parsed.kind(), Kind::InvalidValue | Kind::UnpairedPage),
                    "{}", parsed
                );
            }
            (Ok(_), Ok(_)) => {}
        }
    }
}
