//! How a failed call is described on stderr: the runtime's one-line message, then the typed
//! fields of the service's answer one per line, so that scripts and people find the code,
//! message, request id and HTTP status without parsing prose.
//!
//! Everything shown comes from the runtime's error types, which never hold the AccessKey
//! secret and scrub the secret and token from echoed answers.

use dwdi_runtime::Error;

/// The error message for stderr (without the `error: ` prefix).
pub fn describe(error: &Error) -> String {
    let mut out = error.to_string();
    if let Some(s) = error.service_error() {
        let mut field = |name: &str, value: &str| {
            out.push_str(&format!("\n  {name:<12} {value}"));
        };
        field("HTTP status:", &s.status.to_string());
        if let Some(code) = &s.code {
            field("code:", code);
        }
        if let Some(message) = &s.message {
            field("message:", message);
        }
        if let Some(id) = &s.request_id {
            field("request id:", id);
        }
        if let Some(recommend) = &s.recommend {
            field("recommend:", recommend);
        }
        if let Some(detail) = &s.access_denied_detail {
            field("denied:", &detail.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dwdi_runtime::{ErrorKind, ServiceError};

    #[test]
    fn lists_the_typed_fields() {
        let e = Error::Service(Box::new(ServiceError {
            action: "DoThing".into(),
            status: 400,
            request_id: Some("r1".into()),
            host_id: None,
            code: Some("Some.Code".into()),
            message: Some("Something is wrong.".into()),
            recommend: Some("https://x".into()),
            access_denied_detail: None,
            retry_after: None,
            body: String::new(),
            body_is_json: true,
            kind: ErrorKind::Client,
        }));
        let text = describe(&e);
        assert!(text.starts_with("DoThing: HTTP 400 Some.Code"), "{text}");
        for line in [
            "HTTP status: 400",
            "code:        Some.Code",
            "message:     Something is wrong.",
            "request id:  r1",
            "recommend:   https://x",
        ] {
            assert!(text.contains(line), "{text}");
        }
    }
}
