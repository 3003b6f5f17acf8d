//! Validates the JSON documents DataWorks carries in strings (TaskParam, TaskContent,
//! StartParam) before they are submitted, so that mistakes show up at once instead of when the
//! asynchronous process fails.
//!
//! A [`DocumentValidator`] is built from a schema the generator emitted and its sibling rules
//! file (`dataworks_di::documents::TASK_PARAM_SCHEMA` and `TASK_PARAM_RULES`, ...). A document takes one
//! of two paths:
//! - the fast path ([`fast`]) reads the bytes once, with no DOM and no positions, and answers
//!   "no problem at all" for the documents that have none;
//! - every other document takes the diagnostic path, which reports each problem (up to
//!   [`MAX_PROBLEMS`], then how many more) with its JSON pointer, line and column, what was
//!   expected and what was found:
//!   1. JSON Schema (draft 2020-12) for the documented members and every rule JSON Schema
//!      states (`minItems`, `uniqueItems`, `contains`, `anyOf` of `required`, `if`/`then`);
//!   2. undocumented members: a near-miss of a documented one (edit distance ≤ 2, such as
//!      `conection`) is an error with "did you mean"; others, and map keys outside the known
//!      ones, are warnings (errors when strict);
//!   3. the rules of the rules file, which JSON Schema cannot state.
//!
//! Both paths give the same verdict; the property tests hold them to it.

mod describe;
mod fast;
mod parse;
pub mod position;
pub mod read;
pub mod rules;
mod rules_file;
mod send;
mod walk;

use serde_json::Value;

use position::{Pos, Positions};
pub use rules::Rule;
pub use rules_file::{KnownKeys, RulesFile};
pub use send::{members_without_schema, remove_schema_member, without_schema_member};

/// The most problems reported for one document; past it, one more line says how many more
/// there were. Keeps output and memory bounded for hostile input.
pub const MAX_PROBLEMS: usize = 1000;

/// The UTF-8 byte order mark some editors put first; it is skipped, and positions count from
/// after it.
const BOM: &[u8] = b"\xEF\xBB\xBF";

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
    /// `min-items`, `unique-items`, `contains`, `any-of`, `schema`, `unknown-member`,
    /// `undocumented-member`, `unknown-key`, `duplicate-member`, `wrong-kind`, `rule`, and
    /// `more` for the line saying how many problems past [`MAX_PROBLEMS`] are not shown).
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
    /// Every problem, sorted by position, at most [`MAX_PROBLEMS`] of them and then one of
    /// kind `more` saying how many more there were.
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
    schema: Value,
    compiled: jsonschema::Validator,
    tree: walk::Tree,
    rules: Vec<rules::Compiled>,
    /// The documented root members, and those of the other kinds.
    root_members: Vec<String>,
    other_kinds: Vec<(String, Vec<String>)>,
    /// None when the schema uses something the fast path does not know: every document then
    /// takes the diagnostic path.
    fast: Option<fast::Program>,
}

impl std::fmt::Debug for DocumentValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentValidator")
            .field("title", &self.title)
            .field("rules", &self.rules.len())
            .field("fast", &self.fast.is_some())
            .finish()
    }
}

impl DocumentValidator {
    /// Builds a validator from a generated schema's text and its rules file's text.
    pub fn new(schema_text: &str, rules_text: &str) -> Result<Self, SchemaError> {
        let schema: Value =
            serde_json::from_str(schema_text).map_err(|e| SchemaError(e.to_string()))?;
        let rules: RulesFile = serde_json::from_str(rules_text)
            .map_err(|e| SchemaError(format!("the rules file: {e}")))?;
        let compiled =
            jsonschema::draft202012::new(&schema).map_err(|e| SchemaError(e.to_string()))?;
        let title = schema
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("document")
            .to_owned();
        if let Some(id) = schema.get("$id").and_then(Value::as_str)
            && id != rules.schema
        {
            return Err(SchemaError(format!(
                "the rules file is for {}, the schema is {id}",
                rules.schema
            )));
        }
        let tree = walk::Tree::new(&schema, &rules);
        let fast = fast::Program::compile(&schema, &rules).ok();
        let root_members = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().filter(|k| *k != "$schema").cloned().collect())
            .unwrap_or_default();
        let other_kinds = rules.other_kinds.clone().into_iter().collect();
        let compiled_rules = rules.rules.into_iter().map(rules::Compiled::new).collect();
        Ok(DocumentValidator {
            title,
            schema,
            compiled,
            tree,
            rules: compiled_rules,
            root_members,
            other_kinds,
            fast,
        })
    }

    /// The document kind's name (the schema's title).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// True when documents without problems are told so by the fast path.
    pub fn has_fast_path(&self) -> bool {
        self.fast.is_some()
    }

    /// The fast path alone: true when it is sure `bytes` (after a BOM) has no problem at all;
    /// false when only the diagnostic path can tell.
    pub fn fast_path_clean(&self, bytes: &[u8]) -> bool {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        self.fast.as_ref().is_some_and(|f| f.clean(bytes))
    }

    /// The diagnostic path alone (what [`DocumentValidator::check_bytes`] does for a document
    /// the fast path cannot clear).
    pub fn diagnose_bytes(&self, bytes: &[u8], strict: bool) -> Report {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => self.diagnose(text, strict),
            Err(e) => not_utf8(bytes, &e),
        }
    }

    /// Every problem of `text`, sorted by position. `strict` turns warnings into errors.
    pub fn validate(&self, text: &str, strict: bool) -> Vec<Problem> {
        self.check(text, strict).problems
    }

    /// Checks raw bytes: invalid UTF-8 is reported with its position, not as a crash; a UTF-8
    /// BOM is skipped.
    pub fn check_bytes(&self, bytes: &[u8], strict: bool) -> Report {
        if self.fast_path_clean(bytes) {
            return Report {
                embedded: false,
                problems: Vec::new(),
            };
        }
        self.diagnose_bytes(bytes, strict)
    }

    /// Checks a document given as text, or escaped in a JSON string as it appears in an API
    /// request or response (then `embedded` is true and positions refer to the inner text).
    pub fn check(&self, text: &str, strict: bool) -> Report {
        self.check_bytes(text.as_bytes(), strict)
    }

    fn diagnose(&self, text: &str, strict: bool) -> Report {
        match embedded_document(text) {
            Some(inner) => {
                let inner = inner.strip_prefix('\u{FEFF}').unwrap_or(&inner);
                Report {
                    embedded: true,
                    problems: self.check_document(inner, strict),
                }
            }
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
        if let Some(problem) = self.wrong_kind(text, &doc) {
            return vec![problem];
        }
        let mut out = Collector::new(MAX_PROBLEMS);
        if !self.compiled.is_valid(&doc) {
            for error in self.compiled.iter_errors(&doc) {
                if out.full() {
                    out.count(Severity::Error);
                    continue;
                }
                let (pointer, d) = describe::describe(&error, &self.schema);
                out.push(Found::value(Severity::Error, pointer, d));
            }
        }
        self.tree.walk(&doc, &mut out);
        let mut breaches = Vec::new();
        let mut scratch = rules::Scratch::default();
        for rule in &self.rules {
            rule.check(&doc, &mut breaches, &mut scratch);
        }
        drop(scratch);
        for breach in breaches {
            out.push(Found::value(
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
        drop(doc);
        if out.is_empty() && !repeated {
            return Vec::new();
        }
        // Positions cost a walk over the text: only for the problems shown.
        let positions = Positions::index_only(text, out.pointers());
        for d in positions.duplicates() {
            out.push(Found::key(
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
        for _ in positions.duplicates().len()..positions.duplicates_total() {
            out.count(Severity::Error);
        }
        // Duplicates are placed where they were found.
        let duplicate_at: std::collections::HashMap<String, Pos> = positions
            .duplicates()
            .iter()
            .map(|d| {
                (
                    format!("{}/{}", d.object, position::escape_token(&d.key)),
                    d.pos,
                )
            })
            .collect();
        let (found, dropped, dropped_error) = out.finish();
        let mut problems: Vec<Problem> = found
            .into_iter()
            .map(|f| {
                let Pos { line, column } = match (f.described.kind, f.at_key) {
                    ("duplicate-member", _) => duplicate_at
                        .get(&f.pointer)
                        .copied()
                        .unwrap_or_else(|| positions.key_or_value(&f.pointer)),
                    (_, true) => positions.key_or_value(&f.pointer),
                    (_, false) => positions.nearest(&f.pointer),
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
        if dropped > 0 {
            let last = problems.last().map_or(Pos { line: 1, column: 1 }, |p| Pos {
                line: p.line,
                column: p.column,
            });
            problems.push(Problem {
                severity: if dropped_error || strict {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                pointer: String::new(),
                line: last.line,
                column: last.column,
                kind: "more",
                expected: None,
                found: Some(format!("{dropped} more")),
                message: format!(
                    "and {dropped} more problem{} not shown (at most {MAX_PROBLEMS} are listed per document)",
                    if dropped == 1 { "" } else { "s" }
                ),
            });
        }
        problems
    }

    /// A non-empty object none of whose members is a documented root member of this kind:
    /// the wrong document was given. Names the kind it looks like, if any.
    fn wrong_kind(&self, text: &str, doc: &Value) -> Option<Problem> {
        let members = doc.as_object()?;
        let own = |k: &String| k == "$schema" || self.root_members.contains(k);
        if members.is_empty() || self.root_members.is_empty() || members.keys().any(own) {
            return None;
        }
        // A misspelt member of this kind is a typo ("did you mean"), not another kind.
        if members
            .keys()
            .any(|k| did_you_mean(k, self.root_members.iter().map(String::as_str)).is_some())
        {
            return None;
        }
        let best = self
            .other_kinds
            .iter()
            .map(|(kind, roots)| {
                let shared = members.keys().filter(|k| roots.contains(k)).count();
                // The share of the kind's members the document has: `steps` alone looks more
                // like a TaskParam (4 members) than a TaskContent (5).
                (shared * 1000 / roots.len().max(1), kind)
            })
            .filter(|(n, _)| *n > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)));
        let found: Vec<String> = members.keys().take(8).map(|k| format!("`{k}`")).collect();
        let expected = self
            .root_members
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let looks = match best {
            Some((_, kind)) => format!("; it looks like a {kind}"),
            None => String::new(),
        };
        let at = Positions::index_only(text, [""]).nearest("");
        Some(Problem {
            severity: Severity::Error,
            pointer: String::new(),
            line: at.line,
            column: at.column,
            kind: "wrong-kind",
            expected: Some(format!("a {} (members {expected})", self.title)),
            found: Some(match best {
                Some((_, kind)) => format!("a {kind}"),
                None => format!("members {}", found.join(", ")),
            }),
            message: format!(
                "none of the members {} belongs to a {}{looks}; expected a {} with the members {expected}",
                found.join(", "),
                self.title,
                self.title
            ),
        })
    }
}

/// Invalid UTF-8, placed (by the shared reader's [`read::not_utf8_at`]).
fn not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> Report {
    let at = read::not_utf8_at(bytes, e.valid_up_to());
    Report {
        embedded: false,
        problems: vec![Problem {
            severity: Severity::Error,
            pointer: String::new(),
            line: at.line,
            column: at.column,
            kind: "encoding",
            expected: Some("UTF-8 text".into()),
            found: Some(format!("the byte 0x{:02X}", at.byte)),
            message: at.to_string(),
        }],
    }
}

/// The inner document when `text` is a JSON string holding a JSON object or array.
fn embedded_document(text: &str) -> Option<String> {
    if !text.trim_start().starts_with('"') {
        return None;
    }
    let inner: String = serde_json::from_str(text).ok()?;
    inner
        .trim_start_matches('\u{FEFF}')
        .trim_start()
        .starts_with(['{', '['])
        .then_some(inner)
}

/// A problem's kind and words, before it is placed.
pub(crate) struct Described {
    pub(crate) kind: &'static str,
    pub(crate) expected: Option<String>,
    pub(crate) found: Option<String>,
    pub(crate) message: String,
}

/// A problem before it is placed: whether it concerns a member's name or its value.
pub(crate) struct Found {
    severity: Severity,
    pointer: String,
    described: Described,
    at_key: bool,
}

impl Found {
    pub(crate) fn value(severity: Severity, pointer: String, described: Described) -> Self {
        Found {
            severity,
            pointer,
            described,
            at_key: false,
        }
    }

    pub(crate) fn key(severity: Severity, pointer: String, described: Described) -> Self {
        Found {
            severity,
            pointer,
            described,
            at_key: true,
        }
    }
}

/// The problems found so far: the first [`MAX_PROBLEMS`] errors and warnings kept (errors
/// first when there are more), the rest only counted, so that memory stays bounded whatever
/// the input.
pub(crate) struct Collector {
    errors: Vec<Found>,
    warnings: Vec<Found>,
    cap: usize,
    dropped: usize,
    dropped_error: bool,
}

impl Collector {
    fn new(cap: usize) -> Self {
        Collector {
            errors: Vec::new(),
            warnings: Vec::new(),
            cap,
            dropped: 0,
            dropped_error: false,
        }
    }

    /// No more errors are kept.
    fn full(&self) -> bool {
        self.errors.len() >= self.cap
    }

    fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.warnings.is_empty() && self.dropped == 0
    }

    /// A problem past the cap: counted, not kept.
    fn count(&mut self, severity: Severity) {
        self.dropped += 1;
        self.dropped_error |= severity == Severity::Error;
    }

    pub(crate) fn push(&mut self, found: Found) {
        let list = match found.severity {
            Severity::Error => &mut self.errors,
            Severity::Warning => &mut self.warnings,
        };
        if list.len() >= self.cap {
            self.count(found.severity);
        } else {
            list.push(found);
        }
    }

    /// The pointers of the problems kept so far.
    fn pointers(&self) -> impl Iterator<Item = &str> {
        self.errors
            .iter()
            .chain(&self.warnings)
            .map(|f| f.pointer.as_str())
    }

    /// The problems to show (errors first, at most the cap), and (how many more, whether one
    /// of those is an error).
    fn finish(mut self) -> (Vec<Found>, usize, bool) {
        let room = self.cap.saturating_sub(self.errors.len());
        if self.warnings.len() > room {
            self.dropped += self.warnings.len() - room;
            self.warnings.truncate(room);
        }
        self.errors.append(&mut self.warnings);
        (self.errors, self.dropped, self.dropped_error)
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
