//! Parameter checks, as the service makes them: through the generated operation table
//! (`OperationDesc::validate`) and, for JSON-in-a-string parameters, the same document
//! validator as `dwdi validate`. Problems map to the service's codes: a missing parameter to
//! `MissingParameter`, a bad value to the operation's documented 400 code.
//!
//! The two steps are separate ([`check_values`], then [`check_documents`]) because their
//! costs differ: the first is bounded by the parameter count, the second by the size of a
//! document a client chose, so the server runs it off its async workers.
//!
//! Integers must be plain decimal (`OperationDesc::validate` refuses `+10000` and `010000`):
//! they name the same number in a form no SDK sends, and a service keyed by the text of an
//! id must not see two spellings of one id.

use std::collections::HashMap;
use std::sync::OnceLock;

use dwdi_runtime::describe::{OperationDesc, ParamKind, Problem, Role, strict_integer};
use dwdi_validate::{DocumentValidator, Severity};

use crate::errors::{Failure, gateway};

/// Checked parameters of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// A parameter's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value given for the parameter of `desc` that plays `role`.
    pub fn of(&self, desc: &OperationDesc, role: Role) -> Option<&str> {
        self.get(desc.param_with(role)?.name)
    }

    /// The id given for the parameter of `desc` that plays `role` (already checked to be an
    /// integer in plain decimal).
    pub fn id(&self, desc: &OperationDesc, role: Role) -> Option<i64> {
        self.of(desc, role).and_then(strict_integer)
    }

    /// Every parameter given, as (wire name, value).
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The validator of each document kind the generated client knows.
pub fn validators() -> &'static HashMap<&'static str, DocumentValidator> {
    static V: OnceLock<HashMap<&'static str, DocumentValidator>> = OnceLock::new();
    V.get_or_init(|| {
        dataworks_di::meta::DOCUMENT_SCHEMAS
            .iter()
            .filter_map(|(name, schema)| {
                let (_, rules) = dataworks_di::meta::DOCUMENT_RULES
                    .iter()
                    .find(|(n, _)| n == name)?;
                DocumentValidator::new(schema, rules)
                    .ok()
                    .map(|v| (*name, v))
            })
            .collect()
    })
}

/// The most document problems one error answer lists; the rest are counted ("and N more"), so
/// the answer stays small whatever the document.
pub const MAX_LISTED_PROBLEMS: usize = 20;

/// Checks `given` for `desc`: values and documents. Parameters the operation does not have are
/// ignored, as the service ignores them.
pub fn check(desc: &OperationDesc, given: &[(String, String)]) -> Result<Params, Failure> {
    let params = check_values(desc, given)?;
    check_documents(desc, &params)?;
    Ok(params)
}

/// Whether `params` carry a JSON document to validate (the expensive part of the checks).
pub fn has_documents(desc: &OperationDesc, params: &Params) -> bool {
    desc.params
        .iter()
        .any(|p| matches!(p.kind, ParamKind::JsonString { .. }) && params.get(p.name).is_some())
}

/// Checks names, presence and values through the operation table; documents only as JSON.
pub fn check_values(desc: &OperationDesc, given: &[(String, String)]) -> Result<Params, Failure> {
    let known: Vec<(String, String)> = given
        .iter()
        .filter(|(k, _)| desc.param(k).is_some())
        .cloned()
        .collect();
    if let Err(e) = desc.validate(known.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        return Err(match e.problem {
            Problem::Missing { .. } => Failure::gateway(
                gateway::MISSING_PARAMETER,
                format!(
                    "The input parameter \"{}\" that is mandatory for processing this request is not supplied.",
                    e.parameter
                ),
            ),
            Problem::Repeated => Failure::documented(
                desc,
                400,
                &format!("{} is given more than once.", e.parameter),
            ),
            Problem::Invalid {
                value,
                expected,
                detail,
            } => {
                let mut msg = format!(
                    "{} has invalid value {value:?}; expected {expected}",
                    e.parameter
                );
                if let Some(d) = detail {
                    msg.push_str(&format!(" ({d})"));
                }
                msg.push('.');
                Failure::documented(desc, 400, &msg)
            }
            Problem::Unknown { .. } => Failure::documented(desc, 400, &e.to_string()),
        });
    }
    Ok(Params(known))
}

/// Validates the JSON documents among `params` with the same validator as `dwdi validate`.
/// The answer lists at most [`MAX_LISTED_PROBLEMS`] problems and counts the rest.
pub fn check_documents(desc: &OperationDesc, params: &Params) -> Result<(), Failure> {
    for p in desc.params {
        // The document this call's parameter takes: its own, or the one another parameter
        // chooses (a batch job for a batch task).
        let Some(document) = p.document(params.pairs()) else {
            continue;
        };
        let Some(text) = params.get(p.name) else {
            continue;
        };
        let Some(validator) = validators().get(document) else {
            continue;
        };
        let mut errors = validator
            .validate(text, false)
            .into_iter()
            .filter(|pr| pr.severity == Severity::Error);
        let listed: Vec<String> = errors
            .by_ref()
            .take(MAX_LISTED_PROBLEMS)
            .map(|pr| {
                format!(
                    "{}:{}: {}: {}",
                    pr.line,
                    pr.column,
                    if pr.pointer.is_empty() {
                        "/"
                    } else {
                        &pr.pointer
                    },
                    pr.message
                )
            })
            .collect();
        let more = errors.count();
        if !listed.is_empty() {
            let mut detail = format!(
                "{} is not a valid {document}: {}",
                p.name,
                listed.join("; ")
            );
            if more > 0 {
                detail.push_str(&format!("; and {more} more"));
            }
            return Err(Failure::documented(desc, 400, &detail));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dwdi_runtime::HttpMethod;
    use dwdi_runtime::describe::{ErrorDesc, ParamDesc, ParamLocation};

    use super::*;

    const fn param(name: &'static str, kind: ParamKind, example: &'static str) -> ParamDesc {
        ParamDesc {
            name,
            required: true,
            kind,
            location: ParamLocation::Query,
            document_by: None,
            description: "",
            idempotency_token: false,
            role: None,
            example: Some(example),
        }
    }

    /// An operation with a parameter of every kind, booleans included (no live operation has
    /// one yet), and its own error table.
    static EVERY_KIND: OperationDesc = OperationDesc {
        action: "DoEverything",
        summary: "",
        methods: &[HttpMethod::Post],
        params: &[
            param("Id", ParamKind::Int64 { min: 1, max: 99 }, "10"),
            param("Force", ParamKind::Boolean, "true"),
            param(
                "Kind",
                ParamKind::Enum {
                    name: "Kind",
                    accepts: &["A_KIND", "B_KIND"],
                },
                "A_KIND",
            ),
            param("Doc", ParamKind::JsonString { document: "Doc" }, "{}"),
            param("Note", ParamKind::String, "anything"),
        ],
        fields: &[],
        errors: &[
            ErrorDesc {
                code: "Bad.Value",
                status: 400,
                message: "A value is bad.",
            },
            ErrorDesc {
                code: "Other.Bad.Value",
                status: 400,
                message: "Not the first.",
            },
        ],
        outcome: None,
        waiters: &[],
        example_data: "{}",
    };

    fn example() -> Vec<(String, String)> {
        EVERY_KIND
            .params
            .iter()
            .map(|p| (p.name.to_owned(), p.example.unwrap_or_default().to_owned()))
            .collect()
    }

    #[test]
    fn every_kind_refuses_wrongly_typed_values_with_the_first_documented_400() {
        assert!(check(&EVERY_KIND, &example()).is_ok());
        let mut refused = Vec::new();
        for p in EVERY_KIND.params {
            for wrong in dwdi_test_support::wrong_values(&p.kind, p.example) {
                let given: Vec<(String, String)> = example()
                    .into_iter()
                    .map(|(k, v)| {
                        if k == p.name {
                            (k, wrong.clone())
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                let failure =
                    check(&EVERY_KIND, &given).expect_err(&format!("{}={wrong:?}", p.name));
                assert_eq!((failure.status, failure.code.as_str()), (400, "Bad.Value"));
                assert!(failure.message.contains(p.name), "{}", failure.message);
                refused.push((p.name, wrong));
            }
        }
        // The brief's cases are among them.
        for (name, value) in [
            ("Force", "maybe"),
            ("Id", "+10"),
            ("Id", "010"),
            ("Kind", "NOT_AN_ACCEPTED_VALUE"),
            ("Doc", "{"),
        ] {
            assert!(
                refused.contains(&(name, value.to_owned())),
                "{name}={value}"
            );
        }
    }

    #[test]
    fn a_missing_required_parameter_is_the_gateways_missing_parameter() {
        let given: Vec<(String, String)> = example().into_iter().skip(1).collect();
        let failure = check(&EVERY_KIND, &given).unwrap_err();
        assert_eq!(failure.code, gateway::MISSING_PARAMETER);
        assert!(failure.message.contains("Id"), "{}", failure.message);
    }
}
