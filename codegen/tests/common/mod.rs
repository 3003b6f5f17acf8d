//! Shared helpers: the real spec, the minimal fixture, and loading mutated copies of them.
#![allow(dead_code)]

use std::path::Path;

use dwdi_codegen::{LoadError, LoadedSpec, load_str};
use serde_json::Value;

/// The workspace's spec, as text.
pub fn real_spec_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/dataworks-di.json"
    ))
    .expect("spec/dataworks-di.json is readable")
}

/// The workspace's spec, loaded under its workspace-relative name.
pub fn real_spec() -> LoadedSpec {
    load_str(&real_spec_text(), Path::new("spec/dataworks-di.json"))
        .unwrap_or_else(|e| panic!("the spec loads:\n{e}"))
}

/// The minimal fixture, a small spec that loads and lints clean.
pub fn minimal() -> Value {
    let text = include_str!("../fixtures/minimal.json");
    serde_json::from_str(text).expect("the fixture is JSON")
}

/// Loads a value as a spec file named `fixture.json`.
pub fn load_value(value: &Value) -> Result<LoadedSpec, LoadError> {
    let text = serde_json::to_string_pretty(value).expect("serialises");
    load_str(&text, Path::new("fixture.json"))
}

/// The minimal fixture after `change`.
pub fn mutated(change: impl FnOnce(&mut Value)) -> Value {
    let mut value = minimal();
    change(&mut value);
    value
}

/// The value at `pointer`, which must exist.
pub fn at<'v>(value: &'v mut Value, pointer: &str) -> &'v mut Value {
    value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} exists"))
}

/// The object at `pointer`, which must exist.
pub fn obj<'v>(value: &'v mut Value, pointer: &str) -> &'v mut serde_json::Map<String, Value> {
    at(value, pointer).as_object_mut().expect("an object")
}

pub const OP: &str = "/operations/GetThing";
