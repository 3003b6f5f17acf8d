//! `dwdi validate` and `dwdi schema`: verdicts, every problem with file:line:column and pointer,
//! stdin, --strict, --format json, and the exit codes (0 valid, 1 invalid, 2 unreadable).

use std::io::Write;
use std::process::{Command, Output, Stdio};

const PAGE_TASK_PARAM: &str = r#"{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" } ] }"#;

fn dwdi(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .expect("writes stdin");
    drop(input);
    child.wait_with_output().expect("finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

#[test]
fn the_pages_example_is_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("p.json");
    std::fs::write(&path, PAGE_TASK_PARAM).expect("written");
    let out = dwdi(
        &["validate", "task-param", path.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(text(&out.stdout).ends_with(": valid TaskParam (0 errors, 0 warnings)\n"));
    assert!(out.stderr.is_empty());
}

#[test]
fn every_problem_of_every_file_is_reported_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good.json");
    let bad = dir.path().join("bad.json");
    std::fs::write(&good, PAGE_TASK_PARAM).expect("written");
    std::fs::write(
        &bad,
        "{\n  \"steps\": [\n    {\"category\": \"reeder\", \"parameter\": {\"conection\": []}}\n  ]\n}\n",
    )
    .expect("written");
    let out = dwdi(
        &[
            "validate",
            "task-param",
            good.to_str().expect("utf-8"),
            bad.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let bad = bad.to_str().expect("utf-8");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        vec![
            format!(
                "{bad}:3:18: error: /steps/0/category: \"reeder\" is not an accepted value; expected one of \"reader\", \"writer\""
            ),
            format!(
                "{bad}:3:41: error: /steps/0/parameter: missing required member \"connection\""
            ),
            format!(
                "{bad}:3:42: error: /steps/0/parameter/conection: unknown member `conection`; did you mean `connection`?"
            ),
        ]
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("good.json: valid TaskParam"));
    assert!(stdout.contains("bad.json: invalid TaskParam (3 errors, 0 warnings)"));
}

#[test]
fn stdin_strict_and_json_output() {
    let doc = r#"{"ddlMarkMap": {"DROPINDEX": "NORMAL"}}"#;
    let lenient = dwdi(&["validate", "start-param", "-"], Some(doc));
    assert_eq!(lenient.status.code(), Some(0));
    assert!(text(&lenient.stderr).contains("<stdin>:1:17: warning: /ddlMarkMap/DROPINDEX"));

    let strict = dwdi(
        &[
            "validate",
            "start-param",
            "--strict",
            "--format",
            "json",
            "-",
        ],
        Some(doc),
    );
    assert_eq!(strict.status.code(), Some(1));
    let problems: serde_json::Value = serde_json::from_slice(&strict.stdout).expect("JSON");
    assert_eq!(
        problems,
        serde_json::json!([{
            "file": "<stdin>",
            "severity": "error",
            "pointer": "/ddlMarkMap/DROPINDEX",
            "line": 1,
            "column": 17,
            "message": "`DROPINDEX` is not a documented key; expected one of RENAMECOLUMN, DROPTABLE, CREATETABLE, MODIFYCOLUMN, TRUNCATETABLE, DROPCOLUMN, ADDCOLUMN, RENAMETABLE"
        }])
    );
}

#[test]
fn an_unreadable_file_or_bad_usage_exits_2() {
    let out = dwdi(&["validate", "task-param", "/no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/no/such/file.json: cannot read"));
    let out = dwdi(&["validate", "task-params", "x.json"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn schema_prints_the_generated_schema() {
    let out = dwdi(&["schema", "task-content"], None);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(schema["$id"], "urn:dwdi:schema:task-content");
    assert_eq!(
        schema,
        serde_json::from_str::<serde_json::Value>(dataworks_di::TASK_CONTENT_SCHEMA).expect("JSON")
    );
}
