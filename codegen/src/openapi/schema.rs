//! Schemas of the description: request parameters (strict, as the client refuses what the
//! docs say is invalid), answers' `Data` (forward compatible, as the client decodes them),
//! and the JSON documents carried in strings, inlined from the very schemas written to
//! `generated/schemas/` so that the description stands alone (Postman and Prism read one
//! file).

use serde_json::{Map, Value, json};

use crate::conform::Scalar;
use crate::model::{Condition, Field, Param, Spec, ValueType};
use crate::naming::NamePlan;
use crate::position::escape_token;
use crate::schemas::document_schema;

/// Where component schemas live.
const COMPONENTS: &str = "#/components/schemas/";

/// A `$ref` to a component schema.
pub fn component_ref(name: &str) -> Value {
    json!({ "$ref": format!("{COMPONENTS}{name}") })
}

/// The component name of a document: its type name in the naming plan, so that the
/// description's schemas and the generated crate's types share names.
pub fn document_component(plan: &NamePlan, document: &str) -> String {
    plan.documents
        .get(&format!("/documents/{}/root", escape_token(document)))
        .cloned()
        .unwrap_or_else(|| document.to_owned())
}

fn shape_component(plan: &NamePlan, shape: &str) -> String {
    plan.documents
        .get(&format!("/shapes/{}", escape_token(shape)))
        .cloned()
        .unwrap_or_else(|| shape.to_owned())
}

/// Every document's schema, and the shared shapes they use, as component schemas: the
/// standalone schema less its `$schema` and `$id` (the description's dialect is JSON Schema
/// 2020-12 already, and an embedded `$id` would move the base of its references), with its
/// `$defs` hoisted into the components and references rewritten to point there.
pub fn document_components(spec: &Spec, plan: &NamePlan, out: &mut Map<String, Value>) {
    for (name, doc) in &spec.documents {
        let mut schema = document_schema(spec, name, doc);
        let Value::Object(map) = &mut schema else {
            continue;
        };
        map.remove("$schema");
        map.remove("$id");
        if let Some(Value::Object(defs)) = map.remove("$defs") {
            for (shape, mut def) in defs {
                rewrite_refs(plan, &mut def);
                out.entry(shape_component(plan, &shape)).or_insert(def);
            }
        }
        rewrite_refs(plan, &mut schema);
        out.insert(document_component(plan, name), schema);
    }
}

/// Points `#/$defs/<shape>` references at the shape's component.
fn rewrite_refs(plan: &NamePlan, value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(shape) = target.strip_prefix("#/$defs/")
            {
                *target = format!("{COMPONENTS}{}", shape_component(plan, shape));
            }
            for child in map.values_mut() {
                rewrite_refs(plan, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(plan, v)),
        _ => {}
    }
}

/// The schema of a parameter's JSON document: its document's component, or, where another
/// parameter's value chooses the document (`documentBy`, e.g. CreateDISyncTask's TaskContent
/// by TaskType), any of those documents (OpenAPI cannot make one parameter's schema depend on
/// another's value; the description says which value takes which).
pub fn param_document_schema(plan: &NamePlan, param: &Param) -> Option<Value> {
    let document = param.document.as_deref()?;
    let Some(by) = &param.document_by else {
        return Some(component_ref(&document_component(plan, document)));
    };
    let mut names = vec![document];
    for chosen in by.cases.values() {
        if !names.contains(&chosen.as_str()) {
            names.push(chosen);
        }
    }
    if names.len() == 1 {
        return Some(component_ref(&document_component(plan, document)));
    }
    let mut which: Vec<String> = by
        .cases
        .iter()
        .map(|(value, chosen)| {
            format!("{}={value}: {}", by.param, document_component(plan, chosen))
        })
        .collect();
    which.push(format!("otherwise: {}", document_component(plan, document)));
    let refs: Vec<Value> = names
        .iter()
        .map(|name| component_ref(&document_component(plan, name)))
        .collect();
    Some(json!({
        "anyOf": refs,
        "description": format!("The document {} chooses ({}).", by.param, which.join("; ")),
    }))
}

/// A JSON document carried in a string: a string whose content is the document.
fn json_string(content: Option<Value>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!("string"));
    m.insert("contentMediaType".into(), json!("application/json"));
    if let Some(content) = content {
        m.insert("contentSchema".into(), content);
    }
    Value::Object(m)
}

/// The schema of a request parameter's value, when it is not a JSON document (those are
/// described by content, see [`super::requests`]): its type, range and accepted values.
pub fn param_schema(spec: &Spec, plan: &NamePlan, param: &Param) -> Value {
    let scalar = Scalar::of_param(spec, param);
    let mut m = Map::new();
    match param.ty {
        ValueType::Int64 => {
            m.insert("type".into(), json!("integer"));
            m.insert("format".into(), json!("int64"));
            // Without a documented range the client still checks the 64-bit range; say so,
            // since `format` alone binds no validator (a generator would send wider numbers).
            let (minimum, maximum) = param
                .range
                .as_ref()
                .map_or((i64::MIN, i64::MAX), |r| (r.minimum, r.maximum));
            m.insert("minimum".into(), json!(minimum));
            m.insert("maximum".into(), json!(maximum));
        }
        ValueType::Boolean => {
            m.insert("type".into(), json!("boolean"));
        }
        ValueType::Enum => {
            let accepts = scalar.allowed.clone().unwrap_or_default();
            m.insert("type".into(), json!("string"));
            m.insert("enum".into(), json!(accepts));
            let meanings = enum_meanings(spec, param.enum_name.as_deref(), &accepts);
            if !meanings.is_empty() {
                m.insert("x-enumDescriptions".into(), Value::Object(meanings));
            }
        }
        ValueType::JsonString => return json_string(param_document_schema(plan, param)),
        // Objects and arrays travel as text, as the runtime sends them.
        ValueType::String | ValueType::Object | ValueType::Array => {
            m.insert("type".into(), json!("string"));
        }
    }
    Value::Object(m)
}

/// The spec's example of a parameter, when it fits the parameter's declaration (examples
/// the pages print outside their own declaration are errata, and tools would send them as
/// valid values).
pub fn param_example(spec: &Spec, param: &Param) -> Option<Value> {
    let example = param.example.as_ref()?;
    if Scalar::of_param(spec, param).check(example).is_some() {
        return None;
    }
    Some(example.clone())
}

/// Value → meaning, for the values of `enum_name` listed in `values`.
fn enum_meanings(spec: &Spec, enum_name: Option<&str>, values: &[String]) -> Map<String, Value> {
    let Some(def) = enum_name.and_then(|n| spec.enums.get(n)) else {
        return Map::new();
    };
    values
        .iter()
        .filter_map(|v| Some((v.clone(), json!(def.values.get(v)?.description))))
        .collect()
}

/// The schema of a member of an answer. Answers are forward compatible, as the generated
/// client decodes them: members the spec does not name are allowed, and an enumeration lists
/// its documented values in `x-extensible-enum` without refusing others. A member the spec
/// says may be null (`nullWhen`) may also be absent; every other documented member is
/// required.
pub fn answer_schema(spec: &Spec, plan: &NamePlan, field: &Field) -> Value {
    // The keywords after `description` and `type`, in the order they are written.
    let mut rest = Map::new();
    let ty = match field.ty {
        ValueType::Int64 => {
            rest.insert("format".into(), json!("int64"));
            "integer"
        }
        ValueType::String => "string",
        ValueType::Boolean => "boolean",
        ValueType::Enum => {
            let values = Scalar::of_field(spec, field).allowed.unwrap_or_default();
            rest.insert("x-extensible-enum".into(), json!(values));
            "string"
        }
        ValueType::JsonString => {
            let content = field
                .document
                .as_deref()
                .map(|d| component_ref(&document_component(plan, d)));
            if let Value::Object(s) = json_string(content) {
                rest.extend(s.into_iter().filter(|(k, _)| k != "type"));
            }
            "string"
        }
        ValueType::Object => {
            if let Some(fields) = &field.fields {
                let mut props = Map::new();
                let mut required = Vec::new();
                for (wire, child) in fields {
                    props.insert(wire.clone(), answer_schema(spec, plan, child));
                    if child.null_when.is_none() {
                        required.push(json!(wire));
                    }
                }
                rest.insert("properties".into(), Value::Object(props));
                if !required.is_empty() {
                    rest.insert("required".into(), Value::Array(required));
                }
            }
            "object"
        }
        ValueType::Array => {
            if let Some(items) = &field.items {
                rest.insert("items".into(), answer_schema(spec, plan, items));
            }
            "array"
        }
    };
    let mut m = Map::new();
    m.insert("description".into(), json!(field.description));
    match &field.null_when {
        Some(condition) => {
            m.insert("type".into(), json!([ty, "null"]));
            m.insert("x-dwdi-null-when".into(), null_when(condition));
        }
        None => {
            m.insert("type".into(), json!(ty));
        }
    }
    m.extend(rest);
    if let Some(example) = &field.example
        && Scalar::of_field(spec, field).check(example).is_none()
    {
        m.insert("examples".into(), json!([example]));
    }
    Value::Object(m)
}

fn null_when(condition: &Condition) -> Value {
    serde_json::to_value(condition).unwrap_or(Value::Null)
}
