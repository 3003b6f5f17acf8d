//! The spec, loaded once per test binary with the same loader the generator uses.

use std::path::PathBuf;
use std::sync::OnceLock;

use dwdi_codegen::LoadedSpec;

/// `spec/dataworks-di.json` of this workspace.
pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/dataworks-di.json")
}

/// The loaded spec; panics with the loader's message (file:line:column) when it cannot load.
pub fn loaded() -> &'static LoadedSpec {
    static SPEC: OnceLock<LoadedSpec> = OnceLock::new();
    SPEC.get_or_init(|| match dwdi_codegen::load_path(&path()) {
        Ok(loaded) => loaded,
        Err(e) => panic!("the contract suites need a loadable spec: {e}"),
    })
}
