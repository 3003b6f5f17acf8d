//! The credentials document every role-style service answers with: `AccessKeyId`,
//! `AccessKeySecret`, `SecurityToken` and `Expiration` (`YYYY-MM-DDThh:mm:ssZ`), under
//! `Credentials` for STS and at the top level (with `"Code": "Success"`) for the metadata
//! service and credentials URIs.

use serde_json::{Map, Value};

use super::http::malformed;
use crate::clock::AcsDate;
use crate::credentials::{Credentials, CredentialsError};
use crate::envelope::get_ci;

/// Parses a body as a JSON object; the error never quotes the body (it may hold secrets).
pub(crate) fn json_object(
    source_name: &str,
    body: &[u8],
) -> Result<Map<String, Value>, CredentialsError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(malformed(source_name, "the body is not a JSON object")),
        Err(e) => Err(malformed(
            source_name,
            &format!(
                "the body is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )),
    }
}

/// The four fields of `obj`, each required.
pub(crate) fn credentials_from(
    source_name: &str,
    obj: &Map<String, Value>,
) -> Result<Credentials, CredentialsError> {
    let field = |name: &str| -> Result<&str, CredentialsError> {
        get_ci(obj, name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| malformed(source_name, &format!("no {name:?} string in the answer")))
    };
    let expiration = field("Expiration")?;
    let expiration = AcsDate::parse(expiration).map_err(|e| {
        malformed(
            source_name,
            &format!("Expiration is not a UTC date: {}", e.reason),
        )
    })?;
    Ok(
        Credentials::new(field("AccessKeyId")?, field("AccessKeySecret")?)
            .with_security_token(field("SecurityToken")?)
            .with_expiration(expiration.to_system_time()),
    )
}

/// For the metadata service and credentials URIs: `Code` must be `Success`.
pub(crate) fn check_success_code(
    source_name: &str,
    obj: &Map<String, Value>,
) -> Result<(), CredentialsError> {
    match get_ci(obj, "Code").and_then(Value::as_str) {
        Some("Success") => Ok(()),
        Some(code) => Err(CredentialsError::Fetch {
            source_name: source_name.to_owned(),
            reason: format!(
                "the answer's Code is {:?}, not \"Success\"",
                crate::error::preview(code, 100)
            ),
            transient: false,
        }),
        None => Err(malformed(source_name, "no \"Code\" in the answer")),
    }
}
