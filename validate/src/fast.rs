//! The fast path: bytes in, "no problem at all" out, with no DOM, no allocation per document
//! and no position bookkeeping.
//!
//! The schema and the rules are compiled once into a [`Program`]: a tree of nodes (local
//! `$ref`s expanded, each node knowing its instance path), with the rules' paths attached to
//! the nodes they name. [`Program::clean`] then reads a document once, checking JSON syntax and
//! every schema keyword and rule as it goes. It answers `true` only when it is sure the
//! diagnostic path would find nothing to report (no error, no warning); at the first thing it
//! is not sure about, it answers `false` and the diagnostic path decides. So the fast path can
//! only ever be too cautious, never wrong, and the two paths give the same verdicts (the
//! `fast_and_diagnostic_paths_agree` property tests check it).
//!
//! Things it leaves to the diagnostic path, besides every problem: escapes in strings (`\n`,
//! `\u0041`: raw bytes can then no longer be compared), numbers with a fraction or an exponent
//! or past 64 bits (where JSON Schema's idea of an integer and serde_json's range
//! meet), nesting deeper than [`MAX_DEPTH`], a document escaped in a JSON string, and any
//! schema keyword it does not know (the whole schema then always takes the diagnostic path).

use std::cell::RefCell;

use hashbrown::HashTable;
use serde_json::Value;

use crate::rules::Rule;
use crate::rules_file::RulesFile;

/// Deeper documents take the diagnostic path (serde_json refuses nesting past 128).
pub const MAX_DEPTH: u32 = 100;

/// How many members an object of unknown shape may have before the fast path gives up
/// (repeats among them are found by comparing each with the others).
const SMALL_OBJECT: usize = 16;

/// The most bits a member mask holds: objects with more documented members are not compiled.
const MAX_PROPS: usize = 64;

/// The most member values an object captures for its parent and the rules.
const MAX_CAPTURES: usize = 4;

/// A compiled schema and its rules.
#[derive(Debug)]
pub(crate) struct Program {
    nodes: Vec<Node>,
    rules: Vec<FastRule>,
    /// Rules of the `unique` kind, by index into `rules`: each has its own set.
    unique_rules: usize,
}

#[derive(Debug)]
struct Node {
    /// The instance path this node describes (`/steps/*/name`), for attaching rules.
    path: String,
    kind: Kind,
    /// Rule hooks fired by this node's value.
    hooks: Vec<Hook>,
}

#[derive(Debug)]
enum Kind {
    /// Any JSON value.
    Any,
    Object(Object),
    Array(Array),
    String {
        one_of: Option<Vec<Box<[u8]>>>,
    },
    Integer {
        minimum: Option<i64>,
    },
    Number {
        minimum: Option<i64>,
    },
    Boolean,
}

#[derive(Debug, Default)]
struct Object {
    /// Documented members: name → node.
    props: Vec<(Box<[u8]>, usize)>,
    required: u64,
    /// `anyOf` of `required`: at least one of these masks must be fully present.
    any_of: Vec<u64>,
    /// `additionalProperties` (a map): the values' node and the known keys (empty: any key).
    map: Option<(usize, Vec<Box<[u8]>>)>,
    /// A member whose shape depends on a sibling's value.
    variants: Option<Variants>,
    /// Members whose string values are kept for the parent and the rules: (member, slot).
    captures: Vec<(usize, usize)>,
}

#[derive(Debug)]
struct Variants {
    /// The slot where the deciding member's value is captured.
    by_slot: usize,
    /// The member whose shape varies (compiled as the union of the variants' members).
    target: usize,
    /// Value of `by` → (members allowed, members required, `anyOf` masks) of the target.
    cases: Vec<Case>,
}

/// One variant: the `by` value, and the members allowed, required and `anyOf` of the target.
type Case = (Box<[u8]>, u64, u64, Vec<u64>);

/// The variants of an object's members: (by, target, [(value, schema)]).
type Varying<'s> = Vec<(String, String, Vec<(String, &'s Value)>)>;

#[derive(Debug)]
struct Array {
    items: usize,
    min_items: u64,
    unique: bool,
    /// Items whose captured slot equals the value are counted: (slot, value, min, max).
    contains: Option<(usize, Box<[u8]>, u64, u64)>,
}

/// A deciding value and the values allowed with it.
type Allowed = (Box<[u8]>, Vec<Box<[u8]>>);

/// What a node's value does for a rule.
#[derive(Debug, Clone, Copy)]
enum Hook {
    /// The string is a value the rule collects (list 0 or 1 of the rule).
    Collect { rule: usize, list: usize },
    /// The object's captured (key, value) slots are an item of a pair rule.
    Pair {
        rule: usize,
        key: usize,
        value: usize,
    },
    /// The value opens a fresh scope of a unique rule.
    Scope { rule: usize },
    /// The string must not repeat within the rule's current scope.
    Unique { rule: usize },
}

#[derive(Debug)]
enum FastRule {
    Reference,
    Pair {
        from: Box<[u8]>,
        to: Box<[u8]>,
        allowed: Vec<Allowed>,
    },
    Unique {
        set: usize,
    },
}

/// Why a schema is not compiled: the fast path is then off, and every document takes the
/// diagnostic path.
#[derive(Debug)]
pub(crate) struct Unsupported(#[allow(dead_code)] pub String);

fn unsupported<T>(what: impl Into<String>) -> Result<T, Unsupported> {
    Err(Unsupported(what.into()))
}

const IGNORED: &[&str] = &[
    "$schema",
    "$id",
    "$defs",
    "$comment",
    "title",
    "description",
    "examples",
];

struct Compiler<'s> {
    root: &'s Value,
    nodes: Vec<Node>,
}

impl Program {
    /// Compiles `schema` (as dwdi's generator writes them) and `rules`.
    pub(crate) fn compile(schema: &Value, rules: &RulesFile) -> Result<Program, Unsupported> {
        let mut c = Compiler {
            root: schema,
            nodes: Vec::new(),
        };
        c.node(schema, String::new(), 0)?;
        for known in &rules.known_keys {
            let id = c.find(&known.at)?;
            match &mut c.nodes[id].kind {
                Kind::Object(Object {
                    map: Some((_, keys)),
                    ..
                }) => {
                    *keys = known.keys.iter().map(|k| k.as_bytes().into()).collect();
                }
                _ => return unsupported(format!("known keys at {} name no map", known.at)),
            }
        }
        let mut program = Program {
            nodes: Vec::new(),
            rules: Vec::new(),
            unique_rules: 0,
        };
        for rule in &rules.rules {
            let index = program.rules.len();
            match rule {
                Rule::Reference { values, among, .. } => {
                    for (list, path) in [among, values].into_iter().enumerate() {
                        let id = c.string_node(path)?;
                        c.nodes[id].hooks.push(Hook::Collect { rule: index, list });
                    }
                    program.rules.push(FastRule::Reference);
                }
                Rule::Pair {
                    items,
                    key,
                    value,
                    from,
                    to,
                    allowed,
                    ..
                } => {
                    let id = c.find(items)?;
                    let key = c.capture(id, &format!("{items}/{}", escape(key)))?;
                    let value = c.capture(id, &format!("{items}/{}", escape(value)))?;
                    c.nodes[id].hooks.push(Hook::Pair {
                        rule: index,
                        key,
                        value,
                    });
                    program.rules.push(FastRule::Pair {
                        from: from.as_bytes().into(),
                        to: to.as_bytes().into(),
                        allowed: allowed
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.as_bytes().into(),
                                    v.iter().map(|s| s.as_bytes().into()).collect(),
                                )
                            })
                            .collect(),
                    });
                }
                Rule::Unique { within, values, .. } => {
                    let scope = c.find(within)?;
                    if !matches!(c.nodes[scope].kind, Kind::Object(_) | Kind::Array(_)) {
                        return unsupported("a unique rule's scope is not a container");
                    }
                    c.nodes[scope].hooks.push(Hook::Scope { rule: index });
                    for v in values {
                        let id = c.string_node(&format!("{within}{v}"))?;
                        c.nodes[id].hooks.push(Hook::Unique { rule: index });
                    }
                    program.rules.push(FastRule::Unique {
                        set: program.unique_rules,
                    });
                    program.unique_rules += 1;
                }
            }
        }
        program.nodes = c.nodes;
        Ok(program)
    }

    /// True when the document certainly has no problem at all; false when the diagnostic path
    /// must look (it may then find nothing).
    pub(crate) fn clean(&self, bytes: &[u8]) -> bool {
        if bytes.len() > u32::MAX as usize {
            return false;
        }
        // Blank input is the diagnostic path's to name.
        match std::str::from_utf8(bytes) {
            Ok(text) if !text.trim_start().is_empty() => {}
            _ => return false,
        }
        SCRATCH.with(|scratch| {
            let Ok(mut scratch) = scratch.try_borrow_mut() else {
                return false;
            };
            scratch.reset(self);
            let mut run = Run {
                b: bytes,
                i: 0,
                depth: 0,
                program: self,
                s: &mut scratch,
            };
            run.document().is_ok()
        })
    }
}

impl<'s> Compiler<'s> {
    fn resolve(&self, mut schema: &'s Value) -> Result<&'s Value, Unsupported> {
        for _ in 0..8 {
            let Some(r) = schema.get("$ref") else {
                return Ok(schema);
            };
            let Some(target) = r
                .as_str()
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| self.root.pointer(p))
            else {
                return unsupported(format!("$ref {r}"));
            };
            if let Some(map) = schema.as_object()
                && map
                    .keys()
                    .any(|k| k != "$ref" && !IGNORED.contains(&k.as_str()))
            {
                return unsupported("$ref beside other keywords");
            }
            schema = target;
        }
        unsupported("$ref chains")
    }

    /// Compiles `schema` at instance path `path`; returns its node.
    fn node(
        &mut self,
        schema: &'s Value,
        path: String,
        depth: usize,
    ) -> Result<usize, Unsupported> {
        if depth > 48 {
            return unsupported("schemas nested too deep (a recursive $ref?)");
        }
        let schema = self.resolve(schema)?;
        let Some(map) = schema.as_object() else {
            return unsupported("a boolean schema");
        };
        for key in map.keys() {
            let known = IGNORED.contains(&key.as_str())
                || matches!(
                    key.as_str(),
                    "type"
                        | "properties"
                        | "required"
                        | "additionalProperties"
                        | "items"
                        | "enum"
                        | "minimum"
                        | "minItems"
                        | "uniqueItems"
                        | "contains"
                        | "minContains"
                        | "maxContains"
                        | "anyOf"
                        | "allOf"
                );
            if !known {
                return unsupported(format!("keyword {key}"));
            }
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            path: path.clone(),
            kind: Kind::Any,
            hooks: Vec::new(),
        });
        let ty = match map.get("type") {
            None => None,
            Some(Value::String(t)) => Some(t.as_str()),
            Some(_) => return unsupported("a list of types"),
        };
        let only = |allowed: &[&str]| -> Result<(), Unsupported> {
            for key in map.keys() {
                if !IGNORED.contains(&key.as_str())
                    && key != "type"
                    && !allowed.contains(&key.as_str())
                {
                    return unsupported(format!("keyword {key} for type {ty:?}"));
                }
            }
            Ok(())
        };
        let kind = match ty {
            None => {
                only(&[])?;
                Kind::Any
            }
            Some("object") => {
                only(&[
                    "properties",
                    "required",
                    "additionalProperties",
                    "anyOf",
                    "allOf",
                ])?;
                Kind::Object(self.object(map, &path, depth)?)
            }
            Some("array") => {
                only(&[
                    "items",
                    "minItems",
                    "uniqueItems",
                    "contains",
                    "minContains",
                    "maxContains",
                ])?;
                let items = match map.get("items") {
                    Some(items) => self.node(items, format!("{path}/*"), depth + 1)?,
                    None => self.any(format!("{path}/*")),
                };
                let min_items = match map.get("minItems") {
                    None => 0,
                    Some(v) => v.as_u64().ok_or(Unsupported("minItems".into()))?,
                };
                let unique = match map.get("uniqueItems") {
                    None | Some(Value::Bool(false)) => false,
                    Some(Value::Bool(true)) => {
                        if !matches!(self.nodes[items].kind, Kind::String { .. }) {
                            return unsupported("uniqueItems over items that are not strings");
                        }
                        true
                    }
                    Some(_) => return unsupported("uniqueItems"),
                };
                let contains = match map.get("contains") {
                    None => None,
                    Some(c) => {
                        let (member, value) = member_const(c)
                            .ok_or(Unsupported("contains other than a member's value".into()))?;
                        let slot = self.capture(items, &format!("{path}/*/{member}"))?;
                        let min = map.get("minContains").map_or(Some(1), Value::as_u64);
                        let max = map.get("maxContains").map_or(Some(u64::MAX), Value::as_u64);
                        let (Some(min), Some(max)) = (min, max) else {
                            return unsupported("minContains/maxContains");
                        };
                        Some((slot, value.as_bytes().into(), min, max))
                    }
                };
                Kind::Array(Array {
                    items,
                    min_items,
                    unique,
                    contains,
                })
            }
            Some("string") => {
                only(&["enum"])?;
                let one_of = match map.get("enum") {
                    None => None,
                    Some(Value::Array(values)) => Some(
                        values
                            .iter()
                            .map(|v| v.as_str().map(|s| s.as_bytes().into()))
                            .collect::<Option<Vec<_>>>()
                            .ok_or(Unsupported("an enum of non-strings".into()))?,
                    ),
                    Some(_) => return unsupported("enum"),
                };
                Kind::String { one_of }
            }
            Some(t @ ("integer" | "number")) => {
                only(&["minimum"])?;
                let minimum = match map.get("minimum") {
                    None => None,
                    Some(v) => Some(v.as_i64().ok_or(Unsupported("minimum".into()))?),
                };
                if t == "integer" {
                    Kind::Integer { minimum }
                } else {
                    Kind::Number { minimum }
                }
            }
            Some("boolean") => {
                only(&[])?;
                Kind::Boolean
            }
            Some(t) => return unsupported(format!("type {t}")),
        };
        self.nodes[id].kind = kind;
        Ok(id)
    }

    fn any(&mut self, path: String) -> usize {
        self.nodes.push(Node {
            path,
            kind: Kind::Any,
            hooks: Vec::new(),
        });
        self.nodes.len() - 1
    }

    fn object(
        &mut self,
        map: &'s serde_json::Map<String, Value>,
        path: &str,
        depth: usize,
    ) -> Result<Object, Unsupported> {
        let mut object = Object::default();
        let props = map.get("properties").and_then(Value::as_object);
        match (props, map.get("additionalProperties")) {
            (Some(_), Some(_)) => return unsupported("properties with additionalProperties"),
            (None, Some(values)) => {
                let values = self.node(values, format!("{path}/*"), depth + 1)?;
                object.map = Some((values, Vec::new()));
            }
            _ => {}
        }
        // Members whose shape varies are compiled below, as the union of their variants.
        let varying: Varying<'s> = match map.get("allOf") {
            None => Vec::new(),
            Some(all) => variant_conditions(all).ok_or(Unsupported(
                "allOf other than if/then on a member's value".into(),
            ))?,
        };
        if let Some(props) = props {
            if props.len() > MAX_PROPS {
                return unsupported("too many members");
            }
            for (key, schema) in props {
                let child_path = format!("{path}/{}", crate::position::escape_token(key));
                let child = match varying.iter().find(|(_, target, _)| target == key) {
                    Some(_) => self.any(child_path),
                    None => self.node(schema, child_path, depth + 1)?,
                };
                object.props.push((key.as_bytes().into(), child));
            }
        }
        let index = |object: &Object, key: &str| -> Result<usize, Unsupported> {
            object
                .props
                .iter()
                .position(|(k, _)| &**k == key.as_bytes())
                .ok_or(Unsupported(format!("{key} is required but not a member")))
        };
        for key in map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = key.as_str().ok_or(Unsupported("required".into()))?;
            object.required |= 1 << index(&object, key)?;
        }
        if let Some(any) = map.get("anyOf") {
            for option in any.as_array().into_iter().flatten() {
                let keys = required_option(option)
                    .ok_or(Unsupported("anyOf other than of required".into()))?;
                let mut mask = 0;
                for key in keys {
                    mask |= 1 << index(&object, key.as_str().unwrap_or_default())?;
                }
                object.any_of.push(mask);
            }
        }
        if varying.len() > 1 {
            return unsupported("more than one varying member");
        }
        if let Some((by, target, cases)) = varying.into_iter().next() {
            let by = index(&object, &by)?;
            let target = index(&object, &target)?;
            let target_path = self.nodes[object.props[target].1].path.clone();
            let (merged, cases) = self.union(&target_path, &cases, depth)?;
            self.nodes[object.props[target].1].kind = Kind::Object(merged);
            if !matches!(self.nodes[object.props[by].1].kind, Kind::String { .. }) {
                return unsupported("a variant decided by a member that is not a string");
            }
            let by_slot = add_capture(&mut object, by)?;
            object.variants = Some(Variants {
                by_slot,
                target,
                cases,
            });
        }
        Ok(object)
    }

    /// The union of variant shapes (members named alike must have the same schema), and each
    /// case's allowed, required and `anyOf` masks over the union's members.
    fn union(
        &mut self,
        path: &str,
        cases: &[(String, &'s Value)],
        depth: usize,
    ) -> Result<(Object, Vec<Case>), Unsupported> {
        let mut merged = Object::default();
        let mut sources: Vec<&'s Value> = Vec::new();
        let mut out = Vec::new();
        for (value, schema) in cases {
            let schema = self.resolve(schema)?;
            let map = schema.as_object().ok_or(Unsupported("variant".into()))?;
            for key in map.keys() {
                if !IGNORED.contains(&key.as_str())
                    && !matches!(key.as_str(), "type" | "properties" | "required" | "anyOf")
                {
                    return unsupported(format!("keyword {key} in a variant"));
                }
            }
            if map.get("type").and_then(Value::as_str) != Some("object") {
                return unsupported("a variant that is not an object");
            }
            let mut allowed = 0u64;
            for (key, child) in map
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let i = match merged
                    .props
                    .iter()
                    .position(|(k, _)| &**k == key.as_bytes())
                {
                    Some(i) => {
                        if self.resolve(sources[i])? != self.resolve(child)? {
                            return unsupported("variants give one member two schemas");
                        }
                        i
                    }
                    None => {
                        if merged.props.len() == MAX_PROPS {
                            return unsupported("too many members");
                        }
                        let child_path = format!("{path}/{}", crate::position::escape_token(key));
                        let id = self.node(child, child_path, depth + 1)?;
                        merged.props.push((key.as_bytes().into(), id));
                        sources.push(child);
                        merged.props.len() - 1
                    }
                };
                allowed |= 1 << i;
            }
            let bit = |key: &Value| -> Result<u64, Unsupported> {
                let key = key.as_str().unwrap_or_default();
                let i = merged
                    .props
                    .iter()
                    .position(|(k, _)| &**k == key.as_bytes())
                    .ok_or(Unsupported(format!("{key} is required but not a member")))?;
                Ok(1 << i)
            };
            let mut required = 0;
            for key in map
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                required |= bit(key)?;
            }
            let mut any_of = Vec::new();
            for option in map
                .get("anyOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let keys = required_option(option)
                    .ok_or(Unsupported("anyOf other than of required".into()))?;
                let mut mask = 0;
                for key in keys {
                    mask |= bit(key)?;
                }
                any_of.push(mask);
            }
            out.push((value.as_bytes().into(), allowed, required, any_of));
        }
        Ok((merged, out))
    }

    /// The node at instance path `path`.
    fn find(&self, path: &str) -> Result<usize, Unsupported> {
        self.nodes
            .iter()
            .position(|n| n.path == path)
            .ok_or(Unsupported(format!("{path} names no documented member")))
    }

    fn string_node(&self, path: &str) -> Result<usize, Unsupported> {
        let id = self.find(path)?;
        match self.nodes[id].kind {
            Kind::String { .. } => Ok(id),
            _ => unsupported(format!("{path} is not a string")),
        }
    }

    /// Makes the object at `object` keep the string value at `path` (one of its members);
    /// returns the slot.
    fn capture(&mut self, object: usize, path: &str) -> Result<usize, Unsupported> {
        let prefix = format!("{}/", self.nodes[object].path);
        let Some(member) = path.strip_prefix(&prefix) else {
            return unsupported(format!("{path} is not a member of {prefix}"));
        };
        let member = member.replace("~1", "/").replace("~0", "~");
        let Kind::Object(o) = &self.nodes[object].kind else {
            return unsupported(format!("{prefix} is not an object"));
        };
        let Some(i) = o.props.iter().position(|(k, _)| **k == *member.as_bytes()) else {
            return unsupported(format!("{path} is not a documented member"));
        };
        if !matches!(self.nodes[o.props[i].1].kind, Kind::String { .. }) {
            return unsupported(format!("{path} is not a string"));
        }
        let Kind::Object(o) = &mut self.nodes[object].kind else {
            return unsupported(format!("{prefix} is not an object"));
        };
        add_capture(o, i)
    }
}

fn escape(token: &str) -> String {
    crate::position::escape_token(token)
}

/// Makes `object` keep member `member`'s string value; returns its slot.
fn add_capture(object: &mut Object, member: usize) -> Result<usize, Unsupported> {
    if let Some((_, slot)) = object.captures.iter().find(|(m, _)| *m == member) {
        return Ok(*slot);
    }
    if object.captures.len() == MAX_CAPTURES {
        return unsupported("too many captured members");
    }
    let slot = object.captures.len();
    object.captures.push((member, slot));
    Ok(slot)
}

/// An `anyOf` option as dwdi writes it: `{"required": [K…]}`, optionally with
/// `"properties": {K: true, …}` (for ajv's strictRequired) → the keys.
fn required_option(option: &Value) -> Option<&Vec<Value>> {
    let map = option.as_object()?;
    let keys = map.get("required")?.as_array()?;
    match map.len() {
        1 => Some(keys),
        2 => {
            let props = map.get("properties")?.as_object()?;
            props
                .iter()
                .all(|(k, v)| *v == Value::Bool(true) && keys.iter().any(|r| r == k))
                .then_some(keys)
        }
        _ => None,
    }
}

/// `{"type": "object", "properties": {M: {"const": V}}, "required": [M]}` → (M, V).
fn member_const(schema: &Value) -> Option<(&str, &str)> {
    let map = schema.as_object()?;
    if map
        .keys()
        .any(|k| !matches!(k.as_str(), "type" | "properties" | "required"))
    {
        return None;
    }
    if map.get("type").and_then(Value::as_str) != Some("object") {
        return None;
    }
    let props = map.get("properties")?.as_object()?;
    if props.len() != 1 {
        return None;
    }
    let (member, c) = props.iter().next()?;
    let c = c
        .as_object()
        .filter(|c| c.len() == 1)?
        .get("const")?
        .as_str()?;
    let required = map.get("required")?.as_array()?;
    (required.len() == 1 && required[0].as_str() == Some(member)).then_some((member.as_str(), c))
}

/// `allOf` of `{"if": member_const(by, value), "then": {"type": "object", "properties":
/// {target: schema}}}` → (by, target, [(value, schema)]); None for anything else.
#[allow(clippy::type_complexity)]
pub(crate) fn variant_conditions(
    all: &Value,
) -> Option<Vec<(String, String, Vec<(String, &Value)>)>> {
    let mut out: Vec<(String, String, Vec<(String, &Value)>)> = Vec::new();
    for condition in all.as_array()? {
        let map = condition.as_object()?;
        if map.len() != 2 {
            return None;
        }
        let (by, value) = member_const(map.get("if")?)?;
        let then = map.get("then")?.as_object()?;
        if then.len() != 2 || then.get("type").and_then(Value::as_str) != Some("object") {
            return None;
        }
        let props = then.get("properties")?.as_object()?;
        if props.len() != 1 {
            return None;
        }
        let (target, schema) = props.iter().next()?;
        match out.iter_mut().find(|(b, t, _)| b == by && t == target) {
            Some((_, _, cases)) => {
                if cases.iter().any(|(v, _)| v == value) {
                    return None;
                }
                cases.push((value.to_owned(), schema));
            }
            None => out.push((
                by.to_owned(),
                target.clone(),
                vec![(value.to_owned(), schema)],
            )),
        }
    }
    Some(out)
}

/// A string's bytes in the document, between its quotes.
type Span = (u32, u32);

/// No value captured.
const NONE: Span = (u32::MAX, 0);

/// The fast path stopped: the diagnostic path decides.
#[derive(Debug)]
struct Bail;

type Step<T> = Result<T, Bail>;

/// What a value was, as far as its parent and the rules care.
#[derive(Clone, Copy)]
enum Val {
    Str(Span),
    Obj(u64, [Span; MAX_CAPTURES]),
    Other,
}

thread_local! {
    /// Lists and sets reused from one document to the next, so that a clean document costs no
    /// allocation once the thread has seen one like it.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[derive(Default)]
struct Scratch {
    /// Per rule: the values it collects (a reference rule: those referred to, then those
    /// referring).
    lists: Vec<[Vec<Span>; 2]>,
    /// Per rule: the (key, value) of each item (pair rules).
    pairs: Vec<Vec<(Span, Span)>>,
    /// Per unique rule: the values of its current scope.
    sets: Vec<SpanSet>,
    /// The items of the array of strings being read (`uniqueItems`), or the values referred
    /// to (a reference rule, at the end).
    items: SpanSet,
}

impl Scratch {
    fn reset(&mut self, program: &Program) {
        self.lists
            .resize_with(program.rules.len(), Default::default);
        self.pairs
            .resize_with(program.rules.len(), Default::default);
        self.sets
            .resize_with(program.unique_rules, Default::default);
        for [a, b] in &mut self.lists {
            a.clear();
            b.clear();
        }
        for p in &mut self.pairs {
            p.clear();
        }
    }
}

/// A set of strings of one document, by their spans: compared one by one while small, hashed
/// once larger, so that a list of 200 tables costs 200 lookups, not 20,000 comparisons.
#[derive(Default)]
struct SpanSet {
    spans: Vec<Span>,
    table: HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl SpanSet {
    const SMALL: usize = 8;

    fn clear(&mut self) {
        self.spans.clear();
        self.table.clear();
    }

    /// Adds the string at `span`; false when it was there already.
    fn insert(&mut self, b: &[u8], span: Span) -> bool {
        use std::hash::BuildHasher;
        let text = |s: Span| &b[s.0 as usize..s.1 as usize];
        let key = text(span);
        let SpanSet {
            spans,
            table,
            hasher,
        } = self;
        if spans.len() < Self::SMALL {
            if spans.iter().any(|s| text(*s) == key) {
                return false;
            }
            spans.push(span);
            return true;
        }
        let hash = |t: &[u8]| hasher.hash_one(t);
        if table.is_empty() {
            for (i, s) in spans.iter().enumerate() {
                table.insert_unique(hash(text(*s)), i as u32, |j| hash(text(spans[*j as usize])));
            }
        }
        let h = hash(key);
        if table.find(h, |j| text(spans[*j as usize]) == key).is_some() {
            return false;
        }
        table.insert_unique(h, spans.len() as u32, |j| hash(text(spans[*j as usize])));
        spans.push(span);
        true
    }

    fn contains(&self, b: &[u8], key: &[u8]) -> bool {
        use std::hash::BuildHasher;
        let text = |s: Span| &b[s.0 as usize..s.1 as usize];
        if self.table.is_empty() {
            return self.spans.iter().any(|s| text(*s) == key);
        }
        self.table
            .find(self.hasher.hash_one(key), |j| {
                text(self.spans[*j as usize]) == key
            })
            .is_some()
    }
}

struct Run<'a> {
    b: &'a [u8],
    i: usize,
    depth: u32,
    program: &'a Program,
    s: &'a mut Scratch,
}

/// Bytes that end a run of plain string content: the quote, the backslash, control bytes.
static STOPS: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// How many leading bytes of `s` certainly hold no quote, backslash or control byte, eight
/// at a time (names of tables run to 20 bytes and more): a word is skipped when none of its
/// bytes can be one. The first flagged byte is exact, so the count never passes a stop.
#[inline]
fn skip_plain(s: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut n = 0;
    while let Some(chunk) = s.get(n..n + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let stops = zero(w ^ (ONES * u64::from(b'"')))
            | zero(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
        if stops != 0 {
            return n + (stops.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n
}

impl Run<'_> {
    fn document(&mut self) -> Step<()> {
        self.ws();
        // Nothing, or a document escaped in a JSON string: the diagnostic path says which.
        if matches!(self.b.get(self.i), None | Some(b'"')) {
            return Err(Bail);
        }
        self.value(0)?;
        self.ws();
        if self.i != self.b.len() {
            return Err(Bail);
        }
        self.finish()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&self) -> Step<u8> {
        self.b.get(self.i).copied().ok_or(Bail)
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Step<()> {
        if self.peek()? == c {
            self.i += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn enter(&mut self) -> Step<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(Bail)
        } else {
            Ok(())
        }
    }

    /// After a member or item: true when another follows, false at the closing `close`.
    #[inline]
    fn next(&mut self, close: u8) -> Step<bool> {
        self.ws();
        let c = self.peek()?;
        self.i += 1;
        if c == b',' {
            self.ws();
            Ok(true)
        } else if c == close {
            Ok(false)
        } else {
            Err(Bail)
        }
    }

    /// A string without escapes; its span.
    #[inline]
    fn string(&mut self) -> Step<Span> {
        self.eat(b'"')?;
        let start = self.i;
        let rest = &self.b[start..];
        let plain = skip_plain(rest);
        let n = plain
            + rest[plain..]
                .iter()
                .position(|c| STOPS[*c as usize])
                .ok_or(Bail)?;
        if rest[n] != b'"' {
            return Err(Bail);
        }
        self.i = start + n + 1;
        Ok((start as u32, (start + n) as u32))
    }

    fn text(&self, s: Span) -> &[u8] {
        &self.b[s.0 as usize..s.1 as usize]
    }

    /// A plain integer (no fraction, no exponent) that serde_json reads as an `i64` or `u64`.
    fn integer(&mut self) -> Step<i128> {
        let negative = self.peek()? == b'-';
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut v: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.b.get(self.i) {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
                .ok_or(Bail)?;
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0
            || (digits > 1 && self.b[start] == b'0')
            || matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E'))
            || (negative && (v == 0 || v > i64::MAX as u64))
        {
            // `-0` is a float to serde_json; a negative past i64 too: the diagnostic path.
            return Err(Bail);
        }
        Ok(if negative {
            -i128::from(v)
        } else {
            i128::from(v)
        })
    }

    fn literal(&mut self, word: &[u8]) -> Step<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn value(&mut self, id: usize) -> Step<Val> {
        let program = self.program;
        let node = &program.nodes[id];
        let val = match &node.kind {
            Kind::Any => {
                self.any()?;
                Val::Other
            }
            Kind::Object(o) => {
                for hook in &node.hooks {
                    if let Hook::Scope { rule } = hook
                        && let FastRule::Unique { set } = program.rules[*rule]
                    {
                        self.s.sets[set].clear();
                    }
                }
                let (mask, caps) = self.object(o)?;
                for hook in &node.hooks {
                    if let Hook::Pair { rule, key, value } = hook {
                        self.s.pairs[*rule].push((caps[*key], caps[*value]));
                    }
                }
                Val::Obj(mask, caps)
            }
            Kind::Array(a) => {
                for hook in &node.hooks {
                    if let Hook::Scope { rule } = hook
                        && let FastRule::Unique { set } = program.rules[*rule]
                    {
                        self.s.sets[set].clear();
                    }
                }
                self.array(a)?;
                Val::Other
            }
            Kind::String { one_of } => {
                let span = self.string()?;
                if let Some(one_of) = one_of {
                    let text = self.text(span);
                    if !one_of.iter().any(|v| **v == *text) {
                        return Err(Bail);
                    }
                }
                for hook in &node.hooks {
                    match *hook {
                        Hook::Collect { rule, list } => self.s.lists[rule][list].push(span),
                        Hook::Unique { rule } => {
                            if let FastRule::Unique { set } = program.rules[rule]
                                && !self.s.sets[set].insert(self.b, span)
                            {
                                return Err(Bail);
                            }
                        }
                        _ => {}
                    }
                }
                Val::Str(span)
            }
            Kind::Integer { minimum } | Kind::Number { minimum } => {
                let v = self.integer()?;
                if minimum.is_some_and(|m| v < i128::from(m)) {
                    return Err(Bail);
                }
                Val::Other
            }
            Kind::Boolean => {
                match self.peek()? {
                    b't' => self.literal(b"true")?,
                    b'f' => self.literal(b"false")?,
                    _ => return Err(Bail),
                }
                Val::Other
            }
        };
        Ok(val)
    }

    fn object(&mut self, o: &Object) -> Step<(u64, [Span; MAX_CAPTURES])> {
        self.enter()?;
        self.eat(b'{')?;
        self.ws();
        let mut mask = 0u64;
        let mut caps = [NONE; MAX_CAPTURES];
        let mut target = 0u64;
        let mut map_keys = [NONE; SMALL_OBJECT];
        let mut map_keys_seen = 0;
        if self.peek()? == b'}' {
            self.i += 1;
        } else {
            loop {
                let key = self.string()?;
                self.ws();
                self.eat(b':')?;
                self.ws();
                if let Some((values, known)) = &o.map {
                    let text = self.text(key);
                    if known.is_empty() {
                        // Any key: repeats are looked for among a few, else left to the
                        // diagnostic path.
                        if map_keys_seen == SMALL_OBJECT
                            || map_keys[..map_keys_seen]
                                .iter()
                                .any(|k| self.text(*k) == text)
                        {
                            return Err(Bail);
                        }
                        map_keys[map_keys_seen] = key;
                        map_keys_seen += 1;
                    } else {
                        let index = known.iter().position(|k| **k == *text).ok_or(Bail)?;
                        if index >= 64 || mask & (1 << index) != 0 {
                            return Err(Bail);
                        }
                        mask |= 1 << index;
                    }
                    self.value(*values)?;
                } else {
                    let text = self.text(key);
                    let index = o.props.iter().position(|(k, _)| **k == *text).ok_or(Bail)?;
                    let bit = 1u64 << index;
                    if mask & bit != 0 {
                        return Err(Bail);
                    }
                    mask |= bit;
                    let val = self.value(o.props[index].1)?;
                    if let Some(v) = &o.variants
                        && v.target == index
                    {
                        let Val::Obj(m, _) = val else {
                            return Err(Bail);
                        };
                        target = m;
                    }
                    if let Some((_, slot)) = o.captures.iter().find(|(m, _)| *m == index) {
                        let Val::Str(span) = val else {
                            return Err(Bail);
                        };
                        caps[*slot] = span;
                    }
                }
                if !self.next(b'}')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        if o.map.is_none() {
            if mask & o.required != o.required {
                return Err(Bail);
            }
            if !o.any_of.is_empty() && !o.any_of.iter().any(|m| mask & m == *m) {
                return Err(Bail);
            }
            if let Some(v) = &o.variants
                && mask & (1 << v.target) != 0
            {
                let by = caps[v.by_slot];
                if by == NONE {
                    return Err(Bail);
                }
                let by = self.text(by);
                let (_, allowed, required, any_of) =
                    v.cases.iter().find(|c| *c.0 == *by).ok_or(Bail)?;
                if target & !allowed != 0
                    || target & required != *required
                    || (!any_of.is_empty() && !any_of.iter().any(|m| target & m == *m))
                {
                    return Err(Bail);
                }
            }
        }
        Ok((mask, caps))
    }

    fn array(&mut self, a: &Array) -> Step<()> {
        self.enter()?;
        self.eat(b'[')?;
        self.ws();
        let mut n = 0u64;
        let mut count = 0u64;
        if a.unique {
            self.s.items.clear();
        }
        if self.peek()? == b']' {
            self.i += 1;
        } else {
            loop {
                let val = self.value(a.items)?;
                n += 1;
                if a.unique {
                    let Val::Str(span) = val else {
                        return Err(Bail);
                    };
                    if !self.s.items.insert(self.b, span) {
                        return Err(Bail);
                    }
                }
                if let Some((slot, value, _, _)) = &a.contains
                    && let Val::Obj(_, caps) = val
                    && caps[*slot] != NONE
                    && *self.text(caps[*slot]) == **value
                {
                    count += 1;
                }
                if !self.next(b']')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        if n < a.min_items {
            return Err(Bail);
        }
        if let Some((_, _, min, max)) = a.contains
            && (count < min || count > max)
        {
            return Err(Bail);
        }
        Ok(())
    }

    /// Any JSON value, checked for syntax (and repeated members, among a few).
    fn any(&mut self) -> Step<()> {
        match self.peek()? {
            b'{' => {
                self.enter()?;
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                } else {
                    let mut keys = [NONE; SMALL_OBJECT];
                    let mut n = 0;
                    loop {
                        let key = self.string()?;
                        if n == SMALL_OBJECT
                            || keys[..n].iter().any(|k| self.text(*k) == self.text(key))
                        {
                            return Err(Bail);
                        }
                        keys[n] = key;
                        n += 1;
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                        self.any()?;
                        if !self.next(b'}')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
            }
            b'[' => {
                self.enter()?;
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                } else {
                    loop {
                        self.any()?;
                        if !self.next(b']')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
            }
            b'"' => {
                self.string()?;
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            _ => {
                self.integer()?;
            }
        }
        Ok(())
    }

    /// The rules that need the whole document.
    fn finish(&mut self) -> Step<()> {
        let program = self.program;
        for (r, rule) in program.rules.iter().enumerate() {
            match rule {
                FastRule::Reference => {
                    let [among, values] = &self.s.lists[r];
                    let set = &mut self.s.items;
                    set.clear();
                    for span in among {
                        set.insert(self.b, *span);
                    }
                    for span in values {
                        if !set.contains(self.b, &self.b[span.0 as usize..span.1 as usize]) {
                            return Err(Bail);
                        }
                    }
                }
                FastRule::Pair { from, to, allowed } => {
                    let items = &self.s.pairs[r];
                    let text = |s: Span| (s != NONE).then(|| &self.b[s.0 as usize..s.1 as usize]);
                    for (key, value) in items {
                        if text(*key) != Some(&**from) {
                            continue;
                        }
                        let Some(decided) = text(*value) else {
                            continue;
                        };
                        let Some((_, ok)) = allowed.iter().find(|(k, _)| **k == *decided) else {
                            continue;
                        };
                        for (key, value) in items {
                            if text(*key) == Some(&**to)
                                && let Some(v) = text(*value)
                                && !ok.iter().any(|o| **o == *v)
                            {
                                return Err(Bail);
                            }
                        }
                    }
                }
                FastRule::Unique { .. } => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{STOPS, skip_plain};

    #[test]
    fn skipping_words_never_passes_a_stop() {
        // Every stop byte at every offset, among plain ASCII and UTF-8 bytes.
        let fill: Vec<u8> = "abcdé€xyz0123456789".bytes().cycle().take(40).collect();
        for stop in (0u8..0x20).chain([b'"', b'\\']) {
            for at in 0..fill.len() {
                let mut s = fill.clone();
                s[at] = stop;
                let exact = s.iter().position(|c| STOPS[*c as usize]).unwrap_or(s.len());
                assert!(skip_plain(&s) <= exact, "stop {stop:#x} at {at}");
                assert_eq!(skip_plain(&s) / 8, exact / 8, "stop {stop:#x} at {at}");
            }
        }
        assert_eq!(skip_plain(&fill), 40);
    }
}
