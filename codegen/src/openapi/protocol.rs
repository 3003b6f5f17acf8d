//! What every Alibaba Cloud RPC call carries whatever the API: the wire names of the RPC style
//! and of its signature schemes, which the spec names (`style`, `signature`) but does not
//! spell out, as the runtime's signer and the shared verifier do not read them from it either.
//! The description states them here, once; the contract suite holds them against the
//! runtime's own constants.

use serde_json::{Value, json};

use crate::model::{SignatureScheme, Spec};

/// The request header naming the action (signature V3).
pub const ACTION_HEADER: &str = "x-acs-action";
/// The request header naming the API version (signature V3).
pub const VERSION_HEADER: &str = "x-acs-version";
/// The header the V3 signature travels in.
pub const AUTHORIZATION_HEADER: &str = "Authorization";
/// The answer header of a throttled call: milliseconds to wait before retrying.
pub const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";
/// The media type of every answer, success or error.
pub const ANSWER_MEDIA_TYPE: &str = "application/json";
/// The media type of a request body (parameters that travel in the body).
pub const FORM_MEDIA_TYPE: &str = "application/x-www-form-urlencoded";
/// The member of the success envelope that each operation's `response.data` fills (the spec
/// format's convention: the envelope declares it, each operation gives its shape).
pub const DATA_MEMBER: &str = "Data";
/// The error envelope's member holding the code (PascalCase; see the spec's `keyCase`).
pub const CODE_MEMBER: &str = "Code";
/// The error envelope's member holding the message.
pub const MESSAGE_MEMBER: &str = "Message";
/// The scheme of the service's endpoints.
pub const ENDPOINT_SCHEME: &str = "https";
/// The status an HTTP server answers a request line longer than it reads with, before the
/// API sees the request (so without the error envelope).
pub const URI_TOO_LONG: u16 = 414;
/// The name of the security scheme in `components/securitySchemes`.
pub const SECURITY_SCHEME: &str = "acs3";

/// The path key of an action. RPC style sends every call to one path (`/`) and names the
/// action in [`ACTION_HEADER`], while OpenAPI keys operations by path: the action goes into
/// the path's fragment, which clients never send, so requests still go to `/`.
/// Schemathesis and Postman drop the fragment; Prism routes on the path it receives, so a
/// call to Prism names the fragment percent-encoded (`/%23GetDISyncInstanceInfo`).
pub fn path(spec: &Spec, action: &str) -> String {
    format!("{}#{action}", spec.http.path)
}

/// The scheme's name as the spec spells it (`ACS3-HMAC-SHA256`, `HMAC-SHA1`).
fn algorithm(scheme: SignatureScheme) -> String {
    match serde_json::to_value(scheme) {
        Ok(Value::String(name)) => name,
        _ => format!("{scheme:?}"),
    }
}

/// The security scheme: the V3 signature, described, as an API key in the `Authorization`
/// header (OpenAPI has no type for request signing).
pub fn security_scheme(spec: &Spec) -> Value {
    let legacy: Vec<String> = spec
        .signature
        .legacy
        .iter()
        .map(|s| algorithm(*s))
        .collect();
    let legacy = if legacy.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nThe service also accepts the legacy query signature ({}): `Action`, `Version`, \
             `Timestamp`, `SignatureNonce`, `SignatureMethod`, `SignatureVersion`, \
             `AccessKeyId` and `Signature` in the query in place of these headers. This \
             description shows the default scheme.",
            legacy.join(", ")
        )
    };
    json!({
        "type": "apiKey",
        "in": "header",
        "name": AUTHORIZATION_HEADER,
        "description": format!(
            "Every request is signed ({alg}). Besides `{ACTION_HEADER}` and `{VERSION_HEADER}` \
             (parameters of each operation), the signer adds `x-acs-date` (UTC, \
             `YYYY-MM-DDThh:mm:ssZ`, within 15 minutes of the server's clock), \
             `x-acs-signature-nonce` (unique per request), `x-acs-content-sha256` (hex SHA-256 \
             of the body; of the empty string when there is none) and, with STS credentials, \
             `x-acs-security-token`; then `{AUTHORIZATION_HEADER}: {alg} \
             Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>`, an HMAC-SHA256 \
             over the canonical request (method, `/`, the sorted RFC 3986 query, the signed \
             headers, the body hash). The value is computed per request, never configured: \
             use an SDK, `dwdi call`, or a signing hook (the repository's \
             scripts/schemathesis/hooks.py signs for Schemathesis).{legacy}",
            alg = algorithm(spec.signature.default),
        ),
    })
}
