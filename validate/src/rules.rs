//! Rules over a whole document that JSON Schema cannot express. The spec declares them; the
//! generated rules files (`<document>.rules.json`) carry them; this module checks them.
//!
//! Paths are JSON pointers in which `*` matches every member or item.

use std::borrow::Cow;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::position::escape_token as escape;

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
        /// Why the rule is taken, when no page states it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<String>,
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
        /// Why the rule is taken, when no page states it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<String>,
    },
    /// Within each value at `within`, the values at the (relative) `values` paths are unique.
    Unique {
        /// What the rule is for.
        description: String,
        /// Where the scopes are.
        within: String,
        /// Relative paths of the values that must not repeat.
        values: Vec<String>,
        /// Why the rule is taken, when no page states it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<String>,
    },
}

impl Rule {
    /// Every path the rule names, with the key it sits under.
    pub fn paths(&self) -> Vec<(&'static str, &str)> {
        match self {
            Rule::Reference { values, among, .. } => vec![("values", values), ("among", among)],
            Rule::Pair { items, .. } => vec![("items", items)],
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

/// Checks one rule against a document.
pub fn check(rule: &Rule, doc: &Value) -> Vec<Breach> {
    let mut out = Vec::new();
    Compiled::new(rule.clone()).check(doc, &mut out, &mut Scratch::default());
    out
}

/// One token of a compiled path.
#[derive(Debug, Clone)]
enum Token {
    /// `*`: every member or item.
    Any,
    /// A member name (decoded), or an item's index when it reads as one.
    Name(String, Option<usize>),
}

/// A path compiled once, so that checking a document parses nothing.
#[derive(Debug, Clone)]
struct Path(Vec<Token>);

impl Path {
    fn new(path: &str) -> Self {
        Path(
            path.split('/')
                .skip(1)
                .map(|t| {
                    let t = t.replace("~1", "/").replace("~0", "~");
                    if t == "*" {
                        Token::Any
                    } else {
                        let index = t.parse::<usize>().ok();
                        Token::Name(t, index)
                    }
                })
                .collect(),
        )
    }

    /// Calls `f` with each value the path selects and the steps to it, in document order (the
    /// order [`select`] gives). Allocates nothing but the steps' growth.
    fn visit<'v>(
        &'v self,
        value: &'v Value,
        steps: &mut Vec<Step<'v>>,
        f: &mut dyn FnMut(&[Step<'v>], &'v Value),
    ) {
        visit(&self.0, value, steps, f);
    }
}

fn visit<'v>(
    tokens: &'v [Token],
    value: &'v Value,
    steps: &mut Vec<Step<'v>>,
    f: &mut dyn FnMut(&[Step<'v>], &'v Value),
) {
    let Some((token, rest)) = tokens.split_first() else {
        f(steps, value);
        return;
    };
    match (value, token) {
        (Value::Array(items), Token::Any) => {
            for (i, item) in items.iter().enumerate() {
                steps.push(Step::Index(i));
                visit(rest, item, steps, f);
                steps.pop();
            }
        }
        (Value::Object(map), Token::Any) => {
            for (k, item) in map {
                steps.push(Step::Key(k));
                visit(rest, item, steps, f);
                steps.pop();
            }
        }
        (Value::Array(items), Token::Name(t, index)) => {
            if let Some(item) = index.and_then(|i| items.get(i)) {
                steps.push(Step::Raw(t));
                visit(rest, item, steps, f);
                steps.pop();
            }
        }
        (Value::Object(map), Token::Name(t, _)) => {
            if let Some(item) = map.get(t) {
                steps.push(Step::Key(t));
                visit(rest, item, steps, f);
                steps.pop();
            }
        }
        _ => {}
    }
}

/// One step of a pointer, kept unrendered until a breach needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'v> {
    /// A member name (escaped when rendered).
    Key(&'v str),
    /// An item's index.
    Index(usize),
    /// A token written as is.
    Raw(&'v str),
}

/// The JSON pointer of `prefix` followed by `steps`.
pub(crate) fn render(prefix: &[Step<'_>], steps: &[Step<'_>]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for step in prefix.iter().chain(steps) {
        out.push('/');
        match step {
            Step::Key(k) => out.push_str(&escape(k)),
            Step::Index(i) => {
                let _ = write!(out, "{i}");
            }
            Step::Raw(t) => out.push_str(t),
        }
    }
    out
}

/// A value as text (a string's contents, else its JSON), borrowed where it can be.
fn text_of(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// A set of texts: a list while small, hashed once large, so that huge documents stay linear.
#[derive(Default)]
struct Texts<'v> {
    list: Vec<Cow<'v, str>>,
    hashed: std::collections::HashSet<Cow<'v, str>>,
}

impl<'v> Texts<'v> {
    const SMALL: usize = 16;

    fn contains(&self, text: &str) -> bool {
        if self.list.len() < Self::SMALL {
            self.list.iter().any(|t| t == text)
        } else {
            self.hashed.contains(text)
        }
    }

    fn insert(&mut self, text: Cow<'v, str>) {
        if self.list.len() + 1 == Self::SMALL {
            self.hashed.extend(self.list.iter().cloned());
        }
        if self.list.len() + 1 >= Self::SMALL {
            self.hashed.insert(text.clone());
        }
        self.list.push(text);
    }

    fn clear(&mut self) {
        self.list.clear();
        self.hashed.clear();
    }
}

/// Lists a check reuses, so that checking many rules and documents allocates once.
#[derive(Default)]
pub(crate) struct Scratch<'v> {
    /// Steps to the current value.
    pub(crate) steps: Vec<Step<'v>>,
    /// Steps within a scope.
    inner: Vec<Step<'v>>,
    /// Texts seen.
    seen: Texts<'v>,
}

/// A rule with its paths compiled.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    rule: Rule,
    paths: Vec<Path>,
}

impl Compiled {
    /// Compiles the rule's paths (in the order [`Rule::paths`] gives them).
    pub(crate) fn new(rule: Rule) -> Self {
        let paths = rule
            .paths()
            .into_iter()
            .map(|(_, p)| Path::new(p))
            .collect();
        Compiled { rule, paths }
    }

    /// Appends every breach of the rule in `doc` to `out`, in the order [`check`] gives them.
    /// A document that keeps the rule costs no allocation beyond the reusable `scratch`.
    pub(crate) fn check<'v>(
        &'v self,
        doc: &'v Value,
        out: &mut Vec<Breach>,
        scratch: &mut Scratch<'v>,
    ) {
        let Scratch { steps, inner, seen } = scratch;
        steps.clear();
        inner.clear();
        seen.clear();
        match &self.rule {
            Rule::Reference {
                among, description, ..
            } => {
                let (values_path, among_path) = (&self.paths[0], &self.paths[1]);
                let known = seen;
                among_path.visit(doc, steps, &mut |_, v| known.insert(text_of(v)));
                values_path.visit(doc, steps, &mut |at, v| {
                    let v = text_of(v);
                    if !known.contains(&v) {
                        out.push(Breach {
                            pointer: render(&[], at),
                            message: format!(
                                "{description} Expected one of {} (the values at {among}), found \"{v}\"",
                                if known.list.is_empty() {
                                    "(none)".to_owned()
                                } else {
                                    known.list.join(", ")
                                }
                            ),
                        });
                    }
                });
            }
            Rule::Pair {
                key,
                value,
                from,
                to,
                allowed,
                description,
                ..
            } => {
                let path = &self.paths[0];
                let has_key =
                    |item: &Value, k: &str| item.get(key).is_some_and(|v| text_of(v) == k);
                let mut deciding: Vec<&Value> = Vec::new();
                path.visit(doc, steps, &mut |_, item| {
                    if has_key(item, from) {
                        deciding.push(item);
                    }
                });
                for item in deciding {
                    let Some(decided) = item.get(value).map(text_of) else {
                        continue;
                    };
                    let Some(ok) = allowed.get(decided.as_ref()) else {
                        continue;
                    };
                    path.visit(doc, steps, &mut |at, item| {
                        if !has_key(item, to) {
                            return;
                        }
                        if let Some(v) = item.get(value).map(text_of)
                            && !ok.iter().any(|o| *o == v)
                        {
                            out.push(Breach {
                                pointer: render(at, &[Step::Key(value)]),
                                message: format!(
                                    "{description} Expected a {to} {value} of {} for a {from} {value} \"{decided}\", found \"{v}\"",
                                    ok.join(", ")
                                ),
                            });
                        }
                    });
                }
            }
            Rule::Unique { description, .. } => {
                let (within, values) = (&self.paths[0], &self.paths[1..]);
                within.visit(doc, steps, &mut |scope_at, scope| {
                    seen.clear();
                    for path in values {
                        path.visit(scope, inner, &mut |at, v| {
                            let v = text_of(v);
                            if seen.contains(&v) {
                                let first = first_at(values, scope, &v)
                                    .map(|first| render(scope_at, &first))
                                    .unwrap_or_default();
                                out.push(Breach {
                                    pointer: render(scope_at, at),
                                    message: format!(
                                        "{description} Found \"{v}\" again (first at {first})"
                                    ),
                                });
                            } else {
                                seen.insert(v);
                            }
                        });
                    }
                });
            }
        }
    }
}

/// The steps to the first value at `paths` (in order) within `scope` whose text is `text`.
fn first_at<'v>(paths: &'v [Path], scope: &'v Value, text: &str) -> Option<Vec<Step<'v>>> {
    let mut steps = Vec::new();
    let mut first = None;
    for path in paths {
        path.visit(scope, &mut steps, &mut |at, v| {
            if first.is_none() && text_of(v) == text {
                first = Some(at.to_vec());
            }
        });
        if first.is_some() {
            break;
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiled_paths_select_what_select_selects_in_the_same_order() {
        let doc = json!({
            "a/b": [{"x": 1, "y~": [2, 3]}, {"x": "4"}],
            "c": {"k1": {"x": 5}, "k/2": {"x": 6}},
            "d": [[7], [8, 9]]
        });
        for path in [
            "",
            "/a~1b/*/x",
            "/a~1b/1/x",
            "/a~1b/*/y~0/*",
            "/c/*/x",
            "/d/*/*",
            "/d/1/0",
            "/d/01/0",
            "/missing/*",
            "/c/k1/x/deeper",
        ] {
            let mut steps = Vec::new();
            let mut ours = Vec::new();
            Path::new(path).visit(&doc, &mut steps, &mut |at, v| {
                ours.push((render(&[], at), v.clone()))
            });
            let theirs: Vec<(String, Value)> = select(&doc, path)
                .into_iter()
                .map(|(p, v)| (p, v.clone()))
                .collect();
            assert_eq!(ours, theirs, "{path}");
        }
    }

    #[test]
    fn large_scopes_stay_linear_and_report_each_repeat_once_with_the_first() {
        let mut tables: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
        tables.extend(["t3".to_owned(), "t39".to_owned(), "t3".to_owned()]);
        let doc = json!({"c": [{"table": tables}]});
        let rule = Rule::Unique {
            description: "Unique.".into(),
            within: "/c/*".into(),
            values: vec!["/table/*".into()],
            decision: None,
        };
        let pointers: Vec<String> = check(&rule, &doc)
            .into_iter()
            .map(|b| format!("{} {}", b.pointer, b.message))
            .collect();
        assert_eq!(
            pointers,
            [
                "/c/0/table/40 Unique. Found \"t3\" again (first at /c/0/table/3)",
                "/c/0/table/41 Unique. Found \"t39\" again (first at /c/0/table/39)",
                "/c/0/table/42 Unique. Found \"t3\" again (first at /c/0/table/3)",
            ]
        );
    }
}
