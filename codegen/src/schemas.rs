//! JSON Schemas (draft 2020-12) of the JSON documents carried in strings (TaskParam,
//! TaskContent, StartParam), built from the spec, and their sibling rules files.
//!
//! Documented members are typed strictly; undocumented members are allowed, because the
//! service accepts more than the pages show. Every rule JSON Schema can state is stated in the
//! schema, so that other validators (ajv, check-jsonschema, any draft 2020-12 implementation)
//! reach dwdi's verdict: types, enums, `required`, `minimum`, `minItems`, `uniqueItems`,
//! `anyOf` of `required`, `contains` with `minContains`/`maxContains`, and `if`/`then` for
//! members whose shape depends on a sibling (a reader's parameter and a writer's). The schemas
//! use no keyword outside the draft, so they compile in ajv's strict mode.
//!
//! What JSON Schema cannot state goes to a sibling file, `<document>.rules.json`
//! ([`dwdi_validate::RulesFile`]): the rules over a whole document (hop targets, reader/writer
//! pairs, a table named twice across the schemas of one database), the known keys of maps
//! (others are warned about), and the root members of the other documents (to name the kind a
//! misplaced document looks like).

use serde_json::{Map, Value, json};

use crate::model::{DocField, DocType, DocumentDef, Spec};

/// The draft every emitted schema declares.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// How deep shapes may lead when the known keys of maps are collected (shapes may not nest
/// this deep in any real document; the bound keeps a self-referring shape from looping).
const MAX_DEPTH: usize = 32;

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
        // Editors complete a document through a root `"$schema"` member; dwdi accepts it and
        // removes it before sending.
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            let mut with_schema = Map::new();
            with_schema.insert(
                "$schema".into(),
                json!({
                    "description": "The JSON Schema of this document, for editors; dwdi removes it before sending.",
                    "type": "string"
                }),
            );
            with_schema.append(props);
            *props = with_schema;
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
    Value::Object(out)
}

/// The schema text as written to `generated/schemas/<schema>.schema.json`.
pub fn document_schema_text(spec: &Spec, name: &str, doc: &DocumentDef) -> String {
    let mut text = serde_json::to_string_pretty(&document_schema(spec, name, doc))
        .expect("a schema serialises");
    text.push('\n');
    text
}

/// What dwdi checks beyond the schema, as written to `generated/schemas/<schema>.rules.json`.
pub fn document_rules(spec: &Spec, name: &str, doc: &DocumentDef) -> dwdi_validate::RulesFile {
    let mut known_keys = Vec::new();
    if let Some(root) = &doc.root {
        collect_known_keys(spec, root, String::new(), 0, &mut known_keys);
    }
    let other_kinds = spec
        .documents
        .iter()
        .filter(|(other, _)| *other != name)
        .filter_map(|(other, d)| {
            let members: Vec<String> = d.root.as_ref()?.fields.as_ref()?.keys().cloned().collect();
            Some((other.clone(), members))
        })
        .collect();
    dwdi_validate::RulesFile {
        comment: format!(
            "What dwdi checks in a {name} beyond {stem}.schema.json: rules JSON Schema cannot state, the known keys of maps (others are warnings) and the root members of the other documents (to name the kind a misplaced document looks like). Read by dwdi-validate; other validators use the schema alone.",
            stem = schema_stem(name)
        ),
        document: name.to_owned(),
        schema: schema_id(name),
        known_keys,
        rules: doc.rules.clone(),
        other_kinds,
    }
}

/// The rules file's text.
pub fn document_rules_text(spec: &Spec, name: &str, doc: &DocumentDef) -> String {
    let mut text = serde_json::to_string_pretty(&document_rules(spec, name, doc))
        .expect("a rules file serialises");
    text.push('\n');
    text
}

/// The known keys of every map under `field`, with the instance path (`*` for any item or
/// member) to the map.
fn collect_known_keys(
    spec: &Spec,
    field: &DocField,
    at: String,
    depth: usize,
    out: &mut Vec<dwdi_validate::KnownKeys>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match field.ty {
        DocType::Object => {
            for (key, child) in field.fields.iter().flatten() {
                let at = format!("{at}/{}", dwdi_validate::position::escape_token(key));
                collect_known_keys(spec, child, at, depth + 1, out);
            }
        }
        DocType::Array => {
            if let Some(items) = &field.items {
                collect_known_keys(spec, items, format!("{at}/*"), depth + 1, out);
            }
        }
        DocType::Map => {
            if field.keys.is_some() {
                out.push(dwdi_validate::KnownKeys {
                    at: at.clone(),
                    keys: enum_values(spec, &field.keys),
                });
            }
            if let Some(values) = &field.values {
                collect_known_keys(spec, values, format!("{at}/*"), depth + 1, out);
            }
        }
        DocType::Shape => {
            if let Some(shape) = field.shape.as_ref().and_then(|s| spec.shapes.get(s)) {
                collect_known_keys(spec, shape, at, depth + 1, out);
            }
        }
        DocType::Variants => {
            for shape in field.variants.iter().flat_map(|v| v.values()) {
                if let Some(shape) = spec.shapes.get(shape) {
                    collect_known_keys(spec, shape, at.clone(), depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

fn member(spec: &Spec, field: &DocField, shapes: &mut Vec<String>) -> Value {
    let mut m = Map::new();
    m.insert("description".into(), json!(field.description));
    if let Some(decision) = &field.decision {
        m.insert(
            "$comment".into(),
            json!(format!("dwdi decision: {decision}")),
        );
    }
    match field.ty {
        DocType::Object => {
            m.insert("type".into(), json!("object"));
            let mut props = Map::new();
            let mut required = Vec::new();
            let mut conditions = Vec::new();
            for (key, child) in field.fields.iter().flatten() {
                props.insert(key.clone(), member(spec, child, shapes));
                if child.required {
                    required.push(json!(key));
                }
                if child.ty == DocType::Variants {
                    conditions.extend(variant_conditions(key, child, shapes));
                }
            }
            m.insert("properties".into(), Value::Object(props));
            if !required.is_empty() {
                m.insert("required".into(), Value::Array(required));
            }
            if let Some(any) = &field.require_any_of {
                // Each option names its member under `properties` too, as ajv's strict mode
                // (strictRequired) asks of a `required` inside an applicator.
                let options: Vec<Value> = any
                    .iter()
                    .map(|k| json!({"properties": {k.clone(): true}, "required": [k]}))
                    .collect();
                m.insert("anyOf".into(), Value::Array(options));
            }
            if !conditions.is_empty() {
                m.insert("allOf".into(), Value::Array(conditions));
            }
        }
        DocType::Array => {
            m.insert("type".into(), json!("array"));
            if let Some(items) = &field.items {
                m.insert("items".into(), member(spec, items, shapes));
            }
            if let Some(min) = field.min_items {
                m.insert("minItems".into(), json!(min));
            }
            if field.unique_items {
                m.insert("uniqueItems".into(), json!(true));
            }
            if let Some(c) = &field.contains {
                m.insert(
                    "contains".into(),
                    json!({
                        "type": "object",
                        "properties": {c.member.clone(): {"const": c.equals}},
                        "required": [c.member],
                    }),
                );
                if let Some(min) = c.min {
                    m.insert("minContains".into(), json!(min));
                }
                if let Some(max) = c.max {
                    m.insert("maxContains".into(), json!(max));
                }
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
        }
        DocType::Any => {}
        DocType::Shape => {
            let name = field.shape.clone().unwrap_or_default();
            m.insert("$ref".into(), json!(format!("#/$defs/{name}")));
            if !shapes.contains(&name) {
                shapes.push(name);
            }
        }
        // The member is an object here; which shape it has is said by the parent's `allOf`.
        DocType::Variants => {
            m.insert("type".into(), json!("object"));
        }
    }
    if let Some(example) = &field.example {
        m.insert("examples".into(), json!([example]));
    }
    Value::Object(m)
}

/// For a member `key` whose shape depends on its sibling `by`: one `if`/`then` per value of
/// `by`, each giving the member that value's shape.
fn variant_conditions(key: &str, field: &DocField, shapes: &mut Vec<String>) -> Vec<Value> {
    let Some(by) = &field.by else {
        return Vec::new();
    };
    field
        .variants
        .iter()
        .flatten()
        .map(|(value, shape)| {
            if !shapes.contains(shape) {
                shapes.push(shape.clone());
            }
            json!({
                "if": {
                    "type": "object",
                    "properties": {by.clone(): {"const": value}},
                    "required": [by],
                },
                "then": {
                    "type": "object",
                    "properties": {key: {"$ref": format!("#/$defs/{shape}")}},
                },
            })
        })
        .collect()
}

fn enum_values(spec: &Spec, name: &Option<String>) -> Vec<String> {
    crate::conform::enum_values(spec, name.as_deref())
}
