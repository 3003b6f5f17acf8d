//! The facts the mock takes from the spec at build time (`include_str!`): each operation's
//! HTTP methods, documented error codes with their statuses and messages, the nullability
//! of its `Data` fields, and the gateway codes. Nothing here is written by hand; a new code or
//! field in the spec reaches the mock by rebuilding it.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// The effective spec (the hand-written spec with Alibaba's metadata merged in), which
/// `dwdi-codegen` writes beside the generated client: methods and error codes come from the
/// metadata's layer, so the hand-written file alone no longer holds them.
const SPEC: &str = include_str!("../../generated/spec.json");

/// One error code and the HTTP status the service answers it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFact {
    /// HTTP status.
    pub status: u16,
    /// The code.
    pub code: String,
    /// The documented message (for gateway codes: when it arises).
    pub message: String,
}

/// When a `Data` field is `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NullWhen {
    /// When the call succeeded (`true`) or failed (`false`).
    Outcome(bool),
    /// When a request parameter has one of the values.
    Param {
        /// The parameter.
        param: String,
        /// The values.
        values: Vec<String>,
    },
}

/// What the spec says about one operation's answers.
#[derive(Debug, Clone)]
pub struct OpFacts {
    /// `POST`, and `GET` where Alibaba's metadata allows it.
    pub methods: Vec<String>,
    /// The codes the page documents, in page order.
    pub errors: Vec<ErrorFact>,
    /// `Data` fields that are `null` under a condition.
    pub nullable: Vec<(String, NullWhen)>,
    /// `Data` field that reports the outcome, and its failure value.
    pub outcome: Option<(String, String)>,
}

impl OpFacts {
    /// The first documented code with this status (e.g. 400: the "bad value" code).
    pub fn code_for(&self, status: u16) -> Option<&ErrorFact> {
        self.errors.iter().find(|e| e.status == status)
    }

    /// Whether the page documents `code`.
    pub fn documents(&self, code: &str) -> Option<&ErrorFact> {
        self.errors.iter().find(|e| e.code == code)
    }
}

/// Everything the mock reads from the spec.
#[derive(Debug)]
pub struct SpecFacts {
    /// Per action.
    pub ops: HashMap<String, OpFacts>,
    /// Codes any call can meet.
    pub gateway: Vec<ErrorFact>,
}

impl SpecFacts {
    /// The status of a gateway code.
    pub fn gateway(&self, code: &str) -> Option<&ErrorFact> {
        self.gateway.iter().find(|e| e.code == code)
    }

    /// Whether any operation documents `code`, or it is a gateway code.
    pub fn knows(&self, code: &str) -> bool {
        self.gateway(code).is_some() || self.ops.values().any(|o| o.documents(code).is_some())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSpec {
    gateway_errors: Vec<RawError>,
    operations: HashMap<String, RawOp>,
}

#[derive(Deserialize)]
struct RawError {
    status: u16,
    code: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    when: Option<String>,
}

#[derive(Deserialize)]
struct RawOp {
    methods: Vec<String>,
    errors: Vec<RawError>,
    response: RawResponse,
}

#[derive(Deserialize)]
struct RawResponse {
    #[serde(default)]
    outcome: Option<RawOutcome>,
    data: RawData,
}

#[derive(Deserialize)]
struct RawOutcome {
    field: String,
    failure: String,
}

#[derive(Deserialize)]
struct RawData {
    fields: serde_json::Map<String, Value>,
}

impl From<RawError> for ErrorFact {
    fn from(e: RawError) -> Self {
        ErrorFact {
            status: e.status,
            code: e.code,
            message: e.message.or(e.when).unwrap_or_default(),
        }
    }
}

fn null_when(v: &Value) -> Option<NullWhen> {
    let c = v.get("nullWhen")?;
    if let Some(o) = c.get("outcome").and_then(Value::as_str) {
        return Some(NullWhen::Outcome(o == "success"));
    }
    let param = c.get("param")?.as_str()?.to_owned();
    let values = c
        .get("in")?
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    Some(NullWhen::Param { param, values })
}

fn parse(text: &str) -> Result<SpecFacts, serde_json::Error> {
    let raw: RawSpec = serde_json::from_str(text)?;
    let ops = raw
        .operations
        .into_iter()
        .map(|(action, op)| {
            let nullable = op
                .response
                .data
                .fields
                .iter()
                .filter_map(|(name, f)| null_when(f).map(|n| (name.clone(), n)))
                .collect();
            let facts = OpFacts {
                methods: op.methods,
                errors: op.errors.into_iter().map(ErrorFact::from).collect(),
                nullable,
                outcome: op.response.outcome.map(|o| (o.field, o.failure)),
            };
            (action, facts)
        })
        .collect();
    Ok(SpecFacts {
        ops,
        gateway: raw
            .gateway_errors
            .into_iter()
            .map(ErrorFact::from)
            .collect(),
    })
}

/// The facts, parsed once. The spec is compiled in and checked by this crate's tests, so it
/// always parses; were it not to, the mock would know no operation and answer
/// `InvalidAction.NotFound` rather than panic.
pub fn facts() -> &'static SpecFacts {
    static FACTS: OnceLock<SpecFacts> = OnceLock::new();
    FACTS.get_or_init(|| {
        parse(SPEC).unwrap_or_else(|_| SpecFacts {
            ops: HashMap::new(),
            gateway: Vec::new(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_spec_parses_and_matches_the_generated_operation_table() {
        let facts = parse(SPEC).expect("the spec parses");
        assert_eq!(facts.ops.len(), dataworks_di::meta::OPERATIONS.len());
        for op in dataworks_di::meta::OPERATIONS {
            let f = &facts.ops[op.action];
            assert!(f.methods.iter().any(|m| m == "POST"), "{}", op.action);
            for status in [400, 403, 500] {
                assert!(f.code_for(status).is_some(), "{} {status}", op.action);
            }
        }
        assert!(!facts.gateway.is_empty());
    }
}
