//! Does a JSON value fit a declared scalar type? Shared by the loader (examples the spec wrote
//! itself must fit) and the lint (examples and samples the pages print are checked).

use serde_json::Value;

use crate::model::{Field, Kind, Param, Range, Spec, ValueType};
use crate::position::Pos;

/// Why a value does not fit its declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// Wrong JSON type.
    Type {
        /// The declared type.
        expected: ValueType,
        /// What was found, in words.
        found: String,
    },
    /// A string outside the allowed values.
    Enum {
        /// The value.
        value: String,
        /// The allowed values.
        allowed: Vec<String>,
    },
    /// An integer outside the declared range.
    Range {
        /// The value.
        value: i64,
        /// The range.
        range: Range,
    },
    /// A JSON-in-a-string value that does not parse.
    Json {
        /// serde_json's message, without its position.
        error: String,
        /// Where inside the string.
        pos: Pos,
    },
}

impl Misfit {
    /// The lint kind for this misfit in an example.
    pub fn example_kind(&self) -> Kind {
        match self {
            Misfit::Type { .. } => Kind::ExampleType,
            Misfit::Enum { .. } => Kind::ExampleEnumValue,
            Misfit::Range { .. } => Kind::ExampleOutOfRange,
            Misfit::Json { .. } => Kind::ExampleJsonInvalid,
        }
    }

    /// The lint kind for this misfit in a sample.
    pub fn sample_kind(&self) -> Kind {
        match self {
            Misfit::Type { .. } | Misfit::Range { .. } => Kind::SampleType,
            Misfit::Enum { .. } => Kind::SampleEnumValue,
            Misfit::Json { .. } => Kind::SampleEmbeddedJsonInvalid,
        }
    }

    /// Where inside an embedded JSON string, for JSON misfits.
    pub fn inner_pos(&self) -> Option<Pos> {
        match self {
            Misfit::Json { pos, .. } => Some(*pos),
            _ => None,
        }
    }
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Misfit::Type { expected, found } => {
                write!(f, "expected {}, found {found}", describe_type(*expected))
            }
            Misfit::Enum { value, allowed } => write!(
                f,
                "\"{value}\" is not an accepted value; expected one of {}",
                allowed.join(", ")
            ),
            Misfit::Range { value, range } => write!(
                f,
                "{value} is out of range; expected {}..={}",
                range.minimum, range.maximum
            ),
            Misfit::Json { error, pos } => {
                write!(f, "the embedded JSON does not parse at {pos}: {error}")
            }
        }
    }
}

fn describe_type(ty: ValueType) -> &'static str {
    match ty {
        ValueType::Int64 => "an integer (int64)",
        ValueType::String => "a string",
        ValueType::Boolean => "true or false",
        ValueType::Enum => "an enumeration value (a string)",
        ValueType::JsonString => "a string holding a JSON document",
        ValueType::Object => "an object",
        ValueType::Array => "an array",
    }
}

/// Describes the JSON type of a value, with a short excerpt.
pub fn describe_value(value: &Value) -> String {
    let excerpt = |v: &Value| {
        let text = v.to_string();
        if text.chars().count() > 40 {
            format!("{}…", text.chars().take(40).collect::<String>())
        } else {
            text
        }
    };
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(_) => format!("the number {}", excerpt(value)),
        Value::String(_) => format!("the string {}", excerpt(value)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// What a scalar declaration allows.
pub struct Scalar<'a> {
    /// The declared type.
    pub ty: ValueType,
    /// For enums: the allowed values.
    pub allowed: Option<Vec<String>>,
    /// For integers: the range.
    pub range: Option<&'a Range>,
}

impl<'a> Scalar<'a> {
    /// The declaration of a request parameter: its accepted values and range.
    pub fn of_param(spec: &Spec, param: &'a Param) -> Self {
        let allowed = (param.ty == ValueType::Enum).then(|| match &param.accepts {
            Some(accepts) => accepts.clone(),
            None => enum_values(spec, param.enum_name.as_deref()),
        });
        Scalar {
            ty: param.ty,
            allowed,
            range: param.range.as_ref(),
        }
    }

    /// The declaration of a response field; an enum chosen by a parameter allows the values of
    /// every case.
    pub fn of_field(spec: &Spec, field: &'a Field) -> Self {
        let allowed = (field.ty == ValueType::Enum).then(|| match &field.enum_by {
            Some(by) => {
                let mut all = Vec::new();
                for name in by.cases.values() {
                    for v in enum_values(spec, Some(name)) {
                        if !all.contains(&v) {
                            all.push(v);
                        }
                    }
                }
                all
            }
            None => enum_values(spec, field.enum_name.as_deref()),
        });
        Scalar {
            ty: field.ty,
            allowed,
            range: None,
        }
    }

    /// Checks `value` against the declaration. Objects and arrays only have their JSON type
    /// checked; their contents are the caller's business.
    pub fn check(&self, value: &Value) -> Option<Misfit> {
        let type_misfit = || {
            Some(Misfit::Type {
                expected: self.ty,
                found: describe_value(value),
            })
        };
        match (self.ty, value) {
            (ValueType::Int64, Value::Number(n)) => match n.as_i64() {
                Some(v) => self.range.and_then(|r| {
                    (v < r.minimum || v > r.maximum).then_some(Misfit::Range {
                        value: v,
                        range: *r,
                    })
                }),
                None => type_misfit(),
            },
            (ValueType::String, Value::String(_)) => None,
            (ValueType::Boolean, Value::Bool(_)) => None,
            (ValueType::Enum, Value::String(s)) => match &self.allowed {
                Some(allowed) if !allowed.iter().any(|a| a == s) => Some(Misfit::Enum {
                    value: s.clone(),
                    allowed: allowed.clone(),
                }),
                _ => None,
            },
            (ValueType::JsonString, Value::String(s)) => json_misfit(s),
            (ValueType::Object, Value::Object(_)) => None,
            (ValueType::Array, Value::Array(_)) => None,
            _ => type_misfit(),
        }
    }
}

/// Parses embedded JSON text, returning where and why it fails.
pub fn json_misfit(text: &str) -> Option<Misfit> {
    match serde_json::from_str::<Value>(text) {
        Ok(_) => None,
        Err(e) => {
            let full = e.to_string();
            let error = match full.rfind(" at line ") {
                Some(i) => full[..i].to_owned(),
                None => full,
            };
            Some(Misfit::Json {
                error,
                pos: Pos {
                    line: e.line(),
                    column: e.column(),
                },
            })
        }
    }
}

/// The values of the named enumeration (none when it is not declared).
pub fn enum_values(spec: &Spec, name: Option<&str>) -> Vec<String> {
    name.and_then(|n| spec.enums.get(n))
        .map(|e| e.values.keys().cloned().collect())
        .unwrap_or_default()
}
