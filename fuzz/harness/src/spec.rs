//! The `spec` target: a spec file's text through the loader (parse, layers, merge, format and
//! consistency checks) and, when it loads, the lint.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

/// The committed spec, whose directory holds the layers a fuzzed spec may import.
fn spec_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/dataworks-di.json")
}

/// The layers the committed spec imports: the only ones a fuzzed spec may name.
fn committed_imports() -> &'static [String] {
    static IMPORTS: OnceLock<Vec<String>> = OnceLock::new();
    IMPORTS.get_or_init(|| {
        let text = std::fs::read_to_string(spec_file()).expect("the committed spec is readable");
        let spec: Value = serde_json::from_str(&text).expect("the committed spec is JSON");
        spec.get("imports")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// True when `text` would make the loader read a file other than a committed layer: the
/// loader reads any path it is given (a fifo or a terminal would block the fuzzer), and which
/// files exist is not what is being tested.
fn imports_elsewhere(text: &str) -> bool {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let Some(list) = value.get("imports").and_then(Value::as_array) else {
        return false;
    };
    list.iter()
        .filter_map(Value::as_str)
        .any(|path| !committed_imports().iter().any(|c| c == path))
}

/// Loads `data` as the spec file `spec/dataworks-di.json` (so that it may import the
/// committed layers), and lints it when it loads.
///
/// Panics when the loader or the lint does, when a load error names no problem, or when the
/// lint's JSON report is not JSON.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if imports_elsewhere(text) {
        return;
    }
    match dwdi_codegen::load_str(text, &spec_file()) {
        Ok(loaded) => {
            // What `dwdi-codegen lint` prints: the findings held against the errata, placed in
            // their files, as text and as JSON.
            let report = dwdi_codegen::lint::Report::of(&loaded);
            let text = report.render_text(&loaded);
            let json = report.to_json();
            assert!(
                serde_json::from_str::<Value>(&json).is_ok(),
                "the lint's JSON report is not JSON: {json}"
            );
            let _ = text;
        }
        Err(dwdi_codegen::LoadError::Invalid { problems, .. }) => {
            assert!(
                !problems.is_empty(),
                "the spec is refused without a problem"
            );
        }
        Err(dwdi_codegen::LoadError::Read { .. }) => {}
    }
}
