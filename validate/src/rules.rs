//! Rules over a whole document that JSON Schema cannot express. The spec declares them; the
//! generated schemas carry them as `x-dwdi-rules`; this module checks them.
//!
//! Paths are JSON pointers in which `*` matches every member or item.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A rule over a whole document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Rule {
    /// Every value at `values` must equal one of the values at `among`.
    Reference {
        /// What the rule is for.
        description: String,
        /// Where the referring values are.
        values: String,
        /// Where the referred-to values are.
        among: String,
    },
    /// Exactly `exactly` items at `items` have `field` equal to `equals`.
    Count {
        /// What the rule is for.
        description: String,
        /// Where the items are.
        items: String,
        /// The member compared.
        field: String,
        /// The value counted.
        equals: String,
        /// How many there must be.
        exactly: usize,
    },
    /// For items at `items`, the `value` of an item whose `key` is `to` must be allowed for the
    /// `value` of the item whose `key` is `from` (e.g. a writer's stepType for the reader's).
    Pair {
        /// What the rule is for.
        description: String,
        /// Where the items are.
        items: String,
        /// The member telling items apart.
        key: String,
        /// The member whose values are paired.
        value: String,
        /// The `key` of the item that decides.
        from: String,
        /// The `key` of the items that must fit.
        to: String,
        /// The deciding item's value → the allowed values.
        allowed: IndexMap<String, Vec<String>>,
    },
    /// Each object at `at` has at least one of `keys`.
    AnyOfKeys {
        /// What the rule is for.
        description: String,
        /// Where the objects are.
        at: String,
        /// The keys, one of which must be present.
        keys: Vec<String>,
    },
    /// Within each value at `within`, the values at the (relative) `values` paths are unique.
    Unique {
        /// What the rule is for.
        description: String,
        /// Where the scopes are.
        within: String,
        /// Relative paths of the values that must not repeat.
        values: Vec<String>,
    },
}

impl Rule {
    /// Every path the rule names, with the key it sits under.
    pub fn paths(&self) -> Vec<(&'static str, &str)> {
        match self {
            Rule::Reference { values, among, .. } => vec![("values", values), ("among", among)],
            Rule::Count { items, .. } | Rule::Pair { items, .. } => vec![("items", items)],
            Rule::AnyOfKeys { at, .. } => vec![("at", at)],
            Rule::Unique { within, values, .. } => std::iter::once(("within", within.as_str()))
                .chain(values.iter().map(|v| ("values", v.as_str())))
                .collect(),
        }
    }
}

/// A rule broken at a place in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// JSON pointer to the offending value.
    pub pointer: String,
    /// What was expected and what was found.
    pub message: String,
}

/// The values matching `path` (with `*` wildcards), with their pointers, in document order.
pub fn select<'v>(value: &'v Value, path: &str) -> Vec<(String, &'v Value)> {
    let mut found = vec![(String::new(), value)];
    for token in path.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let mut next = Vec::new();
        for (pointer, v) in found {
            match (v, token.as_str()) {
                (Value::Array(items), "*") => {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{pointer}/{i}"), item));
                    }
                }
                (Value::Object(map), "*") => {
                    for (k, item) in map {
                        next.push((format!("{pointer}/{}", escape(k)), item));
                    }
                }
                (Value::Array(items), t) => {
                    if let Some(item) = t.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        next.push((format!("{pointer}/{t}"), item));
                    }
                }
                (Value::Object(map), t) => {
                    if let Some(item) = map.get(t) {
                        next.push((format!("{pointer}/{}", escape(t)), item));
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    found
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Checks one rule against a document.
pub fn check(rule: &Rule, doc: &Value) -> Vec<Breach> {
    let mut out = Vec::new();
    match rule {
        Rule::Reference {
            values,
            among,
            description,
        } => {
            let known: Vec<String> = select(doc, among).iter().map(|(_, v)| text(v)).collect();
            for (pointer, v) in select(doc, values) {
                let v = text(v);
                if !known.contains(&v) {
                    out.push(Breach {
                        pointer,
                        message: format!(
                            "{description} Expected one of {} (the values at {among}), found \"{v}\"",
                            if known.is_empty() {
                                "(none)".to_owned()
                            } else {
                                known.join(", ")
                            }
                        ),
                    });
                }
            }
        }
        Rule::Count {
            items,
            field,
            equals,
            exactly,
            description,
        } => {
            let matching: Vec<String> = select(doc, items)
                .into_iter()
                .filter(|(_, item)| item.get(field).map(text).as_deref() == Some(equals))
                .map(|(p, _)| p)
                .collect();
            if matching.len() != *exactly {
                let pointer = match matching.get(*exactly) {
                    Some(extra) => extra.clone(),
                    None => parent(items),
                };
                out.push(Breach {
                    pointer,
                    message: format!(
                        "{description} Expected exactly {exactly} item with {field} \"{equals}\", found {}{}",
                        matching.len(),
                        if matching.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", matching.join(", "))
                        }
                    ),
                });
            }
        }
        Rule::Pair {
            items,
            key,
            value,
            from,
            to,
            allowed,
            description,
        } => {
            let selected = select(doc, items);
            let with_key = |k: &str| -> Vec<(String, &Value)> {
                selected
                    .iter()
                    .filter(|(_, item)| item.get(key).map(text).as_deref() == Some(k))
                    .cloned()
                    .collect()
            };
            for (_, deciding) in with_key(from) {
                let Some(decided) = deciding.get(value).map(text) else {
                    continue;
                };
                let Some(ok) = allowed.get(&decided) else {
                    continue;
                };
                for (pointer, item) in with_key(to) {
                    if let Some(v) = item.get(value).map(text)
                        && !ok.contains(&v)
                    {
                        out.push(Breach {
                            pointer: format!("{pointer}/{}", escape(value)),
                            message: format!(
                                "{description} Expected a {to} {value} of {} for a {from} {value} \"{decided}\", found \"{v}\"",
                                ok.join(", ")
                            ),
                        });
                    }
                }
            }
        }
        Rule::AnyOfKeys {
            at,
            keys,
            description,
        } => {
            for (pointer, v) in select(doc, at) {
                if let Value::Object(map) = v
                    && !keys.iter().any(|k| map.contains_key(k))
                {
                    out.push(Breach {
                        pointer,
                        message: format!(
                            "{description} Expected the member {}, found neither",
                            keys.iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    });
                }
            }
        }
        Rule::Unique {
            within,
            values,
            description,
        } => {
            for (scope_pointer, scope) in select(doc, within) {
                let mut seen: Vec<(String, String)> = Vec::new();
                for path in values {
                    for (pointer, v) in select(scope, path) {
                        let v = text(v);
                        let full = format!("{scope_pointer}{pointer}");
                        if let Some((first, _)) = seen.iter().find(|(_, s)| *s == v) {
                            out.push(Breach {
                                pointer: full,
                                message: format!(
                                    "{description} Found \"{v}\" again (first at {first})"
                                ),
                            });
                        } else {
                            seen.push((full, v));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The path up to its first wildcard, as a pointer to report at.
fn parent(path: &str) -> String {
    match path.find("/*") {
        Some(i) => path[..i].to_owned(),
        None => path.to_owned(),
    }
}
