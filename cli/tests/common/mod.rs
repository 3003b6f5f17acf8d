//! Shared test support: run the `dwdi` binary in a controlled environment, and a tiny
//! scripted HTTP/1.1 server on 127.0.0.1.
#![allow(dead_code)] // Each test file uses a different subset.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Fixed fake credentials: never real, but still must never be printed.
pub const ACCESS_KEY_ID: &str = "LTAItestAccessKeyId";
pub const ACCESS_KEY_SECRET: &str = "testSecret-NEVER-PRINT-9f8e7d";
pub const SECURITY_TOKEN: &str = "testStsToken-CAIS+abc/def==";

/// The pinned signature date and nonce of the dry-run snapshots.
pub const DATE: &str = "2024-01-02T03:04:05Z";
pub const NONCE: &str = "0123456789abcdef0123456789abcdef";

/// The page examples' parameters, per operation.
pub const START_PARAM: &str = r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"RENAMECOLUMN":"WARNING","DROPTABLE":"WARNING","CREATETABLE":"IGNORE","MODIFYCOLUMN":"WARNING","TRUNCATETABLE":"NORMAL","DROPCOLUMN":"IGNORE","ADDCOLUMN":"NORMAL","RENAMETABLE":"CRITICAL"}}"#;
pub const TASK_PARAM: &str = r#"{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" } ] }"#;

pub fn examples() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let common = |last: (&'static str, &'static str)| {
        vec![("ProjectId", "10000"), ("TaskType", "DI_REALTIME"), last]
    };
    let mut start = common(("FileId", "100"));
    start.push(("StartParam", START_PARAM));
    vec![
        ("GetDISyncInstanceInfo", common(("FileId", "100"))),
        (
            "QueryDISyncTaskConfigProcessResult",
            common(("AsyncProcessId", "10")),
        ),
        ("StartDISyncInstance", start),
        ("StopDISyncInstance", common(("FileId", "100"))),
        (
            "GenerateDISyncTaskConfigForUpdating",
            vec![
                ("ProjectId", "10000"),
                ("TaskType", "DI_REALTIME"),
                ("TaskParam", TASK_PARAM),
                ("TaskId", "100"),
                ("ClientToken", "ABFUOEUOTRTRJKE"),
            ],
        ),
    ]
}

/// `--Name value` tokens for parameters.
pub fn param_args(params: &[(&str, &str)]) -> Vec<String> {
    params
        .iter()
        .flat_map(|(n, v)| [format!("--{n}"), (*v).to_owned()])
        .collect()
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts that neither stream contains the secret (nor the token, unless `token_ok`).
    pub fn assert_no_secrets(&self, token_ok: bool) {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !text.contains(ACCESS_KEY_SECRET),
                "the secret appears on {name}"
            );
            if !token_ok {
                assert!(
                    !text.contains(SECURITY_TOKEN),
                    "the token appears on {name}"
                );
            }
        }
    }
}

/// Which credentials the environment carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creds {
    None,
    Keys,
    Sts,
}

/// A controlled environment: nothing inherited but PATH, HOME an empty temporary directory.
pub struct Env {
    pub home: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
}

impl Env {
    pub fn new(creds: Creds) -> Env {
        let mut vars = Vec::new();
        if creds != Creds::None {
            vars.push(("ALIBABA_CLOUD_ACCESS_KEY_ID".into(), ACCESS_KEY_ID.into()));
            vars.push((
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET".into(),
                ACCESS_KEY_SECRET.into(),
            ));
        }
        if creds == Creds::Sts {
            vars.push(("ALIBABA_CLOUD_SECURITY_TOKEN".into(), SECURITY_TOKEN.into()));
        }
        Env {
            home: tempfile::tempdir().expect("temp home"),
            vars,
        }
    }

    pub fn var(mut self, name: &str, value: &str) -> Env {
        self.vars.push((name.into(), value.into()));
        self
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Runs `dwdi` with `args`.
    pub fn run<S: AsRef<str>>(&self, args: &[S]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
        cmd.env_clear().env("HOME", self.home.path());
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        for (n, v) in &self.vars {
            cmd.env(n, v);
        }
        cmd.args(args.iter().map(AsRef::as_ref));
        let out = cmd.output().expect("run dwdi");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs `dwdi` with `args` in a fresh environment with `creds`.
pub fn dwdi<S: AsRef<str>>(creds: Creds, args: &[S]) -> Run {
    Env::new(creds).run(args)
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.to_owned(),
        }
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback HTTP/1.1 server on its own thread (with its own tokio runtime), answering
/// `replies` in order, one per connection, then 599 to anything more.
pub struct TestServer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl TestServer {
    pub fn start(replies: Vec<Reply>) -> TestServer {
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind loopback");
                tx.send(listener.local_addr().expect("local addr"))
                    .expect("send addr");
                let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let (rec, queue) = (rec.clone(), queue.clone());
                    tokio::spawn(async move {
                        let _ = handle(stream, rec, queue).await;
                    });
                }
            });
        });
        let addr = rx.recv().expect("server address");
        TestServer { addr, received }
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
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    rec.lock().expect("lock").push(Received {
        method,
        target,
        headers,
    });
    let reply = queue
        .lock()
        .expect("lock")
        .pop_front()
        .unwrap_or_else(|| Reply::json(599, r#"{"Code":"Test.NoMoreReplies"}"#));
    let out = format!(
        "HTTP/1.1 {} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        reply.status,
        reply.body.len(),
        reply.body
    );
    stream.write_all(out.as_bytes()).await?;
    stream.shutdown().await
}

/// A loopback port nobody listens on (bound, then released).
pub fn closed_port_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}
