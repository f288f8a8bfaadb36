//! What is refused before anything is sent: only text that is unsafe to
//! send whatever the server's rules. Names under a provider's documented
//! rules (SWR's, api-notes 1.4) are checked by the model's name types;
//! everything else is the server's to judge.

/// Why `value` is unsafe to send as a name or a search text, if it is:
/// empty, a control character (CR and LF included, which could split a
/// header or a log line), or a `.` or `..` path component, which could
/// climb out of the place a server keeps it.
pub(crate) fn problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("is empty".to_owned());
    }
    if let Some((at, c)) = value.char_indices().find(|(_, c)| c.is_control()) {
        return Some(format!("holds the control character {c:?} at byte {at}"));
    }
    value
        .split('/')
        .find(|part| matches!(*part, "." | ".."))
        .map(|part| format!("holds the path component {part:?}, which climbs out of its place"))
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn only_the_unsafe_is_refused() {
        for fine in [
            "nginx",
            "api/gateway",
            "Ünïcödé",
            "a b",
            "a%2f",
            "UPPER",
            "a..b",
            "-x-",
        ] {
            assert_eq!(problem(fine), None, "{fine}");
        }
        assert_eq!(problem("").as_deref(), Some("is empty"));
        assert_eq!(
            problem("a\r\nb").as_deref(),
            Some(r"holds the control character '\r' at byte 1")
        );
        assert_eq!(
            problem("../etc").as_deref(),
            Some(r#"holds the path component "..", which climbs out of its place"#)
        );
        assert!(problem("a/./b").is_some());
    }
}
