//! The `document` target: one input checked as each document kind, in both strict modes, by
//! both paths of the validator.

use std::sync::OnceLock;

use dataworks_di::documents;
use dwdi_validate::{DocumentValidator, MAX_PROBLEMS, Report};

fn validators() -> &'static [DocumentValidator; 3] {
    static VALIDATORS: OnceLock<[DocumentValidator; 3]> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let build = |schema: &str, rules: &str| {
            DocumentValidator::new(schema, rules).expect("the generated schemas compile")
        };
        [
            build(documents::TASK_PARAM_SCHEMA, documents::TASK_PARAM_RULES),
            build(
                documents::TASK_CONTENT_SCHEMA,
                documents::TASK_CONTENT_RULES,
            ),
            build(documents::START_PARAM_SCHEMA, documents::START_PARAM_RULES),
        ]
    })
}

/// Checks `data` as a TaskParam, a TaskContent and a StartParam, each strict and not.
///
/// Panics when the validator does, or when:
/// - the fast path calls a document clean that the diagnostic path finds a problem in;
/// - `check_bytes` (fast path, then diagnostic path) and the diagnostic path alone disagree
///   on the verdict;
/// - a report holds more than [`MAX_PROBLEMS`] problems and the line saying how many more;
/// - a document with no error when strict has one when not strict.
pub fn run(data: &[u8]) {
    for validator in validators() {
        let clean = validator.fast_path_clean(data);
        let mut verdicts = [true; 2];
        for (i, strict) in [false, true].into_iter().enumerate() {
            let checked = validator.check_bytes(data, strict);
            let diagnosed = validator.diagnose_bytes(data, strict);
            bounded(&checked);
            bounded(&diagnosed);
            if clean {
                assert!(
                    diagnosed.problems.is_empty(),
                    "{} (strict: {strict}): the fast path calls the document clean, the \
                     diagnostic path finds {:?}",
                    validator.title(),
                    diagnosed.problems
                );
            }
            assert_eq!(
                checked.is_valid(),
                diagnosed.is_valid(),
                "{} (strict: {strict}): check_bytes and the diagnostic path disagree",
                validator.title()
            );
            verdicts[i] = diagnosed.is_valid();
        }
        assert!(
            !verdicts[1] || verdicts[0],
            "{}: valid when strict but not when lenient",
            validator.title()
        );
    }
}

fn bounded(report: &Report) {
    assert!(
        report.problems.len() <= MAX_PROBLEMS + 1,
        "{} problems reported, over the cap of {MAX_PROBLEMS} and one line saying how many more",
        report.problems.len()
    );
}
