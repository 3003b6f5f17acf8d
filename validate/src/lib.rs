//! Validates the JSON documents DataWorks carries in strings (TaskParam, TaskContent,
//! StartParam) before they are submitted, so that mistakes show up at once instead of when the
//! asynchronous process fails.
//!
//! A [`DocumentValidator`] is built from a schema the generator emitted (`dataworks_di::
//! documents::TASK_PARAM_SCHEMA`, ...). It reports every problem of a document at once, each with its
//! JSON pointer, line and column, what was expected and what was found:
//! 1. JSON Schema (draft 2020-12) for the documented members;
//! 2. undocumented members: a near-miss of a documented one (edit distance ≤ 2, such as
//!    `conection`) is an error with "did you mean"; others, and map keys outside the known
//!    ones, are warnings (errors when strict);
//! 3. the document's rules (`x-dwdi-rules`), which JSON Schema cannot express.

mod parse;
pub mod position;
pub mod rules;

use std::collections::HashMap;

use serde_json::{Map, Value};

use position::{Pos, Positions};
pub use rules::Rule;
use rules::Step;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is invalid.
    Error,
    /// The document is valid, but something looks unintended.
    Warning,
}

/// One problem of a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// How serious it is.
    pub severity: Severity,
    /// JSON pointer to the offending value (`""` is the whole document).
    pub pointer: String,
    /// Line (1-based).
    pub line: usize,
    /// Column (1-based, in characters).
    pub column: usize,
    /// What kind of problem (`syntax`, `encoding`, `type`, `enum`, `required`, `minimum`,
    /// `schema`, `unknown-member`, `undocumented-member`, `unknown-key`, `duplicate-member`,
    /// `rule`).
    pub kind: &'static str,
    /// What was expected, where it can be said briefly.
    pub expected: Option<String>,
    /// What was found, where it can be said briefly.
    pub found: Option<String>,
    /// What was wrong: what was expected and what was found.
    pub message: String,
}

/// The verdict on one document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// True when the input was the document escaped in a JSON string (as copied out of an API
    /// request or response); positions then refer to the inner document.
    pub embedded: bool,
    /// Every problem, sorted by position.
    pub problems: Vec<Problem>,
}

impl Report {
    /// True when no problem is an error.
    pub fn is_valid(&self) -> bool {
        self.problems.iter().all(|p| p.severity != Severity::Error)
    }
}

/// Why a validator could not be built from a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the schema cannot be used: {}", self.0)
    }
}

impl std::error::Error for SchemaError {}

/// A validator for one kind of document.
pub struct DocumentValidator {
    title: String,
    compiled: jsonschema::Validator,
    /// The schema as the walker for undocumented members needs it, compiled once.
    nodes: Vec<Node>,
    rules: Vec<rules::Compiled>,
}

impl std::fmt::Debug for DocumentValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentValidator")
            .field("title", &self.title)
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl DocumentValidator {
    /// Builds a validator from a generated schema's text.
    pub fn new(schema_text: &str) -> Result<Self, SchemaError> {
        let schema: Value =
            serde_json::from_str(schema_text).map_err(|e| SchemaError(e.to_string()))?;
        let compiled =
            jsonschema::draft202012::new(&schema).map_err(|e| SchemaError(e.to_string()))?;
        let rules: Vec<Rule> = match schema.get("x-dwdi-rules") {
            Some(r) => serde_json::from_value(r.clone()).map_err(|e| SchemaError(e.to_string()))?,
            None => Vec::new(),
        };
        let rules = rules.into_iter().map(rules::Compiled::new).collect();
        let mut nodes = Vec::new();
        Node::compile(&schema, &schema, &mut nodes, &mut HashMap::new());
        let title = schema
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("document")
            .to_owned();
        Ok(DocumentValidator {
            title,
            compiled,
            nodes,
            rules,
        })
    }

    /// The document kind's name (the schema's title).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Every problem of `text`, sorted by position. `strict` turns warnings into errors.
    pub fn validate(&self, text: &str, strict: bool) -> Vec<Problem> {
        self.check(text, strict).problems
    }

    /// Checks raw bytes: invalid UTF-8 is reported with its position, not as a crash.
    pub fn check_bytes(&self, bytes: &[u8], strict: bool) -> Report {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.check(text, strict),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                let column = String::from_utf8_lossy(&valid[line_start..])
                    .chars()
                    .count()
                    + 1;
                Report {
                    embedded: false,
                    problems: vec![Problem {
                        severity: Severity::Error,
                        pointer: String::new(),
                        line,
                        column,
                        kind: "encoding",
                        expected: Some("UTF-8 text".into()),
                        found: Some(format!("the byte 0x{:02X}", bytes[e.valid_up_to()])),
                        message: format!(
                            "not UTF-8: byte 0x{:02X} at offset {} is not valid UTF-8; expected UTF-8 text",
                            bytes[e.valid_up_to()],
                            e.valid_up_to()
                        ),
                    }],
                }
            }
        }
    }

    /// Checks a document given as text, or escaped in a JSON string as it appears in an API
    /// request or response (then `embedded` is true and positions refer to the inner text).
    pub fn check(&self, text: &str, strict: bool) -> Report {
        match embedded_document(text) {
            Some(inner) => Report {
                embedded: true,
                problems: self.check_document(&inner, strict),
            },
            None => Report {
                embedded: false,
                problems: self.check_document(text, strict),
            },
        }
    }

    fn check_document(&self, text: &str, strict: bool) -> Vec<Problem> {
        if text.trim().is_empty() {
            return vec![Problem {
                severity: Severity::Error,
                pointer: String::new(),
                line: 1,
                column: 1,
                kind: "syntax",
                expected: Some(format!("a {} JSON document", self.title)),
                found: Some("nothing".into()),
                message: format!(
                    "the document is empty; expected a {} JSON document",
                    self.title
                ),
            }];
        }
        let (doc, repeated) = match parse::parse(text) {
            Ok(parsed) => parsed,
            Err(e) => {
                let full = e.to_string();
                let message = full
                    .rfind(" at line ")
                    .map_or(full.as_str(), |i| &full[..i])
                    .to_owned();
                return vec![Problem {
                    severity: Severity::Error,
                    pointer: String::new(),
                    line: e.line(),
                    column: e.column(),
                    kind: "syntax",
                    expected: Some("valid JSON".into()),
                    found: None,
                    message: format!("not valid JSON: {message}"),
                }];
            }
        };
        let mut found: Vec<Found> = Vec::new();
        // The happy path asks the compiled schema for a yes first: collecting errors costs more.
        if !self.compiled.is_valid(&doc) {
            for error in self.compiled.iter_errors(&doc) {
                let d = describe(&error);
                found.push(Found::value(
                    Severity::Error,
                    error.instance_path().to_string(),
                    d,
                ));
            }
        }
        let mut scratch = rules::Scratch::default();
        if let Some(root) = self.nodes.first() {
            let mut walker = Walker {
                nodes: &self.nodes,
                out: &mut found,
                steps: std::mem::take(&mut scratch.steps),
            };
            walker.walk(root, &doc);
            scratch.steps = walker.steps;
        }
        let mut breaches = Vec::new();
        for rule in &self.rules {
            rule.check(&doc, &mut breaches, &mut scratch);
        }
        for breach in breaches {
            found.push(Found::value(
                Severity::Error,
                breach.pointer,
                Described {
                    kind: "rule",
                    expected: None,
                    found: None,
                    message: breach.message,
                },
            ));
        }
        // Positions cost a walk over the text: only a document with problems, or one that
        // repeats a member (which the parsed value hides, but parsing noticed), pays for it.
        if found.is_empty() && !repeated {
            return Vec::new();
        }
        let positions = Positions::index(text);
        for d in positions.duplicates() {
            found.push(Found::key(
                Severity::Error,
                format!("{}/{}", d.object, position::escape_token(&d.key)),
                Described {
                    kind: "duplicate-member",
                    expected: Some("each member once".into()),
                    found: Some(format!("`{}` twice", d.key)),
                    message: format!("member `{}` appears twice; expected it once", d.key),
                },
            ));
        }
        let mut problems: Vec<Problem> = found
            .into_iter()
            .map(|f| {
                let Pos { line, column } = if f.at_key {
                    positions.key_or_value(&f.pointer)
                } else {
                    positions.nearest(&f.pointer)
                };
                Problem {
                    severity: if strict { Severity::Error } else { f.severity },
                    pointer: f.pointer,
                    line,
                    column,
                    kind: f.described.kind,
                    expected: f.described.expected,
                    found: f.described.found,
                    message: f.described.message,
                }
            })
            .collect();
        problems.sort_by(|a, b| {
            (a.line, a.column, &a.pointer, &a.message)
                .cmp(&(b.line, b.column, &b.pointer, &b.message))
        });
        problems.dedup();
        problems
    }
}

/// The inner document when `text` is a JSON string holding a JSON object or array.
fn embedded_document(text: &str) -> Option<String> {
    if !text.trim_start().starts_with('"') {
        return None;
    }
    let inner: String = serde_json::from_str(text).ok()?;
    inner.trim_start().starts_with(['{', '[']).then_some(inner)
}

/// A problem's kind and words, before it is placed.
struct Described {
    kind: &'static str,
    expected: Option<String>,
    found: Option<String>,
    message: String,
}

/// A problem before it is placed: whether it concerns a member's name or its value.
struct Found {
    severity: Severity,
    pointer: String,
    described: Described,
    at_key: bool,
}

impl Found {
    fn value(severity: Severity, pointer: String, described: Described) -> Self {
        Found {
            severity,
            pointer,
            described,
            at_key: false,
        }
    }

    fn key(severity: Severity, pointer: String, described: Described) -> Self {
        Found {
            severity,
            pointer,
            described,
            at_key: true,
        }
    }
}

/// A schema (after following one local `$ref`) as the walker needs it: what it documents of
/// an object, a map and an array. Children are indices into the validator's node list.
#[derive(Debug, Default)]
struct Node {
    /// `properties`: each documented member with its schema, in the schema's order.
    props: Option<Vec<(String, usize)>>,
    /// `additionalProperties` (when there are no `properties`): the values' schema and the
    /// known keys (`x-dwdi-known-keys`).
    map: Option<(usize, Vec<String>)>,
    /// `items`.
    items: Option<usize>,
}

impl Node {
    /// Compiles `schema` (and what it leads to) into `nodes`, once per distinct schema, and
    /// returns its index.
    fn compile(
        root: &Value,
        schema: &Value,
        nodes: &mut Vec<Node>,
        seen: &mut HashMap<*const Value, usize>,
    ) -> usize {
        // Follows a local `$ref` (`#/$defs/Name`), once.
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|p| root.pointer(p))
                .unwrap_or(schema),
            None => schema,
        };
        if let Some(id) = seen.get(&(schema as *const Value)) {
            return *id;
        }
        let id = nodes.len();
        nodes.push(Node::default());
        seen.insert(schema as *const Value, id);
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .map(|(k, s)| (k.clone(), Node::compile(root, s, nodes, seen)))
                    .collect()
            });
        let map = match (&props, schema.get("additionalProperties")) {
            (None, Some(values)) => {
                let known = schema
                    .get("x-dwdi-known-keys")
                    .and_then(Value::as_array)
                    .map(|k| {
                        k.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                Some((Node::compile(root, values, nodes, seen), known))
            }
            _ => None,
        };
        let items = schema
            .get("items")
            .map(|items| Node::compile(root, items, nodes, seen));
        nodes[id] = Node { props, map, items };
        id
    }

    /// The schema of the documented member `key`.
    fn prop(props: &[(String, usize)], key: &str) -> Option<usize> {
        props.iter().find(|(k, _)| k == key).map(|(_, id)| *id)
    }
}

/// Walks the document alongside its schema to judge members the schema does not describe.
/// It allocates only when it finds something (and for its list of steps).
struct Walker<'a, 'v> {
    nodes: &'a [Node],
    out: &'a mut Vec<Found>,
    steps: Vec<Step<'v>>,
}

impl<'a, 'v> Walker<'a, 'v> {
    fn pointer(&self) -> String {
        rules::render(&[], &self.steps)
    }

    fn walk(&mut self, node: &'a Node, value: &'v Value) {
        match value {
            Value::Object(members) => {
                if let Some(props) = &node.props {
                    if members.keys().any(|k| Node::prop(props, k).is_none()) {
                        self.unknown_members(props, members);
                    }
                    for (key, child) in members {
                        if let Some(id) = Node::prop(props, key) {
                            self.steps.push(Step::Key(key));
                            self.walk(&self.nodes[id], child);
                            self.steps.pop();
                        }
                    }
                } else if let Some((values, known)) = &node.map {
                    for (key, child) in members {
                        self.steps.push(Step::Key(key));
                        if !known.is_empty() && !known.iter().any(|k| k == key) {
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
                        self.walk(&self.nodes[*values], child);
                        self.steps.pop();
                    }
                }
            }
            Value::Array(items) => {
                if let Some(id) = node.items {
                    for (i, item) in items.iter().enumerate() {
                        self.steps.push(Step::Index(i));
                        self.walk(&self.nodes[id], item);
                        self.steps.pop();
                    }
                }
            }
            _ => {}
        }
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
            match did_you_mean(key, missing) {
                Some(near) => self.out.push(Found::key(
                    Severity::Error,
                    at,
                    Described {
                        kind: "unknown-member",
                        expected: Some(format!("`{near}`")),
                        found: Some(format!("`{key}`")),
                        message: format!("unknown member `{key}`; did you mean `{near}`?"),
                    },
                )),
                None => self.out.push(Found::key(
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
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    },
                )),
            }
        }
    }
}

/// The closest candidate within edit distance 2 (case differences count as one edit each).
pub fn did_you_mean<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// jsonschema's error, rewritten to say what was expected and what was found.
fn describe(error: &jsonschema::ValidationError<'_>) -> Described {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let found = error.instance();
    let (kind, expected, found_text, message) = match error.kind() {
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
                "enum",
                Some(format!("one of {expected}")),
                Some(found.to_string()),
                message,
            )
        }
        K::Required { property } => (
            "required",
            Some(format!("the member {property}")),
            Some("no such member".into()),
            format!("missing required member {property}"),
        ),
        K::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => format!("{ts:?}"),
            };
            let found_text = kind_of(found);
            let message = format!("expected {expected}, found {found_text}");
            ("type", Some(expected), Some(found_text), message)
        }
        K::Minimum { limit } => (
            "minimum",
            Some(format!("at least {limit}")),
            Some(found.to_string()),
            format!("{found} is too small; expected at least {limit}"),
        ),
        _ => ("schema", None, None, error.to_string()),
    };
    Described {
        kind,
        expected,
        found: found_text,
        message,
    }
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
