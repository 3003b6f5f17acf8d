//! Why a request does not verify. Each variant maps to one gateway answer (the mock does the
//! mapping): [`VerifyError::Undecodable`] to `InvalidParameter`, [`VerifyError::Unsigned`] and
//! [`VerifyError::Incomplete`] to `IncompleteSignature`, [`VerifyError::BodyHash`] and
//! [`VerifyError::Mismatch`] to `SignatureDoesNotMatch`.
//!
//! No variant holds a secret; a [`VerifyError::Mismatch`] holds what was signed (the
//! canonical request or the string to sign), as the service's own answer does.

/// Why a request does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The query or the form body is not UTF-8 once percent-decoded.
    #[error(
        "the {what} is not valid UTF-8 once percent-decoded, at {preview:?}; expected UTF-8 text, percent-encoded"
    )]
    Undecodable {
        /// `query` or `form body`.
        what: &'static str,
        /// The start of the component that does not decode.
        preview: String,
    },
    /// Neither an `Authorization` header nor a `Signature` query parameter.
    #[error(
        "the request is not signed: expected an authorization header (ACS3-HMAC-SHA256) or a \
         Signature query parameter (HMAC-SHA1)"
    )]
    Unsigned,
    /// The signature's parts are malformed or missing (what is wrong, and what was expected).
    #[error("incomplete signature: {0}")]
    Incomplete(String),
    /// `x-acs-content-sha256` is not the SHA-256 of the body.
    #[error(
        "x-acs-content-sha256 is {claimed:?}, but the SHA-256 of the {len}-byte body is {actual}"
    )]
    BodyHash {
        /// The header's value.
        claimed: String,
        /// The hash of the body received.
        actual: String,
        /// The body's length in bytes.
        len: usize,
    },
    /// The signature differs from the one computed over the request.
    #[error("the signature {given:?} does not match the one computed over {what}:\n{signed}")]
    Mismatch {
        /// The signature the request carries.
        given: String,
        /// `the canonical request` (V3) or `the string to sign` (V2).
        what: &'static str,
        /// The canonical request (V3) or the string to sign (V2), as the verifier built it.
        signed: String,
        /// V3: the lower-case hex SHA-256 of the canonical request (what the service echoes).
        hashed: Option<String>,
    },
}

/// The first 60 characters of `s`, for messages about very long values.
pub(crate) fn preview(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}
