//! `dwdi demo` and `dwdi mock` as users run them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use dataworks_di::Client;
use dataworks_di::types::{GetDiSyncInstanceInfoStatus, TaskType};

const DWDI: &str = env!("CARGO_BIN_EXE_dwdi");

#[test]
fn demo_walks_the_whole_flow_and_exits_0() {
    let out = Command::new(DWDI).arg("demo").output().expect("dwdi runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "[1] GenerateDISyncTaskConfigForCreating",
        "tables [\"orders\"], valid against the TaskContent schema",
        "[3] CreateDISyncTask",
        "{\"Status\":\"success\"} then {\"Status\":\"RUN\"",
        "{\"Status\":\"success\"} then {\"Status\":\"PAUSE\"",
        "tables [\"orders\", \"customers\"], valid against the TaskContent schema",
        "still synchronizes tables [\"orders\"]\n",
        "[7] UpdateDISyncTask",
        "synchronizes tables [\"orders\", \"customers\"]\n",
        "[8] StartDISyncInstance",
        "[9] CreateDISyncTask TaskType=DI_OFFLINE",
        "now reads tables [\"orders\", \"refunds\"]",
        "did you mean `connection`?",
        "nothing was sent",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[tokio::test]
async fn mock_prints_its_address_first_and_answers_the_generated_client() {
    let mut child = Command::new(DWDI)
        .args(["mock", "--quiet", "--settle-polls", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let client = Client::new(
        Client::runtime_builder()
            .endpoint(&url)
            .credentials(dwdi_runtime::Credentials::new(
                "dwdi-mock-access-key-id",
                "dwdi-mock-access-key-secret",
            ))
            .build()
            .expect("runtime"),
    );
    let out = client
        .get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .send()
        .await;
    let _ = child.kill();
    let _ = child.wait();
    let out = out.expect("the mock answers");
    assert_eq!(out.data.status, GetDiSyncInstanceInfoStatus::Run);
}

#[test]
fn a_bad_fault_spec_is_a_usage_error() {
    let out = Command::new(DWDI)
        .args(["mock", "--fault", "throttle=2"])
        .output()
        .expect("dwdi runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("probability"));
}

#[test]
fn print_state_shows_the_default_state() {
    let out = Command::new(DWDI)
        .args(["mock", "--print-state"])
        .output()
        .expect("dwdi runs");
    assert_eq!(out.status.code(), Some(0));
    let state: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // The default state holds the spec's example task (project 10000, task 100), running.
    assert_eq!(
        state["projects"]["10000"]["realtimeTasks"]["100"]["status"],
        "RUN"
    );
}
