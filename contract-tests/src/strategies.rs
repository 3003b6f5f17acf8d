//! proptest strategies built from the spec's model at test time: a parameter or field added
//! to the spec is generated without new code.

use dwdi_codegen::model::{Field, Operation, Param, Spec, ValueType};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use serde_json::{Map, Value};

/// Text that favours what encoders get wrong: spaces, `*`, `~`, `/`, `+`, `=`, `&`, `%`,
/// quotes and non-ASCII (CJK, accents, emoji), mixed with arbitrary characters.
pub fn text() -> BoxedStrategy<String> {
    let tricky = select(vec![
        ' ', '*', '~', '/', '+', '=', '&', '%', '?', '#', '"', '\'', '\\', '中', 'é', '🙂', '\n',
    ]);
    prop::collection::vec(prop_oneof![3 => tricky, 1 => any::<char>()], 0..16)
        .prop_map(|chars| chars.into_iter().collect())
        .boxed()
}

/// An arbitrary JSON value whose strings are [`text`].
pub fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// A JSON document as text (what a `jsonString` parameter carries).
pub fn json_text() -> BoxedStrategy<String> {
    json_value().prop_map(|v| v.to_string()).boxed()
}

/// The values an enum parameter accepts: its `accepts`, else its enumeration's values.
pub fn accepted(spec: &Spec, p: &Param) -> Vec<String> {
    p.accepts.clone().unwrap_or_else(|| {
        p.enum_name
            .as_deref()
            .and_then(|n| spec.enums.get(n))
            .map(|d| d.values.keys().cloned().collect())
            .unwrap_or_default()
    })
}

fn range_of(p: &Param) -> (i64, i64) {
    p.range
        .map_or((i64::MIN, i64::MAX), |r| (r.minimum, r.maximum))
}

/// A valid wire value for a parameter: integers in range (ends included), accepted enum
/// values, well-formed JSON documents, tricky text.
pub fn param_value(spec: &Spec, p: &Param) -> BoxedStrategy<String> {
    match p.ty {
        ValueType::Int64 => {
            let (min, max) = range_of(p);
            prop_oneof![Just(min), Just(max), min..=max]
                .prop_map(|v| v.to_string())
                .boxed()
        }
        ValueType::Enum => select(accepted(spec, p)).boxed(),
        ValueType::JsonString => json_text(),
        ValueType::Boolean => select(vec!["true".to_owned(), "false".to_owned()]).boxed(),
        ValueType::String | ValueType::Object | ValueType::Array => text(),
    }
}

/// Valid parameters of one operation: every required one, each optional one or not.
pub fn valid_params(spec: &Spec, op: &Operation) -> BoxedStrategy<Vec<(String, String)>> {
    let per_param: Vec<BoxedStrategy<Option<(String, String)>>> = op
        .parameters
        .iter()
        .map(|(name, p)| {
            let name = name.clone();
            let value = param_value(spec, p).prop_map(move |v| (name.clone(), v));
            if p.required {
                value.prop_map(Some).boxed()
            } else {
                prop::option::of(value).boxed()
            }
        })
        .collect();
    per_param
        .prop_map(|params| params.into_iter().flatten().collect())
        .boxed()
}

/// A valid call of any operation: (action, parameters).
pub fn valid_call(spec: &Spec) -> BoxedStrategy<(String, Vec<(String, String)>)> {
    Union::new(spec.operations.iter().map(|(action, op)| {
        let action = action.clone();
        valid_params(spec, op)
            .prop_map(move |params| (action.clone(), params))
            .boxed()
    }))
    .boxed()
}

/// What is wrong with an invalid call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    /// A required parameter is left out.
    Missing,
    /// An enum parameter has a value the operation does not accept.
    OutsideEnum,
    /// An integer is outside its range.
    OutOfRange,
    /// A JSON-string parameter does not parse.
    MalformedJson,
}

/// A call with exactly one defect.
#[derive(Debug, Clone)]
pub struct InvalidCall {
    /// The operation.
    pub action: String,
    /// The parameters, one of them defective (or missing).
    pub params: Vec<(String, String)>,
    /// The defective parameter.
    pub parameter: String,
    /// What is wrong with it.
    pub defect: Defect,
}

/// A call of any operation with one defect in one parameter, every kind of defect the
/// parameter's declaration allows.
pub fn invalid_call(spec: &Spec) -> BoxedStrategy<InvalidCall> {
    let mut options: Vec<BoxedStrategy<InvalidCall>> = Vec::new();
    for (action, op) in &spec.operations {
        for (name, p) in &op.parameters {
            let mut bad: Vec<(Defect, Option<BoxedStrategy<String>>)> = Vec::new();
            if p.required {
                bad.push((Defect::Missing, None));
            }
            match p.ty {
                ValueType::Enum => {
                    let accepts = accepted(spec, p);
                    let outside = text()
                        .prop_filter("a value the operation does not accept", move |v| {
                            !accepts.contains(v)
                        })
                        .boxed();
                    bad.push((Defect::OutsideEnum, Some(outside)));
                }
                ValueType::Int64 => {
                    let (min, max) = range_of(p);
                    let mut outside: Vec<BoxedStrategy<i64>> = Vec::new();
                    if min > i64::MIN {
                        outside.push(prop_oneof![Just(min - 1), i64::MIN..min].boxed());
                    }
                    if max < i64::MAX {
                        outside.push(prop_oneof![Just(max + 1), (max + 1)..=i64::MAX].boxed());
                    }
                    if !outside.is_empty() {
                        let s = Union::new(outside).prop_map(|v| v.to_string()).boxed();
                        bad.push((Defect::OutOfRange, Some(s)));
                    }
                }
                ValueType::JsonString => {
                    let malformed = prop_oneof![
                        json_text().prop_map(|t| format!("{t} }}")),
                        json_text().prop_map(|t| format!("{{{t}")),
                        text(),
                    ]
                    .prop_filter("text that is not JSON", |t| {
                        serde_json::from_str::<Value>(t).is_err()
                    })
                    .boxed();
                    bad.push((Defect::MalformedJson, Some(malformed)));
                }
                _ => {}
            }
            for (defect, value) in bad {
                let (action, name) = (action.clone(), name.clone());
                let base = valid_params(spec, op);
                let strategy = match value {
                    None => base
                        .prop_map(move |mut params| {
                            params.retain(|(n, _)| *n != name);
                            InvalidCall {
                                action: action.clone(),
                                params,
                                parameter: name.clone(),
                                defect,
                            }
                        })
                        .boxed(),
                    Some(value) => (base, value)
                        .prop_map(move |(mut params, value)| {
                            params.retain(|(n, _)| *n != name);
                            params.push((name.clone(), value));
                            InvalidCall {
                                action: action.clone(),
                                params,
                                parameter: name.clone(),
                                defect,
                            }
                        })
                        .boxed(),
                };
                options.push(strategy);
            }
        }
    }
    Union::new(options).boxed()
}

/// Keys this prefix starts are unknown to every spec: the decoder must ignore them.
pub const UNKNOWN_KEY: &str = "x-unknown-";

/// The values an enum field can take, from its enumeration or every one `enumBy` names.
pub fn field_values(spec: &Spec, f: &Field) -> Vec<String> {
    let names: Vec<&String> = match (&f.enum_name, &f.enum_by) {
        (Some(name), _) => vec![name],
        (None, Some(by)) => by.cases.values().collect(),
        (None, None) => Vec::new(),
    };
    names
        .into_iter()
        .filter_map(|n| spec.enums.get(n))
        .flat_map(|d| d.values.keys().cloned())
        .collect()
}

/// A value that conforms to a response field: every documented member (nullable ones
/// present, null or absent), enum values known or unknown, and unknown members sprinkled in.
pub fn field_value(spec: &Spec, f: &Field) -> BoxedStrategy<Value> {
    match f.ty {
        ValueType::Int64 => any::<i64>().prop_map(Value::from).boxed(),
        ValueType::String => text().prop_map(Value::String).boxed(),
        ValueType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        ValueType::JsonString => prop_oneof![json_text(), text()]
            .prop_map(Value::String)
            .boxed(),
        ValueType::Enum => {
            let known = field_values(spec, f);
            let unknown = text().prop_filter("an unknown value", {
                let known = known.clone();
                move |v| !known.contains(v)
            });
            prop_oneof![select(known), unknown]
                .prop_map(Value::String)
                .boxed()
        }
        ValueType::Array => match &f.items {
            Some(items) => prop::collection::vec(field_value(spec, items), 0..3)
                .prop_map(Value::Array)
                .boxed(),
            None => prop::collection::vec(json_value(), 0..3)
                .prop_map(Value::Array)
                .boxed(),
        },
        ValueType::Object => match &f.fields {
            None => json_value()
                .prop_map(|v| match v {
                    Value::Object(_) => v,
                    other => serde_json::json!({ "value": other }),
                })
                .boxed(),
            Some(fields) => {
                let members: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
                    .iter()
                    .map(|(name, field)| {
                        let name = name.clone();
                        let value = field_value(spec, field);
                        if field.null_when.is_some() {
                            prop_oneof![
                                Just(None),
                                Just(Some((name.clone(), Value::Null))),
                                value.prop_map(move |v| Some((name.clone(), v))),
                            ]
                            .boxed()
                        } else {
                            value.prop_map(move |v| Some((name.clone(), v))).boxed()
                        }
                    })
                    .collect();
                let unknown = prop::collection::vec((text(), json_value()), 0..2);
                (members, unknown)
                    .prop_map(|(members, unknown)| {
                        let mut object: Map<String, Value> =
                            members.into_iter().flatten().collect();
                        for (key, value) in unknown {
                            object.insert(format!("{UNKNOWN_KEY}{key}"), value);
                        }
                        Value::Object(object)
                    })
                    .boxed()
            }
        },
    }
}

/// The same value without unknown members and null members: what a typed decode keeps.
pub fn known_part(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| !k.starts_with(UNKNOWN_KEY) && !v.is_null())
                .map(|(k, v)| (k.clone(), known_part(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(known_part).collect()),
        other => other.clone(),
    }
}

/// A conforming `Data` of any operation: (action, data).
pub fn response_data(spec: &Spec) -> BoxedStrategy<(String, Value)> {
    Union::new(spec.operations.iter().map(|(action, op)| {
        let action = action.clone();
        field_value(spec, &op.response.data)
            .prop_map(move |data| (action.clone(), data))
            .boxed()
    }))
    .boxed()
}
