//! The UHub API at `/`: `GetRepo` ([`repos`]), `GetRepoImage` and
//! `DeleteRepoImage` ([`images`]) and `GetImageTag` ([`tags`]), over `GET`
//! with a query string or `POST` with a form (or [`json`]) body. Here: reading a call and its `Action`,
//! the signature check, the dispatch to the action, and the `RetCode`
//! errors every action answers with.
//!
//! The modules here depend on [`data`](crate::data), [`state`](crate::state)
//! and the helpers of [`http`](crate::http) (`body`, `json`, `params`),
//! never on `swr`.
//!
//! Every answer is HTTP 200 with a `RetCode`; the codes the emulator sends:
//!
//! | RetCode | when |
//! |---|---|
//! | 0 | success |
//! | 153 | rate limited: over `--rate-limit` (api-notes 2.2: "153 rate limited"), or an injected fault |
//! | 160 | no `Action`, or an empty one |
//! | 161 | an `Action` the emulator does not serve |
//! | 170 | no `Signature` |
//! | 171 | a wrong `Signature`, or a repeated parameter |
//! | 172 | no `PublicKey`, or an unknown one |
//! | 230 | a missing, invalid, repeated or empty parameter, named in `Message`; a URL `Action` unlike the body's; a body over 1 MiB or unreadable (the emulator's choice) |
//! | 232 | the repo, image or tag does not exist (the emulator's choice) |

mod images;
mod json;
mod repos;
mod tags;

use std::ops::Range;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use wharf_model::{ImageSet, RetCode, Timestamp, TimestampFormat, UhubItem, UhubResponse};

use crate::data::{NamespaceRecord, View};
use crate::http::body::{self, BodyError};
use crate::http::json::ok;
use crate::http::params::{self, ParamError};
use crate::state::Shared;

/// No `Action`.
pub(crate) const RET_MISSING_ACTION: i64 = 160;
/// An unknown `Action`.
pub(crate) const RET_UNKNOWN_ACTION: i64 = 161;
/// A missing or invalid parameter.
pub(crate) const RET_BAD_PARAM: i64 = 230;
/// No such repo or image.
pub(crate) const RET_NOT_FOUND: i64 = 232;

/// The actions served.
const ACTIONS: [&str; 4] = ["GetRepoImage", "GetImageTag", "GetRepo", "DeleteRepoImage"];

/// The action whose calls [`is_delete`] counts.
const DELETE_ACTION: &str = "DeleteRepoImage";

/// UHub's default page size.
const DEFAULT_LIMIT: u64 = 20;

/// A failure as an HTTP 200 UHub body.
fn failure(action: Option<&str>, code: i64, message: impl Into<String>) -> Response {
    let mut body =
        UhubResponse::<ImageSet>::failure(action.unwrap_or(""), RetCode::new(code), message);
    if action.is_none() {
        body.action = None;
    }
    ok(&body)
}

fn success<T: UhubItem>(action: &str, total: usize, items: Vec<T>) -> Response {
    ok(&UhubResponse::success(action, total as u64, items))
}

/// The "rate limited" answer (RetCode 153, HTTP 200), echoing the action,
/// with `message`: the injected fault's, or the rate limit's.
pub(crate) fn rate_limited(request: Request, message: &str) -> Response {
    let (parts, _) = request.into_parts();
    let body = body::received(&parts.extensions);
    let action = read_params(&parts.method, &parts.uri, &parts.headers, &body)
        .ok()
        .and_then(|params| action_of(&params, &parts.uri).ok().flatten());
    failure(action.as_deref(), RetCode::RATE_LIMITED.code(), message)
}

/// Whether a call is a `DeleteRepoImage`, whatever its other parameters
/// and whether or not it will be served: to count the delete requests
/// received. Only a call whose query or body holds the action's name is
/// read.
pub(crate) fn is_delete(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> bool {
    let name = DELETE_ACTION.as_bytes();
    let holds = |bytes: &[u8]| bytes.windows(name.len()).any(|w| w == name);
    if !holds(body) && !holds(uri.query().unwrap_or("").as_bytes()) {
        return false;
    }
    read_params(method, uri, headers, body)
        .ok()
        .and_then(|params| action_of(&params, uri).ok().flatten())
        .is_some_and(|action| action == DELETE_ACTION)
}

/// The answer to a request body that could not be read.
pub(crate) fn bad_body(e: &BodyError) -> Response {
    failure(None, RET_BAD_PARAM, format!("Params error: {e}"))
}

/// Why a call's parameters could not be read.
#[derive(Debug, PartialEq)]
enum Unreadable {
    /// Neither `GET` nor `POST`.
    Method,
    /// A JSON body that is not an object of scalars; the message says why.
    Json(String),
    /// More than [`params::MAX_PARAMS`] parameters.
    TooMany,
}

/// The parameters of a call: the query string for `GET`, the body for `POST`
/// (a form, or JSON when the media type says so).
fn read_params(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, Unreadable> {
    match *method {
        Method::GET | Method::HEAD => params::form_bounded(uri.query().unwrap_or("").as_bytes())
            .map_err(|_| Unreadable::TooMany),
        Method::POST if is_json(headers) => json::pairs(body).map_err(Unreadable::Json),
        Method::POST => params::form_bounded(body).map_err(|_| Unreadable::TooMany),
        _ => Err(Unreadable::Method),
    }
}

/// Whether the body is JSON: media types compare without case
/// (`Application/JSON; charset=utf-8` is JSON).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// `Action` of a call, from its parameters and the URL.
///
/// The Go SDK sends `Action` twice: in the signed form body and on the URL
/// (`POST /?Action=...`). A URL `Action` is only trusted as part of the
/// signed parameters: when the body has none, the URL's is added to
/// `params` (so a body signed without `Action` fails its signature), and a
/// body `Action` that differs from the URL's is refused. For `GET` the URL
/// *is* the parameters.
fn resolve_action(
    method: &Method,
    uri: &Uri,
    params: &mut Vec<(String, String)>,
) -> Result<Option<String>, ParamError> {
    let in_params = params::get(params, "Action")?.map(str::to_owned);
    if matches!(*method, Method::GET | Method::HEAD) {
        return Ok(in_params);
    }
    let url = params::form(uri.query().unwrap_or("").as_bytes());
    let Some(on_url) = params::get(&url, "Action")? else {
        return Ok(in_params);
    };
    match in_params {
        None => {
            params.push(("Action".to_owned(), on_url.to_owned()));
            Ok(Some(on_url.to_owned()))
        }
        Some(action) if action == on_url => Ok(Some(action)),
        Some(action) => Err(ParamError::Invalid {
            name: "Action".to_owned(),
            value: on_url.to_owned(),
            expected: format!("the body's Action {action:?}"),
        }),
    }
}

/// `Action` from the parameters, else from the URL; for a failure's echo only.
fn action_of(params: &[(String, String)], uri: &Uri) -> Result<Option<String>, ParamError> {
    if let Some(action) = params::get(params, "Action")? {
        return Ok(Some(action.to_owned()));
    }
    let url = params::form(uri.query().unwrap_or("").as_bytes());
    Ok(params::get(&url, "Action")?.map(str::to_owned))
}

/// A call the emulator will not serve, and how it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The HTTP status: 200, as UHub answers, or 405 for a bad method.
    pub(crate) status: StatusCode,
    /// The `Action` to echo, when it is known.
    pub(crate) action: Option<String>,
    /// The `RetCode`.
    pub(crate) code: i64,
    /// The `Message`.
    pub(crate) message: String,
}

impl Refusal {
    fn new(action: Option<&str>, code: i64, message: impl Into<String>) -> Self {
        Refusal {
            status: StatusCode::OK,
            action: action.map(str::to_owned),
            code,
            message: message.into(),
        }
    }

    fn into_response(self) -> Response {
        let mut response = failure(self.action.as_deref(), self.code, self.message);
        *response.status_mut() = self.status;
        response
    }
}

/// Reads a call from its request, before any credential is checked: its
/// served `Action` and its parameters (`Action` included), or the refusal
/// to answer with. Pure, so that it can be fuzzed.
pub(crate) fn read_call(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, Vec<(String, String)>), Refusal> {
    let mut params = match read_params(method, uri, headers, body) {
        Ok(params) => params,
        Err(Unreadable::Json(problem)) => {
            return Err(Refusal::new(
                None,
                RET_BAD_PARAM,
                format!("Params error: {problem}"),
            ));
        }
        Err(Unreadable::TooMany) => {
            let message = format!("Params error: {}", params::TooMany);
            return Err(Refusal::new(None, RET_BAD_PARAM, message));
        }
        Err(Unreadable::Method) => {
            let message = format!("Method {method} is not allowed: use GET or POST");
            let mut refusal = Refusal::new(None, RET_BAD_PARAM, message);
            refusal.status = StatusCode::METHOD_NOT_ALLOWED;
            return Err(refusal);
        }
    };
    let action = match resolve_action(method, uri, &mut params) {
        Ok(Some(action)) => action,
        Ok(None) => return Err(Refusal::new(None, RET_MISSING_ACTION, "Missing Action")),
        Err(ParamError::Empty(_)) => {
            return Err(Refusal::new(
                None,
                RET_MISSING_ACTION,
                "Missing Action (Action is empty)",
            ));
        }
        Err(e) => return Err(Refusal::new(None, RET_BAD_PARAM, param_message(&e))),
    };
    if !ACTIONS.contains(&action.as_str()) {
        return Err(Refusal::new(
            Some(&action),
            RET_UNKNOWN_ACTION,
            format!("Action [{action}] not exist"),
        ));
    }
    Ok((action, params))
}

/// The parameters each action reads, read as it reads them, without the
/// catalog: `RepoName` (and `ImageName`) required, paging, `Type`. For
/// the fuzz targets and tests; the handlers read the same through
/// [`required`], [`optional`] and [`paging`].
#[cfg(feature = "fuzzing")]
pub(crate) fn read_arguments(action: &str, params: &[(String, String)]) -> Result<(), Failure> {
    match action {
        "GetRepoImage" => {
            required(params, "RepoName")?;
        }
        "GetImageTag" => {
            required(params, "RepoName")?;
            required(params, "ImageName")?;
            optional(params, "TagName")?;
        }
        "DeleteRepoImage" => {
            required(params, "RepoName")?;
            required(params, "ImageName")?;
            optional(params, "TagName")?;
            return Ok(());
        }
        _ => {
            optional(params, "Type")?;
        }
    }
    paging(params).map(|_| ())
}

/// `GET /?Action=...` or `POST /`: reads the call, checks its signature,
/// and dispatches it to its action.
pub(crate) async fn call(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let body = body::received(&parts.extensions);
    let (action, params) = match read_call(&parts.method, &parts.uri, &parts.headers, &body) {
        Ok(call) => call,
        Err(refusal) => return refusal.into_response(),
    };
    if let Err((code, message)) = shared.auth().check_uhub(&params) {
        return failure(Some(&action), code, message);
    }
    let index = shared.index();
    let result = match action.as_str() {
        "DeleteRepoImage" => images::delete_repo_image(&index, &params),
        _ => {
            let view = index.read();
            match action.as_str() {
                "GetRepoImage" => images::get_repo_image(&view, &params),
                "GetImageTag" => tags::get_image_tag(&view, &params),
                _ => repos::get_repo(&view, &params),
            }
        }
    };
    result.unwrap_or_else(|(code, message)| failure(Some(&action), code, message))
}

/// A failed call: `RetCode` and `Message`.
type Failure = (i64, String);

/// `Params error: Limit "0" is not an integer in 1..=1000`.
fn param_message(e: &ParamError) -> String {
    format!("Params error: {} {}", e.name(), e.problem())
}

impl From<ParamError> for (i64, String) {
    fn from(e: ParamError) -> Self {
        (RET_BAD_PARAM, param_message(&e))
    }
}

/// An optional parameter: absent is `None`; repeated or empty is refused.
fn optional<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, Failure> {
    Ok(params::get(params, name)?)
}

fn required<'a>(params: &'a [(String, String)], name: &str) -> Result<&'a str, Failure> {
    optional(params, name)?.ok_or_else(|| (RET_BAD_PARAM, format!("Missing params: {name}")))
}

/// `Offset` (default 0) and `Limit` (default 20, at most 1000).
fn paging(params: &[(String, String)]) -> Result<(u64, u64), Failure> {
    Ok(params::paging(params, "Offset", "Limit", DEFAULT_LIMIT)?)
}

fn repo<'a>(view: &'a View<'_>, name: &str) -> Result<(&'a NamespaceRecord, Range<u32>), Failure> {
    view.namespace(name).ok_or_else(|| repo_missing(name))
}

/// `Repo [NAME] does not exist`, RetCode 232.
fn repo_missing(name: &str) -> Failure {
    (RET_NOT_FOUND, format!("Repo [{name}] does not exist"))
}

/// `Image [REPO/IMAGE] does not exist`, RetCode 232.
fn image_missing(repo: &str, image: &str) -> Failure {
    (
        RET_NOT_FOUND,
        format!("Image [{repo}/{image}] does not exist"),
    )
}

/// UHub sends times as text; the emulator sends Unix seconds.
fn uhub_time(instant: jiff::Timestamp) -> Timestamp {
    Timestamp::from_instant(instant, TimestampFormat::UnixSecondsText)
}
