//! Descriptions of operations and their parameters, and the checks run before anything is sent.
//!
//! The generated client describes each operation as a `static` [`OperationDesc`]; its typed
//! builders and the CLI's dynamic path (operation name and parameter strings) both end in
//! [`OperationDesc::validate`], so a request is refused for the same reasons, with the same
//! message, whichever way it was built.

use std::fmt;

/// What an operation accepts.
#[derive(Debug, Clone, Copy)]
pub struct OperationDesc {
    /// The action name (`x-acs-action`).
    pub action: &'static str,
    /// One sentence: what the operation does.
    pub summary: &'static str,
    /// Parameters, in documentation order.
    pub params: &'static [ParamDesc],
    /// Where a successful answer reports that the call itself failed, if it can.
    pub outcome: Option<OutcomeDesc>,
}

/// Where an answer's `Data` reports the outcome of the call itself (e.g. `Status: "fail"`
/// with a `Message`), as opposed to the state of an object.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeDesc {
    /// The `Data` member holding the outcome.
    pub field: &'static str,
    /// The value meaning the call failed.
    pub failure: &'static str,
    /// The `Data` member saying why.
    pub message: &'static str,
}

/// What a parameter accepts.
#[derive(Debug, Clone, Copy)]
pub struct ParamDesc {
    /// The wire name.
    pub name: &'static str,
    /// Whether it must be sent.
    pub required: bool,
    /// Its type and constraints.
    pub kind: ParamKind,
    /// One sentence: what it means.
    pub description: &'static str,
}

/// A parameter's type and constraints.
#[derive(Debug, Clone, Copy)]
pub enum ParamKind {
    /// A 64-bit integer within an inclusive range.
    Int64 {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// Any text.
    String,
    /// One of the listed values.
    Enum {
        /// The enumeration's name.
        name: &'static str,
        /// The values this operation accepts.
        accepts: &'static [&'static str],
    },
    /// A JSON document carried in a string.
    JsonString {
        /// The document type's name.
        document: &'static str,
    },
}

impl ParamKind {
    /// What a valid value looks like, for messages.
    pub fn expected(&self) -> String {
        match self {
            ParamKind::Int64 { min, max } => format!("an integer in {min}..={max}"),
            ParamKind::String => "text".to_owned(),
            ParamKind::Enum { accepts, .. } => format!("one of {}", accepts.join(", ")),
            ParamKind::JsonString { document } => format!("a {document} JSON document"),
        }
    }
}

/// Why a request was refused before it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The operation.
    pub operation: &'static str,
    /// The parameter, as the caller named it.
    pub parameter: String,
    /// What was wrong.
    pub problem: Problem,
}

/// What was wrong with a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required parameter was not given.
    Missing {
        /// What it accepts.
        expected: String,
    },
    /// The operation has no parameter of that name.
    Unknown {
        /// The parameters it has.
        known: Vec<&'static str>,
    },
    /// The parameter was given twice.
    Repeated,
    /// The value does not fit.
    Invalid {
        /// The value given (shortened when long).
        value: String,
        /// What it accepts.
        expected: String,
        /// Details, such as a JSON parse error with its line and column.
        detail: Option<String>,
    },
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (op, p) = (self.operation, &self.parameter);
        match &self.problem {
            Problem::Missing { expected } => {
                write!(
                    f,
                    "{op}: required parameter {p} is missing; expected {expected}"
                )
            }
            Problem::Unknown { known } => write!(
                f,
                "{op}: unknown parameter {p}; expected one of {}",
                known.join(", ")
            ),
            Problem::Repeated => write!(f, "{op}: parameter {p} is given more than once"),
            Problem::Invalid {
                value,
                expected,
                detail,
            } => {
                write!(
                    f,
                    "{op}: parameter {p} has invalid value {value:?}; expected {expected}"
                )?;
                if let Some(detail) = detail {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ValidationError {}

impl ValidationError {
    /// A JSON-in-a-string parameter whose document does not validate: `details` are the
    /// validator's problems, each with its pointer and line:column.
    pub fn invalid_document(
        operation: &'static str,
        parameter: &str,
        value: &str,
        document: &str,
        details: &[String],
    ) -> Self {
        ValidationError {
            operation,
            parameter: parameter.to_owned(),
            problem: Problem::Invalid {
                value: preview(value),
                expected: format!("a valid {document} document (as `dwdi validate` checks it)"),
                detail: Some(details.join("; ")),
            },
        }
    }
}

const VALUE_PREVIEW: usize = 80;

fn preview(value: &str) -> String {
    if value.chars().count() <= VALUE_PREVIEW {
        value.to_owned()
    } else {
        let mut s: String = value.chars().take(VALUE_PREVIEW).collect();
        s.push('…');
        s
    }
}

impl OperationDesc {
    /// When `data` (an answer's `Data`) reports that the call failed: the outcome value and
    /// the message.
    pub fn failed_outcome(&self, data: &serde_json::Value) -> Option<(String, Option<String>)> {
        let outcome = self.outcome?;
        let value = data.get(outcome.field)?.as_str()?;
        (value == outcome.failure).then(|| {
            let message = data
                .get(outcome.message)
                .and_then(|m| m.as_str())
                .map(str::to_owned);
            (value.to_owned(), message)
        })
    }

    /// The description of the named parameter.
    pub fn param(&self, name: &str) -> Option<&'static ParamDesc> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Checks wire-form parameters (name, text value): every name is known and given once,
    /// every required parameter is present, and every value fits. Reports the first problem
    /// in documentation order, so the message is stable.
    pub fn validate<'a>(
        &self,
        given: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), ValidationError> {
        let error = |parameter: &str, problem| ValidationError {
            operation: self.action,
            parameter: parameter.to_owned(),
            problem,
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut values: Vec<(&'static ParamDesc, &str)> = Vec::new();
        for (name, value) in given {
            let Some(desc) = self.param(name) else {
                return Err(error(
                    name,
                    Problem::Unknown {
                        known: self.params.iter().map(|p| p.name).collect(),
                    },
                ));
            };
            if seen.contains(&name) {
                return Err(error(name, Problem::Repeated));
            }
            seen.push(name);
            values.push((desc, value));
        }
        for desc in self.params {
            match values.iter().find(|(d, _)| d.name == desc.name) {
                None if desc.required => {
                    return Err(error(
                        desc.name,
                        Problem::Missing {
                            expected: desc.kind.expected(),
                        },
                    ));
                }
                None => {}
                Some((_, value)) => {
                    if let Some(detail) = check_value(&desc.kind, value) {
                        return Err(error(
                            desc.name,
                            Problem::Invalid {
                                value: preview(value),
                                expected: desc.kind.expected(),
                                detail,
                            },
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// `None` when the value fits; `Some(detail)` when it does not.
fn check_value(kind: &ParamKind, value: &str) -> Option<Option<String>> {
    match kind {
        ParamKind::Int64 { min, max } => match value.parse::<i64>() {
            Ok(v) if (*min..=*max).contains(&v) => None,
            Ok(_) => Some(Some("out of range".to_owned())),
            Err(_) => Some(Some("not an integer".to_owned())),
        },
        ParamKind::String => None,
        ParamKind::Enum { accepts, .. } => (!accepts.contains(&value)).then_some(None),
        ParamKind::JsonString { .. } => match serde_json::from_str::<serde_json::Value>(value) {
            Ok(_) => None,
            Err(e) => Some(Some(format!("JSON error: {e}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: OperationDesc = OperationDesc {
        action: "DoThing",
        summary: "Does a thing.",
        params: &[
            ParamDesc {
                name: "Id",
                required: true,
                kind: ParamKind::Int64 { min: 1, max: 10 },
                description: "The ID.",
            },
            ParamDesc {
                name: "Kind",
                required: true,
                kind: ParamKind::Enum {
                    name: "Kind",
                    accepts: &["A", "B"],
                },
                description: "The kind.",
            },
            ParamDesc {
                name: "Doc",
                required: false,
                kind: ParamKind::JsonString { document: "Doc" },
                description: "A document.",
            },
        ],
        outcome: Some(OutcomeDesc {
            field: "Status",
            failure: "fail",
            message: "Message",
        }),
    };

    fn msg(given: &[(&str, &str)]) -> String {
        OP.validate(given.iter().copied())
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn reads_a_failed_outcome_from_data() {
        let failed = serde_json::json!({"Status": "fail", "Message": "no such file"});
        assert_eq!(
            OP.failed_outcome(&failed),
            Some(("fail".to_owned(), Some("no such file".to_owned())))
        );
        assert_eq!(
            OP.failed_outcome(&serde_json::json!({"Status": "success"})),
            None
        );
    }

    #[test]
    fn accepts_valid_parameters() {
        assert!(OP.validate([("Id", "10"), ("Kind", "B")]).is_ok());
        assert!(
            OP.validate([("Kind", "A"), ("Id", "1"), ("Doc", "{}")])
                .is_ok()
        );
    }

    #[test]
    fn names_what_is_wrong_and_what_was_expected() {
        assert_eq!(
            msg(&[("Kind", "A")]),
            "DoThing: required parameter Id is missing; expected an integer in 1..=10"
        );
        assert_eq!(
            msg(&[("Id", "11"), ("Kind", "A")]),
            "DoThing: parameter Id has invalid value \"11\"; expected an integer in 1..=10 (out of range)"
        );
        assert_eq!(
            msg(&[("Id", "x"), ("Kind", "A")]),
            "DoThing: parameter Id has invalid value \"x\"; expected an integer in 1..=10 (not an integer)"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Kind", "C")]),
            "DoThing: parameter Kind has invalid value \"C\"; expected one of A, B"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Kind", "A"), ("Colour", "red")]),
            "DoThing: unknown parameter Colour; expected one of Id, Kind, Doc"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Id", "2"), ("Kind", "A")]),
            "DoThing: parameter Id is given more than once"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Kind", "A"), ("Doc", "{\"a\":")]),
            "DoThing: parameter Doc has invalid value \"{\\\"a\\\":\"; expected a Doc JSON document (JSON error: EOF while parsing a value at line 1 column 5)"
        );
    }
}
