//! The facts the mock takes from the spec, through the generated client's tables
//! (`dataworks_di::meta`): each operation's HTTP methods, documented error codes with their
//! statuses and messages, the nullability of its `Data` fields, and the gateway codes.
//! Nothing here is written by hand, and nothing parses the spec a second time; a new code or
//! field in the spec reaches the mock by regenerating the client.

use std::collections::HashMap;
use std::sync::OnceLock;

use dataworks_di::meta;
use dwdi_runtime::describe;

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

fn null_when(n: describe::NullWhen) -> NullWhen {
    match n {
        describe::NullWhen::Outcome(outcome) => {
            NullWhen::Outcome(outcome == describe::Outcome::Success)
        }
        describe::NullWhen::Param { param, values } => NullWhen::Param {
            param: param.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        },
    }
}

fn error_fact(status: u16, code: &str, message: &str) -> ErrorFact {
    ErrorFact {
        status,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// The facts, read from the generated client's tables (`dataworks_di::meta`).
fn from_tables() -> SpecFacts {
    let ops = meta::OPERATIONS
        .iter()
        .map(|op| {
            let facts = OpFacts {
                methods: op.methods.iter().map(|m| m.as_str().to_owned()).collect(),
                errors: op
                    .errors
                    .iter()
                    .map(|e| error_fact(e.status, e.code, e.message))
                    .collect(),
                nullable: op
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.name.to_owned(), null_when(f.null_when?))))
                    .collect(),
                outcome: op
                    .outcome
                    .map(|o| (o.field.to_owned(), o.failure.to_owned())),
            };
            (op.action.to_owned(), facts)
        })
        .collect();
    SpecFacts {
        ops,
        gateway: meta::GATEWAY_ERRORS
            .iter()
            .map(|g| error_fact(g.status, g.code, g.message))
            .collect(),
    }
}

/// The facts, built once from the generated tables.
pub fn facts() -> &'static SpecFacts {
    static FACTS: OnceLock<SpecFacts> = OnceLock::new();
    FACTS.get_or_init(from_tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_tables_has_its_facts() {
        let facts = facts();
        assert_eq!(facts.ops.len(), meta::OPERATIONS.len());
        for op in meta::OPERATIONS {
            let f = &facts.ops[op.action];
            assert!(f.methods.iter().any(|m| m == "POST"), "{}", op.action);
            for status in [400, 403, 500] {
                assert!(f.code_for(status).is_some(), "{} {status}", op.action);
            }
        }
        assert!(!facts.gateway.is_empty());
    }
}
