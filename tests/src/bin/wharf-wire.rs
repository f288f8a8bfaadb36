//! `wharf-wire`: the wharf side of the wire-level differential test
//! (`tests/interop/wire/`, run by `tests/interop/wire/run.sh`).
//!
//! Makes each logical call of `calls.json` with wharf's clients against the
//! capture server at `--endpoint`, once per variant the call lists (`plain`
//! or `filter` for list repositories' query form, `dollar` or `percent` for
//! a `/` in a repository name, `default` for the client as configured by
//! default). Before each call it posts a mark (`side` `wharf/VARIANT`,
//! `call` its name) to the server, which files the requests that follow
//! under it. Page-level calls only, with retries off, so that one logical
//! call is one request.
//!
//! Exit status: 0 when every call finished, 1 when one failed (named on
//! stderr; the rest still run), 2 on bad usage or a bad calls file.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use wharf::model::{
    Category, DeleteRepoImageRequest, GetImageTagRequest, GetRepoImageRequest, GetRepoRequest,
    ImageRef, NamespaceMode, NamespaceName, NamespacesQuery, OfficialImageTagsQuery,
    OfficialImagesQuery, OrderType, PageRequest, RepoType, RepositoryName, RepositoryQuery,
    RepositoryTagsQuery, SlashEncoding, TagName, TagOrderColumn, TagRef,
};
use wharf::transport::{HttpConfig, HttpTransport};
use wharf::{
    ClientOptions, Deletion, HuaweiCredentials, QueryForm, RetryConfig, SwrClient, SwrConfig,
    Transport, UcloudCredentials, UhubClient, UhubConfig,
};

const USAGE: &str = "usage: wharf-wire --endpoint URL --calls calls.json --ak AK --sk SK \
    --project-id P --public-key K --private-key K --region R --uhub-project P \
    [--only CALL] [--variant VARIANT]\n\n\
    Makes each call of calls.json with wharf against the capture server at URL,\n\
    once per variant, marking each call first. Exit status: 0 all calls made,\n\
    1 a call failed, 2 bad usage.";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The command line, as `--name value` pairs.
struct Args {
    values: BTreeMap<String, String>,
}

impl Args {
    fn parse() -> Result<Self, String> {
        let mut values = BTreeMap::new();
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let Some(name) = flag.strip_prefix("--") else {
                return Err(format!("unexpected argument {flag:?}"));
            };
            if name == "help" {
                return Err(String::new());
            }
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            values.insert(name.to_owned(), value);
        }
        for required in [
            "endpoint",
            "calls",
            "ak",
            "sk",
            "project-id",
            "public-key",
            "private-key",
            "region",
            "uhub-project",
        ] {
            if !values.contains_key(required) {
                return Err(format!("--{required} is required"));
            }
        }
        Ok(Args { values })
    }

    fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn optional(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// One call of `calls.json`.
struct Call {
    name: String,
    op: String,
    args: serde_json::Map<String, Value>,
    variants: Vec<String>,
}

fn read_calls(path: &str) -> Result<Vec<Call>, BoxError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let root: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let calls = root["calls"]
        .as_array()
        .ok_or_else(|| format!("{path}: no `calls` array"))?;
    calls
        .iter()
        .map(|call| {
            let field = |name: &str| {
                call[name]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{path}: a call without `{name}`: {call}"))
            };
            let variants = call["wharf"]
                .as_array()
                .ok_or_else(|| format!("{path}: a call without `wharf` variants: {call}"))?
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or("a variant is not a string")
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Call {
                name: field("name")?,
                op: field("op")?,
                args: call["args"].as_object().cloned().unwrap_or_default(),
                variants,
            })
        })
        .collect()
}

/// Tells the capture server that the requests that follow are `call`'s,
/// with a plain HTTP/1.1 POST of its own (not through wharf, so that it
/// never shows in what wharf sent).
fn mark(endpoint: &str, side: &str, call: &str) -> Result<(), BoxError> {
    let authority = endpoint
        .strip_prefix("http://")
        .ok_or("the endpoint must be http://HOST:PORT")?
        .trim_end_matches('/');
    let body = serde_json::json!({ "side": side, "call": call }).to_string();
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "POST /__wire__/mark HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("the capture server refused the mark: {answer:?}").into());
    }
    Ok(())
}

/// Options with retries off: one logical call, one request.
fn options() -> ClientOptions {
    let mut options = ClientOptions::default();
    options.retry = RetryConfig::disabled();
    options
}

/// wharf's own HTTP backend, as `SwrClient::new` and `UhubClient::new`
/// build it (this crate's binaries do not enable the `rustls` feature that
/// those constructors need; the transport under them is the same).
fn transport() -> Result<Arc<dyn Transport>, BoxError> {
    Ok(Arc::new(HttpTransport::new(HttpConfig::default())?))
}

fn swr_client(args: &Args, variant: &str) -> Result<SwrClient, BoxError> {
    let credentials = HuaweiCredentials::new(args.get("ak"), args.get("sk"))?
        .with_project_id(args.get("project-id"))?;
    let mut config = SwrConfig::endpoint(args.get("endpoint"))?.with_auth(credentials);
    config.options = options();
    match variant {
        "default" => {}
        "plain" => config.query_form = QueryForm::Plain,
        "filter" => config.query_form = QueryForm::Filter,
        "dollar" => config.slash = SlashEncoding::Dollar,
        "percent" => config.slash = SlashEncoding::Percent,
        other => return Err(format!("unknown SWR variant {other:?}").into()),
    }
    Ok(SwrClient::with_transport(config, transport()?))
}

fn uhub_client(args: &Args, variant: &str) -> Result<UhubClient, BoxError> {
    if variant != "default" {
        return Err(format!("unknown UHub variant {variant:?}").into());
    }
    let keys = UcloudCredentials::new(args.get("public-key"), args.get("private-key"))?;
    let mut config = UhubConfig::endpoint(args.get("endpoint"))?.with_credentials(keys);
    config.region = Some(args.get("region").to_owned());
    config.project_id = Some(args.get("uhub-project").to_owned());
    config.options = options();
    Ok(UhubClient::with_transport(config, transport()?))
}

/// The string argument `name`, when given.
fn text(args: &serde_json::Map<String, Value>, name: &str) -> Option<String> {
    args.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// The integer argument `name`, when given.
fn number(args: &serde_json::Map<String, Value>, name: &str) -> Option<u64> {
    args.get(name).and_then(Value::as_u64)
}

/// `offset` and `limit` (or `Offset` and `Limit`), when both are given.
fn page(args: &serde_json::Map<String, Value>, offset: &str, limit: &str) -> Option<PageRequest> {
    let offset = number(args, offset)?;
    let limit = u32::try_from(number(args, limit)?).ok()?;
    Some(PageRequest::new(offset, limit))
}

fn image(args: &serde_json::Map<String, Value>) -> Result<ImageRef, BoxError> {
    let namespace = text(args, "namespace").ok_or("no namespace")?;
    let repository = text(args, "repository").ok_or("no repository")?;
    Ok(ImageRef::new(
        NamespaceName::new(namespace)?,
        RepositoryName::new(repository)?,
    ))
}

/// `namespace`, `repository` and `tag` as one tag of one repository.
fn tag_ref(args: &serde_json::Map<String, Value>) -> Result<TagRef, BoxError> {
    let tag = text(args, "tag").ok_or("no tag")?;
    Ok(TagRef::new(image(args)?, TagName::new(tag)?))
}

/// A delete the capture server answered as done: wharf read it as
/// [`Deletion::Deleted`] (an "already absent" would mean the answer was
/// read as a "not found").
fn deleted(call: &str, deletion: Deletion) -> Result<(), BoxError> {
    match deletion {
        Deletion::Deleted => Ok(()),
        other => Err(format!("{call}: the delete was read as {other}, not deleted").into()),
    }
}

/// Makes `call` with wharf, configured for `variant`.
async fn make(args: &Args, call: &Call, variant: &str) -> Result<(), BoxError> {
    let a = &call.args;
    match call.op.as_str() {
        "swr.list_repos" => {
            let mut query = RepositoryQuery::default();
            query.namespace = text(a, "namespace");
            query.name = text(a, "name");
            query.category = text(a, "category").map(|c| Category::from(c.as_str()));
            query.page = page(a, "offset", "limit");
            swr_client(args, variant)?
                .list_repositories_page(&query)
                .await?;
        }
        "swr.list_namespaces" => {
            let mut query = NamespacesQuery::default();
            query.namespace = text(a, "namespace");
            query.mode = text(a, "mode")
                .map(|m| m.parse::<NamespaceMode>())
                .transpose()?;
            swr_client(args, variant)?.list_namespaces(&query).await?;
        }
        "swr.list_repository_tags" => {
            let mut query = RepositoryTagsQuery::new(image(a)?);
            query.page = page(a, "offset", "limit");
            query.tag = text(a, "tag");
            if let (Some(column), Some(order)) = (text(a, "order_column"), text(a, "order_type")) {
                query.order = Some((
                    column.parse::<TagOrderColumn>()?,
                    order.parse::<OrderType>()?,
                ));
            }
            swr_client(args, variant)?
                .list_repository_tags_page(&query)
                .await?;
        }
        "swr.show_repository" => {
            swr_client(args, variant)?
                .show_repository(&image(a)?)
                .await?;
        }
        "swr.show_repository_tag" => {
            let tag = tag_ref(a)?;
            let detail = swr_client(args, variant)?.show_repository_tag(&tag).await?;
            if detail.tag != tag.tag.as_str() {
                return Err(format!("show_repository_tag answered tag {:?}", detail.tag).into());
            }
        }
        "swr.delete_repository_tag" => {
            let deletion = swr_client(args, variant)?
                .delete_repository_tag(&tag_ref(a)?)
                .await?;
            deleted(&call.name, deletion)?;
        }
        "swr.list_official_images" => {
            let mut query = OfficialImagesQuery::default();
            query.namespace = text(a, "namespace");
            query.image_name = text(a, "image_name");
            query.page = page(a, "offset", "limit");
            swr_client(args, variant)?
                .list_official_images_page(&query)
                .await?;
        }
        "swr.list_official_image_tags" => {
            let mut query = OfficialImageTagsQuery::new(image(a)?);
            query.page = page(a, "offset", "limit");
            swr_client(args, variant)?
                .list_official_image_tags_page(&query)
                .await?;
        }
        "swr.show_official_image" => {
            swr_client(args, variant)?
                .show_official_image(&image(a)?)
                .await?;
        }
        "uhub.get_repo" => {
            let mut request = GetRepoRequest::default();
            request.repo_type = match text(a, "Type").as_deref() {
                None => None,
                Some("private") => Some(RepoType::Private),
                Some("public") => Some(RepoType::Public),
                Some(other) => return Err(format!("unknown Type {other:?}").into()),
            };
            request.offset = number(a, "Offset");
            request.limit = number(a, "Limit").map(u32::try_from).transpose()?;
            uhub_client(args, variant)?
                .list_repos_page(&request)
                .await?;
        }
        "uhub.get_repo_image" => {
            let mut request = GetRepoImageRequest::new(text(a, "RepoName").ok_or("no RepoName")?);
            request.offset = number(a, "Offset");
            request.limit = number(a, "Limit").map(u32::try_from).transpose()?;
            uhub_client(args, variant)?
                .list_repo_images_page(&request)
                .await?;
        }
        "uhub.get_image_tag" => {
            let mut request = GetImageTagRequest::new(
                text(a, "RepoName").ok_or("no RepoName")?,
                text(a, "ImageName").ok_or("no ImageName")?,
            );
            request.tag_name = text(a, "TagName");
            request.offset = number(a, "Offset");
            request.limit = number(a, "Limit").map(u32::try_from).transpose()?;
            uhub_client(args, variant)?
                .list_image_tags_page(&request)
                .await?;
        }
        "uhub.show_image_tag" => {
            let tag_name = text(a, "TagName").ok_or("no TagName")?;
            let request = GetImageTagRequest::new(
                text(a, "RepoName").ok_or("no RepoName")?,
                text(a, "ImageName").ok_or("no ImageName")?,
            )
            .with_tag(tag_name.as_str());
            let tag = uhub_client(args, variant)?.show_image_tag(&request).await?;
            if tag.tag_name != tag_name {
                return Err(format!("show_image_tag answered tag {:?}", tag.tag_name).into());
            }
        }
        "uhub.delete_image_tag" => {
            let request = DeleteRepoImageRequest::new(
                text(a, "RepoName").ok_or("no RepoName")?,
                text(a, "ImageName").ok_or("no ImageName")?,
                TagName::new(text(a, "TagName").ok_or("no TagName")?)?,
            );
            let deletion = uhub_client(args, variant)?
                .delete_image_tag(&request)
                .await?;
            deleted(&call.name, deletion)?;
        }
        other => return Err(format!("no wharf call for op {other:?}").into()),
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match Args::parse() {
        Ok(args) => args,
        Err(problem) if problem.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("wharf-wire: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let calls = match read_calls(args.get("calls")) {
        Ok(calls) => calls,
        Err(e) => {
            eprintln!("wharf-wire: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("wharf-wire: cannot start a runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let (mut made, mut failed) = (0, 0);
    for call in &calls {
        if args.optional("only").is_some_and(|only| only != call.name) {
            continue;
        }
        for variant in &call.variants {
            if args.optional("variant").is_some_and(|v| v != variant) {
                continue;
            }
            let side = format!("wharf/{variant}");
            let outcome = mark(args.get("endpoint"), &side, &call.name)
                .and_then(|()| runtime.block_on(make(&args, call, variant)));
            match outcome {
                Ok(()) => made += 1,
                Err(e) => {
                    eprintln!("wharf side: {} ({variant}) failed: {e}", call.name);
                    failed += 1;
                }
            }
        }
    }
    println!("wharf side: {made} calls made, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
