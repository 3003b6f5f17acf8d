//! Outcomes the service reports inside a successful answer: a `Data.Status` saying the call
//! itself failed becomes an error carrying `Data.Message`; and idempotency tokens, so that a
//! retried call cannot start a second process.

use std::fmt;

use crate::transport::RpcResponse;

/// The service took the call (HTTP 200) but reports in `Data` that it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationFailed {
    /// The operation.
    pub action: String,
    /// HTTP status (200).
    pub status: u16,
    /// The request ID.
    pub request_id: Option<String>,
    /// The outcome value the service sent (e.g. `fail`).
    pub outcome: String,
    /// Why it failed, as the service says.
    pub message: Option<String>,
    /// The raw body.
    pub body: String,
}

impl OperationFailed {
    /// Records a failed outcome of `response`.
    pub fn new(response: &RpcResponse, outcome: &str, message: Option<String>) -> Self {
        OperationFailed {
            action: response.action.to_string(),
            status: response.status,
            request_id: response.request_id.clone(),
            outcome: outcome.to_owned(),
            message,
            body: String::from_utf8_lossy(&response.body).into_owned(),
        }
    }
}

impl OperationFailed {
    /// Records a failed outcome from a decoded answer (`body` is the decoded `Data`, as JSON).
    pub fn from_parts(
        action: &str,
        request_id: Option<String>,
        outcome: &str,
        message: Option<String>,
        body: String,
    ) -> Self {
        OperationFailed {
            action: action.to_owned(),
            status: 200,
            request_id,
            outcome: outcome.to_owned(),
            message,
            body,
        }
    }
}

/// Why a generated waiter stopped on a failure.
#[derive(Debug)]
pub enum WaiterFailure<E> {
    /// A poll's call failed (after the runtime's own retries).
    Call(E),
    /// The polled object reached a failure state; the service's message says why.
    State(Box<OperationFailed>),
}

impl<E: fmt::Display> fmt::Display for WaiterFailure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterFailure::Call(e) => write!(f, "a poll failed: {e}"),
            WaiterFailure::State(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaiterFailure<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterFailure::Call(e) => Some(e),
            WaiterFailure::State(e) => Some(e.as_ref()),
        }
    }
}

impl fmt::Display for OperationFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the service reports `{}`: {}",
            self.action,
            self.outcome,
            self.message.as_deref().unwrap_or("(no message)")
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for OperationFailed {
    /// The service's own verdict: nothing on this side caused it.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        None
    }
}

/// A fresh idempotency token (32 random hex characters) for operations that take one, so that
/// a retried call cannot start a second process.
pub fn client_token() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// A JSON document a string parameter carries: raw text as given, or a typed document
/// serialised. Generated builders take `impl JsonText` for JSON-in-a-string parameters.
pub trait JsonText {
    /// The JSON text to send.
    fn into_json_text(self) -> String;
}

impl JsonText for String {
    fn into_json_text(self) -> String {
        self
    }
}

impl JsonText for &String {
    fn into_json_text(self) -> String {
        self.clone()
    }
}

impl JsonText for &str {
    fn into_json_text(self) -> String {
        self.to_owned()
    }
}
