//! `generated/` is checked in; this test regenerates it in memory and fails when it is stale.

use std::path::Path;

use dwdi_codegen::load_path;
use dwdi_codegen::outputs::{generated_files, orphaned_files};

#[test]
fn generated_files_are_fresh() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let loaded = load_path(&root.join("spec/dataworks-di.json"))
        .unwrap_or_else(|e| panic!("the spec loads:\n{e}"));
    let files = generated_files(&loaded);
    let orphans = orphaned_files(&files);
    assert!(
        orphans.is_empty(),
        "generated sources the spec no longer generates {orphans:?}: run `cargo run -p dwdi-codegen` (it removes them) and commit"
    );
    let stale: Vec<String> = files
        .into_iter()
        .filter(|(path, fresh)| {
            std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(fresh.as_str())
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo run -p dwdi-codegen` and commit"
    );
}
