//! The UHub API at `/`: `GetRepoImage`, `GetImageTag` and `GetRepo`, over
//! `GET` with a query string or `POST` with a form (or JSON) body.
//!
//! Every answer is HTTP 200 with a `RetCode`; the codes the emulator sends:
//!
//! | RetCode | when |
//! |---|---|
//! | 0 | success |
//! | 153 | rate limited (only as an injected fault) |
//! | 160 | no `Action`, or an empty one |
//! | 161 | an `Action` the emulator does not serve |
//! | 170 | no `Signature` |
//! | 171 | a wrong `Signature`, or a repeated parameter |
//! | 172 | no `PublicKey`, or an unknown one |
//! | 230 | a missing, invalid, repeated or empty parameter, named in `Message`; a URL `Action` unlike the body's; a body over 1 MiB or unreadable (the emulator's choice) |
//! | 232 | the repo or image does not exist (the emulator's choice) |

use std::ops::Range;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::any;
use wharf_model::{
    BoolString, ImageSet, RepoSet, RetCode, TagSet, Timestamp, TimestampFormat, UhubItem,
    UhubResponse,
};

use crate::data::{self, Index, NamespaceRecord, RepositoryRecord, Selection};
use crate::http::body::{self, BodyError};
use crate::http::json::ok;
use crate::http::params::{self, ParamError};
use crate::listing;
use crate::state::Shared;
use crate::uhub_json;

/// No `Action`.
pub(crate) const RET_MISSING_ACTION: i64 = 160;
/// An unknown `Action`.
pub(crate) const RET_UNKNOWN_ACTION: i64 = 161;
/// A missing or invalid parameter.
pub(crate) const RET_BAD_PARAM: i64 = 230;
/// No such repo or image.
pub(crate) const RET_NOT_FOUND: i64 = 232;

/// The actions served.
const ACTIONS: [&str; 3] = ["GetRepoImage", "GetImageTag", "GetRepo"];

/// UHub's default page size.
const DEFAULT_LIMIT: u64 = 20;

/// The UHub route.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/", any(uhub))
}

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

/// The injected "rate limited" answer (RetCode 153), echoing the action.
pub(crate) fn rate_limited(request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let body = body::received(&parts.extensions);
    let action = read_params(&parts.method, &parts.uri, &parts.headers, &body)
        .ok()
        .and_then(|params| action_of(&params, &parts.uri).ok().flatten());
    failure(
        action.as_deref(),
        RetCode::RATE_LIMITED.code(),
        "Request rate limited (injected fault)",
    )
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
        Method::POST if is_json(headers) => uhub_json::pairs(body).map_err(Unreadable::Json),
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
        _ => {
            optional(params, "Type")?;
        }
    }
    paging(params).map(|_| ())
}

/// `GET /?Action=...` or `POST /`.
async fn uhub(State(shared): State<Arc<Shared>>, request: Request) -> Response {
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
        "GetRepoImage" => get_repo_image(&index, &params),
        "GetImageTag" => get_image_tag(&index, &params),
        _ => get_repo(&index, &params),
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

fn repo<'a>(index: &'a Index, name: &str) -> Result<(&'a NamespaceRecord, Range<u32>), Failure> {
    index
        .namespace(name)
        .ok_or_else(|| (RET_NOT_FOUND, format!("Repo [{name}] does not exist")))
}

/// UHub sends times as text; the emulator sends Unix seconds.
fn uhub_time(time: &Timestamp) -> Timestamp {
    Timestamp::from_instant(time.instant(), TimestampFormat::UnixSecondsText)
}

fn get_repo_image(index: &Index, params: &[(String, String)]) -> Result<Response, Failure> {
    let (ns, ids) = repo(index, required(params, "RepoName")?)?;
    let (offset, limit) = paging(params)?;
    let selection = Selection::Ids(ids);
    let items = selection
        .page(offset, limit)
        .into_iter()
        .map(|id| image_set(ns, index.repo(id).1))
        .collect();
    Ok(success("GetRepoImage", selection.len(), items))
}

fn image_set(ns: &NamespaceRecord, repo: &RepositoryRecord) -> ImageSet {
    let mut out = ImageSet::default();
    out.image_name = repo.name.to_string();
    out.pull_count = repo.num_download;
    out.create_time = uhub_time(&repo.created_at);
    out.update_time = uhub_time(&repo.updated_at);
    out.latest_tag = repo
        .latest_tag()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    out.repo_name = Some(ns.name.to_string());
    out
}

fn get_image_tag(index: &Index, params: &[(String, String)]) -> Result<Response, Failure> {
    let (ns, ids) = repo(index, required(params, "RepoName")?)?;
    let image_name = required(params, "ImageName")?;
    let (offset, limit) = paging(params)?;
    let image = index.find(ids, image_name).ok_or_else(|| {
        (
            RET_NOT_FOUND,
            format!("Image [{}/{image_name}] does not exist", ns.name),
        )
    })?;
    let tag_name = optional(params, "TagName")?;
    let all: Vec<_> = image
        .tags
        .iter()
        .filter(|t| tag_name.is_none_or(|n| t.name == n))
        .collect();
    let items = data::page(&all, offset, limit)
        .iter()
        .map(|t| {
            let mut out = TagSet::default();
            out.tag_name = t.name.clone();
            out.update_time = uhub_time(&t.updated_at);
            out.digest = Some(t.digest.clone());
            out
        })
        .collect();
    Ok(success("GetImageTag", all.len(), items))
}

/// `GetRepo`: the repos of one `Type`, `public` when none is given (the
/// SDK's docstring: "private私有仓库，public公共仓库，默认public"). A repo is
/// public when its `IsShared` is true: the SDK documents `IsShared` as the
/// repo's type ("镜像仓库类型,false为私有；true为公有", and `CreateRepo`'s
/// `IsShared` as "是否公开"), and `IsOutSide` as whether it can be reached
/// from outside UCloud's network ("是否外网可以访问"), which is no type.
fn get_repo(index: &Index, params: &[(String, String)]) -> Result<Response, Failure> {
    let public = match optional(params, "Type")? {
        None | Some("public") => true,
        Some("private") => false,
        Some(other) => {
            let message = format!("Params error: Type {other:?} is not \"private\" or \"public\"");
            return Err((RET_BAD_PARAM, message));
        }
    };
    let (offset, limit) = paging(params)?;
    let all = listing::namespaces(index, public);
    let items = data::page(&all, offset, limit)
        .iter()
        .map(|ns| {
            let mut out = RepoSet::default();
            out.repo_name = ns.name.to_string();
            out.create_time = uhub_time(&ns.created_at);
            out.update_time = uhub_time(&ns.updated_at);
            out.description = Some(ns.description.clone());
            out.is_shared = BoolString::new(ns.is_shared);
            out.is_out_side = BoolString::new(ns.is_public);
            out
        })
        .collect();
    Ok(success("GetRepo", all.len(), items))
}
