//! dwdi-codegen: the spec model, its loader and lint, and the code generator.
//!
//! Data flows one way: documentation pages → `spec/dataworks-di.json` → [`load`] (a typed,
//! consistent [`model::Spec`]) → [`lint`] (documentation defects held against the recorded
//! errata) → the [`engine`], which names everything through the [`naming`] plan, and the
//! [`openapi`] description of the same operations.
//!
//! The `dwdi-codegen` command is the `cli` feature (on by default); the proc-macro and build
//! scripts use the library without it.

pub mod cases;
pub mod check;
pub mod conform;
pub mod diff;
pub mod engine;
pub mod import;
pub mod import_command;
pub mod lint;
pub mod load;
pub mod model;
pub mod names;
pub mod naming;
pub mod openapi;
pub mod outputs;
pub mod paths;
pub mod schemas;
pub mod summary;

pub use dwdi_validate::position;
pub use load::{LoadError, LoadedSpec, load_named, load_path, load_str};
pub use model::Spec;
