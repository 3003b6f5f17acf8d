//! `dwdi-codegen import`: Alibaba's metadata → the spec's imported layer, with the change it
//! makes to the effective spec.
//!
//! The layer is written to `imported/<product>-<version>.json` beside the spec, which names it
//! in `imports`. The hand-written spec is never touched. The new layer is written only when
//! the spec loads with it, so a failed import leaves the files as they were; a layer whose
//! text would not change is not written at all, so importing the same file twice leaves every
//! byte as it was.

use std::path::{Path, PathBuf};

use crate::diff::{Change, diff};
use crate::import::merge::Dropped;
use crate::import::{apidocs, layer, read_bounded};
use crate::load::{LoadError, load_named, load_replacing};

/// What an import did.
#[derive(Debug)]
pub struct Imported {
    /// The layer file, as messages name it.
    pub layer: PathBuf,
    /// The spec's `imports` entry for it.
    pub entry: String,
    /// False when the layer already held exactly this text.
    pub written: bool,
    /// The operations imported.
    pub operations: Vec<String>,
    /// Every change to the effective spec, classified; empty when the spec did not load
    /// before the import (there is nothing to compare with).
    pub changes: Vec<Change>,
    /// Whether the effective spec could be loaded before the import.
    pub compared: bool,
    /// Whether the spec names the layer in `imports` (else the layer has no effect yet).
    pub listed: bool,
    /// Hand-written entries the new layer leaves without a fact to refine.
    pub dropped: Vec<Dropped>,
}

/// Why an import failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The metadata could not be read.
    #[error("{}: cannot read the metadata: {source}", file.display())]
    Read {
        /// The metadata file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The metadata says something the spec cannot hold.
    #[error("{}", render(file, problems))]
    Metadata {
        /// The metadata file.
        file: PathBuf,
        /// Every problem, in file order.
        problems: Vec<apidocs::Problem>,
    },
    /// The spec does not load with the new layer.
    #[error("the spec does not load with the new layer, which was not written:\n{0}")]
    Load(#[from] LoadError),
    /// The layer could not be written.
    #[error("{}: cannot write the imported layer: {source}", file.display())]
    Write {
        /// The layer file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn render(file: &Path, problems: &[apidocs::Problem]) -> String {
    let mut out = format!(
        "{}: the metadata cannot be imported ({} problem{}):",
        file.display(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        out.push_str(&format!(
            "\n  {}:{}: at `{}`: {}",
            file.display(),
            p.pos,
            p.pointer,
            p.message
        ));
    }
    out
}

/// Imports `metadata` (the operations named, else all) into the layer beside the spec at
/// `spec` (named `spec_shown` in messages).
pub fn import(
    spec: &Path,
    spec_shown: &Path,
    metadata: &Path,
    operations: Option<&[String]>,
) -> Result<Imported, ImportError> {
    let text = read_bounded(metadata).map_err(|e| ImportError::Read {
        file: metadata.to_owned(),
        source: e.into(),
    })?;
    let file_name = metadata
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let value = apidocs::convert(&text, &file_name, operations).map_err(|problems| {
        ImportError::Metadata {
            file: metadata.to_owned(),
            problems,
        }
    })?;
    let header = layer::header(&value).map_err(|message| ImportError::Metadata {
        file: metadata.to_owned(),
        problems: vec![apidocs::Problem {
            pos: crate::position::Pos { line: 1, column: 1 },
            pointer: String::new(),
            message,
        }],
    })?;
    let layer_text = layer::render(&value);
    let entry = format!("imported/{}", layer::file_name(&header));
    let dir = spec.parent().unwrap_or(Path::new("."));
    let target = dir.join(&entry);
    let shown = spec_shown
        .parent()
        .map_or_else(|| PathBuf::from(&entry), |p| p.join(&entry));

    let before = load_named(spec, spec_shown).ok();
    let after = load_replacing(spec, spec_shown, Some((&target, &layer_text)))?;
    let listed = after.layers.iter().any(|l| l.path == target);
    let current = std::fs::read_to_string(&target).ok();
    let written = current.as_deref() != Some(layer_text.as_str());
    if written {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| ImportError::Write {
                file: shown.clone(),
                source,
            })?;
        }
        std::fs::write(&target, &layer_text).map_err(|source| ImportError::Write {
            file: shown.clone(),
            source,
        })?;
    }
    Ok(Imported {
        layer: shown,
        entry,
        written,
        operations: header.operations,
        changes: before
            .as_ref()
            .map(|b| diff(&b.spec, &after.spec))
            .unwrap_or_default(),
        compared: before.is_some(),
        listed,
        dropped: after.dropped,
    })
}
