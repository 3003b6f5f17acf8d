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

/// The most document problems one error answer lists; the rest are counted ("and N more"), so
/// the answer stays small whatever the document.
pub const MAX_LISTED_PROBLEMS: usize = 20;

/// Checks `given` for `desc`: values and documents. Parameters the operation does not have are
/// ignored, as the service ignores them.
pub fn check(
    desc: &OperationDesc,
    facts: &OpFacts,
    given: &[(String, String)],
) -> Result<Params, Failure> {
    let params = check_values(desc, facts, given)?;
    check_documents(desc, facts, &params)?;
    Ok(params)
}

/// Whether `params` carry a JSON document to validate (the expensive part of the checks).
pub fn has_documents(desc: &OperationDesc, params: &Params) -> bool {
    desc.params
        .iter()
        .any(|p| matches!(p.kind, ParamKind::JsonString { .. }) && params.get(p.name).is_some())
}

/// Checks names, presence and values through the operation table; documents only as JSON.
pub fn check_values(
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
    Ok(Params(known))
}

/// Validates the JSON documents among `params` with the same validator as `dwdi validate`.
/// The answer lists at most [`MAX_LISTED_PROBLEMS`] problems and counts the rest.
pub fn check_documents(
    desc: &OperationDesc,
    facts: &OpFacts,
    params: &Params,
) -> Result<(), Failure> {
    for p in desc.params {
        let ParamKind::JsonString { document } = p.kind else {
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
            return Err(Failure::documented(facts, 400, &detail));
        }
    }
    Ok(())
}
