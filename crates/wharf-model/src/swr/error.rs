//! The SWR error body, in every shape Huawei services use.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The shape an SWR (or other Huawei service) error body came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorShape {
    /// `{"errorCode": "...", "errorMessage": "..."}`, as SWR documents it.
    ErrorCode,
    /// The same object wrapped in a one-element array.
    ErrorCodeArray,
    /// `{"error_code": "...", "error_msg": "..."}`.
    SnakeCase,
    /// `{"code": "...", "message": "..."}`.
    CodeMessage,
    /// `{"error": {"code": "...", "message": "..."}}`, as the API gateway sends it.
    Nested,
    /// JSON with none of the fields above.
    Unrecognized,
}

/// An SWR error body: the provider's error code and message, read from whichever
/// shape the server used, with the original JSON kept for encoding back.
///
/// ```
/// use wharf_model::{ErrorShape, SwrError};
///
/// let e: SwrError = serde_json::from_str(
///     r#"[{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"Invalid filter"}]"#,
/// )?;
/// assert_eq!(e.code(), Some("SVCSTG.SWR.4001048"));
/// assert_eq!(e.message(), Some("Invalid filter"));
/// assert_eq!(e.shape(), ErrorShape::ErrorCodeArray);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SwrError {
    code: Option<String>,
    message: Option<String>,
    shape: ErrorShape,
    raw: Value,
}

const SHAPES: [(ErrorShape, &str, &str); 3] = [
    (ErrorShape::ErrorCode, "errorCode", "errorMessage"),
    (ErrorShape::SnakeCase, "error_code", "error_msg"),
    (ErrorShape::CodeMessage, "code", "message"),
];

impl SwrError {
    /// An error body in SWR's documented shape, as the emulator sends it.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        let (code, message) = (code.into(), message.into());
        let mut raw = Map::new();
        raw.insert("errorCode".into(), Value::String(code.clone()));
        raw.insert("errorMessage".into(), Value::String(message.clone()));
        SwrError {
            code: Some(code),
            message: Some(message),
            shape: ErrorShape::ErrorCode,
            raw: Value::Object(raw),
        }
    }

    /// Reads the code and message out of any JSON value; never fails.
    pub fn from_value(raw: Value) -> Self {
        let (shape, object) = match &raw {
            Value::Array(items) if items.len() == 1 => {
                (Some(ErrorShape::ErrorCodeArray), items[0].as_object())
            }
            Value::Object(map) => match map.get("error").and_then(Value::as_object) {
                Some(inner) => (Some(ErrorShape::Nested), Some(inner)),
                None => (None, Some(map)),
            },
            _ => (None, None),
        };
        let found = object.and_then(|map| {
            SHAPES
                .iter()
                .find_map(|(found_shape, code_key, message_key)| {
                    let code = map.get(*code_key).and_then(text_of);
                    let message = map.get(*message_key).and_then(text_of);
                    (code.is_some() || message.is_some()).then_some((*found_shape, code, message))
                })
        });
        match found {
            Some((found_shape, code, message)) => SwrError {
                code,
                message,
                shape: shape.unwrap_or(found_shape),
                raw,
            },
            None => SwrError {
                code: None,
                message: None,
                shape: ErrorShape::Unrecognized,
                raw,
            },
        }
    }

    /// The provider's error code, such as `SVCSTG.SWR.4001048`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The provider's error message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The shape the body came in.
    pub fn shape(&self) -> ErrorShape {
        self.shape
    }

    /// The body as received.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// Codes are strings in SWR, but some services send numbers.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Serialize for SwrError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SwrError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(SwrError::from_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> SwrError {
        let e: SwrError = serde_json::from_str(json).unwrap();
        let back: Value = serde_json::to_value(&e).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
        e
    }

    #[test]
    fn every_shape() {
        let cases = [
            (
                r#"{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"bad"}"#,
                ErrorShape::ErrorCode,
            ),
            (
                r#"[{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"bad"}]"#,
                ErrorShape::ErrorCodeArray,
            ),
            (
                r#"{"error_code":"SVCSTG.SWR.4001048","error_msg":"bad"}"#,
                ErrorShape::SnakeCase,
            ),
            (
                r#"{"code":"SVCSTG.SWR.4001048","message":"bad"}"#,
                ErrorShape::CodeMessage,
            ),
            (
                r#"{"error":{"code":"SVCSTG.SWR.4001048","message":"bad"}}"#,
                ErrorShape::Nested,
            ),
        ];
        for (json, shape) in cases {
            let e = read(json);
            assert_eq!(e.shape(), shape, "{json}");
            assert_eq!(e.code(), Some("SVCSTG.SWR.4001048"), "{json}");
            assert_eq!(e.message(), Some("bad"), "{json}");
        }
    }

    #[test]
    fn numeric_codes_and_unknown_bodies() {
        let e = read(r#"{"code":401,"message":"no"}"#);
        assert_eq!(e.code(), Some("401"));
        let e = read(r#"{"something":"else"}"#);
        assert_eq!(e.shape(), ErrorShape::Unrecognized);
        assert_eq!(e.code(), None);
        let e = read(r#""plain text""#);
        assert_eq!(e.shape(), ErrorShape::Unrecognized);
    }

    #[test]
    fn new_writes_the_documented_shape() {
        let e = SwrError::new("SVCSTG.SWR.4001048", "bad");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"bad"}"#
        );
    }
}
