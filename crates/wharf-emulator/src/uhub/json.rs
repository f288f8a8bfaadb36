//! A UHub JSON body read as parameters, member by member, without building
//! the document: a value that is an array or an object is skipped unread and
//! refused, a member given twice stays twice (and is refused as repeated, as
//! in a form), and more than [`MAX_PARAMS`] members are refused. A 1 MiB body
//! then costs about what its parameters cost, never a tree of values.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::http::params::{MAX_PARAMS, TooMany};

/// The error a member past [`MAX_PARAMS`] stops the reading with.
const TOO_MANY: &str = "wharf-emulator: too many members";

/// A JSON object's members as text pairs, in the body's order, each value as
/// the UCloud SDKs sign it: a string as is, an integral number without a
/// fraction (`3.0` is `3`), a boolean as `true`/`false`. Anything else is
/// refused, naming the first such member: nothing sent is dropped. The error
/// is the problem, to follow `Params error: `.
pub(crate) fn pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let read = Body::deserialize(&mut deserializer).and_then(|b| deserializer.end().map(|()| b));
    match read {
        Err(e) if e.is_data() && e.to_string().starts_with(TOO_MANY) => Err(TooMany.to_string()),
        Err(e) => Err(format!("the body is not JSON: {e}")),
        Ok(Body::NotObject) => Err("the body is JSON but not an object".to_owned()),
        Ok(Body::Object(_, Some(problem))) => Err(problem),
        Ok(Body::Object(pairs, None)) => Ok(pairs),
    }
}

/// A body read: an object's pairs and the first problem with a member, or
/// something other than an object.
enum Body {
    Object(Vec<(String, String)>, Option<String>),
    NotObject,
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let mut pairs = Vec::new();
        let mut problem = None;
        let mut members = 0usize;
        while let Some(name) = map.next_key::<String>()? {
            members += 1;
            if members > MAX_PARAMS {
                return Err(A::Error::custom(TOO_MANY));
            }
            match map.next_value::<Scalar>()? {
                Scalar::Text(text) => pairs.push((name, text)),
                Scalar::Not(kind) => {
                    problem.get_or_insert_with(|| {
                        format!("{name} is {kind}; expected a string, a number or a boolean")
                    });
                }
            }
        }
        Ok(Body::Object(pairs, problem))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Body, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Body::NotObject)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_str<E>(self, _: &str) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_unit<E>(self) -> Result<Body, E> {
        Ok(Body::NotObject)
    }
}

/// A member's value: its text as signed, or what it is instead.
enum Scalar {
    Text(String),
    Not(&'static str),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or a boolean")
    }

    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }

    /// As the UCloud SDKs print a number when signing: an integral float
    /// without its fraction.
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        let text = if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
            format!("{}", v as i64)
        } else {
            serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())
        };
        Ok(Scalar::Text(text))
    }

    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Not("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Not("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Not("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
        pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn members_read_as_signed() {
        let read = pairs(br#"{"b":"x","a":3.0,"c":true,"d":-7,"e":1.5,"f":1e300}"#).unwrap();
        assert_eq!(
            text(&read),
            [
                ("b", "x"),
                ("a", "3"),
                ("c", "true"),
                ("d", "-7"),
                ("e", "1.5"),
                ("f", "1e+300")
            ]
        );
    }

    #[test]
    fn a_member_given_twice_stays_twice() {
        let read = pairs(br#"{"Limit":"1","Limit":"2"}"#).unwrap();
        assert_eq!(text(&read), [("Limit", "1"), ("Limit", "2")]);
    }

    #[test]
    fn what_is_refused_says_why() {
        let problem = |body: &[u8]| pairs(body).unwrap_err();
        assert_eq!(
            problem(br#"{"Action":"GetRepo","Limit":[1,[2]],"Offset":null}"#),
            "Limit is an array; expected a string, a number or a boolean"
        );
        assert_eq!(
            problem(br#"{"Offset":null}"#),
            "Offset is null; expected a string, a number or a boolean"
        );
        assert_eq!(
            problem(br#"{"A":{"b":1}}"#),
            "A is an object; expected a string, a number or a boolean"
        );
        for not_object in [&b"[1,2]"[..], b"3", b"\"x\"", b"null", b"true"] {
            assert_eq!(problem(not_object), "the body is JSON but not an object");
        }
        // A syntax error anywhere wins over a member's problem.
        assert!(problem(br#"{"A":[1],"#).starts_with("the body is not JSON: "));
        assert!(problem(br#"{"A":"x"} trailing"#).starts_with("the body is not JSON: "));
        assert!(problem(b"").starts_with("the body is not JSON: "));
        // Skipped without recursing: no depth is too deep to refuse.
        let deep = format!("{{\"A\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            problem(deep.as_bytes()),
            "A is an array; expected a string, a number or a boolean"
        );
    }

    #[test]
    fn too_many_members_are_refused() {
        let members: Vec<String> = (0..MAX_PARAMS).map(|i| format!("\"K{i}\":{i}")).collect();
        let most = format!("{{{}}}", members.join(","));
        assert_eq!(pairs(most.as_bytes()).map(|p| p.len()), Ok(MAX_PARAMS));
        let over = format!("{{{},\"one\":\"more\"}}", members.join(","));
        assert_eq!(
            pairs(over.as_bytes()),
            Err("more than 1000 parameters".to_owned())
        );
    }
}
