//! Bounded work and output on hostile input, measured by what can be counted, not by time:
//! the steps the position walk takes (issue 13 #6) and the problems reported (issue 13 #8).

use dwdi_validate::position::Positions;
use dwdi_validate::{DocumentValidator, MAX_PROBLEMS, Severity};

fn task_param() -> DocumentValidator {
    DocumentValidator::new(
        dataworks_di::documents::TASK_PARAM_SCHEMA,
        dataworks_di::documents::TASK_PARAM_RULES,
    )
    .expect("schema")
}

/// One object with `n` distinct members (and one repeat, to be found).
fn many_keys(n: usize) -> String {
    let mut text = String::from("{\"steps\": [], ");
    for i in 0..n {
        text.push_str(&format!("\"member{i}\": {i}, "));
    }
    text.push_str("\"member7\": 0}");
    text
}

#[test]
fn member_bookkeeping_is_linear_in_the_text() {
    // 80,000 distinct members (about 1.4 MB): each name is looked up once among the others, so
    // the walk takes about one step per character. Checking each name against a list of those
    // seen, as before, takes 3.2 billion comparisons here.
    for n in [10_000, 80_000] {
        let text = many_keys(n);
        let budget = 2 * text.chars().count() as u64;
        for positions in [
            Positions::index(&text),
            Positions::index_only(&text, ["/member5", "/steps"]),
        ] {
            assert!(
                positions.steps() <= budget,
                "{n} members: {} steps for {} characters",
                positions.steps(),
                text.len()
            );
            assert_eq!(positions.duplicates().len(), 1);
            assert_eq!(positions.duplicates()[0].key, "member7");
        }
        // Only what was asked for is recorded: memory grows with the problems, not the text.
        let only = Positions::index_only(&text, ["/member5"]);
        assert!(only.get("/member5").is_some());
        assert!(only.get("/member6").is_none());
    }
    // The validator finds the repeat among 80,000 members, and lists at most the cap.
    let report = task_param().check_bytes(many_keys(80_000).as_bytes(), false);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.kind == "duplicate-member" && p.pointer == "/member7")
    );
    assert_eq!(report.problems.len(), MAX_PROBLEMS + 1);
}

#[test]
fn problems_stop_at_the_cap_and_the_rest_are_counted() {
    // `{"steps":[{},{},…]}`: each empty step lacks `category` and `parameter`, and no step is
    // the one reader: 2n + 1 errors. 200,000 steps (600 KB) exceed the cap as a 16 MiB one
    // does, with the same shape of answer.
    let n = 200_000;
    let mut text = String::with_capacity(3 * n + 16);
    text.push_str("{\"steps\":[");
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        text.push_str("{}");
    }
    text.push_str("]}");
    let report = task_param().check_bytes(text.as_bytes(), false);
    assert!(!report.is_valid());
    assert_eq!(report.problems.len(), MAX_PROBLEMS + 1);
    let (listed, more) = report.problems.split_at(MAX_PROBLEMS);
    assert!(listed.iter().all(|p| p.severity == Severity::Error));
    assert!(listed.iter().all(|p| p.kind != "more"));
    let more = &more[0];
    assert_eq!((more.kind, more.severity), ("more", Severity::Error));
    let total = 2 * n + 1;
    assert_eq!(
        more.message,
        format!(
            "and {} more problems not shown (at most {MAX_PROBLEMS} are listed per document)",
            total - MAX_PROBLEMS
        )
    );
    // The listed ones are the first in the text, in order.
    assert!(
        listed
            .windows(2)
            .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column))
    );
}
