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
    assert_eq!(lines.len(), 3, "{stderr}");
    // With its category misspelt, the step is no reader (and has no reader's shape to miss).
    assert!(
        lines[0].starts_with(&format!(
            "{bad}:2:12: error: /steps: expected exactly 1 item with category \"reader\", found 0 (dwdi decision: "
        )),
        "{stderr}"
    );
    assert_eq!(
        lines[1..],
        [
            format!(
                "{bad}:3:18: error: /steps/0/category: \"reeder\" is not an accepted value; expected one of \"reader\", \"writer\""
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
            "valid": false,
            "embedded": false,
            "problems": [{
                "severity": "error",
                "pointer": "/ddlMarkMap/DROPINDEX",
                "line": 1,
                "column": 17,
                "kind": "unknown-key",
                "expected": "one of RENAMECOLUMN, DROPTABLE, CREATETABLE, MODIFYCOLUMN, TRUNCATETABLE, DROPCOLUMN, ADDCOLUMN, RENAMETABLE",
                "found": "`DROPINDEX`",
                "message": "`DROPINDEX` is not a documented key; expected one of RENAMECOLUMN, DROPTABLE, CREATETABLE, MODIFYCOLUMN, TRUNCATETABLE, DROPCOLUMN, ADDCOLUMN, RENAMETABLE"
            }]
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
        serde_json::from_str::<serde_json::Value>(dataworks_di::documents::TASK_CONTENT_SCHEMA)
            .expect("JSON")
    );
}

/// The TaskContent value of the QueryDISyncTaskConfigProcessResult page's sample, as it appears
/// in the response (an escaped JSON string), with the page's defect (erratum QRY-5).
const PAGE_TASK_CONTENT_ESCAPED: &str = r#""{\"extend\":{\"mode\":\"migration_holo\",\"resourceGroup\":\"280749\",\"name\":\"h\"},\"type\":\"job\",\"steps\":[{\"stepType\":\"mysql\",\"parameter\":{\"connection\":[{\"datasourceType\":\"mysql\",\"datasource\":\"mm\",\"selectedTables\":[{\"schema\":[{\"tableInfos\":[{\"enable\":true,\"table\":\"m_v1\",\"tableName\":\"m_v1\"}]}],\"dbName\":\"m\"}]}]},\"name\":\"reader\",\"category\":\"reader\"},{\"stepType\":\"holo\",\"parameter\":{\"datasource\":\"h\",\"tableMappingRule\":{\"datasource\":[{\"tableRule\":[{\"srcTable\":\"m_v1\",\"mergeIntoCycleType\":\"DEFAULT\",\"hourDeltaEnable\":false,\"dstTable\":\"m.m_v1\",\"dayDeltaEnable\":false,\"primaryKeyInfo\":{\"column\":[\"id\"],\"type\":\"pk\"},\"dstCreateTableInfo\":{\"indexType\":\"m_v1\",\"dataColumn\":[{\"columnSize\":0,\"name\":\"id\",\"index\":0,\"comment\":\"\",\"newDigit\":0,\"type\":\"int8\",\"digit\":0,\"primaryKey\":true}],\"schemaName\":\"m\",\"tableName\":\"m_v1\"},\"srcDbName\":\"m\"],\"srcDatasourceName\":\"mm\"}],\"totalTableMapping\":1},\"writeMode\":\"replay\"},\"name\":\"writer\",\"category\":\"writer\"}],\"version\":\"2.0\",\"order\":{\"hops\":[{\"from\":\"reader\",\"to\":\"writer\"}]}}""#;

#[test]
fn an_escaped_document_is_checked_inside_and_the_pages_sample_fails_at_its_defect() {
    let out = dwdi(
        &["validate", "task-content", "--format", "json", "-"],
        Some(PAGE_TASK_CONTENT_ESCAPED),
    );
    assert_eq!(out.status.code(), Some(1));
    let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(verdict[0]["embedded"], true);
    assert_eq!(verdict[0]["valid"], false);
    let problem = &verdict[0]["problems"][0];
    assert_eq!(problem["kind"], "syntax");
    assert_eq!(
        (problem["line"].as_u64(), problem["column"].as_u64()),
        (Some(1), Some(814))
    );

    // Alibaba's metadata prints the same sample with `}]` there: it validates.
    let mended = PAGE_TASK_CONTENT_ESCAPED.replace(
        r#"\"m\"],\"srcDatasourceName"#,
        r#"\"m\"}],\"srcDatasourceName"#,
    );
    let out = dwdi(&["validate", "task-content", "-"], Some(&mended));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("valid TaskContent (escaped in a JSON string"));
}

#[test]
fn hostile_inputs_get_clear_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    std::fs::write(path("latin1.json"), b"{\"name\": \"caf\xe9\"}").expect("written");
    std::fs::write(path("empty.json"), b"").expect("written");
    std::fs::write(path("deep.json"), "[".repeat(1000) + &"]".repeat(1000)).expect("written");
    std::fs::create_dir(path("a-directory")).expect("dir");
    let big = std::fs::File::create(path("big.json")).expect("created");
    big.set_len(100 * 1024 * 1024).expect("sized");

    let out = dwdi(
        &[
            "validate",
            "task-param",
            &path("latin1.json"),
            &path("empty.json"),
            &path("deep.json"),
            &path("a-directory"),
            &path("big.json"),
        ],
        None,
    );
    // Two files cannot be read: exit 2, and the other three are still checked and reported.
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for expected in [
        "latin1.json:1:14: error: (document): not UTF-8: byte 0xE9 at offset 13 is not valid UTF-8; expected UTF-8 text",
        "empty.json:1:1: error: (document): the document is empty; expected a TaskParam JSON document",
        "deep.json:1:128: error: (document): not valid JSON: recursion limit exceeded",
        "a-directory: it is a directory; expected a file",
        "big.json: too big: more than 16777216 bytes; expected at most 16777216 bytes",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in\n{stderr}"
        );
    }
    let stdout = text(&out.stdout);
    assert_eq!(stdout.matches(": invalid TaskParam").count(), 3, "{stdout}");
}
