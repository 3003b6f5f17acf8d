//! Compile errors the macro reports, pinned with trybuild (`TRYBUILD=overwrite` rewrites the
//! `.stderr` files; CI compares).

#[test]
fn ui() {
    // trybuild compiles the cases in a crate under target/, so CARGO_MANIFEST_DIR would be
    // that crate's; the macro reads this override first, making the cases' paths relative to
    // this package as they would be for a user.
    // SAFETY: this test binary has a single test and sets the variable before any thread that
    // could read the environment exists.
    unsafe {
        std::env::set_var("DWDI_MANIFEST_DIR_OVERRIDE", env!("CARGO_MANIFEST_DIR"));
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
