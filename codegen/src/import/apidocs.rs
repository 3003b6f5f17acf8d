//! Reading Alibaba's `api-docs.json` format into an imported layer.
//!
//! The format (one file per product version) holds `info` (style, product, version) and
//! `apis`, one entry per operation: `methods`, `parameters` (each with `name`, `in` and a
//! `schema` whose `type`, `format`, `required`, `docRequired`, `enum`, `minimum`/`maximum`
//! (as strings), `example` (as a string) and `description` describe it), `responses` (the
//! `200` answer's JSON Schema-like `schema`), `errorCodes` (HTTP status → codes and
//! messages), `responseDemo` (a JSON text listing the demo answers by format) and prose
//! (`title`, `summary`, `description`).
//!
//! Every fact the spec has a place for is carried over as published, descriptions in
//! Chinese included; the keys it has no place for are listed in the layer's
//! `importedFrom.notImported`, so nothing is dropped silently. A construct the spec cannot
//! express (a `number` type, a parameter in a header or the path, a `$ref`) is refused with its
//! place in the metadata file rather than approximated. A parameter `in` the query stays
//! there; one `in` `formData` (or `body`) travels in the form body.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::position::{Pos, Positions, escape_token};

/// The deepest response schema followed: far beyond the real ones (four levels), low enough
/// that a cyclic or hostile file cannot exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// The most operations, and the most parameters or fields in one object, imported.
pub const MAX_ITEMS: usize = 1000;

/// The title given to a sample that comes from the metadata: its response demo has none.
pub const DEMO_TITLE: &str = "Alibaba's metadata: responseDemo (json)";

/// One thing the metadata says that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the metadata file.
    pub pos: Pos,
    /// JSON pointer into the metadata file.
    pub pointer: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// The imported layer built from a metadata text, as a JSON value in the spec's shape.
///
/// `file_name` names the metadata in the layer's header; `operations` selects operations (all
/// when `None`), which are written in the metadata's order.
pub fn convert(
    text: &str,
    file_name: &str,
    operations: Option<&[String]>,
) -> Result<Value, Vec<Problem>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![Problem {
            pos: Pos {
                line: e.line(),
                column: e.column(),
            },
            pointer: String::new(),
            message: format!("the metadata is not valid JSON: {e}"),
        }]
    })?;
    let mut cx = Cx {
        problems: Vec::new(),
        not_imported: BTreeSet::new(),
    };
    let layer = cx.layer(&value, text, file_name, operations);
    if cx.problems.is_empty() {
        return Ok(layer);
    }
    let positions = Positions::index(text);
    let mut problems: Vec<Problem> = cx
        .problems
        .into_iter()
        .map(|(pointer, message)| Problem {
            pos: positions.nearest(&pointer),
            pointer,
            message,
        })
        .collect();
    problems.sort_by(|a, b| a.pos.cmp(&b.pos).then_with(|| a.message.cmp(&b.message)));
    Err(problems)
}

struct Cx {
    problems: Vec<(String, String)>,
    not_imported: BTreeSet<String>,
}

/// Keys of an operation the spec takes.
const OPERATION_KEYS: &[&str] = &[
    "methods",
    "parameters",
    "responses",
    "errorCodes",
    "responseDemo",
    "summary",
    "description",
];
const PARAMETER_KEYS: &[&str] = &["name", "in", "schema"];
const PARAMETER_SCHEMA_KEYS: &[&str] = &[
    "description",
    "type",
    "format",
    "required",
    "docRequired",
    "maximum",
    "minimum",
    "example",
    "enum",
];
const RESPONSE_SCHEMA_KEYS: &[&str] = &[
    "description",
    "type",
    "format",
    "properties",
    "items",
    "example",
    "enum",
];
const ERROR_KEYS: &[&str] = &["errorCode", "errorMessage", "description"];
/// Members of the answer every operation shares: the spec's envelope states them once.
const ENVELOPE_FIELDS: &[&str] = &["Success", "RequestId"];

impl Cx {
    fn problem(&mut self, pointer: String, message: String) {
        self.problems.push((pointer, message));
    }

    /// Notes the keys of `object` outside `known` as not imported, under `what`.
    fn note_others(&mut self, what: &str, object: &Map<String, Value>, known: &[&str]) {
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                self.not_imported.insert(format!("{what}.{key}"));
            }
        }
    }

    fn layer(
        &mut self,
        value: &Value,
        text: &str,
        file_name: &str,
        operations: Option<&[String]>,
    ) -> Value {
        let Some(top) = value.as_object() else {
            self.problem(
                String::new(),
                "the metadata is not an object; expected an api-docs.json document with `info` and `apis`".into(),
            );
            return Value::Null;
        };
        self.note_others("document", top, &["version", "info", "apis"]);
        let info = top.get("info").and_then(Value::as_object);
        let info_text = |key: &str| {
            info.and_then(|i| i.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let (Some(style), Some(product), Some(version)) = (
            info_text("style"),
            info_text("product"),
            info_text("version"),
        ) else {
            self.problem(
                "/info".into(),
                "`info` must give `style`, `product` and `version` as text".into(),
            );
            return Value::Null;
        };
        if let Some(info) = info {
            self.note_others("info", info, &["style", "product", "version"]);
        }
        let Some(apis) = top.get("apis").and_then(Value::as_object) else {
            self.problem(
                "/apis".into(),
                "`apis` must be an object of operations".into(),
            );
            return Value::Null;
        };
        if apis.len() > MAX_ITEMS {
            self.problem(
                "/apis".into(),
                format!(
                    "{} operations; at most {MAX_ITEMS} are imported",
                    apis.len()
                ),
            );
            return Value::Null;
        }
        if let Some(wanted) = operations {
            for name in wanted {
                if !apis.contains_key(name) {
                    self.problem(
                        "/apis".into(),
                        format!(
                            "`--operations` names `{name}`, which the metadata does not describe; expected one of {}",
                            apis.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
        let mut ops = Map::new();
        for (name, api) in apis {
            if operations.is_some_and(|w| !w.contains(name)) {
                continue;
            }
            let at = format!("/apis/{}", escape_token(name));
            ops.insert(name.clone(), self.operation(api, &at));
        }
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        json!({
            "importedFrom": {
                "file": file_name,
                "sha256": sha256,
                "style": style,
                "product": product,
                "apiVersion": version,
                "operations": ops.keys().cloned().collect::<Vec<_>>(),
                "notImported": self.not_imported.iter().cloned().collect::<Vec<_>>(),
            },
            "operations": ops,
        })
    }

    fn operation(&mut self, api: &Value, at: &str) -> Value {
        let Some(api) = api.as_object() else {
            self.problem(at.to_owned(), "an operation must be an object".into());
            return Value::Null;
        };
        self.note_others("operation", api, OPERATION_KEYS);
        let mut op = Map::new();
        for key in ["summary", "description"] {
            match api.get(key) {
                Some(Value::String(text)) if !text.trim().is_empty() => {
                    op.insert(key.to_owned(), Value::String(text.clone()));
                }
                None | Some(Value::String(_)) => {}
                Some(_) => self.problem(format!("{at}/{key}"), format!("`{key}` must be text")),
            }
        }
        op.insert("methods".into(), self.methods(api.get("methods"), at));
        op.insert(
            "parameters".into(),
            self.parameters(api.get("parameters"), &format!("{at}/parameters")),
        );
        op.insert(
            "response".into(),
            json!({ "data": self.response_data(api.get("responses"), &format!("{at}/responses")) }),
        );
        op.insert(
            "errors".into(),
            self.errors(api.get("errorCodes"), &format!("{at}/errorCodes")),
        );
        if let Some(body) = self.demo(api.get("responseDemo"), &format!("{at}/responseDemo")) {
            op.insert(
                "sample".into(),
                json!({ "title": DEMO_TITLE, "body": body }),
            );
        }
        Value::Object(op)
    }

    fn methods(&mut self, methods: Option<&Value>, at: &str) -> Value {
        let at = format!("{at}/methods");
        let Some(list) = methods.and_then(Value::as_array) else {
            self.problem(at, "`methods` must be a list".into());
            return Value::Null;
        };
        let mut out = Vec::new();
        for (i, m) in list.iter().enumerate() {
            match m.as_str().map(str::to_ascii_uppercase).as_deref() {
                Some(m @ ("POST" | "GET")) => out.push(Value::String(m.to_owned())),
                _ => self.problem(
                    format!("{at}/{i}"),
                    format!("{m} is not a method the spec has; expected post or get"),
                ),
            }
        }
        Value::Array(out)
    }

    fn parameters(&mut self, params: Option<&Value>, at: &str) -> Value {
        let Some(list) = params.and_then(Value::as_array) else {
            self.problem(at.to_owned(), "`parameters` must be a list".into());
            return Value::Null;
        };
        if list.len() > MAX_ITEMS {
            self.problem(
                at.to_owned(),
                format!(
                    "{} parameters; at most {MAX_ITEMS} are imported",
                    list.len()
                ),
            );
            return Value::Null;
        }
        let mut out = Map::new();
        for (i, p) in list.iter().enumerate() {
            let p_at = format!("{at}/{i}");
            let Some(p) = p.as_object() else {
                self.problem(p_at, "a parameter must be an object".into());
                continue;
            };
            self.note_others("parameter", p, PARAMETER_KEYS);
            let Some(name) = p.get("name").and_then(Value::as_str) else {
                self.problem(p_at, "a parameter needs a `name`".into());
                continue;
            };
            if out.contains_key(name) {
                self.problem(
                    format!("{p_at}/name"),
                    format!("parameter `{name}` is listed twice"),
                );
                continue;
            }
            let location = match p.get("in").and_then(Value::as_str) {
                Some("query") => "query",
                // A form field: the spec's body parameters are form-encoded.
                Some("formData" | "body") => "body",
                other => {
                    self.problem(
                        format!("{p_at}/in"),
                        format!(
                            "parameter `{name}` travels in {}; the spec has query and form-body parameters (`query`, `formData`)",
                            other.map_or("no stated place".to_owned(), |o| format!("`{o}`"))
                        ),
                    );
                    continue;
                }
            };
            let Some(schema) = p.get("schema").and_then(Value::as_object) else {
                self.problem(
                    format!("{p_at}/schema"),
                    format!("parameter `{name}` needs a `schema` object"),
                );
                continue;
            };
            let s_at = format!("{p_at}/schema");
            self.note_others("parameter.schema", schema, PARAMETER_SCHEMA_KEYS);
            let Some(ty) = self.value_type(schema, &s_at) else {
                continue;
            };
            if matches!(ty, "object" | "array") {
                self.problem(
                    format!("{s_at}/type"),
                    format!(
                        "parameter `{name}` is an {ty}; the spec has scalar query parameters only"
                    ),
                );
                continue;
            }
            let mut param = Map::new();
            if let Some(d) = schema.get("description").and_then(Value::as_str) {
                param.insert("description".into(), Value::String(d.to_owned()));
            }
            param.insert("location".into(), Value::String(location.into()));
            param.insert("type".into(), Value::String(ty.into()));
            let required = self.flag(schema, "required", &s_at).unwrap_or(false);
            param.insert("required".into(), Value::Bool(required));
            let mut stated = Map::new();
            if let Some(values) = self.enumeration(schema, ty, &s_at) {
                stated.insert("metadataEnum".into(), values);
            }
            if let Some(range) = self.range(schema, ty, &s_at) {
                stated.insert("metadataRange".into(), range);
            }
            if let Some(doc) = self.flag(schema, "docRequired", &s_at)
                && doc != required
            {
                stated.insert("metadataDocRequired".into(), Value::Bool(doc));
            }
            if !stated.is_empty() {
                param.insert("stated".into(), Value::Object(stated));
            }
            if let Some(example) = schema.get("example") {
                param.insert("example".into(), typed_example(ty, example));
            }
            out.insert(name.to_owned(), Value::Object(param));
        }
        Value::Object(out)
    }

    /// The spec's type for a schema node, or a problem.
    fn value_type(&mut self, schema: &Map<String, Value>, at: &str) -> Option<&'static str> {
        if schema.contains_key("$ref") {
            self.problem(
                format!("{at}/$ref"),
                "`$ref` is not followed; expected the schema written out".into(),
            );
            return None;
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let mapped = match ty {
            Some("integer") => "int64",
            Some("string") => "string",
            Some("boolean") => "boolean",
            Some("object") => "object",
            Some("array") => "array",
            _ => {
                self.problem(
                    format!("{at}/type"),
                    format!(
                        "{} is not a type the spec has; expected integer, string, boolean, object or array",
                        ty.map_or("no type".to_owned(), |t| format!("`{t}`"))
                    ),
                );
                return None;
            }
        };
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && mapped == "int64"
            && !matches!(format, "int32" | "int64")
        {
            self.problem(
                format!("{at}/format"),
                format!("integer format `{format}`; expected int32 or int64"),
            );
        }
        Some(mapped)
    }

    fn flag(&mut self, schema: &Map<String, Value>, key: &str, at: &str) -> Option<bool> {
        match schema.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
            other => {
                self.problem(
                    format!("{at}/{key}"),
                    format!("`{key}` is {other}; expected true or false"),
                );
                None
            }
        }
    }

    fn enumeration(&mut self, schema: &Map<String, Value>, ty: &str, at: &str) -> Option<Value> {
        let list = schema.get("enum")?;
        let values = list.as_array().and_then(|items| {
            items
                .iter()
                .map(|v| v.as_str().map(|s| Value::String(s.to_owned())))
                .collect::<Option<Vec<_>>>()
        });
        match values {
            Some(values) if ty == "string" => Some(Value::Array(values)),
            _ => {
                self.problem(
                    format!("{at}/enum"),
                    format!("an `enum` of a {ty} value; the spec has enumerations of text only"),
                );
                None
            }
        }
    }

    fn range(&mut self, schema: &Map<String, Value>, ty: &str, at: &str) -> Option<Value> {
        let bound = |cx: &mut Cx, key: &str| -> Option<Option<i64>> {
            let v = match schema.get(key) {
                None => return Some(None),
                Some(v) => v,
            };
            let parsed = match v {
                Value::String(s) => s.trim().parse::<i64>().ok(),
                Value::Number(n) => n.as_i64(),
                _ => None,
            };
            if parsed.is_none() {
                cx.problem(
                    format!("{at}/{key}"),
                    format!("`{key}` is {v}; expected a 64-bit integer"),
                );
            }
            parsed.map(Some)
        };
        let minimum = bound(self, "minimum")?;
        let maximum = bound(self, "maximum")?;
        if minimum.is_none() && maximum.is_none() {
            return None;
        }
        if ty != "int64" {
            self.problem(
                at.to_owned(),
                format!("`minimum`/`maximum` on a {ty} value; the spec has integer ranges only"),
            );
            return None;
        }
        Some(json!({
            "minimum": minimum.unwrap_or(i64::MIN),
            "maximum": maximum.unwrap_or(i64::MAX),
        }))
    }

    fn response_data(&mut self, responses: Option<&Value>, at: &str) -> Value {
        let Some(responses) = responses.and_then(Value::as_object) else {
            self.problem(at.to_owned(), "`responses` must be an object".into());
            return Value::Null;
        };
        for status in responses.keys().filter(|s| *s != "200") {
            self.not_imported.insert(format!("responses.{status}"));
        }
        let at = format!("{at}/200/schema");
        let Some(schema) = responses
            .get("200")
            .and_then(|r| r.get("schema"))
            .and_then(Value::as_object)
        else {
            self.problem(at, "the `200` answer needs a `schema` object".into());
            return Value::Null;
        };
        let props = schema.get("properties").and_then(Value::as_object);
        let Some(data) = props.and_then(|p| p.get("Data")) else {
            self.problem(
                format!("{at}/properties"),
                "the answer has no `Data`; expected the success envelope with `Data`".into(),
            );
            return Value::Null;
        };
        for key in props.into_iter().flat_map(Map::keys) {
            if key != "Data" && !ENVELOPE_FIELDS.contains(&key.as_str()) {
                self.not_imported.insert(format!("response.{key}"));
            }
        }
        self.field(data, &format!("{at}/properties/Data"), 0)
            .unwrap_or(Value::Null)
    }

    fn field(&mut self, node: &Value, at: &str, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            self.problem(
                at.to_owned(),
                format!("the response schema nests deeper than {MAX_DEPTH} levels"),
            );
            return None;
        }
        let Some(schema) = node.as_object() else {
            self.problem(at.to_owned(), "a response schema must be an object".into());
            return None;
        };
        self.note_others("response.schema", schema, RESPONSE_SCHEMA_KEYS);
        let ty = self.value_type(schema, at)?;
        let mut field = Map::new();
        if let Some(d) = schema.get("description").and_then(Value::as_str) {
            field.insert("description".into(), Value::String(d.to_owned()));
        }
        field.insert("type".into(), Value::String(ty.into()));
        if let Some(values) = self.enumeration(schema, ty, at) {
            field.insert("stated".into(), json!({ "metadataEnum": values }));
        }
        match ty {
            "object" => {
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    if props.len() > MAX_ITEMS {
                        self.problem(
                            format!("{at}/properties"),
                            format!("{} fields; at most {MAX_ITEMS} are imported", props.len()),
                        );
                        return None;
                    }
                    let mut fields = IndexMap::new();
                    for (name, child) in props {
                        let c_at = format!("{at}/properties/{}", escape_token(name));
                        if let Some(f) = self.field(child, &c_at, depth + 1) {
                            fields.insert(name.clone(), f);
                        }
                    }
                    field.insert("fields".into(), json!(fields));
                }
            }
            "array" => match schema.get("items") {
                Some(items) => {
                    if let Some(f) = self.field(items, &format!("{at}/items"), depth + 1) {
                        field.insert("items".into(), f);
                    }
                }
                None => self.problem(at.to_owned(), "an array needs `items`".into()),
            },
            _ => {}
        }
        if let Some(example) = schema.get("example")
            && !matches!(ty, "object" | "array")
        {
            field.insert("example".into(), typed_example(ty, example));
        }
        Some(Value::Object(field))
    }

    fn errors(&mut self, codes: Option<&Value>, at: &str) -> Value {
        let Some(by_status) = codes.and_then(Value::as_object) else {
            // An operation without documented errors has none to import.
            return Value::Array(Vec::new());
        };
        let mut statuses: Vec<(u16, &String)> = Vec::new();
        for key in by_status.keys() {
            match key.parse::<u16>() {
                Ok(s) if (100..=599).contains(&s) => statuses.push((s, key)),
                _ => self.problem(
                    format!("{at}/{}", escape_token(key)),
                    format!("`{key}` is not an HTTP status; expected 100 to 599"),
                ),
            }
        }
        statuses.sort_by_key(|(s, _)| *s);
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for (status, key) in statuses {
            let s_at = format!("{at}/{}", escape_token(key));
            let Some(list) = by_status[key].as_array() else {
                self.problem(s_at, "expected a list of error codes".into());
                continue;
            };
            for (i, e) in list.iter().enumerate() {
                let e_at = format!("{s_at}/{i}");
                let Some(e) = e.as_object() else {
                    self.problem(e_at, "an error code must be an object".into());
                    continue;
                };
                self.note_others("errorCode", e, ERROR_KEYS);
                let (Some(code), Some(message)) = (
                    e.get("errorCode").and_then(Value::as_str),
                    e.get("errorMessage").and_then(Value::as_str),
                ) else {
                    self.problem(
                        e_at,
                        "an error code needs `errorCode` and `errorMessage`".into(),
                    );
                    continue;
                };
                if !seen.insert(code.to_owned()) {
                    self.problem(
                        format!("{e_at}/errorCode"),
                        format!("error code `{code}` is listed twice"),
                    );
                    continue;
                }
                let mut entry = json!({ "status": status, "code": code, "message": message });
                if let Some(d) = e.get("description").and_then(Value::as_str) {
                    entry["description"] = Value::String(d.to_owned());
                }
                out.push(entry);
            }
        }
        Value::Array(out)
    }

    /// The JSON demo answer: parsed when it is JSON, else the text as published.
    fn demo(&mut self, demo: Option<&Value>, at: &str) -> Option<Value> {
        let text = demo?.as_str().or_else(|| {
            self.problem(at.to_owned(), "`responseDemo` must be text".into());
            None
        })?;
        let Ok(Value::Array(demos)) = serde_json::from_str::<Value>(text) else {
            self.problem(
                at.to_owned(),
                "`responseDemo` must hold a JSON list of demos by `type`".into(),
            );
            return None;
        };
        let mut body = None;
        for d in &demos {
            match d.get("type").and_then(Value::as_str) {
                Some("json") if body.is_none() => {
                    let example = d.get("example").and_then(Value::as_str).unwrap_or("");
                    body = Some(
                        serde_json::from_str::<Value>(example)
                            .unwrap_or_else(|_| Value::String(example.to_owned())),
                    );
                    if d.get("errorExample")
                        .and_then(Value::as_str)
                        .is_some_and(|e| !e.is_empty())
                    {
                        self.not_imported.insert("responseDemo.errorExample".into());
                    }
                }
                Some(other) => {
                    self.not_imported.insert(format!("responseDemo.{other}"));
                }
                None => {}
            }
        }
        body
    }
}

/// An example as the spec types it: the metadata writes every example as text.
fn typed_example(ty: &str, raw: &Value) -> Value {
    let Value::String(text) = raw else {
        return raw.clone();
    };
    match ty {
        "int64" => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| raw.clone()),
        "boolean" => match text.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => raw.clone(),
        },
        _ => raw.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(api: Value) -> String {
        json!({
            "version": "1.0",
            "info": { "style": "RPC", "product": "p", "version": "2020-01-01" },
            "apis": { "Op": api }
        })
        .to_string()
    }

    fn api() -> Value {
        json!({
            "methods": ["post", "get"],
            "schemes": ["https"],
            "parameters": [
                { "name": "Id", "in": "query", "schema": {
                    "description": "编号", "type": "integer", "format": "int64", "required": true,
                    "docRequired": true, "minimum": "1", "maximum": "99", "example": "7" } },
                { "name": "Kind", "in": "query", "schema": {
                    "type": "string", "required": false, "docRequired": true,
                    "enum": ["A", "B"], "example": "A", "default": "A" } },
                { "name": "Flag", "in": "query", "schema": { "type": "boolean", "example": "true" } }
            ],
            "responses": { "200": { "schema": { "type": "object", "properties": {
                "RequestId": { "type": "string" },
                "Data": { "type": "object", "properties": {
                    "Count": { "type": "integer", "example": "3" },
                    "Items": { "type": "array", "items": { "type": "string", "example": "x" } }
                } }
            } } } },
            "errorCodes": { "500": [{ "errorCode": "E.Server", "errorMessage": "Boom." }],
                            "400": [{ "errorCode": "E.Bad", "errorMessage": "Bad." }] },
            "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"Data\\\":{\\\"Count\\\":3}}\"},{\"type\":\"xml\",\"example\":\"<x/>\"}]",
            "summary": "概要"
        })
    }

    #[test]
    fn facts_are_carried_over_as_published_and_typed() {
        let layer = convert(&metadata(api()), "m.json", None).expect("converts");
        let op = &layer["operations"]["Op"];
        assert_eq!(op["methods"], json!(["POST", "GET"]));
        assert_eq!(op["summary"], "概要");
        let id = &op["parameters"]["Id"];
        assert_eq!(id["type"], "int64");
        assert_eq!(id["example"], 7);
        assert_eq!(id["location"], "query");
        assert_eq!(
            id["stated"]["metadataRange"],
            json!({ "minimum": 1, "maximum": 99 })
        );
        assert_eq!(
            id.get("stated").and_then(|s| s.get("metadataDocRequired")),
            None
        );
        let kind = &op["parameters"]["Kind"];
        assert_eq!(kind["stated"]["metadataEnum"], json!(["A", "B"]));
        assert_eq!(kind["stated"]["metadataDocRequired"], true);
        assert_eq!(op["parameters"]["Flag"]["example"], true);
        assert_eq!(op["parameters"]["Flag"]["required"], false);
        let data = &op["response"]["data"];
        assert_eq!(data["fields"]["Count"]["example"], 3);
        assert_eq!(data["fields"]["Items"]["items"]["type"], "string");
        // Errors by status, then file order.
        assert_eq!(op["errors"][0]["code"], "E.Bad");
        assert_eq!(op["errors"][1]["status"], 500);
        assert_eq!(op["sample"]["body"], json!({ "Data": { "Count": 3 } }));
        let not_imported = &layer["importedFrom"]["notImported"];
        for key in [
            "operation.schemes",
            "parameter.schema.default",
            "responseDemo.xml",
        ] {
            assert!(
                not_imported
                    .as_array()
                    .is_some_and(|l| l.contains(&json!(key))),
                "{key} is listed in {not_imported}"
            );
        }
    }

    #[test]
    fn operations_can_be_selected_and_unknown_ones_are_named() {
        let text = metadata(api());
        let layer = convert(&text, "m.json", Some(&[])).expect("converts");
        assert_eq!(layer["operations"], json!({}));
        let problems = convert(&text, "m.json", Some(&["Nope".to_owned()])).expect_err("unknown");
        assert!(problems[0].message.contains("`Nope`"), "{problems:?}");
        assert!(
            problems[0].message.contains("expected one of Op"),
            "{problems:?}"
        );
    }

    #[test]
    fn what_the_spec_cannot_express_is_refused_with_its_place() {
        let mut a = api();
        a["parameters"][0]["schema"]["type"] = json!("number");
        a["parameters"][1]["in"] = json!("header");
        let problems = convert(&metadata(a), "m.json", None).expect_err("refused");
        let messages: Vec<_> = problems
            .iter()
            .map(|p| format!("{} {}: {}", p.pos, p.pointer, p.message))
            .collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].contains("/apis/Op/parameters/0/schema/type: `number` is not a type"));
        assert!(
            messages[1].contains("/apis/Op/parameters/1/in: parameter `Kind` travels in `header`")
        );
        // A form field is a body parameter.
        let mut a = api();
        a["parameters"][2]["in"] = json!("formData");
        let layer = convert(&metadata(a), "m.json", None).expect("converts");
        assert_eq!(
            layer["operations"]["Op"]["parameters"]["Flag"]["location"],
            "body"
        );
    }

    #[test]
    fn a_nesting_bomb_is_refused() {
        let mut data = json!({ "type": "string" });
        for _ in 0..(MAX_DEPTH + 2) {
            data = json!({ "type": "object", "properties": { "X": data } });
        }
        let mut a = api();
        a["responses"]["200"]["schema"]["properties"]["Data"] = data;
        let problems = convert(&metadata(a), "m.json", None).expect_err("too deep");
        assert!(problems.iter().any(|p| p.message.contains("deeper than")));
    }
}
