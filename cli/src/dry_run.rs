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
}
