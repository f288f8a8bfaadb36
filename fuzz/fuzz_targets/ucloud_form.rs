//! The emulator's UHub request decoder (`wharf_emulator::fuzzing`): a form
//! body or query string (`application/x-www-form-urlencoded`, or JSON when
//! the media type says so) read to parameters, `Action` resolved between
//! the URL and the body, the signature checked against the demo key pair,
//! and the action's own parameters (`RepoName`, `Offset`, `Limit`...) read,
//! as the `/` route does before it looks at the catalog.
//!
//! The input: the first byte picks the method (low two bits: `GET`, `POST`,
//! `HEAD`, or the first line's first word) and the media type (next two
//! bits: none, form, JSON, or the first line's last word); then the query
//! string up to the first `\n`, then the body.
//!
//! Never panics; every refusal carries a UHub `RetCode` and a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_emulator::fuzzing::{uhub_call, uhub_form};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (line, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &b""[..]),
    };
    let line = String::from_utf8_lossy(line);
    let first_word = line.split(' ').next().unwrap_or_default();
    let last_word = line.rsplit(' ').next().unwrap_or_default();
    let method = match flags & 3 {
        0 => "GET",
        1 => "POST",
        2 => "HEAD",
        _ => first_word,
    };
    let content_type = match (flags >> 2) & 3 {
        0 => None,
        1 => Some("application/x-www-form-urlencoded"),
        2 => Some("application/json; charset=utf-8"),
        _ => Some(last_word),
    };
    let query = if flags & 3 == 3 || (flags >> 2) & 3 == 3 {
        ""
    } else {
        &line
    };
    for (name, value) in uhub_form(body) {
        let _ = (name.len(), value.len());
    }
    match uhub_call(method, query, content_type, body) {
        Ok(call) => {
            assert!(
                call.params
                    .iter()
                    .any(|(k, v)| k == "Action" && *v == call.action)
            );
        }
        Err((code, message)) => {
            assert!(!message.is_empty());
            assert!(code == 0 || (153..=232).contains(&code), "{code} {message}");
        }
    }
});
