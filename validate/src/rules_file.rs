//! The sibling of each generated schema, `<document>.rules.json`: what dwdi checks beyond
//! JSON Schema. Kept out of the schema so that the schema uses no keyword outside draft
//! 2020-12 and strict validators (ajv's default strict mode) accept it as it is.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::rules::Rule;

/// A document's rules file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesFile {
    /// What the file is, for a reader who finds it beside the schema.
    #[serde(rename = "$comment", default)]
    pub comment: String,
    /// The document's name (the schema's title).
    pub document: String,
    /// The `$id` of the schema these rules go with.
    pub schema: String,
    /// Maps whose documented keys are known: another key is a warning (an error when strict).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_keys: Vec<KnownKeys>,
    /// Rules over the whole document that JSON Schema cannot state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// The root members of the other documents, to name the kind a misplaced document looks
    /// like.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub other_kinds: IndexMap<String, Vec<String>>,
}

/// The documented keys of the maps at one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KnownKeys {
    /// Where the maps are (a JSON pointer in which `*` matches every member or item).
    pub at: String,
    /// The documented keys.
    pub keys: Vec<String>,
}
