//! The engine's output for small specs that each stress one thing: keyword names, names that
//! could collide, nested arrays of objects, enums meeting unknown values, optional JSON-string
//! parameters. One snapshot per fixture in `fixtures/engine/`; the same fixtures are compiled
//! and exercised by `examples/macro-client/tests/fixtures.rs`, so a snapshot is never of code
//! that does not build.

use dwdi_codegen::engine::{Settings, render_items};
use dwdi_codegen::load_path;

#[test]
fn engine_output_per_fixture() {
    insta::glob!("fixtures/engine/*.json", |path| {
        let loaded = load_path(path).unwrap_or_else(|e| panic!("the fixture loads:\n{e}"));
        insta::assert_snapshot!(render_items(&loaded, &Settings::default()));
    });
}

#[test]
fn every_fixture_is_compiled_by_the_macro_client() {
    // A fixture added here but not there would be snapshotted without ever being compiled.
    let compiled = include_str!("../../examples/macro-client/tests/fixtures.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/engine");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the fixture directory exists")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        let call = format!("generate!(\"../../codegen/tests/fixtures/engine/{name}\")");
        assert!(
            compiled.contains(&call),
            "examples/macro-client/tests/fixtures.rs does not compile {name}: add `{call};` in a module"
        );
    }
}
