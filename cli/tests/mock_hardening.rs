//! `dwdi call` against a mock that loses answers (issue 13 #1), and `dwdi mock`'s start and
//! end (issue 13 #12, #13): SIGTERM saves the state, unusable state paths are refused at the
//! start, repeated faults are usage errors, and a mock other hosts can reach with published
//! keys says so.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use common::{Creds, Env, Run, TASK_PARAM};
use dwdi_mock::{MockConfig, MockServer};

const DWDI: &str = env!("CARGO_BIN_EXE_dwdi");

/// An environment holding the mock's owner keys.
fn mock_env() -> Env {
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

async fn start(fault: &str) -> MockServer {
    MockServer::start(MockConfig {
        faults: fault.parse().expect("fault"),
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

/// Runs `dwdi call GenerateDISyncTaskConfigForUpdating … extra` against `server` (off the
/// async workers, which keep serving the mock meanwhile).
async fn generate(server: &MockServer, extra: &[&str]) -> Run {
    let mut args: Vec<String> = [
        "call",
        "GenerateDISyncTaskConfigForUpdating",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--TaskParam",
        TASK_PARAM,
        "--TaskId",
        "100",
        "--endpoint",
        &server.url(),
    ]
    .map(String::from)
    .to_vec();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    tokio::task::spawn_blocking(move || mock_env().run(&args))
        .await
        .expect("dwdi ran")
}

fn processes(server: &MockServer) -> (usize, Vec<String>) {
    let state = server.mock().state();
    let project = &state.projects[&10000];
    (
        project.processes.len(),
        project.client_tokens.keys().cloned().collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_answers_are_lost_starts_exactly_one_process() {
    // 503 after the work is done: retried (3 attempts), each carried out.
    let server = start("applied-503=1").await;
    let (before, _) = processes(&server);
    let run = generate(&server, &[]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("gave up after 3 attempt(s)"),
        "{}",
        run.stderr
    );
    let (after, tokens) = processes(&server);
    assert_eq!(after - before, 1, "one process for three attempts");
    // The automatic token, the same on every attempt, is the one the mock recorded, and the
    // user is told how to repeat the call without starting a second process.
    let generated = tokens
        .iter()
        .find(|t| t.as_str() != "ABFUOEUOTRTRJKE")
        .expect("the call's token");
    assert_eq!(generated.len(), 32);
    assert!(
        run.stderr
            .contains(&format!("add --ClientToken {generated}")),
        "{}",
        run.stderr
    );

    // The connection closed without an answer: no answer at all (exit 3), still one process.
    let server = start("applied-drop=1").await;
    let (before, _) = processes(&server);
    let run = generate(&server, &[]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(processes(&server).0 - before, 1);

    // The user's own token is the one sent; repeating the call with it starts nothing new.
    let server = start("applied-503=1").await;
    let (before, _) = processes(&server);
    let first = generate(&server, &["--ClientToken", "my-token-1"]).await;
    assert_eq!(first.code, 1, "{first:?}");
    assert!(!first.stderr.contains("(generated)"), "{}", first.stderr);
    let (after, tokens) = processes(&server);
    assert_eq!(after - before, 1);
    assert!(tokens.contains(&"my-token-1".to_owned()), "{tokens:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_faults_the_automatic_token_changes_nothing_visible() {
    let server = start("").await;
    let run = generate(&server, &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let out: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(out["Data"]["ProcessId"].as_i64().is_some(), "{out}");
    // Every operation without an idempotency token is sent without one.
    let args: Vec<String> = [
        "call",
        "StopDISyncInstance",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "100",
        "--dry-run",
        "--region",
        "cn-hangzhou",
    ]
    .map(String::from)
    .to_vec();
    let dry = tokio::task::spawn_blocking(move || mock_env().run(&args))
        .await
        .unwrap();
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(!dry.stdout.contains("ClientToken"), "{}", dry.stdout);
}

/// A running `dwdi mock`: its child process and the URL from its first line.
struct Running {
    child: std::process::Child,
    url: String,
}

fn spawn_mock(args: &[&str]) -> Running {
    spawn(Command::new(DWDI).arg("mock").args(args))
}

fn spawn(command: &mut Command) -> Running {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dwdi mock starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    Running { child, url }
}

#[cfg(unix)]
#[test]
fn out_of_file_descriptors_an_idle_connection_gives_way_to_a_request() {
    // The case: more idle connections than the process has descriptors for.
    let mut mock =
        spawn(Command::new("sh").args(["-c", "ulimit -n 64 && exec \"$0\" mock --quiet", DWDI]));
    let addr = mock.url.trim_start_matches("http://").to_owned();
    let idle: Vec<std::net::TcpStream> = (0..100)
        .map(|_| std::net::TcpStream::connect(&addr).expect("connect"))
        .collect();
    let run = mock_env().run(&[
        "call",
        "GetDISyncInstanceInfo",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "100",
        "--endpoint",
        &mock.url,
        "--max-attempts",
        "1",
    ]);
    let _ = mock.child.kill();
    let _ = mock.child.wait();
    drop(idle);
    assert_eq!(run.code, 0, "{run:?}");
}

fn stop_call(url: &str) -> Run {
    mock_env().run(&[
        "call",
        "StopDISyncInstance",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "100",
        "--endpoint",
        url,
    ])
}

#[cfg(unix)]
#[test]
fn sigterm_writes_the_saved_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut mock = spawn_mock(&[
        "--quiet",
        "--settle-polls",
        "0",
        "--state",
        path.to_str().unwrap(),
        "--save",
    ]);
    let run = stop_call(&mock.url);
    assert_eq!(run.code, 0, "{run:?}");
    let killed = Command::new("kill")
        .args(["-TERM", &mock.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = mock.child.wait().expect("mock ends");
    assert_eq!(status.code(), Some(0));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("state written")).unwrap();
    assert_eq!(
        saved["projects"]["10000"]["realtimeTasks"]["100"]["status"],
        "PAUSE"
    );
    // Only the state file: the temporary file it was written through was renamed.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

fn mock_exit(args: &[&str]) -> Run {
    let out = Command::new(DWDI)
        .arg("mock")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("dwdi runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn an_unwritable_save_path_is_refused_at_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("no-such-dir").join("state.json");
    for path in [missing_dir.to_str().unwrap(), dir.path().to_str().unwrap()] {
        let run = mock_exit(&["--state", path, "--save"]);
        assert_eq!(run.code, 2, "{path}: {run:?}");
        assert_eq!(run.stdout, "", "nothing listened");
        assert!(run.stderr.contains(path), "{}", run.stderr);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_state_file_is_too_big_not_a_memory_hog() {
    let run = mock_exit(&["--state", "/dev/zero", "--print-state"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("too big"), "{}", run.stderr);
    let run = mock_exit(&["--state", "/dev/zero"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("too big"), "{}", run.stderr);
}

#[test]
fn a_repeated_fault_kind_is_a_usage_error() {
    for args in [
        &["--fault", "throttle=0.1,throttle=0.2"][..],
        &["--fault", "throttle=0.1", "--fault", "error500=0.1"],
    ] {
        let run = mock_exit(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("more than once") || run.stderr.contains("multiple times"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn listening_beyond_loopback_with_published_keys_prints_a_warning() {
    let mut mock = spawn_mock(&["--quiet", "--addr", "0.0.0.0:0"]);
    assert!(mock.url.starts_with("http://0.0.0.0:"), "{}", mock.url);
    let _ = mock.child.kill();
    let _ = mock.child.wait();
    let mut stderr = String::new();
    mock.child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.starts_with("warning: dwdi mock listens on 0.0.0.0:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(dwdi_mock::DEFAULT_ACCESS_KEY_ID),
        "{stderr}"
    );

    let mut quiet = spawn_mock(&["--quiet"]);
    let _ = quiet.child.kill();
    let _ = quiet.child.wait();
    let mut stderr = String::new();
    quiet
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(stderr, "", "no warning on loopback");
}
