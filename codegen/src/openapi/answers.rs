//! The answers of an operation: the success envelope with its typed `Data` (HTTP 200), and one
//! response per error status, listing the codes the operation's page documents and the
//! gateway codes any call can meet, with the error envelope.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::protocol::{
    ANSWER_MEDIA_TYPE, CODE_MEMBER, DATA_MEMBER, MESSAGE_MEMBER, RETRY_AFTER_HEADER, URI_TOO_LONG,
};
use super::schema::{answer_schema, component_ref};
use crate::model::{ErrorClass, KeyCase, Operation, Spec};
use crate::naming::NamePlan;

/// The component name of the error envelope. Component names from the naming plan are Rust
/// identifiers; a dotted name can never collide with them.
pub const ERROR_ENVELOPE: &str = "rpc.ErrorEnvelope";

/// One error code an answer of some status may carry.
struct CodeRow<'a> {
    code: &'a str,
    text: String,
    source: &'static str,
    throttling: bool,
}

/// The responses of an operation whose `Data` is the component `data`.
pub fn responses(spec: &Spec, plan: &NamePlan, op: &Operation, data: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("200".into(), success(spec, plan, op, data));
    let mut by_status: BTreeMap<u16, Vec<CodeRow<'_>>> = BTreeMap::new();
    for e in &op.errors {
        let text = match &e.description {
            Some(d) => format!("{} {d}", e.message),
            None => e.message.clone(),
        };
        by_status.entry(e.status).or_default().push(CodeRow {
            code: &e.code,
            text,
            source: "documented for this operation",
            throttling: false,
        });
    }
    for g in &spec.gateway_errors {
        by_status.entry(g.status).or_default().push(CodeRow {
            code: &g.code,
            text: g.when.clone(),
            source: "gateway",
            throttling: g.class == ErrorClass::Throttling,
        });
    }
    for (status, rows) in by_status {
        out.insert(status.to_string(), error_response(&rows));
    }
    // Parameters whose length has no bound (text, JSON documents) can make a URL longer than
    // any HTTP server reads; the answer then comes from the server, not from the API.
    out.insert(
        URI_TOO_LONG.to_string(),
        json!({
            "description": "The request's URL is longer than the HTTP server reads: the API never \
                            sees the request, and the answer has no error envelope. dwdi's \
                            client refuses such a URL before sending, naming its longest \
                            parameter.",
        }),
    );
    sort_by_status(out)
}

/// Responses in the order of their statuses.
fn sort_by_status(responses: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = responses.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

fn success(spec: &Spec, plan: &NamePlan, op: &Operation, data: &str) -> Value {
    let envelope = &spec.envelope.success;
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (wire, field) in &envelope.fields {
        let schema = if wire == DATA_MEMBER {
            component_ref(data)
        } else {
            answer_schema(spec, plan, field)
        };
        properties.insert(wire.clone(), schema);
        if field.null_when.is_none() {
            required.push(json!(wire));
        }
    }
    let mut media = Map::new();
    media.insert(
        "schema".into(),
        json!({ "type": "object", "properties": properties, "required": required }),
    );
    // The page's sample, verbatim (defects and all: the spec's errata list them).
    if op.sample.body.is_object() {
        media.insert(
            "examples".into(),
            json!({ "page": { "summary": op.sample.title, "value": op.sample.body } }),
        );
    }
    let mut description = envelope.description.clone();
    if let Some(outcome) = &op.response.outcome {
        description.push_str(&format!(
            " `{DATA_MEMBER}.{}` reports the outcome: `{}` means the call failed, and \
             `{DATA_MEMBER}.{}` says why.",
            outcome.field, outcome.failure, outcome.message
        ));
    }
    json!({
        "description": description,
        "content": { ANSWER_MEDIA_TYPE: media },
    })
}

fn error_response(rows: &[CodeRow<'_>]) -> Value {
    let lines: Vec<String> = rows
        .iter()
        .map(|r| format!("- `{}` ({}): {}", r.code, r.source, r.text))
        .collect();
    let examples: Map<String, Value> = rows
        .iter()
        .map(|r| {
            (
                r.code.to_owned(),
                json!({
                    "summary": r.text,
                    "value": { CODE_MEMBER: r.code, MESSAGE_MEMBER: r.text },
                }),
            )
        })
        .collect();
    let mut response = Map::new();
    response.insert(
        "description".into(),
        json!(format!(
            "An error; the codes this status carries:\n\n{}",
            lines.join("\n")
        )),
    );
    if rows.iter().any(|r| r.throttling) {
        response.insert(
            "headers".into(),
            json!({
                RETRY_AFTER_HEADER: {
                    "description": "Milliseconds to wait before retrying a throttled call.",
                    "schema": { "type": "string", "pattern": "^[0-9]+$" },
                }
            }),
        );
    }
    response.insert(
        "content".into(),
        json!({ ANSWER_MEDIA_TYPE: { "schema": component_ref(ERROR_ENVELOPE), "examples": examples } }),
    );
    Value::Object(response)
}

/// The error envelope: its members in every key case the service writes (the runtime
/// matches them ignoring case). None is required: which ones an answer carries varies.
pub fn error_envelope(spec: &Spec, plan: &NamePlan) -> Value {
    let envelope = &spec.envelope.error;
    let mut properties = Map::new();
    for case in &envelope.key_case {
        for (wire, field) in &envelope.fields {
            let key = match case {
                KeyCase::PascalCase => wire.clone(),
                KeyCase::CamelCase => lower_first(wire),
            };
            properties
                .entry(key)
                .or_insert_with(|| answer_schema(spec, plan, field));
        }
    }
    json!({
        "description": envelope.description,
        "type": "object",
        "properties": properties,
    })
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
