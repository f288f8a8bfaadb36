//! Values the UHub API sends in more than one JSON shape.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A UHub `RetCode`: `0` is success. Read from a number or a numeric string;
/// encodes back in the shape it came in.
///
/// ```
/// use wharf_model::RetCode;
///
/// let code: RetCode = serde_json::from_str(r#""153""#)?;
/// assert_eq!(code.code(), 153);
/// assert!(!code.is_success());
/// assert_eq!(serde_json::to_string(&code)?, r#""153""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RetCode {
    code: i64,
    as_text: bool,
}

impl RetCode {
    /// Success.
    pub const SUCCESS: RetCode = RetCode::new(0);
    /// 150: service unavailable; worth another try after a wait.
    pub const SERVICE_UNAVAILABLE: RetCode = RetCode::new(150);
    /// 153: rate limited; the caller should slow down.
    pub const RATE_LIMITED: RetCode = RetCode::new(153);

    /// A code sent as a JSON number.
    pub const fn new(code: i64) -> Self {
        RetCode {
            code,
            as_text: false,
        }
    }

    /// The numeric code.
    pub fn code(self) -> i64 {
        self.code
    }

    /// Whether the call succeeded.
    pub fn is_success(self) -> bool {
        self.code == 0
    }

    /// Whether the service asked the caller to slow down or come back later
    /// ([`RetCode::RATE_LIMITED`] or [`RetCode::SERVICE_UNAVAILABLE`]).
    pub fn is_throttling(self) -> bool {
        self.code == Self::RATE_LIMITED.code || self.code == Self::SERVICE_UNAVAILABLE.code
    }
}

impl fmt::Display for RetCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)
    }
}

impl Serialize for RetCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.as_text {
            serializer.collect_str(&self.code)
        } else {
            serializer.serialize_i64(self.code)
        }
    }
}

impl<'de> Deserialize<'de> for RetCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RetCodeVisitor)
    }
}

struct RetCodeVisitor;

impl Visitor<'_> for RetCodeVisitor {
    type Value = RetCode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a RetCode as an integer or a string of digits")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RetCode, E> {
        Ok(RetCode::new(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RetCode, E> {
        i64::try_from(v)
            .map(RetCode::new)
            .map_err(|_| E::custom(format_args!("RetCode {v} out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RetCode, E> {
        // Only the canonical spelling: `+1`, `007` or `-0` would not encode back
        // the same.
        match v.parse::<i64>() {
            Ok(code) if code.to_string() == v => Ok(RetCode {
                code,
                as_text: true,
            }),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

/// A boolean UHub sends as the string `"true"` or `"false"` (`IsShared`,
/// `IsOutSide`). A real JSON boolean is accepted too; either encodes back as it came.
///
/// ```
/// use wharf_model::BoolString;
///
/// let shared: BoolString = serde_json::from_str(r#""true""#)?;
/// assert!(shared.get());
/// assert_eq!(serde_json::to_string(&shared)?, r#""true""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BoolString {
    value: bool,
    as_bool: bool,
}

impl BoolString {
    /// A value that encodes as the string `"true"` or `"false"`, as UHub sends it.
    pub const fn new(value: bool) -> Self {
        BoolString {
            value,
            as_bool: false,
        }
    }

    /// The boolean.
    pub fn get(self) -> bool {
        self.value
    }
}

impl From<bool> for BoolString {
    fn from(value: bool) -> Self {
        BoolString::new(value)
    }
}

impl Serialize for BoolString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.as_bool, self.value) {
            (true, v) => serializer.serialize_bool(v),
            (false, true) => serializer.serialize_str("true"),
            (false, false) => serializer.serialize_str("false"),
        }
    }
}

impl<'de> Deserialize<'de> for BoolString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BoolStringVisitor)
    }
}

struct BoolStringVisitor;

impl Visitor<'_> for BoolStringVisitor {
    type Value = BoolString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#""true", "false" or a boolean"#)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<BoolString, E> {
        Ok(BoolString {
            value: v,
            as_bool: true,
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<BoolString, E> {
        match v {
            "true" => Ok(BoolString::new(true)),
            "false" => Ok(BoolString::new(false)),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ret_code_keeps_its_shape() {
        for json in ["0", "171", r#""0""#, r#""2001""#, "-1"] {
            let code: RetCode = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&code).unwrap(), json);
        }
    }

    #[test]
    fn ret_code_rejects_junk() {
        for json in [
            r#""""#, r#""12a""#, r#""+1""#, r#""007""#, r#""-0""#, "1.5", "true", "null",
        ] {
            let err = serde_json::from_str::<RetCode>(json).unwrap_err();
            assert!(err.to_string().contains("RetCode"), "{json}: {err}");
        }
    }

    #[test]
    fn bool_string_keeps_its_shape_and_rejects_junk() {
        for json in [r#""true""#, r#""false""#, "true", "false"] {
            let b: BoolString = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&b).unwrap(), json);
        }
        let err = serde_json::from_str::<BoolString>(r#""yes""#).unwrap_err();
        assert!(
            err.to_string().contains(r#"expected "true", "false""#),
            "{err}"
        );
    }
}
