//! Parameter checks, as the service makes them: through the generated operation table
//! (`OperationDesc::validate`) and, for JSON-in-a-string parameters, the same document
//! validator as `dwdi validate`. Problems map to the service's codes: a missing parameter to
//! `MissingParameter`, a bad value to the operation's documented 400 code.

use std::collections::HashMap;
use std::sync::OnceLock;

use dwdi_runtime::describe::{OperationDesc, ParamKind, Problem};
use dwdi_validate::{DocumentValidator, Severity};

use crate::errors::{Failure, gateway};
use crate::spec::OpFacts;

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

    /// An integer parameter (already checked), 0 when absent.
    pub fn int(&self, name: &str) -> i64 {
        self.get(name).and_then(|v| v.parse().ok()).unwrap_or(0)
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

/// Checks `given` for `desc`. Parameters the operation does not have are ignored, as the
/// service ignores them.
pub fn check(
    desc: &OperationDesc,
    facts: &OpFacts,
    given: &[(String, String)],
) -> Result<Params, Failure> {
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
                facts,
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
                Failure::documented(facts, 400, &msg)
            }
            Problem::Unknown { .. } => Failure::documented(facts, 400, &e.to_string()),
        });
    }
    for p in desc.params {
        let ParamKind::JsonString { document } = p.kind else {
            continue;
        };
        let Some(text) = known.iter().find(|(k, _)| k == p.name).map(|(_, v)| v) else {
            continue;
        };
        let Some(validator) = validators().get(document) else {
            continue;
        };
        let errors: Vec<String> = validator
            .validate(text, false)
            .into_iter()
            .filter(|pr| pr.severity == Severity::Error)
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
        if !errors.is_empty() {
            return Err(Failure::documented(
                facts,
                400,
                &format!(
                    "{} is not a valid {document}: {}",
                    p.name,
                    errors.join("; ")
                ),
            ));
        }
    }
    Ok(Params(known))
}
