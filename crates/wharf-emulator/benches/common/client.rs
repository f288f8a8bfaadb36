//! What the emulator's benches share: a minimal keep-alive HTTP/1.1
//! client, enough to time the server, not the client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

/// A minimal keep-alive HTTP/1.1 client: enough to time the server, not the
/// client.
pub struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    /// A connection to `addr`.
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            reader: BufReader::with_capacity(1 << 16, stream),
        }
    }

    /// `method target`, the body of the answer.
    #[allow(dead_code)] // each bench uses its part
    pub fn send(&mut self, method: &str, target: &str) -> Vec<u8> {
        self.send_status(method, target).1
    }

    /// `method target`, the status and the body of the answer.
    pub fn send_status(&mut self, method: &str, target: &str) -> (u16, Vec<u8>) {
        let request = format!("{method} {target} HTTP/1.1\r\nHost: bench\r\n\r\n");
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .expect("send");
        let mut length = 0;
        let mut status = 0;
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("head");
            if status == 0 {
                status = line
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
            }
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().expect("content-length");
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("body");
        (status, body)
    }

    /// `GET target`, the body of the answer.
    #[allow(dead_code)] // each bench uses its part
    pub fn get(&mut self, target: &str) -> Vec<u8> {
        self.send_status("GET", target).1
    }
}
