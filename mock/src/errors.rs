//! Error answers: the envelope (`RequestId`, `HostId`, `Code`, `Message`, `Recommend`) and
//! the HTTP status of each code, read from the generated tables (`dataworks_di::meta`): the
//! gateway's codes and each operation's documented ones.

use serde::Serialize;

use dataworks_di::meta::{GATEWAY_ERRORS, OPERATIONS};
use dwdi_runtime::GatewayErrorDesc;
use dwdi_runtime::describe::OperationDesc;

/// The gateway's row for `code`: its status and when it arises.
pub fn gateway_error(code: &str) -> Option<&'static GatewayErrorDesc> {
    GATEWAY_ERRORS.iter().find(|g| g.code == code)
}

/// Whether `code` is a gateway code or one an operation documents.
pub fn knows(code: &str) -> bool {
    gateway_error(code).is_some() || OPERATIONS.iter().any(|op| op.error(code).is_some())
}

/// Gateway codes the mock raises by name: variants of the generated `GatewayCode`, so the spec
/// stays the only place that spells a code and decides its status (a code the spec drops stops
/// this from compiling, as it should: the mock has behaviour for each).
pub mod gateway {
    use dataworks_di::error::GatewayCode;

    /// The signature is wrong.
    pub const SIGNATURE_DOES_NOT_MATCH: &str = GatewayCode::SignatureDoesNotMatch.as_str();
    /// The authorization header or the signature parameters are malformed.
    pub const INCOMPLETE_SIGNATURE: &str = GatewayCode::IncompleteSignature.as_str();
    /// Unknown access key id.
    pub const ACCESS_KEY_NOT_FOUND: &str = GatewayCode::InvalidAccessKeyIdNotFound.as_str();
    /// Date more than 15 minutes off.
    pub const TIMESTAMP_EXPIRED: &str = GatewayCode::InvalidTimeStampExpired.as_str();
    /// Nonce seen before within the window.
    pub const NONCE_USED: &str = GatewayCode::SignatureNonceUsed.as_str();
    /// A required parameter is absent.
    pub const MISSING_PARAMETER: &str = GatewayCode::MissingParameter.as_str();
    /// The gateway cannot parse a parameter.
    pub const INVALID_PARAMETER: &str = GatewayCode::InvalidParameter.as_str();
    /// Unknown action or version.
    pub const ACTION_NOT_FOUND: &str = GatewayCode::InvalidActionNotFound.as_str();
    /// Rate limited, with `x-acs-retry-after`.
    pub const THROTTLING_USER: &str = GatewayCode::ThrottlingUser.as_str();
    /// Transient: the answer of a proxy that lost the service's answer, or of a nonce cache
    /// that cannot vouch for an old request.
    pub const SERVICE_UNAVAILABLE: &str = GatewayCode::ServiceUnavailable.as_str();
    /// Alibaba's answer to an STS token that does not belong to the access key (or is missing
    /// for an STS key).
    pub const STS_TOKEN_MISMATCH: &str =
        GatewayCode::InvalidSecurityTokenMismatchWithAccessKey.as_str();

    /// Every code above.
    pub const ALL: &[&str] = &[
        SIGNATURE_DOES_NOT_MATCH,
        INCOMPLETE_SIGNATURE,
        ACCESS_KEY_NOT_FOUND,
        TIMESTAMP_EXPIRED,
        NONCE_USED,
        MISSING_PARAMETER,
        INVALID_PARAMETER,
        ACTION_NOT_FOUND,
        THROTTLING_USER,
        SERVICE_UNAVAILABLE,
        STS_TOKEN_MISMATCH,
    ];
}

pub use gateway::STS_TOKEN_MISMATCH;

/// An error answer, before it gets its request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// HTTP status.
    pub status: u16,
    /// The code.
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// `x-acs-retry-after` in milliseconds, for throttling.
    pub retry_after_ms: Option<u64>,
}

impl Failure {
    /// A gateway code; its status comes from the spec.
    pub fn gateway(code: &str, message: impl Into<String>) -> Failure {
        let status = match gateway_error(code) {
            Some(g) => g.status,
            None => 400,
        };
        Failure {
            status,
            code: code.to_owned(),
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// The operation's documented code for `status` (400 bad value, 403 no access, 500
    /// internal error), with the page's message followed by the detail.
    pub fn documented(op: &OperationDesc, status: u16, detail: &str) -> Failure {
        match op.error_for_status(status) {
            Some(fact) => Failure {
                status,
                code: fact.code.to_owned(),
                message: if detail.is_empty() {
                    fact.message.to_owned()
                } else {
                    format!("{} {detail}", fact.message)
                },
                retry_after_ms: None,
            },
            // Every operation documents 400, 403 and 500 (checked in the tests below).
            None => Failure {
                status,
                code: format!("HTTP{status}"),
                message: detail.to_owned(),
                retry_after_ms: None,
            },
        }
    }

    /// A documented code of the operation or a gateway code, by name (fault injection).
    pub fn by_code(op: Option<&OperationDesc>, code: &str) -> Option<Failure> {
        let (status, code, message) = match op.and_then(|o| o.error(code)) {
            Some(e) => (e.status, e.code, e.message),
            None => gateway_error(code).map(|g| (g.status, g.code, g.message))?,
        };
        Some(Failure {
            status,
            code: code.to_owned(),
            message: format!("{message} (injected by the mock's --fault)"),
            retry_after_ms: None,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'a str,
    message: &'a str,
    recommend: String,
}

/// The error envelope's JSON text.
pub fn envelope(failure: &Failure, request_id: &str, host_id: &str) -> String {
    let env = Envelope {
        request_id,
        host_id,
        code: &failure.code,
        message: &failure.message,
        recommend: format!(
            "https://api.aliyun.com/troubleshoot?q={}&product={}&requestId={}",
            failure.code,
            dataworks_di::meta::PRODUCT,
            request_id
        ),
    };
    serde_json::to_string(&env).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gateway_code_the_mock_raises_is_in_the_spec() {
        for code in gateway::ALL {
            assert!(gateway_error(code).is_some(), "{code}");
        }
    }

    #[test]
    fn every_operation_documents_the_statuses_the_mock_answers_with() {
        for op in OPERATIONS {
            for status in [400, 403, 500] {
                let failure = Failure::documented(op, status, "");
                let documented = op.error_for_status(status).expect("documented");
                assert_eq!(
                    (failure.status, failure.code.as_str()),
                    (status, documented.code),
                    "{}",
                    op.action
                );
            }
        }
    }

    #[test]
    fn statuses_follow_the_table() {
        for g in GATEWAY_ERRORS {
            assert_eq!(Failure::gateway(g.code, "").status, g.status, "{}", g.code);
            assert!(knows(g.code));
        }
        let op = OPERATIONS[0];
        let env = envelope(&Failure::documented(op, 400, "x"), "RID", "host");
        let v: serde_json::Value = serde_json::from_str(&env).unwrap();
        for key in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert!(!knows("No.Such.Code"));
    }
}
