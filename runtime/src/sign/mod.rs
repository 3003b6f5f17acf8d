//! Request signing: V3 (`ACS3-HMAC-SHA256`, the default) and the legacy V2 (HMAC-SHA1 query
//! signature).
//!
//! A [`Signer`] is pure: given the same request, date and nonce it produces the same
//! [`SignedRequest`]. Dates and nonces come from the caller (normally the runtime's clock and
//! nonce source, fresh per attempt), which is what makes dry-runs reproducible.

pub mod v2;
pub mod v3;

use std::borrow::Cow;

use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::request::{RpcRequest, SignedRequest};

/// Which signature to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header (what the official SDKs send).
    #[default]
    V3,
    /// HMAC-SHA1 over the query (`SignatureVersion=1.0`), still accepted.
    V2,
}

/// The default `user-agent` (unsigned).
pub const DEFAULT_USER_AGENT: &str = concat!("dwdi-runtime/", env!("CARGO_PKG_VERSION"));

/// Signs requests for one endpoint with one set of credentials.
#[derive(Debug, Clone)]
pub struct Signer {
    credentials: Credentials,
    endpoint: Endpoint,
    version: SignatureVersion,
    user_agent: Cow<'static, str>,
}

impl Signer {
    /// A signer; `user_agent` defaults to [`DEFAULT_USER_AGENT`].
    pub fn new(credentials: Credentials, endpoint: Endpoint, version: SignatureVersion) -> Self {
        Signer {
            credentials,
            endpoint,
            version,
            user_agent: Cow::Borrowed(DEFAULT_USER_AGENT),
        }
    }

    /// Replaces the `user-agent` header value.
    pub fn with_user_agent(mut self, user_agent: impl Into<Cow<'static, str>>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The signature version.
    pub fn version(&self) -> SignatureVersion {
        self.version
    }

    /// The credentials (their `Debug` is redacted).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Signs `request` plus `extra_headers` with the given date (`YYYY-MM-DDThh:mm:ssZ`) and
    /// nonce.
    pub fn sign(
        &self,
        request: &RpcRequest,
        extra_headers: &[(String, String)],
        date: &str,
        nonce: &str,
    ) -> SignedRequest {
        let input = SignInput {
            request,
            extra_headers,
            endpoint: &self.endpoint,
            credentials: &self.credentials,
            date,
            nonce,
            user_agent: &self.user_agent,
        };
        match self.version {
            SignatureVersion::V3 => v3::sign(&input),
            SignatureVersion::V2 => v2::sign(&input),
        }
    }
}

/// Everything a signature covers.
pub(crate) struct SignInput<'a> {
    pub request: &'a RpcRequest,
    pub extra_headers: &'a [(String, String)],
    pub endpoint: &'a Endpoint,
    pub credentials: &'a Credentials,
    pub date: &'a str,
    pub nonce: &'a str,
    pub user_agent: &'a str,
}

/// Form-encodes body parameters as `application/x-www-form-urlencoded`, byte for byte as the
/// official SDKs do (Python 10.1.1: `urlencode` over the names sorted): pairs sorted by name,
/// RFC 3986 escapes except that a space is `+`. The body is signed as sent (V3 hashes its
/// bytes; V2 signs the decoded parameters), so matching the SDK's bytes is not needed for a
/// valid signature; it makes the request identical to the SDK's, which the captured fixtures
/// check.
pub(crate) fn form_body(form: &[crate::request::Param]) -> String {
    let mut refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_ref(), v.as_str())).collect();
    crate::encode::sort_params(&mut refs);
    let mut body = String::with_capacity(crate::encode::query_len(&refs));
    for (i, (k, v)) in refs.iter().enumerate() {
        if i > 0 {
            body.push('&');
        }
        form_encode_into(&mut body, k);
        body.push('=');
        form_encode_into(&mut body, v);
    }
    body
}

/// RFC 3986 encoding with `+` for a space (its other escapes are `%XX`, as in a query).
fn form_encode_into(out: &mut String, s: &str) {
    for (i, piece) in s.split(' ').enumerate() {
        if i > 0 {
            out.push('+');
        }
        crate::encode::encode_into(out, piece);
    }
}

/// Lower-case hex of a 32-byte digest, on the stack.
pub(crate) fn hex32(digest: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // Cannot fail: 32 bytes always fill 64 hex characters.
    let _ = hex::encode_to_slice(digest, &mut out);
    out
}

/// A hex buffer as `&str` (hex output is always ASCII).
pub(crate) fn ascii(buf: &[u8]) -> &str {
    std::str::from_utf8(buf).unwrap_or_default()
}

/// `application/x-www-form-urlencoded`.
pub(crate) const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Adds the unsigned `user-agent` and `accept` headers unless a hook already set them; both
/// signers send them the same way.
fn add_unsigned_defaults(headers: &mut Vec<(Cow<'static, str>, String)>, user_agent: &str) {
    if !headers.iter().any(|(n, _)| n == "user-agent") {
        headers.push(("user-agent".into(), user_agent.to_owned()));
    }
    if !headers.iter().any(|(n, _)| n == "accept") {
        headers.push(("accept".into(), "application/json".to_owned()));
    }
}
