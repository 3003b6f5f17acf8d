//! Contract suites for the generated client, derived from the spec. The suites are in
//! `tests/`; this library holds what they share.

pub mod dispatch;
pub mod harness;
pub mod sdk;
pub mod spec;
pub mod strategies;
