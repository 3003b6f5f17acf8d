//! Loading a spec file: read, parse, merge its imported layers, check against the spec format,
//! then check consistency.
//!
//! A spec file may name imported layers (`imports`, paths relative to it): files that
//! `dwdi-codegen import` writes from Alibaba's metadata. They are merged under the
//! hand-written facts into the effective spec ([`crate::import::merge`]); every later stage
//! works on the effective spec, and reports a problem in whichever file holds the value.
//!
//! Every stage after parsing collects all of its problems before giving up, so that one run
//! shows everything wrong with the files. Each problem names the file, line:column, the JSON
//! pointer and what was expected.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::check;
use crate::import::layer::{self, ImportedFrom};
use crate::import::merge::{self, Disagreement, Dropped, LayerInput, Origin};
use crate::import::provenance::Provenance;
use crate::import::read_bounded;
use crate::model::{Spec, spec_schema};
use crate::position::{Pos, Positions};
use dwdi_validate::read::{NotUtf8, TextError};

/// An imported layer as loaded.
#[derive(Debug, Clone)]
pub struct Layer {
    /// The file, as messages name it (relative to the spec as the caller named it).
    pub file: PathBuf,
    /// Where it was read.
    pub path: PathBuf,
    /// Its header: the metadata it came from.
    pub header: ImportedFrom,
    /// The parsed layer.
    pub value: Value,
    /// Where each value sits in the file.
    pub positions: Positions,
}

/// A spec that loaded: the effective model, the value it came from and where each value sits.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The hand-written file, as given.
    pub file: PathBuf,
    /// The typed effective model: the hand-written file with its imported layers merged in.
    pub spec: Spec,
    /// The effective model as JSON, for pointers into it.
    pub value: Value,
    /// Where each value sits in the hand-written file.
    pub positions: Positions,
    /// Hex SHA-256 of the hand-written file's bytes, and of its layers' after it.
    pub sha256: String,
    /// The imported layers, in `imports` order.
    pub layers: Vec<Layer>,
    /// Where each fact of the operations comes from.
    pub provenance: Provenance,
    /// Facts the pages (as the hand-written file records them) and the metadata state
    /// differently.
    pub disagreements: Vec<Disagreement>,
    /// Hand-written entries that refine facts no imported layer states: not in the effective
    /// spec.
    pub dropped: Vec<Dropped>,
}

impl LoadedSpec {
    /// The file and position where the value at `pointer` is written: the hand-written file
    /// when it holds it, else the layer that does, else the nearest hand-written ancestor.
    pub fn locate(&self, pointer: &str) -> (&Path, Pos) {
        Files {
            file: &self.file,
            positions: &self.positions,
            layers: &self.layers,
        }
        .locate(pointer)
    }
}

/// The files of a spec, for placing pointers into them.
struct Files<'a> {
    file: &'a Path,
    positions: &'a Positions,
    layers: &'a [Layer],
}

impl<'a> Files<'a> {
    fn locate(&self, pointer: &str) -> (&'a Path, Pos) {
        if let Some(pos) = self.positions.get(pointer) {
            return (self.file, pos);
        }
        // A value of a sample the page prints differently is written in `pageDiffers`.
        if let Some((sample, inner)) = pointer.split_once("/sample/body/")
            && let Some(pos) = self.positions.get(&format!(
                "{sample}/sample/pageDiffers/{}",
                crate::position::escape_token(&format!("/{inner}"))
            ))
        {
            return (self.file, pos);
        }
        for layer in self.layers {
            if let Some(pos) = layer.positions.get(pointer) {
                return (&layer.file, pos);
            }
        }
        (self.file, self.positions.nearest(pointer))
    }

    /// A problem at `pointer` of the effective spec, in the file that holds the value.
    fn problem(&self, pointer: String, message: String) -> Problem {
        let (file, pos) = self.locate(&pointer);
        Problem {
            file: (file != self.file).then(|| file.to_owned()),
            pos,
            pointer,
            message,
        }
    }
}

/// One thing wrong with a spec file or one of its layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The imported layer the problem is in; `None` for the spec file itself.
    pub file: Option<PathBuf>,
    /// Where in the file.
    pub pos: Pos,
    /// JSON pointer to the offending value (`""` is the whole document).
    pub pointer: String,
    /// What was wrong and what was expected.
    pub message: String,
}

/// Why a spec could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{}: cannot read the spec: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid spec.
    #[error("{}", render_problems(file, problems))]
    Invalid {
        /// The file.
        file: PathBuf,
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
}

fn render_problems(file: &Path, problems: &[Problem]) -> String {
    let mut out = format!(
        "{}: the spec cannot be loaded ({} problem{}):",
        file.display(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        let at = if p.pointer.is_empty() {
            "the document".to_owned()
        } else {
            format!("`{}`", p.pointer)
        };
        out.push_str(&format!(
            "\n  {}:{}: at {}: {}",
            p.file.as_deref().unwrap_or(file).display(),
            p.pos,
            at,
            p.message
        ));
    }
    out
}

/// Reads and loads the spec at `path`.
pub fn load_path(path: &Path) -> Result<LoadedSpec, LoadError> {
    load_named(path, path)
}

/// Reads and loads the spec at `path`, naming it `shown` in messages (and its layers relative
/// to `shown`): for callers that resolve a path the user wrote against another directory.
pub fn load_named(path: &Path, shown: &Path) -> Result<LoadedSpec, LoadError> {
    load_replacing(path, shown, None)
}

/// As [`load_named`], with the layer at `replaced.0` read as the text `replaced.1` instead of
/// from disk: `dwdi-codegen import` checks that a new layer loads before writing it.
pub fn load_replacing(
    path: &Path,
    shown: &Path,
    replaced: Option<(&Path, &str)>,
) -> Result<LoadedSpec, LoadError> {
    let text = match read_bounded(path) {
        Ok(text) => text,
        Err(TextError::Read(e)) => {
            return Err(LoadError::Read {
                file: shown.to_owned(),
                source: e.into(),
            });
        }
        Err(TextError::NotUtf8(e)) => {
            return Err(LoadError::Invalid {
                file: shown.to_owned(),
                problems: vec![not_utf8(None, &e)],
            });
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    load_text(&text, shown, dir, replaced)
}

/// Loads a spec from its text; `file` names it in messages, and its layers are read relative
/// to it.
pub fn load_str(text: &str, file: &Path) -> Result<LoadedSpec, LoadError> {
    let dir = file.parent().unwrap_or(Path::new("."));
    load_text(text, file, dir, None)
}

fn load_text(
    text: &str,
    file: &Path,
    dir: &Path,
    replaced: Option<(&Path, &str)>,
) -> Result<LoadedSpec, LoadError> {
    let invalid = |mut problems: Vec<Problem>| {
        // Stable: problems at one place keep the order their stage gave them.
        problems.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
        LoadError::Invalid {
            file: file.to_owned(),
            problems,
        }
    };
    let hand: Value = serde_json::from_str(text).map_err(|e| {
        invalid(vec![Problem {
            file: None,
            pos: Pos {
                line: e.line(),
                column: e.column(),
            },
            pointer: String::new(),
            message: format!("the file is not valid JSON: {e}"),
        }])
    })?;
    let positions = Positions::index(text);
    let mut problems = duplicate_keys(&positions, None);
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    let layers = read_layers(
        &hand,
        &positions,
        file,
        dir,
        replaced,
        &mut hasher,
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(invalid(problems));
    }

    let inputs: Vec<LayerInput<'_>> = layers
        .iter()
        .map(|l| LayerInput {
            header: &l.header,
            value: &l.value,
        })
        .collect();
    let merged = merge::merge(&hand, &inputs);
    let files = Files {
        file,
        positions: &positions,
        layers: &layers,
    };
    let problems: Vec<Problem> = merged
        .problems
        .into_iter()
        .map(|p| match p.origin {
            Origin::Hand => Problem {
                file: None,
                pos: positions.nearest(&p.pointer),
                pointer: p.pointer,
                message: p.message,
            },
            Origin::Layer(i) => Problem {
                file: Some(layers[i].file.clone()),
                pos: layers[i].positions.nearest(&p.pointer),
                pointer: p.pointer,
                message: p.message,
            },
        })
        .collect();
    if !problems.is_empty() {
        return Err(invalid(problems));
    }

    let problems = format_problems(&merged.value, &files);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }

    let spec: Spec = serde_json::from_value(merged.value.clone()).map_err(|e| {
        invalid(vec![Problem {
            file: None,
            pos: Pos { line: 1, column: 1 },
            pointer: String::new(),
            message: format!("the spec does not fit the spec format: {e}"),
        }])
    })?;

    let mut problems: Vec<Problem> = check::consistency(&spec, &merged.value)
        .into_iter()
        .map(|(pointer, message)| files.problem(pointer, message))
        .collect();
    problems.sort_by(|a, b| a.message.cmp(&b.message));
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let sha256 = if layers.is_empty() {
        hex::encode(Sha256::digest(text.as_bytes()))
    } else {
        hex::encode(hasher.finalize())
    };
    Ok(LoadedSpec {
        file: file.to_owned(),
        spec,
        value: merged.value,
        positions,
        sha256,
        layers,
        provenance: merged.provenance,
        disagreements: merged.disagreements,
        dropped: merged.dropped,
    })
}

/// Bytes that are not UTF-8, placed at the first bad byte.
fn not_utf8(file: Option<&Path>, e: &NotUtf8) -> Problem {
    Problem {
        file: file.map(Path::to_owned),
        pos: Pos {
            line: e.line,
            column: e.column,
        },
        pointer: String::new(),
        message: e.to_string(),
    }
}

fn duplicate_keys(positions: &Positions, file: Option<&Path>) -> Vec<Problem> {
    positions
        .duplicates()
        .iter()
        .map(|d| Problem {
            file: file.map(Path::to_owned),
            pos: d.pos,
            pointer: d.object.clone(),
            message: format!(
                "duplicate key `{}`: each name may be declared once in an object",
                d.key
            ),
        })
        .collect()
}

/// Reads the layers `imports` names, collecting what keeps any from being read.
fn read_layers(
    hand: &Value,
    positions: &Positions,
    file: &Path,
    dir: &Path,
    replaced: Option<(&Path, &str)>,
    hasher: &mut Sha256,
    problems: &mut Vec<Problem>,
) -> Vec<Layer> {
    let Some(imports) = hand.get("imports") else {
        return Vec::new();
    };
    let mut problem = |pointer: String, layer: Option<&Path>, pos: Pos, message: String| {
        problems.push(Problem {
            file: layer.map(Path::to_owned),
            pos,
            pointer,
            message,
        });
    };
    let Some(list) = imports.as_array() else {
        problem(
            "/imports".into(),
            None,
            positions.nearest("/imports"),
            "`imports` must be a list of paths relative to this file".into(),
        );
        return Vec::new();
    };
    let mut layers = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = format!("/imports/{i}");
        let pos = positions.nearest(&at);
        let Some(relative) = entry.as_str() else {
            problem(
                at,
                None,
                pos,
                "expected a path relative to this file".into(),
            );
            continue;
        };
        let path = dir.join(relative);
        let shown = file
            .parent()
            .map_or_else(|| PathBuf::from(relative), |p| p.join(relative));
        let text = match replaced {
            Some((r, text)) if r == path => Ok(text.to_owned()),
            _ => read_bounded(&path),
        };
        let text = match text {
            Ok(text) => text,
            Err(TextError::NotUtf8(e)) => {
                let p = not_utf8(Some(&shown), &e);
                problem(p.pointer, p.file.as_deref(), p.pos, p.message);
                continue;
            }
            Err(TextError::Read(e)) => {
                problem(
                    at,
                    None,
                    pos,
                    format!(
                        "cannot read the imported layer {}: {e}; run `dwdi-codegen import` to write it",
                        shown.display()
                    ),
                );
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                let pos = Pos {
                    line: e.line(),
                    column: e.column(),
                };
                problem(
                    String::new(),
                    Some(&shown),
                    pos,
                    format!("the layer is not valid JSON: {e}"),
                );
                continue;
            }
        };
        let layer_positions = Positions::index(&text);
        let duplicates = duplicate_keys(&layer_positions, Some(&shown));
        let header = match layer::header(&value) {
            Ok(h) => h,
            Err(message) => {
                let pos = layer_positions.nearest("/importedFrom");
                problem("/importedFrom".into(), Some(&shown), pos, message);
                continue;
            }
        };
        if !duplicates.is_empty() {
            for d in duplicates {
                problem(d.pointer, d.file.as_deref(), d.pos, d.message);
            }
            continue;
        }
        hasher.update(b"\n\0");
        hasher.update(text.as_bytes());
        layers.push(Layer {
            file: shown,
            path,
            header,
            value,
            positions: layer_positions,
        });
    }
    layers
}

/// The spec format's JSON Schema, built once.
fn spec_schema_value() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(spec_schema)
}

/// Checks the effective value against the spec format's JSON Schema, reporting every
/// violation in the file that holds the value.
fn format_problems(value: &Value, files: &Files<'_>) -> Vec<Problem> {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(spec_schema_value()).expect("the spec format's schema is valid")
    });
    validator
        .iter_errors(value)
        .map(|error| {
            let pointer = error.instance_path().to_string();
            let message = format!("does not fit the spec format: {}", describe(&error));
            files.problem(pointer, message)
        })
        .collect()
}

/// jsonschema's message, made to say what was expected where it only names a keyword: a
/// value outside a closed set of constants lists the constants, and an unknown key is named
/// with the keys allowed there, also when it sits in one branch of a `oneOf` / `anyOf` (an
/// optional object is `anyOf [object, null]`).
fn describe(error: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    match error.kind() {
        K::AdditionalProperties { unexpected } => unknown_keys(error, unexpected),
        K::OneOfNotValid { context } | K::AnyOf { context } => constants(error, context)
            .or_else(|| unknown_key_branch(context))
            .unwrap_or_else(|| error.to_string()),
        _ => error.to_string(),
    }
}

/// "unknown key `x`; expected only a, b".
fn unknown_keys(error: &jsonschema::ValidationError<'_>, unexpected: &[String]) -> String {
    let schema_path = error.schema_path().to_string();
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(&schema_path);
    let allowed: Vec<&str> = schema_at(spec_schema_value(), parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|props| props.keys().map(String::as_str).collect())
        .unwrap_or_default();
    format!(
        "unknown key{} {}; expected only {}",
        if unexpected.len() == 1 { "" } else { "s" },
        unexpected
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
        allowed.join(", ")
    )
}

/// The schema a keyword location points at, following `$ref`s (`#/$defs/…`) on the way: the
/// location of an error inside a referenced definition passes through its `$ref`.
fn schema_at<'s>(root: &'s Value, location: &str) -> Option<&'s Value> {
    let mut node = root;
    for token in location.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match (token.as_str(), node.get("$ref").and_then(Value::as_str)) {
            ("$ref", Some(reference)) => root.pointer(reference.strip_prefix('#')?)?,
            _ => match node {
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => node.get(&token)?,
            },
        };
    }
    Some(node)
}

/// A value outside a closed set of constants: the constants.
fn constants(
    error: &jsonschema::ValidationError<'_>,
    branches: &[Vec<jsonschema::ValidationError<'_>>],
) -> Option<String> {
    use jsonschema::error::ValidationErrorKind as K;
    let mut constants = Vec::new();
    for branch in branches {
        for e in branch {
            match e.kind() {
                K::Constant { expected_value } => constants.push(expected_value.to_string()),
                K::Enum { options } => {
                    constants.extend(options.as_array()?.iter().map(Value::to_string))
                }
                _ => return None,
            }
        }
    }
    (!constants.is_empty()).then(|| {
        format!(
            "{} is not an accepted value; expected one of {}",
            error.instance(),
            constants.join(", ")
        )
    })
}

/// The branch of a `oneOf` / `anyOf` that fails only for unknown keys is the one the writer
/// meant: its unknown keys, named.
fn unknown_key_branch(branches: &[Vec<jsonschema::ValidationError<'_>>]) -> Option<String> {
    branches.iter().find_map(|branch| {
        let named: Vec<String> = branch
            .iter()
            .map(|e| Some(describe(e)).filter(|m| m.starts_with("unknown key")))
            .collect::<Option<_>>()?;
        (!named.is_empty()).then(|| named.join("; "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::{SPEC, in_workspace};

    /// The live spec with `edit` applied, loaded from beside the real one (for its layers).
    fn load_edited(edit: impl FnOnce(&mut Value)) -> Result<LoadedSpec, LoadError> {
        let path = in_workspace(SPEC);
        let text = std::fs::read_to_string(&path).expect("the spec");
        let mut value: Value = serde_json::from_str(&text).expect("json");
        edit(&mut value);
        let text = serde_json::to_string_pretty(&value).expect("json");
        load_str(&text, &path)
    }

    fn messages(e: LoadError) -> Vec<String> {
        match e {
            LoadError::Invalid { problems, .. } => {
                problems.into_iter().map(|p| p.message).collect()
            }
            other => panic!("expected problems, got {other}"),
        }
    }

    #[test]
    fn every_unknown_key_inside_one_of_and_any_of_is_named() {
        // Each place is a branch of a `oneOf` or an optional (`anyOf [X, null]`) object.
        let places: [(&str, &str); 5] = [
            (
                "/operations/GetDISyncInstanceInfo/response/data/fields/Message/nullWhen",
                "nullWhen",
            ),
            (
                "/operations/GetDISyncInstanceInfo/response/data/fields/Status/enumBy",
                "enumBy",
            ),
            (
                "/operations/GetDISyncInstanceInfo/response/data/fields/Status/stated",
                "stated",
            ),
            ("/documents/TaskParam/rules/0", "rule"),
            ("/waiters/ConfigProcess", "waiter"),
        ];
        for (pointer, what) in places {
            let e = load_edited(|v| {
                let target = v.pointer_mut(pointer).expect(pointer);
                target["bogusKey"] = Value::Bool(true);
            })
            .expect_err(what);
            let messages = messages(e);
            assert!(
                messages
                    .iter()
                    .any(|m| m.contains("unknown key `bogusKey`; expected only ")),
                "{what}: {messages:?}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_placed_by_file_line_and_column() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("spec.json");
        std::fs::write(&path, b"{\n  \"product\": \"d\xffx\"\n}").expect("write");
        let e = load_path(&path).expect_err("refused");
        let text = e.to_string();
        assert!(
            text.contains("spec.json:2:16: at the document: not UTF-8: byte 0xFF"),
            "{text}"
        );
    }

    #[test]
    fn an_endless_file_is_too_big() {
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            let text = load_path(zero).expect_err("refused").to_string();
            assert!(text.contains("too big"), "{text}");
        }
    }
}
