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

impl std::error::Error for OperationFailed {}

/// A fresh idempotency token (32 random hex characters) for operations that take one, so that
/// a retried call cannot start a second process.
pub fn client_token() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}
