//! Where the workspace keeps the spec and its schema.

use std::path::{Path, PathBuf};

/// The spec, relative to the workspace root.
pub const SPEC: &str = "spec/dataworks-di.json";
/// The spec format's JSON Schema, relative to the workspace root.
pub const SPEC_SCHEMA: &str = "spec/spec.schema.json";

/// The workspace root: the current directory when it holds the spec (so messages show short
/// relative paths), else the root this crate was built in.
pub fn workspace_root() -> PathBuf {
    if Path::new(SPEC).is_file() {
        PathBuf::from(".")
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

/// Joins a workspace-relative path onto the root, keeping `./` out of messages.
pub fn in_workspace(relative: &str) -> PathBuf {
    let root = workspace_root();
    if root == Path::new(".") {
        PathBuf::from(relative)
    } else {
        root.join(relative)
    }
}
