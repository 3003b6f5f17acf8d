//! The CLI for scripts and people (issue 14): `--wait` and `dwdi wait` against the mock,
//! `@file` values, JSON errors, `--verbose`, usage errors, completions and the man page; and
//! the hardening of reads and writes (issue 13 #7, #9).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Creds, Env, Run};
use dwdi_mock::{MockConfig, MockServer, Pace};
use serde_json::Value;

const DWDI: &str = env!("CARGO_BIN_EXE_dwdi");

/// A mock DataWorks on its own thread, shut down when dropped.
struct Mock {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Mock {
    fn start(config: MockConfig) -> Mock {
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let server = MockServer::start(config).await.expect("mock starts");
                url_tx.send(server.url()).expect("url sent");
                let _ = stopped.await;
                let _ = server.shutdown().await;
            });
        });
        Mock {
            url: url_rx.recv().expect("mock url"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// A mock whose processes finish after one query and whose tasks settle after one read.
    fn quick() -> Mock {
        Mock::start(MockConfig {
            pace: Pace {
                process_polls: 1,
                settle_polls: 1,
            },
            log: false,
            ..MockConfig::default()
        })
    }

    /// The environment that signs with the mock's owner keys.
    fn env(&self) -> Env {
        Env::new(Creds::None)
            .var(
                "ALIBABA_CLOUD_ACCESS_KEY_ID",
                dwdi_mock::DEFAULT_ACCESS_KEY_ID,
            )
            .var(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                dwdi_mock::DEFAULT_ACCESS_KEY_SECRET,
            )
    }

    /// Runs `dwdi` with `args` and `--endpoint` of this mock.
    fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--endpoint", &self.url]);
        self.env().run(&all)
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

const TASK: [&str; 6] = [
    "--ProjectId",
    "10000",
    "--TaskType",
    "DI_REALTIME",
    "--FileId",
    "100",
];

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn generate_with_wait_prints_the_final_task_content() {
    let mock = Mock::quick();
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("task-param.json");
    std::fs::write(
        &file,
        b"\xef\xbb\xbf{ \"steps\": [ { \"parameter\": { \"connection\": [ { \"table\": [ \"orders\" ] } ] }, \"name\": \"Reader\", \"category\": \"reader\" } ] }\n",
    )
    .expect("write");
    let param = format!("@{}", file.display());
    let out = mock.run(&[
        "call",
        "GenerateDISyncTaskConfigForUpdating",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--TaskId",
        "100",
        "--TaskParam",
        &param,
        "--wait",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    // The TaskContent itself, a document listing the table asked for.
    let content = json(&out.stdout);
    assert!(content["steps"].is_array(), "{content}");
    assert!(out.stdout.contains("\"orders\""), "{}", out.stdout);
    // stderr is not a terminal: no progress line, nothing extra.
    assert_eq!(out.stderr, "");
}

/// Every operation that starts a process the terminal waiter follows (both Generate operations
/// today), read from the generated waiter table: `--wait` polls it to the end and prints the
/// TaskContent. Each is called with its required parameters' documented examples.
#[test]
fn every_operation_a_terminal_waiter_follows_accepts_wait() {
    use dataworks_di::meta;
    use dwdi_runtime::describe::WaiterKind;
    let mock = Mock::quick();
    let mut checked = 0;
    for waiter in meta::WAITERS
        .iter()
        .filter(|w| matches!(w.kind, WaiterKind::Terminal))
    {
        for after in waiter.after {
            let op = meta::operation(after.operation).expect("the waiter follows an operation");
            let mut args = vec!["call".to_owned(), op.action.to_owned()];
            for p in op.params.iter().filter(|p| p.required) {
                let example = p
                    .example
                    .unwrap_or_else(|| panic!("{}.{} has no example", op.action, p.name));
                args.push(format!("--{}={example}", p.name));
            }
            args.push("--wait".to_owned());
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = mock.run(&args);
            assert_eq!(out.code, 0, "{}: {out:?}", op.action);
            let content = json(&out.stdout);
            assert!(content.is_object(), "{}: {content}", op.action);
            assert_eq!(out.stderr, "", "{}", op.action);
            checked += 1;
        }
    }
    assert!(
        checked >= 2,
        "only {checked} operations are followed by a terminal waiter"
    );
}

#[test]
fn stop_and_start_with_wait_end_in_the_state_they_lead_to() {
    let mock = Mock::quick();
    for (op, state) in [
        ("StopDISyncInstance", "PAUSE"),
        ("StartDISyncInstance", "RUN"),
    ] {
        let mut args = vec!["call", op];
        args.extend(TASK);
        args.push("--wait");
        let out = mock.run(&args);
        assert_eq!(out.code, 0, "{op}: {out:?}");
        assert_eq!(json(&out.stdout)["Data"]["Status"], state, "{op}");
        assert_eq!(out.stderr, "", "{op}");
    }
}

#[test]
fn dwdi_wait_resumes_an_existing_process_or_instance() {
    let mock = Mock::quick();
    // Process 10 of the built-in state has finished.
    let out = mock.run(&[
        "wait",
        "ConfigProcess",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--AsyncProcessId",
        "10",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(json(&out.stdout)["steps"].is_array());
    let mut args = vec!["wait", "InstanceStatus"];
    args.extend(TASK);
    args.extend(["--until", "RUN"]);
    let out = mock.run(&args);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json(&out.stdout)["Data"]["Status"], "RUN");
}

#[test]
fn a_wait_that_runs_out_of_time_exits_3_with_a_json_error() {
    let mock = Mock::quick();
    let mut args = vec!["wait", "InstanceStatus"];
    args.extend(TASK);
    // The running task never reaches NORUN.
    args.extend([
        "--until",
        "NORUN",
        "--wait-timeout",
        "1s",
        "--format",
        "json",
    ]);
    let out = mock.run(&args);
    assert_eq!(out.code, 3, "{out:?}");
    let error = json(&out.stderr);
    assert_eq!(error["code"], "dwdi.WaitTimeout");
    assert_eq!(error["exitCode"], 3);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("dwdi wait InstanceStatus")),
        "{error}"
    );
}

#[test]
fn wait_refuses_what_it_cannot_wait_for() {
    let mock = Mock::quick();
    let cases: [(&[&str], &str); 5] = [
        (
            &["call", "GetDISyncInstanceInfo", "--wait"],
            "--wait does not apply to GetDISyncInstanceInfo",
        ),
        (
            &["call", "StopDISyncInstance", "--until", "PAUSE"],
            "--until applies with --wait only",
        ),
        (
            &["wait", "InstanceStatus"],
            "InstanceStatus needs --until VALUE",
        ),
        (
            &["wait", "InstanceStatus", "--until", "RUNN"],
            "did you mean RUN?",
        ),
        (&["wait", "ConfigProces"], "did you mean ConfigProcess?"),
    ];
    for (args, expected) in cases {
        let mut all = args.to_vec();
        all.extend(TASK);
        let out = mock.run(&all);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn a_value_is_read_from_stdin_with_at_dash() {
    let mock = Mock::quick();
    let mut child = Command::new(DWDI)
        .env_clear()
        .env("HOME", mock.env().home())
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            dwdi_mock::DEFAULT_ACCESS_KEY_ID,
        )
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            dwdi_mock::DEFAULT_ACCESS_KEY_SECRET,
        )
        .args([
            "call",
            "StartDISyncInstance",
            "--StartParam",
            "@-",
            "--endpoint",
            &mock.url,
        ])
        .args(TASK)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dwdi runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"\xef\xbb\xbf{\"errorLimit\": {\"record\": 0}}")
        .expect("written");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json(&String::from_utf8_lossy(&out.stdout))["Data"]["Status"],
        "success"
    );
}

#[test]
fn errors_are_json_with_format_json_whatever_their_kind() {
    let mock = Mock::quick();
    // A usage error clap finds, problems dwdi finds, the service's error, and no answer.
    let out = mock.run(&["call", "--bogus", "--format", "json"]);
    assert_eq!(
        (out.code, json(&out.stderr)["code"].clone()),
        (2, "dwdi.Usage".into())
    );

    let out = mock.run(&["call", "GetDISyncInstanceInfo", "--format", "json"]);
    let error = json(&out.stderr);
    assert_eq!((out.code, error["exitCode"].clone()), (2, 2.into()));
    assert_eq!(
        error["problems"].as_array().map(Vec::len),
        Some(3),
        "{error}"
    );

    let mut args = vec!["call", "GetDISyncInstanceInfo", "--format", "json"];
    args.extend([
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "99",
    ]);
    let out = mock.run(&args);
    let error = json(&out.stderr);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(error["code"], "Param.Invalid");
    assert_eq!(error["httpStatus"], 400);
    assert!(error["requestId"].as_str().is_some_and(|id| !id.is_empty()));

    let closed = common::closed_port_endpoint();
    let out = mock.env().run(&[
        "call",
        "GetDISyncInstanceInfo",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "100",
        "--endpoint",
        &closed,
        "--max-attempts",
        "1",
        "--format",
        "json",
    ]);
    let error = json(&out.stderr);
    assert_eq!(
        (out.code, error["code"].clone()),
        (3, "dwdi.NoAnswer".into())
    );
    assert_eq!(error["httpStatus"], Value::Null);
}

#[test]
fn verbose_shows_attempts_retries_and_timing_without_secrets() {
    let mock = Mock::start(MockConfig {
        faults: "error500=1".parse().expect("faults"),
        log: false,
        ..MockConfig::default()
    });
    let mut args = vec![
        "call",
        "GetDISyncInstanceInfo",
        "--verbose",
        "--max-attempts",
        "2",
    ];
    args.extend(TASK);
    let out = mock.run(&args);
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines[0].starts_with("* endpoint http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("> POST http://127.0.0.1:")
            && lines[1].contains("GetDISyncInstanceInfo (attempt 1): ProjectId=10000"),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with("< HTTP 500 (attempt 1): "),
        "{lines:?}"
    );
    assert!(lines[3].contains("(attempt 2, retry 1 at +"), "{lines:?}");
    assert!(
        lines[4].starts_with("< HTTP 500 (attempt 2): "),
        "{lines:?}"
    );
    assert!(!out.stderr.contains(dwdi_mock::DEFAULT_ACCESS_KEY_SECRET));
    assert!(!out.stderr.contains("Signature"), "{}", out.stderr);
}

#[test]
fn timeouts_are_flags() {
    let out = common::dwdi(Creds::Keys, &["call", "--help"]);
    for flag in [
        "--connect-timeout",
        "--read-timeout",
        "--wait-timeout",
        "--verbose",
    ] {
        assert!(out.stdout.contains(flag), "{flag}");
    }
    let mut args = vec![
        "call",
        "GetDISyncInstanceInfo",
        "--region",
        "cn-hangzhou",
        "--read-timeout",
        "0s",
    ];
    args.extend(TASK);
    let out = common::dwdi(Creds::Keys, &args);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("invalid duration \"0s\""),
        "{}",
        out.stderr
    );
}

#[test]
fn flags_of_dwdi_are_never_parameters() {
    // --format json after the operation is dwdi's flag, not a parameter `format`.
    let mut args = vec![
        "call",
        "GetDISyncInstanceInfo",
        "--region",
        "cn-hangzhou",
        "--dry-run",
    ];
    args.extend(TASK);
    args.extend(["--format", "json", "--verbose"]);
    let out = common::dwdi(Creds::Keys, &args);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("format="), "{}", out.stdout);
}

#[test]
fn dry_run_refuses_a_url_over_the_runtimes_limit_as_a_real_call_does() {
    let big = format!(
        "{{\"errorLimit\": {{\"record\": 0}}, \"x\": \"{}\"}}",
        "é".repeat(40_000)
    );
    // The same endpoint for both, so that the URLs have the same length; nothing listens
    // there, and nothing needs to: the URL is refused before anything is sent.
    let closed = common::closed_port_endpoint();
    let run = |extra: &[&str]| {
        let mut args = vec!["call", "StartDISyncInstance", "--endpoint", &closed];
        args.extend(TASK);
        args.extend(["--StartParam", &big, "--max-attempts", "1"]);
        args.extend(extra);
        common::dwdi(Creds::Keys, &args)
    };
    let dry = run(&["--dry-run"]);
    assert_eq!(dry.code, 2, "{}", dry.stderr);
    assert!(
        dry.stderr.contains("over the limit of 65534 bytes")
            && dry.stderr.contains("StartParam")
            && dry.stderr.contains("StartDISyncInstance"),
        "{}",
        dry.stderr
    );
    assert_eq!(dry.stdout, "");
    // A real call fails the same way, word for word and with the same exit code (not 3: no
    // connection was tried).
    let real = run(&[]);
    assert_eq!((real.code, &real.stderr), (dry.code, &dry.stderr));
    let dry = run(&["--dry-run", "--format", "json"]);
    let real = run(&["--format", "json"]);
    assert_eq!(json(&dry.stderr), json(&real.stderr));
    assert_eq!(json(&dry.stderr)["code"], "dwdi.Usage");
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = common::dwdi(Creds::None, &["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {out:?}");
        assert!(
            out.stdout.contains("completions") && out.stdout.contains("wait"),
            "{shell}"
        );
    }
    let out = common::dwdi(Creds::None, &["completions", "tcsh"]);
    assert_eq!(out.code, 2);
    let out = common::dwdi(Creds::None, &["man"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains(".TH dwdi 1") && out.stdout.contains(".TH dwdi-call 1"));
    // It renders: man(1), where installed, formats it without complaint.
    if Command::new("man").arg("--version").output().is_ok() {
        let dir = tempfile::tempdir().expect("dir");
        let page = dir.path().join("dwdi.1");
        std::fs::write(&page, &out.stdout).expect("write");
        let rendered = Command::new("man")
            .args(["-l", "-P", "cat"])
            .arg(&page)
            .env("MANWIDTH", "100")
            .output()
            .expect("man runs");
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(text.contains("dwdi-call"), "{text}");
    }
}

/// Runs `dwdi` with stdout on /dev/full.
fn to_dev_full(args: &[&str]) -> std::process::Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    Command::new(DWDI)
        .args(args)
        .env_clear()
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "id")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret")
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("dwdi runs")
}

#[test]
fn a_failed_write_is_exit_2_for_every_command_that_writes() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let doc = dir.path().join("doc.json");
    std::fs::write(&doc, b"{\"errorLimit\": {\"record\": 0}}").expect("write");
    let doc = doc.to_str().expect("utf-8");
    let mut call = vec![
        "call",
        "GetDISyncInstanceInfo",
        "--region",
        "cn-hangzhou",
        "--dry-run",
    ];
    call.extend(TASK);
    for args in [
        &["validate", "start-param", doc][..],
        &["validate", "start-param", doc, "--format", "json"],
        &["schema", "task-param"],
        &call,
        &["completions", "bash"],
        &["man"],
        &["mock", "--print-state"],
        &["--help"],
    ] {
        let out = to_dev_full(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

/// Runs `dwdi` with `args`, failing if it has not ended within a minute (an uncapped read of an
/// endless input never ends).
fn ends(args: &[&str]) -> std::process::Output {
    let mut child = Command::new(DWDI)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dwdi runs");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    std::thread::spawn(move || {
        let read = |s: Option<std::process::ChildStdout>| {
            let mut v = Vec::new();
            if let Some(mut s) = s {
                let _ = std::io::Read::read_to_end(&mut s, &mut v);
            }
            v
        };
        let mut err = Vec::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_end(&mut s, &mut err);
        }
        let out = read(stdout);
        let status = child.wait().expect("waits");
        let _ = tx.send(std::process::Output {
            status,
            stdout: out,
            stderr: err,
        });
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("{args:?} did not end: its read is not capped")
        })
}

#[test]
fn endless_inputs_are_too_big_by_bytes_read() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    for args in [
        &["validate", "task-param", "/dev/zero"][..],
        &["mock", "--state", "/dev/zero", "--print-state"],
        &["call", "StartDISyncInstance", "--StartParam", "@/dev/zero"],
    ] {
        let out = ends(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("too big"), "{args:?}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_read_up_to_the_cap_and_no_further() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    // A writer that goes on until the reader closes: it counts what it could write.
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("fifo opens");
        let chunk = vec![b' '; 64 * 1024];
        let mut written: u64 = 0;
        while let Ok(n) = f.write(&chunk) {
            written += n as u64;
            if written > 1024 * 1024 * 1024 {
                break;
            }
        }
        written
    });
    let out = ends(&["validate", "task-param", fifo.to_str().expect("utf-8")]);
    let written = writer.join().expect("writer");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too big"));
    // The cap (16 MiB), one byte, and what the pipe buffers: nowhere near the gigabyte offered.
    let cap = 16 * 1024 * 1024;
    assert!(written <= cap + 2 * 1024 * 1024, "{written} bytes went in");
}
