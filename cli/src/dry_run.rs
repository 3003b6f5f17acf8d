//! `--dry-run`: the exact signed request as one JSON object, nothing sent.
//!
//! `{"method", "url", "headers": {name: value, sorted by lower-case name}, "body"}`. It shows
//! the request as it would go on the wire, so an STS token header is included (the user asked
//! to see the request); the AccessKey secret is never part of a request and so never shown.

use std::collections::BTreeMap;

use dwdi_runtime::SignedRequest;
use serde_json::{Value, json};

/// The request as JSON (keys in the order method, url, headers, body; headers sorted).
pub fn to_json(request: &SignedRequest) -> Value {
    let headers: BTreeMap<String, &str> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.as_str()))
        .collect();
    json!({
        "method": request.method.as_str(),
        "url": request.url,
        "headers": headers,
        "body": request.body.as_deref().unwrap_or(""),
    })
}

/// The request as pretty-printed JSON text.
pub fn render(request: &SignedRequest) -> String {
    // Serialising a `Value` cannot fail.
    serde_json::to_string_pretty(&to_json(request)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dwdi_runtime::HttpMethod;

    #[test]
    fn sorts_headers_and_keeps_key_order() {
        let req = SignedRequest {
            method: HttpMethod::Post,
            url: "https://h/?A=1".into(),
            headers: vec![
                ("x-b".into(), "2".into()),
                ("Host".into(), "h".into()),
                ("accept".into(), "a".into()),
            ],
            body: None,
            hashed_canonical_request: None,
        };
        assert_eq!(
            serde_json::to_string(&to_json(&req)).expect("json"),
            r#"{"method":"POST","url":"https://h/?A=1","headers":{"accept":"a","host":"h","x-b":"2"},"body":""}"#
        );
    }

    #[test]
    fn a_form_body_is_shown_as_signed() {
        use dwdi_runtime::{Credentials, Endpoint, RpcRequest, SignatureVersion, Signer};
        let signer = Signer::new(
            Credentials::new("id", "secret"),
            Endpoint::https("dataworks.cn-hangzhou.aliyuncs.com").expect("host"),
            SignatureVersion::V3,
        );
        // Any action and parameters: the rendering knows no operation.
        let request = RpcRequest::new("DoThing", "2020-05-18")
            .param("Count", "10000")
            .form_param("Doc", r#"{"a": "b c"}"#);
        let signed = signer.sign(&request, &[], "2024-01-02T03:04:05Z", "n");
        let json = to_json(&signed);
        assert_eq!(json["body"], "Doc=%7B%22a%22%3A+%22b+c%22%7D");
        assert_eq!(
            json["headers"]["content-type"],
            "application/x-www-form-urlencoded"
        );
        // The printed body is the signed one, and the signature covers it.
        assert_eq!(json["body"].as_str(), signed.body.as_deref());
        dwdi_test_support::verify_signed(&signed, "secret").expect("verifies");
        let mut changed = signed.clone();
        changed.body = Some("Doc=%7B%7D".to_owned());
        assert!(dwdi_test_support::verify_signed(&changed, "secret").is_err());
    }
}
