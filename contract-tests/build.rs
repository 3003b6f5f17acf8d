//! Generates the typed dispatch from the spec: for each operation, decode `Data` into its
//! generated `*Data` type and turn a runtime error into its generated `*Error` enum. A new
//! operation in the spec gets its dispatch arm without new Rust code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/dataworks-di.json");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    let loaded = match dwdi_codegen::load_path(&spec_path) {
        Ok(loaded) => loaded,
        Err(e) => panic!("the contract suites need a loadable spec: {e}"),
    };
    // The spec's imported layers hold facts too (written by `dwdi-codegen import`).
    for layer in &loaded.layers {
        println!("cargo:rerun-if-changed={}", layer.path.display());
    }
    let mut data_arms = String::new();
    let mut error_arms = String::new();
    for action in loaded.spec.operations.keys() {
        let ty = dwdi_codegen::names::pascal(action);
        writeln!(
            data_arms,
            "        {action:?} => Some(typed_data::<::dataworks_di::{ty}Data>(data)),"
        )
        .expect("write to a String");
        writeln!(
            error_arms,
            "        {action:?} => Some(describe_error(&::dataworks_di::{ty}Error::from(error))),"
        )
        .expect("write to a String");
    }
    let code = format!(
        "/// Decodes `data` into the operation's generated `Data` type; gives it serialised back\n\
         /// and its `Debug` text;\n\
         /// `None` for an action the spec does not have.\n\
         pub fn decode_data(action: &str, data: &::serde_json::Value) -> Option<Result<(::serde_json::Value, String), String>> {{\n\
         \x20   match action {{\n{data_arms}        _ => None,\n    }}\n}}\n\n\
         /// The variant of the operation's generated error enum that `error` converts to, and\n\
         /// its message; `None` for an action the spec does not have.\n\
         pub fn typed_error(action: &str, error: ::dwdi_runtime::Error) -> Option<(String, String)> {{\n\
         \x20   match action {{\n{error_arms}        _ => None,\n    }}\n}}\n"
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("dispatch.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("{}: cannot write: {e}", out.display()));
}
