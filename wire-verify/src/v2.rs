//! Signature V2 (legacy RPC): HMAC-SHA1 over every parameter, carried in the `Signature`
//! query parameter.
//!
//! ```text
//! StringToSign = METHOD & %2F & rfc3986(CanonicalQuery of every parameter but Signature)
//! Signature    = base64(HMAC-SHA1(secret + "&", StringToSign))
//! ```
//! "Every parameter" is the query's and, with a form body, the body's: a body parameter is
//! signed as if it were in the query.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::encode::rfc3986;
use crate::error::VerifyError;
use crate::query::canonical_query;

/// The parameters the V2 signature itself adds; the rest are the operation's.
pub const COMMON_PARAMS: [&str; 10] = [
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// The string to sign over `params` (query and body; a `Signature` among them is left out).
pub fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    let signed: Vec<&(String, String)> = params.iter().filter(|(k, _)| k != "Signature").collect();
    let pairs: Vec<(&str, &str)> = signed
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    format!(
        "{method}&{}&{}",
        rfc3986("/"),
        rfc3986(&canonical_query(&pairs))
    )
}

/// `base64(HMAC-SHA1(secret + "&", string_to_sign))`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    STANDARD.encode(mac(secret, string_to_sign).finalize().into_bytes())
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha1> {
    let mut key = secret.as_bytes().to_vec();
    key.push(b'&');
    let mut mac = Hmac::<Sha1>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(string_to_sign.as_bytes());
    mac
}

/// Checks the `Signature` among `params` (decoded, query and body) with `secret`, in
/// constant time.
pub fn check_signature(
    method: &str,
    params: &[(String, String)],
    secret: &str,
) -> Result<(), VerifyError> {
    let given = params
        .iter()
        .find(|(k, _)| k == "Signature")
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| VerifyError::Incomplete("Signature is missing".to_owned()))?;
    let text = string_to_sign(method, params);
    let decoded = STANDARD.decode(given).unwrap_or_default();
    mac(secret, &text)
        .verify_slice(&decoded)
        .map_err(|_| VerifyError::Mismatch {
            given: given.to_owned(),
            what: "the string to sign",
            signed: text,
            hashed: None,
        })
}
