//! Shared test support: run the `dwdi` binary in a controlled environment; the loopback
//! server comes from `dwdi-test-support`.
#![allow(dead_code)] // Each test file uses a different subset.

use std::path::Path;
use std::process::Command;

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
        // The net under every test's own guard: the binary sends nowhere but loopback.
        cmd.env(dwdi_runtime::endpoint::ENV_LOOPBACK_ONLY, "1");
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

// The loopback server and its records are the shared test fixtures'. The CLI's tests are
// synchronous (they run the binary), so the server runs on its own thread:
// `TestServer::start_on_thread`. Each test file uses a different subset.
#[allow(unused_imports)]
pub use dwdi_test_support::{Reply, TestServer, closed_port_endpoint};
