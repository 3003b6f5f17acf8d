//! Loading a spec file: read, parse, check against the spec format, then check consistency.
//!
//! Every stage after parsing collects all of its problems before giving up, so that one run
//! shows everything wrong with the file. Each problem names the file, line:column, the JSON
//! pointer and what was expected.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::check;
use crate::model::{Spec, spec_schema};
use crate::position::{Pos, Positions};

/// A spec that loaded: the model, the raw value it came from and where each value sits.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The file it was read from, as given.
    pub file: PathBuf,
    /// The typed model.
    pub spec: Spec,
    /// The parsed JSON, for pointers into the file.
    pub value: Value,
    /// Where each value sits in the file.
    pub positions: Positions,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// One thing wrong with a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
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
            file.display(),
            p.pos,
            at,
            p.message
        ));
    }
    out
}

/// Reads and loads the spec at `path`.
pub fn load_path(path: &Path) -> Result<LoadedSpec, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        file: path.to_owned(),
        source,
    })?;
    load_str(&text, path)
}

/// Loads a spec from its text; `file` names it in messages.
pub fn load_str(text: &str, file: &Path) -> Result<LoadedSpec, LoadError> {
    let invalid = |problems: Vec<Problem>| LoadError::Invalid {
        file: file.to_owned(),
        problems,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| {
        invalid(vec![Problem {
            pos: Pos {
                line: e.line(),
                column: e.column(),
            },
            pointer: String::new(),
            message: format!("the file is not valid JSON: {e}"),
        }])
    })?;
    let positions = Positions::index(text);

    let mut problems: Vec<Problem> = positions
        .duplicates()
        .iter()
        .map(|d| Problem {
            pos: d.pos,
            pointer: d.object.clone(),
            message: format!(
                "duplicate key `{}`: each name may be declared once in an object",
                d.key
            ),
        })
        .collect();
    problems.extend(format_problems(&value, &positions));
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.pos);
        return Err(invalid(problems));
    }

    let spec: Spec = serde_json::from_value(value.clone()).map_err(|e| {
        invalid(vec![Problem {
            pos: Pos { line: 1, column: 1 },
            pointer: String::new(),
            message: format!("the spec does not fit the spec format: {e}"),
        }])
    })?;

    let mut problems: Vec<Problem> = check::consistency(&spec, &value)
        .into_iter()
        .map(|(pointer, message)| Problem {
            pos: positions.nearest(&pointer),
            pointer,
            message,
        })
        .collect();
    if !problems.is_empty() {
        problems.sort_by(|a, b| a.pos.cmp(&b.pos).then_with(|| a.message.cmp(&b.message)));
        return Err(invalid(problems));
    }

    Ok(LoadedSpec {
        file: file.to_owned(),
        spec,
        value,
        positions,
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
    })
}

/// The spec format's JSON Schema, built once.
fn spec_schema_value() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(spec_schema)
}

/// Checks the value against the spec format's JSON Schema, reporting every violation.
fn format_problems(value: &Value, positions: &Positions) -> Vec<Problem> {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(spec_schema_value()).expect("the spec format's schema is valid")
    });
    validator
        .iter_errors(value)
        .map(|error| {
            let pointer = error.instance_path().to_string();
            Problem {
                pos: positions.nearest(&pointer),
                message: format!("does not fit the spec format: {}", describe(&error)),
                pointer,
            }
        })
        .collect()
}

/// jsonschema's message, made to say what was expected where it only names a keyword: a
/// value outside a closed set of constants lists the constants.
fn describe(error: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    let branches = match error.kind() {
        K::OneOfNotValid { context } | K::AnyOf { context } => context,
        K::AdditionalProperties { unexpected } => {
            let schema_path = error.schema_path().to_string();
            let parent = schema_path
                .strip_suffix("/additionalProperties")
                .unwrap_or(&schema_path);
            let allowed: Vec<&str> = spec_schema_value()
                .pointer(&format!("{parent}/properties"))
                .and_then(Value::as_object)
                .map(|props| props.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return format!(
                "unknown key{} {}; expected only {}",
                if unexpected.len() == 1 { "" } else { "s" },
                unexpected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                allowed.join(", ")
            );
        }
        _ => return error.to_string(),
    };
    let mut constants = Vec::new();
    for branch in branches {
        for e in branch {
            match e.kind() {
                K::Constant { expected_value } => constants.push(expected_value.to_string()),
                K::Enum { options } => match options.as_array() {
                    Some(values) => constants.extend(values.iter().map(Value::to_string)),
                    None => return error.to_string(),
                },
                _ => return error.to_string(),
            }
        }
    }
    if constants.is_empty() {
        return error.to_string();
    }
    format!(
        "{} is not an accepted value; expected one of {}",
        error.instance(),
        constants.join(", ")
    )
}
