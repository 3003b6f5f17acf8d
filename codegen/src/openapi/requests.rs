//! The request side of an operation: the action and version headers, the parameters that
//! travel in the query, and those that travel in a form body as its request body.

use serde_json::{Map, Value, json};

use super::protocol::{ACTION_HEADER, FORM_MEDIA_TYPE, VERSION_HEADER};
use super::schema::{param_document_schema, param_example, param_schema};
use crate::model::{Location, Operation, Param, Spec, ValueType};
use crate::naming::NamePlan;

/// An operation's parameters and request body.
pub struct Request {
    /// Parameter objects: the two headers, then the query parameters in the spec's order.
    pub parameters: Vec<Value>,
    /// The form body, when a parameter travels in it.
    pub body: Option<Value>,
}

/// The request of `action`.
pub fn request(spec: &Spec, plan: &NamePlan, action: &str, op: &Operation) -> Request {
    let mut parameters = vec![
        fixed_header(
            ACTION_HEADER,
            action,
            "The action: always this operation's name.",
        ),
        fixed_header(
            VERSION_HEADER,
            &spec.api_version,
            "The API version every operation is called with.",
        ),
    ];
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (wire, param) in &op.parameters {
        if location(spec, param) == Location::Query {
            parameters.push(query_parameter(spec, plan, wire, param));
        } else {
            let mut schema = param_schema(spec, plan, param);
            if let Value::Object(m) = &mut schema {
                m.insert("description".into(), json!(param.description));
                if let Some(example) = param_example(spec, param) {
                    m.insert("examples".into(), json!([example]));
                }
            }
            properties.insert(wire.clone(), schema);
            if param.required {
                required.push(json!(wire));
            }
        }
    }
    let body = (!properties.is_empty()).then(|| {
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        let any_required = !required.is_empty();
        if any_required {
            schema.insert("required".into(), Value::Array(required));
        }
        json!({
            "required": any_required,
            "content": { FORM_MEDIA_TYPE: { "schema": schema } },
        })
    });
    Request { parameters, body }
}

/// Where a parameter travels: its own location, else the spec's default.
pub fn location(spec: &Spec, param: &Param) -> Location {
    param.location.unwrap_or(spec.http.parameter_location)
}

/// A required header with one accepted value.
fn fixed_header(name: &str, value: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "header",
        "required": true,
        "description": description,
        "schema": { "type": "string", "enum": [value] },
        "example": value,
    })
}

/// A query parameter. A JSON document carried in a string is described by its content, so
/// that tools build (and check) the document and send it as JSON text.
fn query_parameter(spec: &Spec, plan: &NamePlan, wire: &str, param: &Param) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(wire));
    m.insert("in".into(), json!("query"));
    m.insert("required".into(), json!(param.required));
    m.insert("description".into(), json!(param.description));
    let example = param_example(spec, param);
    match (param.ty, param_document_schema(plan, param)) {
        (ValueType::JsonString, Some(document)) => {
            let mut media = Map::new();
            media.insert("schema".into(), document);
            // The page's example is the document's text; tools want the document.
            if let Some(doc) = example
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|text| serde_json::from_str::<Value>(text).ok())
            {
                media.insert("example".into(), doc);
            }
            m.insert(
                "content".into(),
                json!({ "application/json": Value::Object(media) }),
            );
        }
        _ => {
            m.insert("schema".into(), param_schema(spec, plan, param));
            if let Some(example) = example {
                m.insert("example".into(), example);
            }
        }
    }
    Value::Object(m)
}
