//! Error envelope decoding: key-case variants, non-JSON bodies, classification.

use std::time::Duration;

use dwdi_runtime::envelope::decode_error;
use dwdi_runtime::{ErrorKind, GatewayErrorDesc};
use reqwest::header::{HeaderMap, HeaderValue};

#[test]
fn decodes_pascal_case_envelope() {
    let body = br#"{"RequestId":"R1","HostId":"dataworks.cn-hangzhou.aliyuncs.com","Code":"Forbidden.Access","Message":"No access.","Recommend":"https://next.api.aliyun.com/troubleshoot?q=Forbidden.Access","AccessDeniedDetail":{"AuthAction":"dataworks:GetDISyncInstanceInfo","NoPermissionType":"ImplicitDeny"}}"#;
    let e = decode_error("Op", 403, None, body, &[]);
    assert_eq!(e.status, 403);
    assert_eq!(e.request_id.as_deref(), Some("R1"));
    assert_eq!(
        e.host_id.as_deref(),
        Some("dataworks.cn-hangzhou.aliyuncs.com")
    );
    assert_eq!(e.code.as_deref(), Some("Forbidden.Access"));
    assert_eq!(e.message.as_deref(), Some("No access."));
    assert_eq!(
        e.recommend.as_deref(),
        Some("https://next.api.aliyun.com/troubleshoot?q=Forbidden.Access")
    );
    assert_eq!(
        e.access_denied_detail
            .as_ref()
            .and_then(|d| d.get("NoPermissionType")),
        Some(&serde_json::json!("ImplicitDeny"))
    );
    assert!(e.body_is_json);
    assert_eq!(e.body.as_bytes(), body);
    assert_eq!(e.kind, ErrorKind::Client);
}

#[test]
fn decodes_camel_and_lower_case_envelopes() {
    for body in [
        r#"{"requestId":"R2","hostId":"h","code":"Param.Invalid","message":"m","recommend":"r","accessDeniedDetail":{"a":1}}"#,
        r#"{"requestid":"R2","hostid":"h","code":"Param.Invalid","message":"m","recommend":"r","accessdenieddetail":{"a":1}}"#,
        r#"{"REQUESTID":"R2","HOSTID":"h","CODE":"Param.Invalid","MESSAGE":"m","RECOMMEND":"r","ACCESSDENIEDDETAIL":{"a":1}}"#,
    ] {
        let e = decode_error("Op", 400, None, body.as_bytes(), &[]);
        assert_eq!(e.request_id.as_deref(), Some("R2"), "{body}");
        assert_eq!(e.host_id.as_deref(), Some("h"), "{body}");
        assert_eq!(e.code.as_deref(), Some("Param.Invalid"), "{body}");
        assert_eq!(e.message.as_deref(), Some("m"), "{body}");
        assert_eq!(e.recommend.as_deref(), Some("r"), "{body}");
        assert_eq!(
            e.access_denied_detail,
            Some(serde_json::json!({"a": 1})),
            "{body}"
        );
    }
}

#[test]
fn exact_key_case_wins_when_both_are_present() {
    let e = decode_error("Op", 400, None, br#"{"code":"lower","Code":"Upper"}"#, &[]);
    assert_eq!(e.code.as_deref(), Some("Upper"));
}

#[test]
fn non_json_body_gives_a_readable_error_with_its_first_bytes() {
    let mut body = String::from("<html><body>502 Bad Gateway</body></html>");
    body.push_str(&"x".repeat(1000));
    let e = decode_error("GetDISyncInstanceInfo", 502, None, body.as_bytes(), &[]);
    assert!(!e.body_is_json);
    assert_eq!(e.code, None);
    assert_eq!(e.body, body, "the raw body is kept whole");
    assert_eq!(e.kind, ErrorKind::Transient);
    let text = e.to_string();
    assert!(
        text.starts_with("GetDISyncInstanceInfo: HTTP 502 with a body that is not a JSON envelope"),
        "{text}"
    );
    assert!(text.contains("<html><body>502 Bad Gateway"), "{text}");
    assert!(
        text.len() < 400,
        "only the first bytes are quoted: {}",
        text.len()
    );
    // Invalid UTF-8 and an empty body still give readable errors.
    let e = decode_error("Op", 500, None, &[0xff, 0xfe, b'a'], &[]);
    assert!(e.to_string().contains("\\u{fffd}") || e.to_string().contains('\u{fffd}'));
    let e = decode_error("Op", 504, None, b"", &[]);
    assert!(e.to_string().contains("first bytes: \"\""), "{e}");
}

#[test]
fn request_id_and_retry_after_fall_back_to_headers() {
    let mut h = HeaderMap::new();
    h.insert("x-acs-request-id", HeaderValue::from_static("HDR-ID"));
    h.insert("x-acs-retry-after", HeaderValue::from_static("250"));
    let e = decode_error("Op", 429, Some(&h), b"Too Many Requests", &[]);
    assert_eq!(e.request_id.as_deref(), Some("HDR-ID"));
    assert_eq!(e.retry_after, Some(Duration::from_millis(250)));
    assert_eq!(e.kind, ErrorKind::Throttling);
}

/// A table as the generated client hands it over: the class is the spec's, whatever the
/// status.
const TABLE: &[GatewayErrorDesc] = &[
    GatewayErrorDesc {
        code: "Throttling",
        status: 429,
        class: ErrorKind::Throttling,
        message: "rate limited",
    },
    GatewayErrorDesc {
        code: "ServiceUnavailable",
        status: 503,
        class: ErrorKind::Transient,
        message: "unavailable",
    },
    GatewayErrorDesc {
        code: "SignatureDoesNotMatch",
        status: 400,
        class: ErrorKind::Client,
        message: "bad signature",
    },
];

#[test]
fn classification_by_table_then_status() {
    let c = |status, code: Option<&str>| ErrorKind::classify(status, code, None, TABLE);
    // The table's class wins over the status.
    assert_eq!(c(400, Some("Throttling")), ErrorKind::Throttling);
    assert_eq!(c(500, Some("ServiceUnavailable")), ErrorKind::Transient);
    assert_eq!(c(503, Some("SignatureDoesNotMatch")), ErrorKind::Client);
    // Codes the table does not hold are classified by status: the runtime knows no code.
    assert_eq!(c(400, Some("Throttling.Unlisted")), ErrorKind::Client);
    assert_eq!(c(429, Some("Throttling.User")), ErrorKind::Throttling);
    assert_eq!(c(429, None), ErrorKind::Throttling);
    assert_eq!(c(502, None), ErrorKind::Transient);
    assert_eq!(c(500, Some("InternalError.System")), ErrorKind::Server);
    assert_eq!(c(404, Some("InvalidAction.NotFound")), ErrorKind::Client);
    assert_eq!(
        ErrorKind::classify(400, Some("X"), Some(Duration::from_millis(5)), TABLE),
        ErrorKind::Throttling
    );
    // Without a table, only the status and the header count.
    assert_eq!(
        ErrorKind::classify(400, Some("Throttling"), None, &[]),
        ErrorKind::Client
    );
    assert!(ErrorKind::Throttling.is_retryable());
    assert!(ErrorKind::Transient.is_retryable());
    assert!(ErrorKind::Server.is_retryable());
    assert!(!ErrorKind::Client.is_retryable());
}

#[test]
fn decoding_classifies_by_the_table_it_is_given() {
    let body = br#"{"Code":"ServiceUnavailable","Message":"m"}"#;
    assert_eq!(
        decode_error("Op", 500, None, body, TABLE).kind,
        ErrorKind::Transient
    );
    assert_eq!(
        decode_error("Op", 500, None, body, &[]).kind,
        ErrorKind::Server
    );
}
