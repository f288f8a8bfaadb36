//! The control route, `POST /_emulator/push`: a test changes the catalog
//! between two calls of the client it tests (a plan and its apply, say), as
//! a `docker push` would. Served only when asked (`--control`,
//! [`EmulatorBuilder::control`](crate::EmulatorBuilder::control)); when
//! not, the path is as unknown as any other. It is the emulator's own, no
//! provider's: no signature is checked, and no fault, latency or rate limit
//! applies to it, so that a scripted fault still lands on the API request
//! it was meant for.
//!
//! The body is one JSON object:
//!
//! | field | required | meaning |
//! |---|---|---|
//! | `namespace` | yes | an existing namespace (UHub repo); an unknown one is a `404` |
//! | `repository` | yes | the repository (UHub image), created if needed |
//! | `tag` | yes | the tag, by the OCI rule; created, or replaced if it exists |
//! | `digest` | yes | `sha256:` and 64 lowercase hex digits |
//! | `updated` | yes | when it was pushed, RFC 3339 (`2024-06-15T12:00:00Z`) |
//! | `size` | no | its size in bytes; default 10485760 (10 MiB, the emulator's choice) |
//!
//! Answers, JSON: `200` `{"pushed":"NS/REPO:TAG","created_repository":false,"replaced_tag":true}`;
//! `400` `{"error":"..."}` naming the field that is missing, of the wrong
//! type, unknown or not valid (or saying the body is not a JSON object);
//! `404` `{"error":"namespace \"x\" does not exist ..."}`; `405` for a
//! method other than `POST`. The push is the one
//! [`Emulator::push`](crate::Emulator::push) makes.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};
use wharf_model::{ImageRef, NamespaceName, RepositoryName, Timestamp, TimestampFormat};

use crate::data::{PushError, TagRecord, check_tag};
use crate::http::body;
use crate::http::json::json as json_response;
use crate::state::Shared;

/// The control route's path.
pub(crate) const PUSH_PATH: &str = "/_emulator/push";

/// A pushed tag's size when the body gives none: 10 MiB.
pub(crate) const DEFAULT_SIZE: u64 = 10 << 20;

/// The fields a push body may have.
const FIELDS: [&str; 6] = [
    "namespace",
    "repository",
    "tag",
    "digest",
    "updated",
    "size",
];

/// `POST /_emulator/push`.
pub(crate) async fn push(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.method() != Method::POST {
        let message = format!(
            "method {} is not allowed on {PUSH_PATH}: use POST",
            request.method()
        );
        return error(StatusCode::METHOD_NOT_ALLOWED, message);
    }
    let body = body::received(request.extensions());
    let (image, tag) = match read(&body) {
        Ok(push) => push,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let name = format!("{image}:{}", tag.name);
    match shared.index().push(&image, tag) {
        Ok(pushed) => json_response(
            StatusCode::OK,
            &json!({
                "pushed": name,
                "created_repository": pushed.created_repository,
                "replaced_tag": pushed.replaced_tag,
            }),
        ),
        Err(e @ PushError::UnknownNamespace(_)) => {
            error(StatusCode::NOT_FOUND, format!("field `namespace`: {e}"))
        }
        Err(e) => error(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

/// `{"error": message}` with `status`.
fn error(status: StatusCode, message: String) -> Response {
    json_response(status, &json!({ "error": message }))
}

/// The image and tag a push body names, or what is wrong with it, naming
/// the field.
pub(crate) fn read(body: &[u8]) -> Result<(ImageRef, TagRecord), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Object(fields) = value else {
        return Err(format!(
            "the body is {}, not a JSON object with the fields {}",
            kind(&value),
            FIELDS.join(", ")
        ));
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "field `{unknown}` is not known: the fields are {} (`size` optional)",
            FIELDS.join(", ")
        ));
    }
    let field = |name: &str| -> Result<String, String> {
        text(&fields, name)?.ok_or_else(|| format!("field `{name}` is missing"))
    };
    let namespace =
        NamespaceName::new(field("namespace")?).map_err(|e| format!("field `namespace`: {e}"))?;
    let repository = RepositoryName::new(field("repository")?)
        .map_err(|e| format!("field `repository`: {e}"))?;
    let updated_text = field("updated")?;
    let updated = Timestamp::parse(&updated_text)
        .ok()
        .filter(|t| t.format() == TimestampFormat::Rfc3339)
        .ok_or_else(|| {
            format!(
                "field `updated`: {updated_text:?} is not an RFC 3339 time (such as 2024-06-15T12:00:00Z)"
            )
        })?;
    let size = match fields.get("size") {
        None => DEFAULT_SIZE,
        Some(value) => value.as_u64().ok_or_else(|| {
            format!(
                "field `size` is {}; expected a whole number of bytes, 0 or more",
                kind(value)
            )
        })?,
    };
    let tag = TagRecord::new(field("tag")?, size, field("digest")?, updated);
    check_tag(&tag).map_err(|e| match e {
        PushError::InvalidTag(problem) => format!("field `tag`: {problem}"),
        other => format!("field `digest`: {other}"),
    })?;
    Ok((ImageRef::new(namespace, repository), tag))
}

/// Field `name` of `fields` as text, `None` when absent; refused when not
/// a string.
fn text(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match fields.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(format!(
            "field `{name}` is {}; expected a string",
            kind(other)
        )),
    }
}

/// What kind of JSON value `value` is, for a message.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    fn body(extra: &str) -> String {
        format!(
            r#"{{"namespace":"team","repository":"api/gateway","tag":"v9","digest":"{DIGEST}","updated":"2024-06-15T12:00:00Z"{extra}}}"#
        )
    }

    #[test]
    fn a_body_reads_with_its_defaults() {
        let (image, tag) = read(body("").as_bytes()).unwrap();
        assert_eq!(image.to_string(), "team/api/gateway");
        assert_eq!((tag.name.as_str(), tag.size), ("v9", DEFAULT_SIZE));
        assert_eq!(tag.updated_at.to_string(), "2024-06-15T12:00:00Z");
        let (_, tag) = read(body(r#","size":5"#).as_bytes()).unwrap();
        assert_eq!(tag.size, 5);
    }

    #[test]
    fn what_is_wrong_names_the_field() {
        let problem = |text: &str| read(text.as_bytes()).unwrap_err();
        assert!(problem("{").starts_with("the body is not JSON: "));
        assert!(problem("[]").starts_with("the body is an array, not a JSON object"));
        assert_eq!(
            problem(r#"{"namespace":"team"}"#),
            "field `repository` is missing"
        );
        assert!(problem(&body(r#","colour":1"#)).starts_with("field `colour` is not known"));
        assert_eq!(
            problem(&body(r#","size":"big""#)),
            "field `size` is a string; expected a whole number of bytes, 0 or more"
        );
        assert_eq!(
            problem(&body(r#","size":-1"#)),
            "field `size` is a number; expected a whole number of bytes, 0 or more"
        );
        let wrong_type = body("").replace(r#""tag":"v9""#, r#""tag":9"#);
        assert_eq!(
            problem(&wrong_type),
            "field `tag` is a number; expected a string"
        );
        let bad = body("").replace("team", "Team");
        assert!(problem(&bad).starts_with("field `namespace`: invalid namespace"));
        let bad = body("").replace("api/gateway", "api//gateway");
        assert!(problem(&bad).starts_with("field `repository`: "));
        let bad = body("").replace(r#""v9""#, r#""-v9""#);
        assert!(
            problem(&bad).starts_with("field `tag`: "),
            "{}",
            problem(&bad)
        );
        let bad = body("").replace(DIGEST, "sha256:xyz");
        assert!(
            problem(&bad).starts_with("field `digest`: "),
            "{}",
            problem(&bad)
        );
        let bad = body("").replace("2024-06-15T12:00:00Z", "2024-06-15 12:00:00");
        assert!(
            problem(&bad)
                .starts_with("field `updated`: \"2024-06-15 12:00:00\" is not an RFC 3339 time")
        );
    }
}
