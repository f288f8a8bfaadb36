//! `Content-Range`: seed examples, one snapshot per class of bad input,
//! round trips and "never panics".

use proptest::prelude::*;
use wharf_parse::{ContentRange, ContentRangeErrorKind as Kind, Total};

fn range(offset: u64, count: u64, total: Total) -> ContentRange {
    ContentRange::new(offset, count, total)
}

/// The message for input that must be refused.
fn error(input: &str) -> String {
    match ContentRange::parse(input) {
        Ok(range) => format!("unexpectedly read {input:?} as {range:?}"),
        Err(err) => err.to_string(),
    }
}

fn kind(input: &str) -> Option<Kind> {
    ContentRange::parse(input).err().map(|e| e.kind())
}

#[test]
fn seed_form_offset_count_total() {
    // swr-list-repos: "offset(开始索引)-count(当前页记录条数)/total(总记录条数)".
    let cases = [
        ("0-100/250", range(0, 100, Total::Known(250))),
        ("100-100/250", range(100, 100, Total::Known(250))),
        ("200-50/250", range(200, 50, Total::Known(250))),
        ("0-0/0", range(0, 0, Total::Known(0))),
        ("0-10/*", range(0, 10, Total::Unknown)),
    ];
    for (text, expected) in cases {
        assert_eq!(ContentRange::parse(text), Ok(expected), "{text}");
        assert_eq!(expected.to_string(), text);
    }
}

#[test]
fn lenient_forms() {
    let expected = range(0, 9, Total::Known(25));
    for text in [
        "items 0-9/25",
        "bytes 0-9/25",
        "  items\t 0-9/25 ",
        " 0 - 9 / 25 ",
        "\t0\t-\t9\t/\t25\t",
        "Items 00-09/025",
    ] {
        assert_eq!(ContentRange::parse(text), Ok(expected), "{text:?}");
        assert_eq!(text.parse::<ContentRange>(), Ok(expected), "{text:?}");
    }
    let max = format!("{m}-{m}/{m}", m = u64::MAX);
    let full = range(u64::MAX, u64::MAX, Total::Known(u64::MAX));
    assert_eq!(ContentRange::parse(&max), Ok(full));
    assert_eq!(full.end(), None);
}

#[test]
fn errors_know_their_kind_and_position() {
    let err = ContentRange::parse("items 0-9/x").unwrap_err();
    assert_eq!(err.kind(), Kind::ExpectedTotal);
    assert_eq!(err.at(), 10);
    assert_eq!(err.input(), "items 0-9/x");
    assert_eq!(kind("0-9/25 x"), Some(Kind::TrailingInput));
}

#[test]
fn snapshot_empty() {
    insta::assert_snapshot!(error(""), @r#"invalid Content-Range "": expected `offset-count/total` at byte 0"#);
    insta::assert_snapshot!(error(" \t "), @r#"invalid Content-Range " \t ": expected `offset-count/total` at byte 3"#);
}

#[test]
fn snapshot_not_a_digit() {
    insta::assert_snapshot!(error("0-x/5"), @r#"invalid Content-Range "0-x/5": expected a digit at byte 2"#);
    insta::assert_snapshot!(error("-1-9/25"), @r#"invalid Content-Range "-1-9/25": expected a digit at byte 0"#);
    insta::assert_snapshot!(error("+1-9/25"), @r#"invalid Content-Range "+1-9/25": expected a digit at byte 0"#);
    insta::assert_snapshot!(error("items"), @r#"invalid Content-Range "items": expected a space after the unit at byte 5"#);
    insta::assert_snapshot!(error("items "), @r#"invalid Content-Range "items ": expected a digit at byte 6"#);
    insta::assert_snapshot!(error("items bytes 0-9/25"), @r#"invalid Content-Range "items bytes 0-9/25": expected a digit at byte 6"#);
    insta::assert_snapshot!(error("٣-1/2"), @r#"invalid Content-Range "٣-1/2": expected a digit at byte 0"#);
}

#[test]
fn snapshot_bad_total() {
    insta::assert_snapshot!(error("0-9/"), @r#"invalid Content-Range "0-9/": expected a digit or `*` at byte 4"#);
    insta::assert_snapshot!(error("0-9/-1"), @r#"invalid Content-Range "0-9/-1": expected a digit or `*` at byte 4"#);
}

#[test]
fn snapshot_missing_separator() {
    insta::assert_snapshot!(error("0/9"), @r#"invalid Content-Range "0/9": expected `-` at byte 1"#);
    insta::assert_snapshot!(error("0 9/25"), @r#"invalid Content-Range "0 9/25": expected `-` at byte 2"#);
    insta::assert_snapshot!(error("0-9"), @r#"invalid Content-Range "0-9": expected `/` at byte 3"#);
    insta::assert_snapshot!(error("0-9 25"), @r#"invalid Content-Range "0-9 25": expected `/` at byte 4"#);
}

#[test]
fn snapshot_unit_without_space() {
    insta::assert_snapshot!(error("items0-9/25"), @r#"invalid Content-Range "items0-9/25": expected a space after the unit at byte 5"#);
}

#[test]
fn snapshot_overflow() {
    insta::assert_snapshot!(error("18446744073709551616-1/2"), @r#"invalid Content-Range "18446744073709551616-1/2": expected the offset to be at most 18446744073709551615 at byte 0"#);
    insta::assert_snapshot!(error("0-99999999999999999999/2"), @r#"invalid Content-Range "0-99999999999999999999/2": expected the count to be at most 18446744073709551615 at byte 2"#);
    insta::assert_snapshot!(error("0-1/ 18446744073709551616"), @r#"invalid Content-Range "0-1/ 18446744073709551616": expected the total to be at most 18446744073709551615 at byte 5"#);
}

#[test]
fn snapshot_trailing_input() {
    insta::assert_snapshot!(error("0-9/25 x"), @r#"invalid Content-Range "0-9/25 x": expected the end of the value at byte 7"#);
    insta::assert_snapshot!(error("0-9/25/3"), @r#"invalid Content-Range "0-9/25/3": expected the end of the value at byte 6"#);
    insta::assert_snapshot!(error("0-9/**"), @r#"invalid Content-Range "0-9/**": expected the end of the value at byte 5"#);
    insta::assert_snapshot!(error("0-9/25\n"), @r#"invalid Content-Range "0-9/25\n": expected the end of the value at byte 6"#);
    insta::assert_snapshot!(error("0.5-9/25"), @r#"invalid Content-Range "0.5-9/25": expected `-` at byte 1"#);
}

/// Spaces and tabs, possibly none.
fn spaces() -> impl Strategy<Value = String> {
    "[ \t]{0,3}"
}

fn total() -> impl Strategy<Value = Total> {
    prop_oneof![any::<u64>().prop_map(Total::Known), Just(Total::Unknown)]
}

fn any_range() -> impl Strategy<Value = ContentRange> {
    (any::<u64>(), any::<u64>(), total()).prop_map(|(o, c, t)| range(o, c, t))
}

/// Asserts the error is well formed: its position is inside the input, on a
/// character boundary, and the message quotes it.
fn check_error(input: &str) {
    if let Err(err) = ContentRange::parse(input) {
        assert!(input.is_char_boundary(err.at()), "{err}");
        assert!(err.to_string().contains(&format!("at byte {}", err.at())));
        assert_eq!(err.input(), input);
    }
}

proptest! {
    #[test]
    fn format_then_parse_round_trips(r in any_range()) {
        prop_assert_eq!(ContentRange::parse(&r.to_string()), Ok(r));
    }

    #[test]
    fn lenient_decorations_read_the_same(
        r in any_range(),
        unit in proptest::option::of("[A-Za-z]{1,8}"),
        s in proptest::collection::vec(spaces(), 7),
        gap in "[ \t]{1,3}",
    ) {
        let unit = unit.map(|u| format!("{u}{gap}")).unwrap_or_default();
        let text = format!(
            "{}{unit}{}{}-{}{}{}/{}{}{}",
            s[0], r.offset, s[1], s[2], r.count, s[3], s[4], r.total, s[5],
        );
        prop_assert_eq!(ContentRange::parse(&text), Ok(r));
    }

    #[test]
    fn never_panics_on_any_string(s in ".*") {
        check_error(&s);
    }

    #[test]
    fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        check_error(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn never_panics_on_near_misses(s in "[0-9a-z \t*/+-]{0,30}") {
        check_error(&s);
        if let Ok(r) = ContentRange::parse(&s) {
            prop_assert_eq!(ContentRange::parse(&r.to_string()), Ok(r));
        }
    }
}
