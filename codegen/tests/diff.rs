//! `dwdi-codegen diff OLD NEW`: the classification of a fixture pair that holds every kind of
//! change (text snapshot, JSON), and the exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(name)
}

fn diff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dwdi-codegen"))
        .arg("diff")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn path(name: &str) -> String {
    fixture(name).display().to_string()
}

#[test]
fn every_kind_of_change_is_listed_and_classified() {
    let out = diff(&[&path("old.json"), &path("new.json")]);
    assert_eq!(out.status.code(), Some(1), "breaking changes exit 1");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn json_output_carries_the_same_classification() {
    let out = diff(&["--format", "json", &path("old.json"), &path("new.json")]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let changes = report["changes"].as_array().expect("a list of changes");
    let breaking = changes.iter().filter(|c| c["breaking"] == true).count();
    assert_eq!(report["breaking"], breaking);
    assert_eq!(breaking, 9);
    assert_eq!(changes.len(), 19);
    let removed = changes
        .iter()
        .find(|c| c["kind"] == "operation-removed")
        .expect("the removed operation");
    assert_eq!(removed["pointer"], "/operations/StopDISyncInstance");
    assert_eq!(removed["breaking"], true);
}

#[test]
fn compatible_changes_exit_0() {
    let same = diff(&[&path("old.json"), &path("old.json")]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&same.stdout),
        "diff: 0 change(s), 0 breaking\n"
    );
    // Going back from new to old is not free of breaks either (Progress disappears, ...),
    // but the spec against itself is, and so is the workspace spec against itself.
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/dataworks-di.json");
    let spec = spec.display().to_string();
    assert_eq!(diff(&[&spec, &spec]).status.code(), Some(0));
}

#[test]
fn a_spec_that_cannot_be_read_or_loaded_exits_2_naming_it() {
    let missing = diff(&[&path("old.json"), &path("no-such.json")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such.json"));
    let dir = tempfile::tempdir().expect("a temp dir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ \"product\": ").expect("write");
    let out = diff(&[&broken.display().to_string(), &path("new.json")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(out.stdout.is_empty());
}
