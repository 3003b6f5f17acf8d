//! Contract suites for the generated client live in `tests/`; `cargo test` runs them.
