//! Generates the client from the spec into OUT_DIR with the engine's library API, the same
//! engine and settings the `dwdi-codegen` command and the `generate!` macro use.

use std::path::{Path, PathBuf};

use dwdi_codegen::engine::{Settings, generate_to};

/// This example reads the workspace's spec rather than keeping a duplicate copy; a user of
/// this pattern points it at their own copy, e.g. `spec/dataworks-di.json` next to Cargo.toml.
const SPEC: &str = "../../spec/dataworks-di.json";

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let spec = manifest_dir.join(SPEC);
    // Without this, cargo would rerun the script on any change in the package, and never on
    // a change to the spec, which lives outside it.
    println!("cargo:rerun-if-changed={}", spec.display());
    // The layers the spec imports from Alibaba's metadata live beside it, in `imported/`.
    if let Some(dir) = spec.parent() {
        println!("cargo:rerun-if-changed={}", dir.join("imported").display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    if let Err(e) = generate_to(
        Path::new(&spec),
        &out_dir,
        "dataworks_di.rs",
        &Settings::default(),
    ) {
        // The loader's message lists every problem with line:column; show it and stop.
        eprintln!("{e}");
        std::process::exit(1);
    }
}
