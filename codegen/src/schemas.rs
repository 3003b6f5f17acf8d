//! JSON Schemas (draft 2020-12) of the JSON documents carried in strings (TaskParam,
//! TaskContent, StartParam), built from the spec.
//!
//! Documented members are typed strictly; undocumented members are allowed, because the
//! service accepts more than the pages show. What JSON Schema cannot say travels with the
//! schema as annotations that validators ignore and dwdi's own validator reads:
//! `x-dwdi-rules` (the document's rules) and `x-dwdi-known-keys` (a map's documented keys).

use serde_json::{Map, Value, json};

use crate::model::{DocField, DocType, DocumentDef, Spec};

/// The draft every emitted schema declares.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The file name stem of a document's schema: `TaskParam` → `task-param`.
pub fn schema_stem(name: &str) -> String {
    crate::names::words(name).join("-")
}

/// The `$id` of a document's schema.
pub fn schema_id(name: &str) -> String {
    format!("urn:dwdi:schema:{}", schema_stem(name))
}

/// The schema of one document.
pub fn document_schema(spec: &Spec, name: &str, doc: &DocumentDef) -> Value {
    let mut shapes = Vec::new();
    let mut out = Map::new();
    out.insert("$schema".into(), json!(DRAFT));
    out.insert("$id".into(), json!(schema_id(name)));
    out.insert("title".into(), json!(name));
    out.insert("description".into(), json!(doc.description));
    if let Some(root) = &doc.root
        && let Value::Object(mut map) = member(spec, root, &mut shapes)
    {
        // The document's own description comes first; the root's follows as a comment.
        if let Some(root_description) = map.remove("description") {
            out.insert("$comment".into(), root_description);
        }
        out.append(&mut map);
    }
    // Shared shapes the document uses, each stated once under $defs.
    let mut defs = Map::new();
    let mut i = 0;
    while i < shapes.len() {
        let shape_name: String = shapes[i].clone();
        if let Some(shape) = spec.shapes.get(&shape_name) {
            let mut schema = member(spec, shape, &mut shapes);
            if let Value::Object(m) = &mut schema {
                m.insert("title".into(), json!(shape_name));
            }
            defs.insert(shape_name, schema);
        }
        i += 1;
    }
    if !defs.is_empty() {
        out.insert("$defs".into(), Value::Object(defs));
    }
    if !doc.rules.is_empty() {
        out.insert(
            "x-dwdi-rules".into(),
            serde_json::to_value(&doc.rules).unwrap_or(Value::Null),
        );
    }
    Value::Object(out)
}

/// The schema text as written to `generated/schemas/<schema>.schema.json`.
pub fn document_schema_text(spec: &Spec, name: &str, doc: &DocumentDef) -> String {
    let mut text = serde_json::to_string_pretty(&document_schema(spec, name, doc))
        .expect("a schema serialises");
    text.push('\n');
    text
}

fn member(spec: &Spec, field: &DocField, shapes: &mut Vec<String>) -> Value {
    let mut m = Map::new();
    m.insert("description".into(), json!(field.description));
    match field.ty {
        DocType::Object => {
            m.insert("type".into(), json!("object"));
            let mut props = Map::new();
            let mut required = Vec::new();
            for (key, child) in field.fields.iter().flatten() {
                props.insert(key.clone(), member(spec, child, shapes));
                if child.required {
                    required.push(json!(key));
                }
            }
            m.insert("properties".into(), Value::Object(props));
            if !required.is_empty() {
                m.insert("required".into(), Value::Array(required));
            }
        }
        DocType::Array => {
            m.insert("type".into(), json!("array"));
            if let Some(items) = &field.items {
                m.insert("items".into(), member(spec, items, shapes));
            }
        }
        DocType::String => {
            m.insert("type".into(), json!("string"));
        }
        DocType::Integer | DocType::Number => {
            let ty = if field.ty == DocType::Integer {
                "integer"
            } else {
                "number"
            };
            m.insert("type".into(), json!(ty));
            if let Some(min) = field.minimum {
                m.insert("minimum".into(), json!(min));
            }
        }
        DocType::Boolean => {
            m.insert("type".into(), json!("boolean"));
        }
        DocType::Enum => {
            m.insert("type".into(), json!("string"));
            m.insert("enum".into(), json!(enum_values(spec, &field.enum_name)));
        }
        DocType::Map => {
            m.insert("type".into(), json!("object"));
            if let Some(values) = &field.values {
                m.insert("additionalProperties".into(), member(spec, values, shapes));
            }
            if field.keys.is_some() {
                m.insert(
                    "x-dwdi-known-keys".into(),
                    json!(enum_values(spec, &field.keys)),
                );
            }
        }
        DocType::Any => {}
        DocType::Shape => {
            let name = field.shape.clone().unwrap_or_default();
            m.insert("$ref".into(), json!(format!("#/$defs/{name}")));
            if !shapes.contains(&name) {
                shapes.push(name);
            }
        }
    }
    if let Some(example) = &field.example {
        m.insert("examples".into(), json!([example]));
    }
    Value::Object(m)
}

fn enum_values(spec: &Spec, name: &Option<String>) -> Vec<String> {
    crate::conform::enum_values(spec, name.as_deref())
}
