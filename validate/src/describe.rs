//! jsonschema's errors, rewritten to say what was expected and what was found, where the
//! problem is (a repeated item, the surplus reader), and, for a rule the pages do not state,
//! the dwdi decision behind it (the schema's `$comment`).

use jsonschema::error::{TypeKind, ValidationErrorKind as K};
use serde_json::Value;

use crate::Described;
use crate::walk::resolve;

/// The prefix of a `$comment` that records a dwdi decision.
const DECISION: &str = "dwdi decision: ";

/// The pointer to report at and the words for one error.
pub(crate) fn describe(
    error: &jsonschema::ValidationError<'_>,
    schema: &Value,
) -> (String, Described) {
    let at = error.instance_path().to_string();
    let found = error.instance();
    let keyword_schema = parent_schema(schema, error.schema_path().as_str());
    // The reason is cited for the keywords a decision stands behind, not for the plain ones.
    let cites = matches!(
        error.kind(),
        K::UniqueItems | K::Contains | K::Required { .. }
    );
    let why = keyword_schema
        .filter(|_| cites)
        .and_then(|s| s.get("$comment"))
        .and_then(Value::as_str)
        .and_then(|c| c.strip_prefix(DECISION))
        .map(|d| format!(" (dwdi decision: {d})"))
        .unwrap_or_default();
    let (pointer, kind, expected, found_text, message) = match error.kind() {
        K::Enum { options } => {
            let expected = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .map(Value::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let message = format!("{found} is not an accepted value; expected one of {expected}");
            (
                at,
                "enum",
                Some(format!("one of {expected}")),
                Some(found.to_string()),
                message,
            )
        }
        K::Required { property } => (
            at,
            "required",
            Some(format!("the member {property}")),
            Some("no such member".into()),
            format!("missing required member {property}{why}"),
        ),
        K::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => format!("{ts:?}"),
            };
            let found_text = kind_of(found);
            let message = format!("expected {expected}, found {found_text}");
            (at, "type", Some(expected), Some(found_text), message)
        }
        K::Minimum { limit } => (
            at,
            "minimum",
            Some(format!("at least {limit}")),
            Some(found.to_string()),
            format!("{found} is too small; expected at least {limit}"),
        ),
        K::MinItems { limit } => {
            let n = found.as_array().map_or(0, Vec::len);
            (
                at,
                "min-items",
                Some(format!("at least {limit} item{}", plural(*limit as usize))),
                Some(format!("{n} item{}", plural(n))),
                format!(
                    "{} selects nothing; expected at least {limit} item{}",
                    if n == 0 {
                        "an empty list".to_owned()
                    } else {
                        format!("a list of {n}")
                    },
                    plural(*limit as usize)
                ),
            )
        }
        K::UniqueItems => {
            let items = found.as_array().map(Vec::as_slice).unwrap_or_default();
            let (first, again) = first_repeat(items).unwrap_or((0, 0));
            let item = items.get(again).map(Value::to_string).unwrap_or_default();
            (
                format!("{at}/{again}"),
                "unique-items",
                Some("each item once".into()),
                Some(format!("{item} again")),
                format!(
                    "{item} appears again (first at {at}/{first}); expected each item once{why}"
                ),
            )
        }
        K::AnyOf { context } => {
            let members: Vec<String> = context
                .iter()
                .flatten()
                .filter_map(|e| match e.kind() {
                    K::Required { property } => property.as_str().map(|p| format!("`{p}`")),
                    _ => None,
                })
                .collect();
            if members.len() == context.len() && !members.is_empty() {
                let expected = members.join(" or ");
                (
                    at,
                    "any-of",
                    Some(format!("the member {expected}")),
                    Some("neither".into()),
                    format!("expected the member {expected}, found neither{why}"),
                )
            } else {
                (at, "schema", None, None, format!("{error}{why}"))
            }
        }
        K::Contains => match keyword_schema.and_then(|s| contains_spec(schema, s)) {
            Some((member, value, min, max)) => {
                let items = found.as_array().map(Vec::as_slice).unwrap_or_default();
                let matching: Vec<usize> = items
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.get(&member).and_then(Value::as_str) == Some(&value))
                    .map(|(n, _)| n)
                    .collect();
                let wanted = match (min, max) {
                    (a, Some(b)) if a == b => format!("exactly {a}"),
                    (a, Some(b)) => format!("{a} to {b}"),
                    (a, None) => format!("at least {a}"),
                };
                let pointer = match max.and_then(|m| matching.get(m as usize)) {
                    Some(extra) => format!("{at}/{extra}"),
                    None => at.clone(),
                };
                let listed = if matching.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({})",
                        matching
                            .iter()
                            .map(|n| format!("{at}/{n}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                (
                    pointer,
                    "contains",
                    Some(format!("{wanted} item with {member} \"{value}\"")),
                    Some(matching.len().to_string()),
                    format!(
                        "expected {wanted} item with {member} \"{value}\", found {}{listed}{why}",
                        matching.len()
                    ),
                )
            }
            None => (at, "schema", None, None, format!("{error}{why}")),
        },
        _ => (at, "schema", None, None, format!("{error}{why}")),
    };
    (
        pointer,
        Described {
            kind,
            expected,
            found: found_text,
            message,
        },
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The first item equal to an earlier one: (earlier, later).
fn first_repeat(items: &[Value]) -> Option<(usize, usize)> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(first) = seen.insert(item.to_string(), i) {
            return Some((first, i));
        }
    }
    None
}

/// The schema object holding the keyword at `schema_path` (following `$ref`s on the way).
fn parent_schema<'s>(root: &'s Value, schema_path: &str) -> Option<&'s Value> {
    let tokens: Vec<&str> = schema_path.split('/').skip(1).collect();
    let (_, parents) = tokens.split_last()?;
    let mut at = root;
    for token in parents {
        let token = token.replace("~1", "/").replace("~0", "~");
        at = if token == "$ref" {
            resolve(root, at)
        } else {
            match at {
                Value::Object(m) => m.get(&token)?,
                Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(resolve(root, at))
}

/// An array schema's `contains` as dwdi writes it: (member, value, minContains, maxContains).
fn contains_spec(root: &Value, array: &Value) -> Option<(String, String, u64, Option<u64>)> {
    let contains = resolve(root, array.get("contains")?);
    let (member, c) = contains.get("properties")?.as_object()?.iter().next()?;
    let value = c.get("const")?.as_str()?;
    let min = array
        .get("minContains")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    let max = array.get("maxContains").and_then(Value::as_u64);
    Some((member.clone(), value.to_owned(), min, max))
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
