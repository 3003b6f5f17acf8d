//! Loopback fixtures shared by the test suites: a tiny scripted HTTP/1.1 server on 127.0.0.1
//! (on the caller's tokio runtime, or on its own thread for synchronous tests), a sleeper that
//! records delays instead of sleeping, and adapters from a received request to the shared,
//! independent verifier (`dwdi-wire-verify`), and the wrongly typed values each kind of
//! parameter must refuse ([`wrong_values`]).
#![allow(missing_docs)]

mod values;

pub use values::wrong_values;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dwdi_runtime::retry::{SleepFuture, Sleeper};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_owned(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl TestServer {
    /// Serves `replies` in order, one per connection; then answers 599 to anything more.
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
        let rec = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let rec = rec.clone();
                let queue = queue.clone();
                tokio::spawn(async move {
                    let _ = handle(stream, rec, queue).await;
                });
            }
        });
        TestServer { addr, received }
    }

    /// Serves like [`TestServer::start`], on its own thread with its own tokio runtime, for
    /// synchronous tests (such as those that run the `dwdi` binary). The server lives until
    /// the test process ends.
    pub fn start_on_thread(replies: Vec<Reply>) -> TestServer {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                let server = TestServer::start(replies).await;
                tx.send(server).expect("send the server");
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("the server started")
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

async fn handle(
    mut stream: TcpStream,
    rec: Arc<Mutex<Vec<Received>>>,
    queue: Arc<Mutex<VecDeque<Reply>>>,
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
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
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
    rec.lock().expect("lock").push(Received {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let reply = queue.lock().expect("lock").pop_front().unwrap_or_else(|| {
        Reply::json(
            599,
            r#"{"Code":"Test.NoMoreReplies","Message":"script exhausted"}"#,
        )
    });
    let mut out = format!("HTTP/1.1 {} Scripted\r\n", reply.status);
    for (n, v) in &reply.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{}",
        reply.body.len(),
        reply.body
    ));
    stream.write_all(out.as_bytes()).await?;
    stream.shutdown().await
}

/// Records requested delays and returns at once, so tests never sleep.
#[derive(Clone, Default)]
pub struct RecordingSleeper(pub Arc<Mutex<Vec<Duration>>>);

impl RecordingSleeper {
    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().expect("lock").clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0.lock().expect("lock").push(duration);
        Box::pin(async {})
    }
}

/// A port on which nothing listens (bound, then released).
pub async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    port
}

/// Verifies a received request's signature, V3 or V2, with the shared verifier
/// (`dwdi-wire-verify`, independent of the runtime's signer); the error says what does not
/// match.
pub fn verify_received(r: &Received, secret: &str) -> Result<(), String> {
    verify_as(r, secret, None)
}

/// Verifies a received request's V3 signature with the shared verifier; a V2 signature is an
/// error.
pub fn verify_v3(r: &Received, secret: &str) -> Result<(), String> {
    verify_as(r, secret, Some("V3"))
}

fn verify_as(r: &Received, secret: &str, only: Option<&str>) -> Result<(), String> {
    let (path, query) = dwdi_wire_verify::split_target(&r.target);
    let request = dwdi_wire_verify::Request {
        method: &r.method,
        path,
        query,
        headers: &r.headers,
        body: r.body.as_bytes(),
    };
    let parsed = dwdi_wire_verify::verify(request, secret).map_err(|e| e.to_string())?;
    let scheme = match parsed.scheme() {
        dwdi_wire_verify::Scheme::V3(_) => "V3",
        dwdi_wire_verify::Scheme::V2 => "V2",
    };
    match only {
        Some(expected) if expected != scheme => {
            Err(format!("signed with {scheme}, expected {expected}"))
        }
        _ => Ok(()),
    }
}

/// Verifies a request as the runtime signed it (V3 or V2) with the shared verifier; gives the
/// operation's parameters the verifier read from the query and the form body.
pub fn verify_signed(
    signed: &dwdi_runtime::SignedRequest,
    secret: &str,
) -> Result<Vec<(String, String)>, dwdi_wire_verify::VerifyError> {
    let headers: Vec<(String, String)> = signed
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect();
    let (path, query) = dwdi_wire_verify::split_target(&signed.url);
    let request = dwdi_wire_verify::Request {
        method: signed.method.as_str(),
        path,
        query,
        headers: &headers,
        body: signed.body.as_deref().unwrap_or_default().as_bytes(),
    };
    dwdi_wire_verify::verify(request, secret).map(|parsed| parsed.operation_params())
}

/// Decodes one query component form-style (`+` is a space), as the service does.
///
/// # Panics
/// When the component is not UTF-8 once decoded (a test's request is).
pub fn form_decode(s: &str) -> String {
    dwdi_wire_verify::form::component(s, "query").unwrap_or_else(|e| panic!("{e}"))
}

/// An `http://127.0.0.1:PORT` endpoint on which nothing listens (bound, then released).
pub fn closed_port_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

/// A server that accepts connections and never answers.
pub async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    addr
}
