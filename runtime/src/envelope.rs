//! The JSON envelopes of Alibaba's RPC answers.
//!
//! Success: `{ "RequestId", "Success", "Data" }`. Error: `{ "RequestId", "HostId", "Code",
//! "Message", "Recommend", "AccessDeniedDetail" }`, with the key case varying between
//! services and gateways (`Code` or `code`), so keys are matched case-insensitively.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use crate::error::{ErrorKind, GatewayErrorDesc, ServiceError};

/// The throttling header: milliseconds to wait before retrying.
pub const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";

/// The request id header some gateways set when the body has none.
pub const REQUEST_ID_HEADER: &str = "x-acs-request-id";

/// A positive `x-acs-retry-after` (milliseconds), if present and parseable.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let ms: u64 = headers
        .get(RETRY_AFTER_HEADER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (ms > 0).then(|| Duration::from_millis(ms))
}

/// The value of `key` in `obj`, matched exactly first and then ignoring ASCII case.
pub fn get_ci<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A field as text: strings as they are, numbers and booleans printed, null/absent as `None`.
fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match get_ci(obj, key)? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Object(_) | Value::Array(_) => None,
        other => Some(other.to_string()),
    }
}

/// True when a body says `"Success": false` (or the string `"false"`).
pub fn is_explicit_failure(obj: &Map<String, Value>) -> bool {
    match get_ci(obj, "Success") {
        Some(Value::Bool(false)) => true,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("false"),
        _ => false,
    }
}

/// Decodes an error answer, classifying its code by `classes` (the API's gateway table; see
/// [`ErrorKind::classify`]). Never fails: a body that is not a JSON object still gives an
/// error carrying the status and the body (whose first bytes the message quotes).
pub fn decode_error(
    action: &str,
    status: u16,
    headers: Option<&HeaderMap>,
    body: &[u8],
    classes: &[GatewayErrorDesc],
) -> ServiceError {
    let retry_after = headers.and_then(retry_after);
    let header_request_id = headers
        .and_then(|h| h.get(REQUEST_ID_HEADER))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let parsed: Option<Map<String, Value>> = match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    };
    let mut err = ServiceError {
        action: action.to_owned(),
        status,
        request_id: header_request_id,
        host_id: None,
        code: None,
        message: None,
        recommend: None,
        access_denied_detail: None,
        retry_after,
        body: String::from_utf8_lossy(body).into_owned(),
        body_is_json: parsed.is_some(),
        kind: ErrorKind::Client,
    };
    if let Some(obj) = &parsed {
        err.request_id = text(obj, "RequestId").or(err.request_id);
        err.host_id = text(obj, "HostId");
        err.code = text(obj, "Code");
        err.message = text(obj, "Message");
        err.recommend = text(obj, "Recommend");
        err.access_denied_detail = get_ci(obj, "AccessDeniedDetail")
            .filter(|v| !v.is_null())
            .cloned();
    }
    err.kind = ErrorKind::classify(status, err.code.as_deref(), retry_after, classes);
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_needs_a_positive_integer() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER_HEADER, HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)));
        h.insert(RETRY_AFTER_HEADER, HeaderValue::from_static("0"));
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER_HEADER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn success_false_is_detected_as_bool_or_string() {
        let obj = |v: Value| v.as_object().cloned().unwrap_or_default();
        assert!(is_explicit_failure(&obj(
            serde_json::json!({"Success": false})
        )));
        assert!(is_explicit_failure(&obj(
            serde_json::json!({"success": "false"})
        )));
        assert!(!is_explicit_failure(&obj(
            serde_json::json!({"Success": true})
        )));
        assert!(!is_explicit_failure(&obj(serde_json::json!({"Data": {}}))));
    }
}
