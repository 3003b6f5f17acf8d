//! Loopback stand-ins for the services credentials come from (STS, the ECS metadata
//! service, a credentials URI) and for endpoints that misbehave (redirects, huge bodies).
//!
//! Each stand-in is an HTTP/1.1 server on 127.0.0.1 with its own thread and tokio runtime,
//! so a test's own runtime (current-thread or not) never has to drive it. A handler turns
//! each request into a [`Response`]; every request is recorded. One request per connection.
#![allow(dead_code)] // Each test file uses a different subset.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// A request as the stand-in received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query parameters, form-decoded.
    pub fn query(&self) -> Vec<(String, String)> {
        decode_pairs(self.target.split_once('?').map_or("", |(_, q)| q))
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The body's form parameters, decoded.
    pub fn form(&self) -> Vec<(String, String)> {
        decode_pairs(&self.body)
    }

    pub fn form_param(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// For the shared V3 verifier.
    pub fn received(&self) -> dwdi_test_support::Received {
        dwdi_test_support::Received {
            method: self.method.clone(),
            target: self.target.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }
}

fn decode_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                dwdi_test_support::form_decode(k),
                dwdi_test_support::form_decode(v),
            )
        })
        .collect()
}

/// What the stand-in sends back.
pub enum Body {
    Text(Vec<u8>),
    /// `total` bytes of `x`, written in 16 KiB pieces; `declare` sends a content-length
    /// (else the answer ends with the connection). Bytes written are counted.
    Stream {
        total: u64,
        declare: bool,
    },
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// The answer waits for this (one `notify_one`) before it is written.
    pub gate: Option<Arc<Notify>>,
}

impl Response {
    pub fn json(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Text(body.into().into_bytes()),
            gate: None,
        }
    }

    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: Body::Text(body.into().into_bytes()),
            gate: None,
        }
    }

    pub fn stream(total: u64, declare: bool) -> Response {
        Response {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Stream { total, declare },
            gate: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn gated(mut self, gate: Arc<Notify>) -> Response {
        self.gate = Some(gate);
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

pub struct StandIn {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    /// Body bytes written by `Body::Stream` answers.
    pub streamed: Arc<AtomicU64>,
    /// Signalled (one permit per request) when a request has been read.
    pub arrived: Arc<Notify>,
    /// Signalled (one permit per connection) when the stand-in is done with a connection:
    /// the answer written, or the writing failed.
    pub done: Arc<Notify>,
}

impl StandIn {
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> StandIn {
        let handler: Arc<Handler> = Arc::new(handler);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let streamed = Arc::new(AtomicU64::new(0));
        let arrived = Arc::new(Notify::new());
        let done = Arc::new(Notify::new());
        let (tx, rx) = std::sync::mpsc::channel();
        let (rec, out, arr, fin) = (
            requests.clone(),
            streamed.clone(),
            arrived.clone(),
            done.clone(),
        );
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("stand-in runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                tx.send(listener.local_addr().expect("addr"))
                    .expect("send addr");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let (handler, rec, out, arr, fin) = (
                        handler.clone(),
                        rec.clone(),
                        out.clone(),
                        arr.clone(),
                        fin.clone(),
                    );
                    tokio::spawn(async move {
                        let _ = serve(stream, handler, rec, out, arr).await;
                        fin.notify_one();
                    });
                }
            });
        });
        let addr = rx.recv().expect("stand-in address");
        StandIn {
            addr,
            requests,
            streamed,
            arrived,
            done,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().expect("lock").len()
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    rec: Arc<Mutex<Vec<Request>>>,
    streamed: Arc<AtomicU64>,
    arrived: Arc<Notify>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let request = Request {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let response = handler(&request);
    rec.lock().expect("lock").push(request);
    arrived.notify_one();
    if let Some(gate) = &response.gate {
        gate.notified().await;
    }
    let mut out = format!("HTTP/1.1 {} Stand-in\r\n", response.status);
    for (n, v) in &response.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    match response.body {
        Body::Text(bytes) => {
            out.push_str(&format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                bytes.len()
            ));
            stream.write_all(out.as_bytes()).await?;
            stream.write_all(&bytes).await?;
        }
        Body::Stream { total, declare } => {
            if declare {
                out.push_str(&format!("content-length: {total}\r\n"));
            }
            out.push_str("connection: close\r\n\r\n");
            stream.write_all(out.as_bytes()).await?;
            let piece = vec![b'x'; 16 * 1024];
            let mut sent = 0u64;
            while sent < total {
                let n = piece.len().min((total - sent) as usize);
                stream.write_all(&piece[..n]).await?;
                sent += n as u64;
                streamed.fetch_add(n as u64, Ordering::SeqCst);
            }
        }
    }
    stream.shutdown().await
}

/// An STS `AssumeRole` / `AssumeRoleWithOIDC` success answer.
pub fn sts_answer(key_id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        r#"{{"RequestId":"sts-req","AssumedRoleUser":{{"Arn":"acs:ram::1:role/r/s","AssumedRoleId":"1:s"}},"Credentials":{{"AccessKeyId":"{key_id}","AccessKeySecret":"{secret}","SecurityToken":"{token}","Expiration":"{expiration}"}}}}"#
    )
}

/// A metadata service / credentials URI success answer.
pub fn flat_answer(key_id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        r#"{{"Code":"Success","AccessKeyId":"{key_id}","AccessKeySecret":"{secret}","SecurityToken":"{token}","Expiration":"{expiration}","LastUpdated":"2024-01-01T00:00:00Z"}}"#
    )
}

/// A DataWorks success answer.
pub const OK: &str = r#"{"RequestId":"req-ok","Success":true,"Data":{"Status":"RUN"}}"#;
