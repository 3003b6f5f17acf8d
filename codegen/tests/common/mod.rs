//! Shared helpers: the real spec, the minimal fixture, and loading mutated copies of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dwdi_codegen::{LoadError, LoadedSpec, load_named, load_str};
use serde_json::Value;

/// The workspace's spec, as text.
pub fn real_spec_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/dataworks-di.json"
    ))
    .expect("spec/dataworks-di.json is readable")
}

/// The workspace's `spec/` directory.
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// The workspace's spec with its imported layers, named as from the workspace root.
pub fn real_spec() -> LoadedSpec {
    load_named(
        &spec_dir().join("dataworks-di.json"),
        Path::new("spec/dataworks-di.json"),
    )
    .unwrap_or_else(|e| panic!("the spec loads:\n{e}"))
}

/// Copies the workspace's `spec/` (the spec, its layers and its metadata) into `dest`, for
/// tests that import into a scratch copy.
pub fn copy_spec_dir(dest: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("readable dir") {
            let entry = entry.expect("dir entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copied");
            }
        }
    }
    copy(&spec_dir(), dest);
}

/// A lint or load report without `:line:column` after file names: positions move with every
/// edit of a spec, so snapshots leave them out (the reports themselves keep them).
pub fn without_positions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(".json:") {
        out.push_str(&rest[..i + 5]);
        let after = &rest[i + 5..];
        // `:LINE:COLUMN`
        let mut chars = after.char_indices().peekable();
        let mut end = 0;
        let mut colons = 0;
        while let Some((j, c)) = chars.next() {
            if c == ':' && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
                colons += 1;
                end = j + 1;
                while let Some((k, d)) = chars.peek().copied() {
                    if !d.is_ascii_digit() {
                        break;
                    }
                    end = k + d.len_utf8();
                    chars.next();
                }
                if colons == 2 {
                    break;
                }
            } else {
                break;
            }
        }
        if colons == 2 {
            rest = &after[end..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
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
