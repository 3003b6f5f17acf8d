//! What dwdi's fuzz targets run, one function per target, each taking the fuzzer's bytes.
//!
//! The cargo-fuzz crate (`fuzz/`, nightly, outside the workspace) calls these functions and
//! nothing else; the stable test `tests/replay.rs` feeds every committed seed and regression
//! input through the same functions, so a crash once found stays fixed without nightly.
//!
//! Each function panics when, and only when, an invariant of the code under test breaks: a
//! panic inside dwdi, or a property that must hold for every input (the validator's two paths
//! agree, a secret never reaches an error, answers stay bounded). Inputs that are merely
//! invalid are expected and return normally.
//!
//! | target      | function             | what it drives                                            |
//! |-------------|----------------------|-----------------------------------------------------------|
//! | `document`  | [`document::run`]    | `dwdi-validate`: every document kind, both strict modes   |
//! | `spec`      | [`spec::run`]        | `dwdi-codegen`'s spec loader, then its lint               |
//! | `request`   | [`request::run`]     | the mock's request handling, `dwdi-wire-verify`           |
//! | `response`  | [`response::run`]    | the runtime's answer decoding and the typed `Data`        |

pub mod document;
pub mod request;
pub mod response;
pub mod spec;

/// A target: the fuzzer's bytes in, a panic when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target by name, in the order `fuzz/run.sh all` runs them.
pub const TARGETS: &[(&str, Target)] = &[
    ("document", document::run),
    ("spec", spec::run),
    ("request", request::run),
    ("response", response::run),
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}
