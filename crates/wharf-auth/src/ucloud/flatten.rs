//! Flattening nested parameters into the flat `Key.0`, `Key.Sub` form.

use std::collections::BTreeMap;

use super::value::Value;

/// Flattens parameters as the Python SDK's `encoder.encode` does: a list
/// becomes `Key.0`, `Key.1`...; a map becomes `Key.Sub`; an empty list or map
/// disappears; scalars are [`Value::encode`]d. Nesting goes as deep as it
/// goes (`Key.0.Sub.1`). When two paths give the same key, the later one wins,
/// as in a Python `dict`.
///
/// The result is sorted by key as plain strings, the order the signature uses
/// (`Tag.10` before `Tag.2`).
///
/// One difference: the Python SDK turns a list directly inside a list into
/// its Python text (`"[1, 2]"`), which no UCloud API accepts; here it becomes
/// `Key.0.0`, `Key.0.1`, like every other nesting.
///
/// ```
/// use wharf_auth::ucloud::{flatten, Value};
///
/// let params = [
///     ("Tag", Value::from(vec!["a", "b"])),
///     ("Empty", Value::List(vec![])),
///     ("Disk", Value::List(vec![Value::Map(vec![
///         ("Size".to_owned(), Value::from(20)),
///         ("IsBoot".to_owned(), Value::from(true)),
///     ])])),
/// ];
/// let flat = flatten(&params);
/// let pairs: Vec<(&str, &str)> = flat.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
/// assert_eq!(pairs, [("Disk.0.IsBoot", "true"), ("Disk.0.Size", "20"), ("Tag.0", "a"), ("Tag.1", "b")]);
/// ```
pub fn flatten<K: AsRef<str>>(params: &[(K, Value)]) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    // Depth first, in order, with an explicit stack so that no nesting depth
    // can overflow the call stack.
    let mut pending: Vec<(String, &Value)> = params
        .iter()
        .rev()
        .map(|(key, value)| (key.as_ref().to_owned(), value))
        .collect();
    while let Some((key, value)) = pending.pop() {
        match value {
            Value::List(items) => pending.extend(
                items
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(index, item)| (format!("{key}.{index}"), item)),
            ),
            Value::Map(entries) => pending.extend(
                entries
                    .iter()
                    .rev()
                    .map(|(sub, item)| (format!("{key}.{sub}"), item)),
            ),
            scalar => {
                if let Some(text) = scalar.encode() {
                    flat.insert(key, text);
                }
            }
        }
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lists_and_maps_flatten_all_the_way() {
        let params = [(
            "A",
            Value::Map(vec![
                ("L".to_owned(), Value::List(vec![Value::from(vec![1, 2])])),
                ("M".to_owned(), Value::Map(vec![])),
            ]),
        )];
        let flat = flatten(&params);
        assert_eq!(flat.len(), 2);
        assert_eq!(flat["A.L.0.0"], "1");
        assert_eq!(flat["A.L.0.1"], "2");
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let mut value = Value::from("leaf");
        for _ in 0..20_000 {
            value = Value::List(vec![value]);
        }
        let params = [("K", value)];
        let flat = flatten(&params);
        assert_eq!(flat.values().next().map(String::as_str), Some("leaf"));
        // Dropping such a tree recurses too; leak it rather than test `Drop`.
        std::mem::forget(params);
    }

    #[test]
    fn later_duplicates_win() {
        let params = [
            ("A.0", Value::from("first")),
            ("A", Value::from(vec!["second"])),
        ];
        assert_eq!(flatten(&params)["A.0"], "second");
    }
}
