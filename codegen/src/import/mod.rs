//! Facts from Alibaba's metadata, kept apart from the hand-written spec.
//!
//! `dwdi-codegen import METADATA.json` reads Alibaba's machine-readable API description (the
//! `api-docs.json` format, descriptions in Chinese) and writes its facts, as published, into an
//! *imported layer*: a generated file beside the spec, in the spec's own shape, that the
//! hand-written spec names in `imports` ([`apidocs`] reads the format, [`layer`] writes it).
//! The loader merges the layers under the hand-written facts into the effective spec the
//! generator uses ([`merge`]), and remembers where every fact of an operation came from
//! ([`provenance`]): a page, the metadata, a decision with its reason, or a rule that derived
//! it from them.

pub mod apidocs;
pub mod layer;
pub mod merge;
pub mod provenance;

/// The largest metadata, spec or layer file read, in bytes: far above the real ones (the
/// metadata of the eight DI operations is 64 KiB), low enough that a wrong file is refused
/// before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a text file of at most [`MAX_FILE_BYTES`], counted as read (so a fifo or a device is
/// refused as "too big" too), with the reader every dwdi tool shares.
pub fn read_bounded(path: &std::path::Path) -> Result<String, dwdi_validate::read::TextError> {
    dwdi_validate::read::read_text(path, MAX_FILE_BYTES)
}
