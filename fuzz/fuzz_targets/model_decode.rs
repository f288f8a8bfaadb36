//! Every response and record type wharf decodes from JSON, from any bytes.
//! The first byte picks what the rest is decoded as (modulo the count):
//!
//! | byte | decoded as |
//! |---|---|
//! | 0 | SWR list repositories: `Vec<RepositoryInfo>` |
//! | 1 | SWR official images: `Vec<OfficialImage>` |
//! | 2 | SWR official image tags: `Vec<OfficialImageTag>` |
//! | 3 | SWR show official image: `OfficialImageDetail` |
//! | 4 | SWR namespaces: `ListNamespacesResponse` |
//! | 5 | SWR repository tags: `Vec<RepositoryTag>` |
//! | 6 | SWR error bodies: `SwrError` (serde and `from_value`) |
//! | 7 | UHub `GetRepoImageResponse` |
//! | 8 | UHub `GetImageTagResponse` |
//! | 9 | UHub `GetRepoResponse` |
//! | 10 | `Timestamp` (JSON, and the rest as text) |
//! | 11 | `Namespace`, `RepositoryName` (JSON, text, path segment) |
//! | 12 | `Category`, `RetCode`, `BoolString`, `NamespaceAuth` |
//! | 13 | the SWR client's decode path (`wharf::fuzzing::decode`, then the page with a `Content-Range`) |
//! | 14 | the UHub client's decode path |
//! | 15 | the transport's classifiers (SWR error body, UHub envelope) at a status from the next two bytes |
//!
//! Never panics; and whatever decodes to a lossless type encodes back to
//! the same JSON value, as wharf-model promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wharf::Provider;
use wharf::transport::{Classifier, Request, Response, SwrClassifier, UhubClassifier, Verdict};
use wharf_model::{
    BoolString, Category, GetImageTagResponse, GetRepoImageResponse, GetRepoResponse,
    ListNamespacesResponse, NamespaceAuth, NamespaceName, OfficialImage, OfficialImageDetail,
    OfficialImageTag, PageRequest, RepositoryInfo, RepositoryName, RepositoryTag, RetCode, SwrError,
    Timestamp,
};

/// Decodes `body` as `T`; if it decodes, it must encode back to the JSON
/// value `body` holds.
fn lossless<T: DeserializeOwned + Serialize>(body: &[u8]) -> Option<T> {
    let decoded: T = serde_json::from_slice(body).ok()?;
    let again = serde_json::to_value(&decoded).expect("a decoded value encodes");
    let original: Value = serde_json::from_slice(body).expect("what decodes is JSON");
    assert_eq!(again, original, "{:?}", String::from_utf8_lossy(body));
    Some(decoded)
}

/// Decodes `body` as `T`, with no round-trip promise.
fn decodes<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

fn names(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    match text.parse::<NamespaceName>() {
        Ok(ns) => {
            let again: NamespaceName = ns.as_str().parse().expect("a namespace reads back");
            assert_eq!(again, ns);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    match text.parse::<RepositoryName>() {
        Ok(name) => {
            for encoding in [
                wharf_model::SlashEncoding::Dollar,
                wharf_model::SlashEncoding::Percent,
            ] {
                let segment = name.to_path_segment(encoding);
                let back = RepositoryName::from_path_segment(&segment)
                    .unwrap_or_else(|e| panic!("{segment:?} of {name:?} does not read: {e}"));
                assert_eq!(back, name, "{segment:?}");
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let _ = RepositoryName::from_path_segment(&text);
    let _ = lossless::<NamespaceName>(body);
    let _ = lossless::<RepositoryName>(body);
}

fn client_decode_swr(selector: u8, body: &[u8]) {
    // Content-Range and the page asked for come from the body's first line.
    let (head, json) = match body.iter().position(|&b| b == b'\n') {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (&b""[..], body),
    };
    let mut response = Response::new(http::StatusCode::OK, json.to_vec());
    if let (false, Ok(value)) = (head.is_empty(), http::HeaderValue::from_bytes(head)) {
        response.headers.insert("content-range", value);
    }
    let asked = (selector & 1 == 1).then(|| PageRequest::new(u64::from(selector >> 1), 10));
    macro_rules! page {
        ($ty:ty) => {{
            // The list decoder the client uses says what the plain one says.
            let capacity = usize::from(selector) * 8;
            let list =
                wharf::fuzzing::decode_list::<$ty>(Provider::Swr, "fuzz", &response, capacity);
            match (
                list,
                wharf::fuzzing::decode::<Vec<$ty>>(Provider::Swr, "fuzz", &response),
            ) {
                (Ok(list), Ok(items)) => {
                    assert_eq!(list, items);
                    let _ = wharf::fuzzing::swr_page(&response, items, asked, None);
                }
                (Err(list), Err(e)) => {
                    assert!(!e.to_string().is_empty());
                    assert_eq!(list.to_string(), e.to_string());
                }
                (list, plain) => panic!("list decoder {list:?}, plain {plain:?}"),
            }
        }};
    }
    match selector % 5 {
        0 => page!(RepositoryInfo),
        1 => page!(OfficialImage),
        2 => page!(OfficialImageTag),
        3 => page!(RepositoryTag),
        _ => {
            if let Err(e) =
                wharf::fuzzing::decode::<ListNamespacesResponse>(Provider::Swr, "fuzz", &response)
            {
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

fn client_decode_uhub(selector: u8, body: &[u8]) {
    let response = Response::new(http::StatusCode::OK, body.to_vec());
    let message = match selector % 3 {
        0 => {
            wharf::fuzzing::decode::<GetRepoImageResponse>(Provider::Uhub, "fuzz", &response).err()
        }
        1 => wharf::fuzzing::decode::<GetImageTagResponse>(Provider::Uhub, "fuzz", &response).err(),
        _ => wharf::fuzzing::decode::<GetRepoResponse>(Provider::Uhub, "fuzz", &response).err(),
    };
    if let Some(e) = message {
        assert!(!e.to_string().is_empty());
        let _ = e.body_start();
    }
}

fn classify(body: &[u8]) {
    let Some((status, body)) = body.split_first_chunk::<2>() else {
        return;
    };
    let code = 100 + u16::from_be_bytes(*status) % 500;
    let Ok(status) = http::StatusCode::from_u16(code) else {
        return;
    };
    let response = Response::new(status, body.to_vec());
    let swr = Request::get(Provider::Swr, "fuzz", "https://swr.example/v2/manage/repos");
    let uhub = Request::get(Provider::Uhub, "fuzz", "https://api.ucloud.example/");
    for verdict in [
        SwrClassifier.classify(&swr, &response),
        UhubClassifier.classify(&uhub, &response),
    ] {
        match verdict {
            Verdict::Retry(e) | Verdict::Fail(e) => assert!(!e.to_string().is_empty()),
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    match selector % 16 {
        0 => drop(lossless::<Vec<RepositoryInfo>>(body)),
        1 => drop(lossless::<Vec<OfficialImage>>(body)),
        2 => drop(lossless::<Vec<OfficialImageTag>>(body)),
        3 => drop(lossless::<OfficialImageDetail>(body)),
        4 => drop(lossless::<ListNamespacesResponse>(body)),
        5 => drop(lossless::<Vec<RepositoryTag>>(body)),
        6 => {
            let _ = lossless::<SwrError>(body);
            if let Ok(value) = serde_json::from_slice::<Value>(body) {
                let e = SwrError::from_value(value);
                let _ = (e.code(), e.message(), e.shape(), e.raw());
            }
        }
        7 => drop(lossless::<GetRepoImageResponse>(body)),
        8 => drop(lossless::<GetImageTagResponse>(body)),
        9 => drop(lossless::<GetRepoResponse>(body)),
        10 => {
            if let Some(ts) = lossless::<Timestamp>(body) {
                let _ = (ts.instant(), ts.format());
            }
            let text = String::from_utf8_lossy(body);
            match Timestamp::parse(&text) {
                Ok(ts) => assert_eq!(ts.to_string(), text, "a timestamp prints as it came"),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
        11 => names(body),
        12 => {
            if let Some(category) = decodes::<Category>(body) {
                let _ = (category.as_str(), category.is_known());
            }
            if let Some(code) = decodes::<RetCode>(body) {
                let _ = (code.code(), code.is_success(), code.to_string());
            }
            let _ = decodes::<BoolString>(body).map(BoolString::get);
            let _ = decodes::<NamespaceAuth>(body).map(|a| a.to_string());
            let _ = String::from_utf8_lossy(body).parse::<Category>();
        }
        13 => client_decode_swr(selector / 16, body),
        14 => client_decode_uhub(selector / 16, body),
        _ => classify(body),
    }
});
