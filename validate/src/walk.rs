//! The diagnostic path's walk beside JSON Schema: members the schema does not describe
//! (near-misses are errors with "did you mean", others warnings), map keys outside the known
//! ones, and the reason behind each rule the schema states as a dwdi decision.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::rules::{Step, render};
use crate::rules_file::RulesFile;
use crate::{Collector, Described, Found, Severity, did_you_mean};

/// A schema (after following local `$ref`s) as the walker needs it: what it documents of an
/// object, a map and an array. Children are indices into the walker's node list.
#[derive(Debug, Default)]
pub(crate) struct Node {
    /// `properties`: each documented member with its schema, in the schema's order.
    props: Option<Vec<(String, usize)>>,
    /// `additionalProperties` (when there are no `properties`): the values' schema and the
    /// known keys (from the rules file).
    map: Option<(usize, Vec<String>)>,
    /// `items`.
    items: Option<usize>,
    /// A member whose shape depends on a sibling: (member, sibling, value → node, the union
    /// of the variants for a sibling value that picks none).
    variants: Option<Varying>,
}

/// A member whose shape a sibling picks.
#[derive(Debug)]
struct Varying {
    /// The member.
    target: String,
    /// The sibling.
    by: String,
    /// The sibling's value → the member's node.
    cases: Vec<(String, usize)>,
    /// The union of the variants' members.
    union: usize,
}

/// The walker's compiled schema.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    /// Compiles `schema` with the known keys of `rules`.
    pub(crate) fn new(schema: &Value, rules: &RulesFile) -> Tree {
        let mut tree = Tree::default();
        let mut seen = HashMap::new();
        tree.compile(schema, schema, &mut seen);
        for known in &rules.known_keys {
            if let Some(id) = tree.find(&known.at)
                && let Some((_, keys)) = &mut tree.nodes[id].map
            {
                keys.clone_from(&known.keys);
            }
        }
        tree
    }

    /// The node an instance path (`*` for any item or member) leads to, if one does.
    fn find(&self, path: &str) -> Option<usize> {
        let mut id = 0;
        for token in path.split('/').skip(1) {
            let node = self.nodes.get(id)?;
            let token = token.replace("~1", "/").replace("~0", "~");
            id = if let Some(props) = &node.props {
                Node::prop(props, &token)?
            } else if let Some((values, _)) = &node.map {
                *values
            } else {
                node.items?
            };
        }
        (id < self.nodes.len()).then_some(id)
    }

    /// Compiles `schema` (and what it leads to), once per distinct schema; returns its index.
    fn compile(
        &mut self,
        root: &Value,
        schema: &Value,
        seen: &mut HashMap<*const Value, usize>,
    ) -> usize {
        let schema = resolve(root, schema);
        if let Some(id) = seen.get(&(schema as *const Value)) {
            return *id;
        }
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        seen.insert(schema as *const Value, id);
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .map(|(k, s)| (k.clone(), self.compile(root, s, seen)))
                    .collect::<Vec<_>>()
            });
        let map = match (&props, schema.get("additionalProperties")) {
            (None, Some(values)) => Some((self.compile(root, values, seen), Vec::new())),
            _ => None,
        };
        let items = schema
            .get("items")
            .map(|items| self.compile(root, items, seen));
        let variants = schema
            .get("allOf")
            .and_then(crate::fast::variant_conditions)
            .and_then(|v| v.into_iter().next())
            .map(|(by, target, cases)| {
                let cases: Vec<(String, usize)> = cases
                    .into_iter()
                    .map(|(value, s)| (value, self.compile(root, s, seen)))
                    .collect();
                // The union, for a step whose category picks no variant: a misspelt member is
                // still told apart from an undocumented one.
                let mut union: Vec<(String, usize)> = Vec::new();
                for (_, case) in &cases {
                    for (k, child) in self.nodes[*case].props.iter().flatten() {
                        if Node::prop(&union, k).is_none() {
                            union.push((k.clone(), *child));
                        }
                    }
                }
                self.nodes.push(Node {
                    props: Some(union),
                    ..Node::default()
                });
                Varying {
                    target,
                    by,
                    cases,
                    union: self.nodes.len() - 1,
                }
            });
        self.nodes[id] = Node {
            props,
            map,
            items,
            variants,
        };
        id
    }

    /// Walks `doc` beside the schema, reporting into `out`.
    pub(crate) fn walk(&self, doc: &Value, out: &mut Collector) {
        if self.nodes.is_empty() {
            return;
        }
        let mut walker = Walker {
            tree: self,
            out,
            steps: Vec::new(),
        };
        walker.walk(0, doc);
    }
}

/// Follows local `$ref`s (a few hops at most).
pub(crate) fn resolve<'s>(root: &'s Value, mut schema: &'s Value) -> &'s Value {
    for _ in 0..8 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| root.pointer(p))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

impl Node {
    /// The schema of the documented member `key`.
    fn prop(props: &[(String, usize)], key: &str) -> Option<usize> {
        props.iter().find(|(k, _)| k == key).map(|(_, id)| *id)
    }
}

struct Walker<'a, 'v, 'o> {
    tree: &'a Tree,
    out: &'o mut Collector,
    steps: Vec<Step<'v>>,
}

impl<'v> Walker<'_, 'v, '_> {
    fn pointer(&self) -> String {
        render(&[], &self.steps)
    }

    fn walk(&mut self, id: usize, value: &'v Value) {
        let node = &self.tree.nodes[id];
        match value {
            Value::Object(members) => {
                if let Some(props) = &node.props {
                    if members.keys().any(|k| Node::prop(props, k).is_none()) {
                        self.unknown_members(props, members);
                    }
                    for (key, child) in members {
                        let Some(mut child_id) = Node::prop(props, key) else {
                            continue;
                        };
                        if let Some(Varying {
                            target,
                            by,
                            cases,
                            union,
                        }) = &node.variants
                            && target == key
                        {
                            let picked = members.get(by).and_then(Value::as_str).and_then(|v| {
                                cases.iter().find(|(c, _)| c == v).map(|(_, id)| *id)
                            });
                            child_id = picked.unwrap_or(*union);
                        }
                        self.steps.push(Step::Key(key));
                        self.walk(child_id, child);
                        self.steps.pop();
                    }
                } else if let Some((values, known)) = &node.map {
                    for (key, child) in members {
                        self.steps.push(Step::Key(key));
                        if !known.is_empty() && !known.iter().any(|k| k == key) {
                            self.unknown_key(key, known);
                        }
                        self.walk(*values, child);
                        self.steps.pop();
                    }
                }
            }
            Value::Array(items) => {
                if let Some(id) = node.items {
                    for (i, item) in items.iter().enumerate() {
                        self.steps.push(Step::Index(i));
                        self.walk(id, item);
                        self.steps.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn unknown_key(&mut self, key: &str, known: &[String]) {
        let hint = did_you_mean(key, known.iter().map(String::as_str))
            .map(|k| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        let pointer = self.pointer();
        self.out.push(Found::key(
            Severity::Warning,
            pointer,
            Described {
                kind: "unknown-key",
                expected: Some(format!("one of {}", known.join(", "))),
                found: Some(format!("`{key}`")),
                message: format!(
                    "`{key}` is not a documented key; {hint}expected one of {}",
                    known.join(", ")
                ),
            },
        ));
    }

    fn unknown_members(&mut self, props: &[(String, usize)], members: &'v Map<String, Value>) {
        for key in members.keys() {
            if Node::prop(props, key).is_some() {
                continue;
            }
            self.steps.push(Step::Key(key));
            let at = self.pointer();
            self.steps.pop();
            // A near-miss of a documented member that is not there is almost surely a typo.
            let missing = props
                .iter()
                .map(|(p, _)| p.as_str())
                .filter(|p| !members.contains_key(*p));
            let found = match did_you_mean(key, missing) {
                Some(near) => Found::key(
                    Severity::Error,
                    at,
                    Described {
                        kind: "unknown-member",
                        expected: Some(format!("`{near}`")),
                        found: Some(format!("`{key}`")),
                        message: format!("unknown member `{key}`; did you mean `{near}`?"),
                    },
                ),
                None => Found::key(
                    Severity::Warning,
                    at,
                    Described {
                        kind: "undocumented-member",
                        expected: None,
                        found: Some(format!("`{key}`")),
                        message: format!(
                            "undocumented member `{key}` (allowed; documented members here: {})",
                            props
                                .iter()
                                .map(|(p, _)| p.as_str())
                                .filter(|p| *p != "$schema")
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    },
                ),
            };
            self.out.push(found);
        }
    }
}
