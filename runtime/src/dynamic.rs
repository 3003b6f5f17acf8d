//! Operations by action name: what a generated client's dynamic entries take and give back,
//! for tools that hold an action name and text parameters rather than a typed builder (the
//! CLI, the contract suites, the mock).
//!
//! Each entry runs the generated code (the typed builder and `send()`, the typed `Data`, the
//! typed operation error); only the results are seen through these untyped views, so a tool
//! exercises exactly what a Rust caller gets.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::describe::{OperationDesc, ValidationError};
use crate::error::{Error, ServiceError};
use crate::outcome::OperationFailed;
use crate::request::RpcRequest;

/// A `Data` decoded into the operation's typed value, seen back as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedData {
    /// The typed value serialised back: what the client kept of the answer.
    pub json: Value,
    /// The typed value's `Debug` text (it tells a known enum value from an unknown one).
    pub debug: String,
}

/// A successful call, seen through its typed output.
#[derive(Debug, Clone, PartialEq)]
pub struct DynOutput {
    /// The request ID.
    pub request_id: Option<String>,
    /// The typed `Data`.
    pub data: TypedData,
}

/// An operation's typed error, seen by the name of its variant.
#[derive(Debug, Clone)]
pub struct DynError {
    /// The variant of the operation's error enum (e.g. `ParamInvalid`, `Gateway`, `Unknown`).
    pub variant: &'static str,
    /// The typed error's message (`Display`).
    pub message: String,
    /// The service's error answer, when there was one.
    pub service: Option<ServiceError>,
    /// The failed outcome a successful answer reported, when it did.
    pub failed: Option<OperationFailed>,
    /// Why the request was refused before sending, when it was.
    pub invalid: Option<ValidationError>,
}

impl fmt::Display for DynError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DynError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        None
    }
}

/// The future an entry's `send` returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<DynOutput, DynError>> + Send + 'a>>;

/// An entry's `to_request`: the client, the wire-form parameters (name, text), and whether to
/// check JSON documents against their schemas. The refusal is boxed: it is large and rare.
pub type ToRequest<C> =
    fn(&C, &[(String, String)], check_documents: bool) -> Result<RpcRequest, Box<DynError>>;

/// One operation of a generated client `C`, reachable by action name.
pub struct DynOperation<C: 'static> {
    /// What the operation accepts, answers and fails with.
    pub desc: &'static OperationDesc,
    /// Decodes a `Data` object into the operation's typed value.
    pub decode_data: fn(&Value) -> Result<TypedData, String>,
    /// Converts a runtime error into the operation's typed error.
    pub typed_error: fn(Error) -> DynError,
    /// Sets the wire-form parameters (name, text) on the typed builder and sends it.
    pub send: for<'a> fn(&'a C, &'a [(String, String)]) -> SendFuture<'a>,
    /// Sets the wire-form parameters on the typed builder and gives the request its `send()`
    /// would hand the runtime (checked, not yet signed); nothing is sent. With
    /// `check_documents` false, JSON-in-a-string parameters are checked to be JSON only, as
    /// with the builder's `skip_document_validation()`.
    pub to_request: ToRequest<C>,
}

impl<C> fmt::Debug for DynOperation<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynOperation")
            .field("action", &self.desc.action)
            .finish_non_exhaustive()
    }
}
