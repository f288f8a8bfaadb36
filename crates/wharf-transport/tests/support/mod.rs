//! A scripted HTTP/1.1 server on 127.0.0.1 for transport tests: each connection
//! gets the next scripted action, so every fault is exact and repeatable.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one connection.
#[derive(Debug, Clone)]
pub enum Action {
    /// Answer with a status, extra headers and a body (with Content-Length).
    Respond(u16, Vec<(&'static str, String)>, String),
    /// Answer with a chunked body of `n` bytes (no Content-Length).
    Chunked(usize),
    /// Close the connection with a reset, before any response.
    Reset,
    /// Promise 100 bytes, send 10, close.
    Truncate,
    /// Wait, then answer 200 `[]`.
    Stall(Duration),
}

pub fn ok(body: &str) -> Action {
    Action::Respond(200, vec![], body.to_owned())
}

pub fn status(code: u16) -> Action {
    Action::Respond(
        code,
        vec![("x-request-id", format!("req-{code}"))],
        r#"{"errorCode":"SVCSTG.SWR.5000001","errorMessage":"scripted"}"#.to_owned(),
    )
}

/// A running scripted server; requests it received are kept as raw heads.
pub struct Server {
    pub base: String,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub async fn start(script: Vec<Action>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let seen = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (seen, script) = (seen.clone(), script.clone());
                tokio::spawn(serve(stream, seen, script));
            }
        });
        Server { base, requests }
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn header_values(&self, name: &str) -> Vec<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.requests
            .lock()
            .unwrap()
            .iter()
            .flat_map(|head| {
                head.lines()
                    .filter(|l| l.to_ascii_lowercase().starts_with(&prefix))
                    .map(|l| l[prefix.len()..].trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

async fn serve(
    mut stream: TcpStream,
    seen: Arc<Mutex<Vec<String>>>,
    script: Arc<Mutex<VecDeque<Action>>>,
) {
    // One request per connection keeps the script simple: ask the client to close.
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(head);
    let action = script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Action::Respond(599, vec![], "script exhausted".into()));
    match action {
        Action::Respond(code, headers, body) => {
            let mut out = format!(
                "HTTP/1.1 {code} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (n, v) in headers {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            let _ = stream.write_all(out.as_bytes()).await;
        }
        Action::Chunked(n) => {
            let body = "x".repeat(n);
            let out = format!(
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
                n
            );
            let _ = stream.write_all(out.as_bytes()).await;
        }
        Action::Reset => {
            // A zero linger makes close send RST at once; it does not block.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
            return;
        }
        Action::Truncate => {
            let out =
                "HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n[1,2,3,4,5";
            let _ = stream.write_all(out.as_bytes()).await;
        }
        Action::Stall(d) => {
            tokio::time::sleep(d).await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n[]")
                .await;
        }
    }
    let _ = stream.shutdown().await;
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[end + 4..]).into_owned();
            return Some(format!("{head}\r\n\r\n{body}"));
        }
    }
}
