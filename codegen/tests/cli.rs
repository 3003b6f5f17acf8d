//! The `dwdi-codegen` binary: lint output formats and exit codes, and the schema refresh.

use std::process::Command;

fn codegen() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi-codegen"));
    cmd.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    cmd
}

mod common;

/// (recorded errata, errata recorded by hand) of the workspace's spec.
fn errata_counts() -> (usize, usize) {
    let loaded = common::real_spec();
    let absent = loaded
        .spec
        .errata
        .iter()
        .filter(|e| e.kind.is_recorded_by_hand())
        .count();
    (loaded.spec.errata.len() - absent, absent)
}

#[test]
fn lint_prints_the_known_errata_and_exits_0() {
    let out = codegen().arg("lint").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let (recorded, absent) = errata_counts();
    let known = stdout.lines().filter(|l| l.starts_with("known ")).count();
    assert_eq!(known, recorded, "{stdout}");
    // Each line names the file and line:column that holds the value: the spec or its layer.
    for line in stdout.lines().filter(|l| l.starts_with("known ")) {
        assert!(
            line.contains("spec/dataworks-di.json:") || line.contains("spec/imported/"),
            "{line}"
        );
    }
    assert!(
        stdout.ends_with(&format!(
            "0 stale errata, {absent} errata recorded by hand, 0 dropped hand-written entries: clean\n"
        )),
        "{stdout}"
    );
}

#[test]
fn lint_json_lists_findings_with_their_errata() {
    let out = codegen()
        .args(["lint", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), errata_counts().0);
    for f in findings {
        for key in ["operation", "pointer", "kind", "message", "erratum"] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        // A defect inside an embedded JSON string says where inside it.
        if let Some(p) = f.get("position") {
            let p = p.as_str().expect("text");
            assert!(
                p.split(':').all(|n| n.parse::<usize>().is_ok()) && p.contains(':'),
                "{p}"
            );
        }
    }
}

#[test]
fn lint_exits_1_on_an_unrecorded_defect() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut spec = common::minimal();
    spec["operations"]["GetThing"]["parameters"]["ProjectId"]["example"] = serde_json::json!(0);
    let path = dir.path().join("spec.json");
    std::fs::write(&path, serde_json::to_string_pretty(&spec).expect("text")).expect("written");
    let out = codegen()
        .args(["lint", "--format", "json", "--spec"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let unrecorded: Vec<_> = findings
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["erratum"].is_null())
        .collect();
    assert_eq!(unrecorded.len(), 1);
    assert_eq!(
        unrecorded[0]["pointer"],
        "/operations/GetThing/parameters/ProjectId/example"
    );
    assert_eq!(unrecorded[0]["kind"], "example-out-of-range");
}

#[test]
fn lint_exits_2_when_the_spec_cannot_be_loaded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"product\": 1}").expect("written");
    let out = codegen()
        .args(["lint", "--spec"])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        stderr.contains("broken.json:1:13: at `/product`"),
        "{stderr}"
    );

    let out = codegen()
        .args(["lint", "--spec", "no/such/file.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_reports_the_schema_file_as_fresh() {
    let out = codegen().arg("--check").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
