//! Query strings and form bodies as decoded `(name, value)` pairs.

/// Decodes `name=value&...` (a query string or a form body); `+` is a space.
pub(crate) fn pairs(encoded: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(encoded).into_owned().collect()
}

/// The first value of `name`, if present and not empty.
pub(crate) fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// How many times `name` appears.
pub(crate) fn count(pairs: &[(String, String)], name: &str) -> usize {
    pairs.iter().filter(|(n, _)| n == name).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_finds() {
        let p = pairs(b"filter=namespace%3A%3Ateam%7Climit%3A%3A5&a=&b=x+y&b=z");
        assert_eq!(get(&p, "filter"), Some("namespace::team|limit::5"));
        assert_eq!(get(&p, "a"), None);
        assert_eq!(get(&p, "b"), Some("x y"));
        assert_eq!(count(&p, "b"), 2);
        assert!(pairs(b"").is_empty());
    }
}
