//! A tiny blocking HTTP/1.1 client over `std::net::TcpStream`, with SWR and
//! UHub signing from `wharf-auth`: the emulator is tested over real sockets.

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;
use wharf_auth::huawei::{self, Credentials, Request};
use wharf_auth::ucloud;
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY, Emulator,
};

/// A response as received.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The first value of header `name`, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request on a fresh connection and reads the whole response.
pub fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<Reply> {
    send_with_timeout(addr, method, target, headers, body, Duration::from_secs(10))
}

/// Like [`send`], giving up when no byte arrives for `timeout`.
pub fn send_with_timeout(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<Reply> {
    let raw = exchange(addr, method, target, headers, body, timeout)?;
    parse(&raw)
}

/// Sends a request and returns every byte received until the server closes.
pub fn exchange(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(timeout))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    Ok(raw)
}

/// Writes `request` as it is (head and body) and returns every byte received
/// until the server closes.
pub fn raw_exchange(addr: SocketAddr, request: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(request)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    Ok(raw)
}

/// Splits a raw response; a body shorter than its `Content-Length` is an
/// `UnexpectedEof` error.
pub fn parse(raw: &[u8]) -> io::Result<Reply> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(|| bad("no status line"))?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("bad status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let reply = Reply {
        status,
        headers,
        body,
    };
    if let Some(length) = reply
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        if reply.body.len() < length {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("body has {} of {length} bytes", reply.body.len()),
            ));
        }
    }
    Ok(reply)
}

/// Percent-encodes a query value as the Huawei SDK does.
pub fn encode(text: &str) -> String {
    huawei::percent_encode(text)
}

/// The demo Huawei credentials.
pub fn demo_creds() -> Credentials {
    Credentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK).unwrap()
}

/// A GET signed with `creds` at `now`: `path` is the wire path, `query` raw pairs.
pub fn swr_signed(
    emulator: &Emulator,
    creds: &Credentials,
    path: &str,
    query: &[(&str, &str)],
    now: jiff::Timestamp,
) -> Reply {
    swr_signed_method(emulator, creds, "GET", path, query, now)
}

/// A `method` request with no body, signed with the demo credentials now.
pub fn swr_method(emulator: &Emulator, method: &str, path: &str) -> Reply {
    swr_signed_method(
        emulator,
        &demo_creds(),
        method,
        path,
        &[],
        jiff::Timestamp::now(),
    )
}

/// A `method` request with no body, signed with `creds` at `now`.
pub fn swr_signed_method(
    emulator: &Emulator,
    creds: &Credentials,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    now: jiff::Timestamp,
) -> Reply {
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut headers = vec![
        ("Host".to_owned(), emulator.addr().to_string()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    let request = Request::new(method, path)
        .with_query(&query)
        .with_headers(&headers);
    let target = request.wire_target();
    huawei::sign(creds, &request, now)
        .expect("the request has a Host header")
        .headers()
        .apply_to(&mut headers);
    send(emulator.addr(), method, &target, &headers, b"").unwrap()
}

/// A GET signed with the demo credentials, now.
pub fn swr(emulator: &Emulator, path: &str, query: &[(&str, &str)]) -> Reply {
    swr_signed(emulator, &demo_creds(), path, query, jiff::Timestamp::now())
}

/// A GET with `X-Auth-Token` and a raw target.
pub fn swr_token(emulator: &Emulator, target: &str, token: &str) -> Reply {
    let headers = vec![("X-Auth-Token".to_owned(), token.to_owned())];
    send(emulator.addr(), "GET", target, &headers, b"").unwrap()
}

/// The demo UCloud credentials.
pub fn demo_keys() -> ucloud::Credentials {
    ucloud::Credentials::new(DEMO_UCLOUD_PUBLIC_KEY, DEMO_UCLOUD_PRIVATE_KEY).unwrap()
}

/// `params` signed with `keys`, as a form body.
pub fn form(keys: &ucloud::Credentials, params: &[(&str, &str)]) -> String {
    let values: Vec<(&str, ucloud::Value)> = params
        .iter()
        .map(|(k, v)| (*k, ucloud::Value::from(*v)))
        .collect();
    ucloud::sign(keys, &values).form_body()
}

/// `POST /` with a signed form body, as both official SDKs send it.
pub fn uhub(emulator: &Emulator, params: &[(&str, &str)]) -> Reply {
    uhub_body(emulator, "/", &form(&demo_keys(), params))
}

/// `POST target` with this form body.
pub fn uhub_body(emulator: &Emulator, target: &str, body: &str) -> Reply {
    let headers = vec![(
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    send(emulator.addr(), "POST", target, &headers, body.as_bytes()).unwrap()
}

/// `GET /?...` with the signed parameters in the query string.
pub fn uhub_get(emulator: &Emulator, params: &[(&str, &str)]) -> Reply {
    let query = form(&demo_keys(), params);
    send(emulator.addr(), "GET", &format!("/?{query}"), &[], b"").unwrap()
}

/// Names of the items of a JSON array, under `key`.
pub fn names(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(|item| item[key].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Starts an emulator on a free port with this builder's settings.
pub fn start(builder: wharf_emulator::EmulatorBuilder) -> Emulator {
    builder.start_background().unwrap()
}
