//! An operation's parameters as the user gave them: values read from files (`@file`, `@-`),
//! then every problem reported at once, a misspelt name with a suggestion.

use dwdi_runtime::describe::{OperationDesc, Problem};
use dwdi_validate::read::{self, ReadError};

use crate::documents::MAX_DOCUMENT_BYTES;
use crate::failure::Failure;
use crate::operations::closest;

/// Replaces each value written `@FILE` by the file's text, `@-` by standard input's, in the
/// Alibaba Cloud CLI's style: read with the shared capped reader (at most
/// [`MAX_DOCUMENT_BYTES`], a UTF-8 byte order mark dropped), as `dwdi validate` reads.
pub fn read_values(params: Vec<(String, String)>) -> Result<Vec<(String, String)>, Failure> {
    let mut stdin_taken: Option<String> = None;
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(params.len());
    for (name, value) in params {
        let Some(path) = value.strip_prefix('@') else {
            out.push((name, value));
            continue;
        };
        if path.is_empty() {
            problems.push(format!(
                "parameter --{name}: `@` names no file; expected @FILE, or @- for standard input"
            ));
            continue;
        }
        if path == read::STDIN {
            if let Some(first) = &stdin_taken {
                problems.push(format!(
                    "parameter --{name}: standard input (@-) is already the value of --{first}; \
                     expected @- once"
                ));
                continue;
            }
            stdin_taken = Some(name.clone());
        }
        let shown = if path == read::STDIN { "<stdin>" } else { path };
        let text = read::read_capped(path, MAX_DOCUMENT_BYTES)
            .map_err(|e| match e {
                ReadError::TooBig { .. } => format!("parameter --{name}: {shown}: {e}"),
                e => format!("parameter --{name}: {shown}: {e}"),
            })
            .and_then(|bytes| {
                read::utf8_text(bytes).map_err(|e| {
                    format!("parameter --{name}: {shown}:{}:{}: {e}", e.line, e.column)
                })
            });
        match text {
            Ok(text) => out.push((name, text)),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Failure::usage_all(problems))
    }
}

/// Checks the parameters against the operation's table: every problem at once (unknown and
/// repeated names, all missing parameters, wrongly typed values), each unknown name with the
/// closest parameter or dwdi option; then the documents carried in strings, as `dwdi validate`
/// checks them.
pub fn check(op: &OperationDesc, params: &[(String, String)]) -> Result<(), Failure> {
    let wire: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let problems: Vec<String> = op
        .validate_all(wire.iter().copied())
        .into_iter()
        .map(|e| match &e.problem {
            Problem::Unknown { known } => unknown(op, &e.parameter, known),
            _ => e.to_string(),
        })
        .collect();
    if !problems.is_empty() {
        return Err(Failure::usage_all(problems));
    }
    dataworks_di::meta::check_documents(op, &wire).map_err(|e| Failure::usage(e.to_string()))
}

/// An unknown parameter name, with a suggestion: the operation's closest parameter, else the
/// closest option of dwdi itself (`--dryrun`).
fn unknown(op: &OperationDesc, name: &str, known: &[&'static str]) -> String {
    let list = known.join(", ");
    let hint = match closest(name, known.iter().copied()) {
        Some(p) => format!(" (did you mean --{p}?)"),
        None => {
            let flags = crate::cli::fixed_flag_names();
            match closest(name, flags.iter().map(String::as_str)) {
                Some(f) => format!(" (did you mean the option --{f}?)"),
                None => String::new(),
            }
        }
    };
    format!(
        "{}: unknown parameter {name}{hint}; expected one of {list}",
        op.action
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use dwdi_runtime::describe::ParamKind;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn problems(op: &OperationDesc, p: &[(&str, &str)]) -> Vec<String> {
        check(op, &pairs(p))
            .expect_err("refused")
            .problems_or_message()
    }

    impl Failure {
        fn problems_or_message(self) -> Vec<String> {
            if self.problems.is_empty() {
                vec![self.message]
            } else {
                self.problems
            }
        }
    }

    fn op(name: &str) -> &'static OperationDesc {
        dataworks_di::meta::operation(name).expect("operation")
    }

    #[test]
    fn every_missing_parameter_is_reported_at_once() {
        let stop = op("StopDISyncInstance");
        let missing = problems(stop, &[]);
        let required: Vec<&str> = stop
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name)
            .collect();
        assert_eq!(missing.len(), required.len(), "{missing:?}");
        for (m, name) in missing.iter().zip(required) {
            assert!(
                m.contains(&format!("required parameter {name} is missing")),
                "{m}"
            );
        }
    }

    #[test]
    fn a_misspelt_parameter_or_option_gets_a_suggestion() {
        for op in dataworks_di::meta::OPERATIONS {
            for p in op.params {
                let typo = p.name.to_ascii_lowercase();
                let found = problems(op, &[(&typo, "1")]);
                assert!(
                    found[0].contains(&format!("did you mean --{}?", p.name)),
                    "{found:?}"
                );
            }
        }
        let found = problems(op("StopDISyncInstance"), &[("dryrun", "1")]);
        assert!(
            found[0].contains("did you mean the option --dry-run?"),
            "{found:?}"
        );
    }

    /// A value of the wrong type for each kind of parameter, where a kind has one.
    fn wrongly_typed(kind: &ParamKind) -> Vec<String> {
        match kind {
            ParamKind::Int64 { min, max } => {
                let mut v = vec!["abc".to_owned(), "1.5".to_owned(), "true".to_owned()];
                if let Some(below) = min.checked_sub(1) {
                    v.push(below.to_string());
                }
                if let Some(above) = max.checked_add(1) {
                    v.push(above.to_string());
                }
                v
            }
            ParamKind::Boolean => vec!["maybe".into(), "1".into(), "True".into()],
            ParamKind::Enum { .. } => vec!["NOT_A_VALUE".into(), String::new()],
            ParamKind::JsonString { .. } => vec!["{".into(), "not json".into()],
            ParamKind::String => Vec::new(),
        }
    }

    #[test]
    fn every_parameter_refuses_a_wrongly_typed_value() {
        // Data-driven over the generated tables: a parameter added to the spec is covered
        // without an edit here.
        let mut checked = 0;
        for op in dataworks_di::meta::OPERATIONS {
            for p in op.params {
                for wrong in wrongly_typed(&p.kind) {
                    let found = problems(op, &[(p.name, &wrong)]);
                    assert!(
                        found.iter().any(|m| m.contains(&format!(
                            "parameter {} has invalid value {wrong:?}",
                            p.name
                        ))),
                        "{} {}={wrong:?}: {found:?}",
                        op.action,
                        p.name
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "{checked}");
    }

    #[test]
    fn a_boolean_parameter_refuses_maybe() {
        static OP: OperationDesc = OperationDesc {
            action: "DoThing",
            summary: "Does a thing.",
            methods: &[],
            params: &[dwdi_runtime::describe::ParamDesc {
                name: "Force",
                required: false,
                kind: ParamKind::Boolean,
                location: dwdi_runtime::describe::ParamLocation::Query,
                document_by: None,
                description: "Whether to force it.",
                idempotency_token: false,
                role: None,
                example: None,
            }],
            fields: &[],
            errors: &[],
            outcome: None,
            waiters: &[],
            example_data: "{}",
        };
        let f = check(&OP, &pairs(&[("Force", "maybe")])).expect_err("refused");
        assert_eq!(f.exit, crate::exit::Exit::Usage);
        assert_eq!(
            f.message,
            "DoThing: parameter Force has invalid value \"maybe\"; expected true or false"
        );
        assert!(check(&OP, &pairs(&[("Force", "true")])).is_ok());
    }

    #[test]
    fn values_are_read_from_files() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("p.json");
        std::fs::write(&file, b"\xef\xbb\xbf{\"a\": 1}\n").expect("write");
        let read = read_values(pairs(&[
            ("Doc", &format!("@{}", file.display())),
            ("Other", "plain"),
        ]))
        .expect("read");
        assert_eq!(read, pairs(&[("Doc", "{\"a\": 1}\n"), ("Other", "plain")]));
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, b"{\n\"\xff\"}").expect("write");
        let f = read_values(pairs(&[
            ("A", "@"),
            ("B", &format!("@{}", dir.path().join("none").display())),
            ("C", &format!("@{}", bad.display())),
        ]))
        .expect_err("refused");
        assert_eq!(f.problems.len(), 3, "{:?}", f.problems);
        assert!(f.problems[0].contains("`@` names no file"));
        assert!(f.problems[1].contains("cannot read"));
        assert!(f.problems[2].ends_with(
            "bad.json:2:2: not UTF-8: byte 0xFF at offset 3 is not valid UTF-8; expected UTF-8 text"
        ));
        let f = read_values(pairs(&[("A", "@/dev/zero")])).expect_err("refused");
        assert!(f.message.contains("too big"), "{}", f.message);
    }
}
