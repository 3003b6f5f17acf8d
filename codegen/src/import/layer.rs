//! The imported layer as a file: its header, and its text.
//!
//! A layer is a generated JSON file in the spec's own shape (`operations` → parameters,
//! response fields, errors, sample), holding only what Alibaba's metadata states, plus a header
//! naming the metadata it came from. Its text is a pure function of the metadata file and the
//! selected operations, so importing the same file twice writes the same bytes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The header of an imported layer: which metadata, and what was not carried over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedFrom {
    /// The metadata file's name.
    pub file: String,
    /// Hex SHA-256 of the metadata file's bytes.
    pub sha256: String,
    /// The API style the metadata states.
    pub style: String,
    /// The product code the metadata states; must be the spec's.
    pub product: String,
    /// The API version the metadata states; must be the spec's.
    pub api_version: String,
    /// The operations imported, in the metadata's order.
    pub operations: Vec<String>,
    /// Keys of the metadata the spec has no place for (`operation.schemes`, ...), sorted.
    pub not_imported: Vec<String>,
}

/// The layer's text: two-space indented JSON and a final newline, keys in the order the
/// importer wrote them.
pub fn render(layer: &Value) -> String {
    let mut text = serde_json::to_string_pretty(layer).expect("a layer is plain JSON");
    text.push('\n');
    text
}

/// The header of a parsed layer, or why it is not one.
pub fn header(layer: &Value) -> Result<ImportedFrom, String> {
    let header = layer
        .get("importedFrom")
        .ok_or("no `importedFrom` header; expected a file written by `dwdi-codegen import`")?;
    serde_json::from_value(header.clone()).map_err(|e| format!("`importedFrom`: {e}"))
}

/// The file name a metadata file's layer gets in `spec/imported/`: product and version.
pub fn file_name(header: &ImportedFrom) -> String {
    format!("{}-{}.json", header.product, header.api_version)
}
