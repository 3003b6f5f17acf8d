//! Hostile inputs, in process: `check_bytes` never panics and says clearly what is wrong (the
//! CLI's `hostile_inputs_get_clear_errors` covers files, directories and sizes). That the work
//! stays linear is counted, not timed, in `bounded.rs`.

use dwdi_validate::{DocumentValidator, Report, Severity};

fn task_param() -> DocumentValidator {
    DocumentValidator::new(
        dataworks_di::documents::TASK_PARAM_SCHEMA,
        dataworks_di::documents::TASK_PARAM_RULES,
    )
    .expect("schema")
}

/// The verdict on `bytes` (a panic fails the test).
fn check(bytes: Vec<u8>) -> Report {
    task_param().check_bytes(&bytes, false)
}

fn only_error(report: &Report) -> (&str, usize, usize, &str) {
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    let p = &report.problems[0];
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(p.pointer, "");
    (p.kind, p.line, p.column, p.message.as_str())
}

#[test]
fn invalid_utf8_is_placed_and_named() {
    let report = check(b"{\"name\": \"caf\xe9\"}".to_vec());
    assert_eq!(
        only_error(&report),
        (
            "encoding",
            1,
            14,
            "not UTF-8: byte 0xE9 at offset 13 is not valid UTF-8; expected UTF-8 text"
        )
    );
    assert_eq!(report.problems[0].found.as_deref(), Some("the byte 0xE9"));
    // On a later line, after multi-byte characters: the column counts characters.
    let report = check(
        "{\n  \"é\": \"x\u{1F600}"
            .bytes()
            .chain(*b"\xff\"}")
            .collect(),
    );
    let (kind, line, column, _) = only_error(&report);
    assert_eq!((kind, line, column), ("encoding", 2, 11));
    // A truncated multi-byte sequence at the very end.
    let report = check(b"{\"a\": \"\xe2\x82".to_vec());
    assert_eq!(only_error(&report).0, "encoding");
}

#[test]
fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let text = open.repeat(1000) + &close.repeat(1000);
        let report = check(text.into_bytes());
        let (kind, line, _, message) = only_error(&report);
        assert_eq!((kind, line), ("syntax", 1));
        assert_eq!(message, "not valid JSON: recursion limit exceeded");
    }
    // A 100,000-deep one, escaped in a JSON string, too.
    let inner = "[".repeat(100_000);
    let text = serde_json::to_string(&inner).expect("JSON");
    let report = check(text.into_bytes());
    assert!(report.embedded);
    assert_eq!(
        only_error(&report).3,
        "not valid JSON: recursion limit exceeded"
    );
}

#[test]
fn a_100_mb_input_gets_one_clear_error() {
    // Zeros, as `truncate -s 100M` leaves them: valid UTF-8, not JSON.
    let report = check(vec![0; 100 * 1024 * 1024]);
    let (kind, line, column, message) = only_error(&report);
    assert_eq!((kind, line, column), ("syntax", 1, 1));
    assert_eq!(message, "not valid JSON: expected value");
    // 100 MB of whitespace holds no document.
    let report = check(vec![b' '; 100 * 1024 * 1024]);
    assert_eq!(
        only_error(&report).3,
        "the document is empty; expected a TaskParam JSON document"
    );
}

#[test]
fn big_documents_stay_linear() {
    // 100,000 tables in one connection (about 1.4 MB): the uniqueness rule must not compare
    // every pair, and the one repeat is still found and placed.
    let tables: Vec<String> = (0..100_000).map(|i| format!("t{i}")).collect();
    let doc = |tables: &[String]| {
        serde_json::json!({"steps": [{"category": "reader", "parameter": {"connection": [{"table": tables}]}}]})
            .to_string()
            .into_bytes()
    };
    let report = check(doc(&tables));
    assert!(report.problems.is_empty(), "{:?}", report.problems.first());
    let mut repeated = tables.clone();
    repeated.push("t5".into());
    let report = check(doc(&repeated));
    let (pointer, message) = only_rule(&report);
    assert_eq!(pointer, "/steps/0/parameter/connection/0/table/100000");
    assert!(
        message.contains("\"t5\" appears again (first at /steps/0/parameter/connection/0/table/5)"),
        "{message}"
    );

    // 10,000 members in one object, two of them the same: the repeat is found.
    let mut text = String::from("{\"steps\": [], ");
    for i in 0..10_000 {
        text.push_str(&format!("\"m{i}\": {i}, "));
    }
    text.push_str("\"m0\": 1}");
    let report = check(text.into_bytes());
    assert!(!report.is_valid());
    let duplicates: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.kind == "duplicate-member")
        .collect();
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0].pointer, "/m0");
    // 10,002 problems (the repeat, no reader in `steps`, 10,000 undocumented members): the
    // two errors and the first 998 warnings are listed, then how many more.
    assert_eq!(report.problems.len(), dwdi_validate::MAX_PROBLEMS + 1);
    let more = report.problems.last().expect("a last line");
    assert_eq!(more.kind, "more");
    assert!(
        more.message.starts_with("and 9002 more problems not shown"),
        "{}",
        more.message
    );
}

/// The pointer and message of the report's only problem, a broken rule.
fn only_rule(report: &Report) -> (&str, &str) {
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    let p = &report.problems[0];
    assert_eq!(p.severity, Severity::Error);
    assert!(matches!(p.kind, "rule" | "unique-items"), "{p:?}");
    (p.pointer.as_str(), p.message.as_str())
}

#[test]
fn empty_and_blank_inputs_say_what_was_expected() {
    for blank in [&b""[..], b"   \n\t ", b"\r\n"] {
        let report = check(blank.to_vec());
        assert_eq!(
            only_error(&report),
            (
                "syntax",
                1,
                1,
                "the document is empty; expected a TaskParam JSON document"
            ),
            "{blank:?}"
        );
    }
    // An empty JSON string is a string, not a document escaped in one.
    let report = check(b"\"\"".to_vec());
    assert!(!report.embedded);
    assert_eq!(
        only_error(&report),
        ("type", 1, 1, "expected object, found the string \"\"")
    );
    // A lone BOM or NUL is not a document either.
    for odd in [&b"\xef\xbb\xbf"[..], b"\xef\xbb\xbf  ", b"\0"] {
        let report = check(odd.to_vec());
        assert_eq!(only_error(&report).0, "syntax");
    }
    // A BOM before a document is skipped; positions count from after it.
    let report = check(b"\xef\xbb\xbf{}".to_vec());
    assert_eq!(
        only_error(&report),
        ("required", 1, 1, "missing required member \"steps\"")
    );
}

#[test]
fn garbage_never_panics() {
    // Every prefix of a document and some odd bytes: a verdict each time, never a panic.
    let doc = br#"{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx", "xyx" ] } ] }, "name": "Reader", "category": "reader", "x": "\u00e9\ud800" } ] }"#;
    let validator = task_param();
    for end in 0..=doc.len() {
        let report = validator.check_bytes(&doc[..end], true);
        if end < doc.len() {
            assert!(!report.is_valid(), "prefix {end}");
        }
    }
    for odd in [
        &b"\"\\\"{\""[..],
        b"\"[1,\"",
        b"\"\\ud800\"",
        b"\"{\\\"a\\\": 1, \\\"a\\\": 2}\"",
        b"-",
        b"1e999999",
        b"[1, 2",
        b"}",
    ] {
        let _ = validator.check_bytes(odd, false);
    }
}
