//! Each operation's example `Data`: a successful answer as the spec exemplifies it, which the
//! tables carry (`OperationDesc::example_data`) so that a tool answering as the service does
//! (the mock) fills the members it has no behaviour for without naming them.
//!
//! Every documented member is present, so none is ever dropped: its own example where that
//! fits its declaration (a field's example moves with the field when it is renamed), else the
//! page sample's value at the same place, else a value of its type. An enum example outside
//! the enum's values (Alibaba's metadata has some) is not an example of the field; the first
//! documented value stands in. Objects are built member by member, arrays as one item.

use serde_json::{Map, Value};

use crate::conform::Scalar;
use crate::model::{Field, Operation, Spec, ValueType};

/// The envelope member holding `Data` in the page's sample.
const SAMPLE_DATA: &str = "Data";

/// The example `Data` of `op`, as compact JSON text.
pub(crate) fn example_data(spec: &Spec, op: &Operation) -> String {
    let sample = op.sample.body.get(SAMPLE_DATA);
    value(spec, &op.response.data, sample).to_string()
}

fn value(spec: &Spec, field: &Field, sample: Option<&Value>) -> Value {
    match field.ty {
        ValueType::Object => match &field.fields {
            Some(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(name, child)| {
                        let at = sample.and_then(|s| s.get(name));
                        (name.clone(), value(spec, child, at))
                    })
                    .collect::<Map<String, Value>>(),
            ),
            // Free-form: whatever the spec shows.
            None => fitting(spec, field, [field.example.as_ref(), sample])
                .unwrap_or_else(|| Value::Object(Map::new())),
        },
        ValueType::Array => match &field.items {
            Some(items) => {
                let first = sample.and_then(|s| s.get(0));
                Value::Array(vec![value(spec, items, first)])
            }
            None => fitting(spec, field, [field.example.as_ref(), sample])
                .unwrap_or_else(|| Value::Array(Vec::new())),
        },
        _ => fitting(spec, field, [field.example.as_ref(), sample])
            .unwrap_or_else(|| of_type(spec, field)),
    }
}

/// The first candidate that fits the field's declaration.
fn fitting(spec: &Spec, field: &Field, candidates: [Option<&Value>; 2]) -> Option<Value> {
    let scalar = Scalar::of_field(spec, field);
    candidates
        .into_iter()
        .flatten()
        .find(|v| scalar.check(v).is_none())
        .cloned()
}

/// A value of the field's type, where the spec shows none that fits.
fn of_type(spec: &Spec, field: &Field) -> Value {
    match field.ty {
        ValueType::Int64 => Value::from(0),
        ValueType::Boolean => Value::Bool(false),
        ValueType::Enum => Scalar::of_field(spec, field)
            .allowed
            .and_then(|values| values.into_iter().next())
            .map_or(Value::Null, Value::String),
        ValueType::JsonString => Value::String("{}".to_owned()),
        ValueType::String => Value::String(String::new()),
        ValueType::Object => Value::Object(Map::new()),
        ValueType::Array => Value::Array(Vec::new()),
    }
}
