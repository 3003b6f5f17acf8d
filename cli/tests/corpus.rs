//! The valid and invalid corpora (`tests/corpus/{valid,invalid}/KIND.CASE.json`) through the
//! `dwdi` binary: every file of each document kind at once, the text report (stdout and stderr)
//! and the JSON report pinned by snapshots. The invalid corpus has a file for each kind of
//! problem: syntax, encoding, an empty file, type, enum, required, minimum, unknown member,
//! duplicate member and each rule; the valid one has the pages' examples, an escaped document
//! and warnings that `--strict` turns into errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const KINDS: [&str; 3] = ["task-param", "task-content", "start-param"];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The corpus's files of one kind, relative to the corpus, in name order.
fn files(set: &str, kind: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(corpus().join(set))
        .expect("the corpus exists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .into_string()
                .expect("UTF-8")
        })
        .filter(|name| name.starts_with(&format!("{kind}.")) && name.ends_with(".json"))
        .map(|name| format!("{set}/{name}"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no {set} {kind} files");
    files
}

fn dwdi(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(args)
        .current_dir(corpus())
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("UTF-8")
}

/// Runs `dwdi validate KIND FILES... EXTRA...` and renders the exit code, stdout and stderr.
fn run(set: &str, kind: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["validate".to_owned(), kind.to_owned()];
    args.extend(files(set, kind));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let out = dwdi(&args);
    (
        out.status.code(),
        text(&out.stdout).to_owned(),
        text(&out.stderr).to_owned(),
    )
}

fn snapshot_text(set: &str, kind: &str, extra: &[&str]) -> Option<i32> {
    let (code, stdout, stderr) = run(set, kind, extra);
    let name = format!("{set}-{kind}{}-text", extra.join(""));
    insta::assert_snapshot!(
        name,
        format!("exit: {code:?}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}")
    );
    code
}

fn snapshot_json(set: &str, kind: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut with_format = extra.to_vec();
    with_format.extend(["--format", "json"]);
    let (code, stdout, stderr) = run(set, kind, &with_format);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    // In JSON, problems go to stdout only; unreadable files would be on stderr (none here).
    assert_eq!(stderr, "", "{set} {kind}");
    let name = format!("{set}-{kind}{}-json", extra.join(""));
    insta::assert_json_snapshot!(name, report);
    (code, report)
}

#[test]
fn the_valid_corpus_is_valid() {
    for kind in KINDS {
        assert_eq!(snapshot_text("valid", kind, &[]), Some(0), "{kind}");
        let (code, report) = snapshot_json("valid", kind, &[]);
        assert_eq!(code, Some(0));
        let verdicts = report.as_array().expect("an array");
        assert_eq!(verdicts.len(), files("valid", kind).len());
        for verdict in verdicts {
            assert_eq!(verdict["valid"], true, "{verdict}");
            assert!(
                verdict["problems"]
                    .as_array()
                    .expect("problems")
                    .iter()
                    .all(|p| p["severity"] == "warning"),
                "{verdict}"
            );
        }
    }
}

#[test]
fn strict_turns_the_valid_corpus_warnings_into_errors() {
    // Only the files with warnings (an undocumented member, an unknown DDL kind) fail.
    for (kind, failing) in [
        (
            "task-param",
            vec!["valid/task-param.undocumented-member.json"],
        ),
        ("task-content", vec![]),
        (
            "start-param",
            vec!["valid/start-param.unknown-ddl-kind.json"],
        ),
    ] {
        let code = snapshot_text("valid", kind, &["--strict"]);
        assert_eq!(code, Some(if failing.is_empty() { 0 } else { 1 }), "{kind}");
        let (_, report) = snapshot_json("valid", kind, &["--strict"]);
        let invalid: Vec<&str> = report
            .as_array()
            .expect("an array")
            .iter()
            .filter(|v| v["valid"] == false)
            .map(|v| v["file"].as_str().expect("a file"))
            .collect();
        assert_eq!(invalid, failing, "{kind}");
    }
}

#[test]
fn every_file_of_the_invalid_corpus_is_invalid_at_its_mistake() {
    let mut kinds_seen = std::collections::BTreeSet::new();
    for kind in KINDS {
        assert_eq!(snapshot_text("invalid", kind, &[]), Some(1), "{kind}");
        let (code, report) = snapshot_json("invalid", kind, &[]);
        assert_eq!(code, Some(1));
        for verdict in report.as_array().expect("an array") {
            assert_eq!(verdict["valid"], false, "{verdict}");
            let problems = verdict["problems"].as_array().expect("problems");
            assert!(
                problems.iter().any(|p| p["severity"] == "error"),
                "{verdict}"
            );
            // Each problem names a place: a pointer (possibly the whole document) and a
            // line:column inside the file.
            for p in problems {
                assert!(p["pointer"].is_string() && p["line"].as_u64() >= Some(1));
                assert!(p["column"].as_u64() >= Some(1) && p["message"].is_string());
                kinds_seen.insert(p["kind"].as_str().expect("a kind").to_owned());
            }
        }
    }
    // The corpus covers every kind of error a document can have (warnings, which `--strict`
    // makes errors, are in the valid corpus).
    let expected = [
        "any-of",
        "contains",
        "duplicate-member",
        "encoding",
        "enum",
        "min-items",
        "minimum",
        "required",
        "rule",
        "syntax",
        "type",
        "undocumented-member",
        "unique-items",
        "unknown-member",
        "wrong-kind",
    ];
    assert_eq!(
        kinds_seen.iter().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn the_reports_are_deterministic() {
    // The files are checked on every core; the reports still come in the order given.
    for set in ["valid", "invalid"] {
        for kind in KINDS {
            let first = run(set, kind, &["--format", "json"]);
            for _ in 0..3 {
                assert_eq!(run(set, kind, &["--format", "json"]), first, "{set} {kind}");
            }
        }
    }
}
