//! Signature V3: `ACS3-HMAC-SHA256`, carried in the `Authorization` header.
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexBodyHash
//! StringToSign     = ACS3-HMAC-SHA256 \n hex(SHA-256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(secret, StringToSign))
//! Authorization    = ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b;…>,Signature=<hex>
//! ```
//! The canonical headers are the headers `SignedHeaders` lists, in its order, each
//! `name:value\n` with the value trimmed (a repeated header: its trimmed values sorted and
//! joined with `,`). A verifier takes the list the client gave: the Go SDK signs `host`,
//! `content-type` and the `x-acs-*` headers, the Python SDK every header it sends.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::VerifyError;
use crate::query::canonical_query;
use crate::request::Request;

/// The algorithm name: the first line of the string to sign, the `Authorization` prefix.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The headers every V3 request carries and signs: they name the operation, fix the time and
/// the nonce, and bind the body.
pub const REQUIRED_SIGNED: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
];

/// True for a header that must be signed whenever it is sent: `host`, `content-type` (it
/// decides whether the body carries parameters) and every `x-acs-*` (the STS token among them).
pub fn must_be_signed(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "host" || name == "content-type" || name.starts_with("x-acs-")
}

/// The parts of an `Authorization: ACS3-HMAC-SHA256 …` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The AccessKey id (`Credential=`).
    pub credential: &'a str,
    /// The signed header names, `;`-separated, as given (`SignedHeaders=`).
    pub signed_headers: &'a str,
    /// Lower-case hex HMAC-SHA256 (`Signature=`).
    pub signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// Parses the header's value.
    pub fn parse(value: &'a str) -> Result<Self, VerifyError> {
        let rest = value
            .strip_prefix(ALGORITHM)
            .filter(|r| r.starts_with(' '))
            .ok_or_else(|| {
                incomplete(format!(
                    "the authorization header starts {:?}; expected \"{ALGORITHM} Credential=…\"",
                    crate::error::preview(value)
                ))
            })?;
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, val) = part.trim().split_once('=').unwrap_or((part.trim(), ""));
            match key {
                "Credential" => credential = Some(val),
                "SignedHeaders" => signed_headers = Some(val),
                "Signature" => signature = Some(val),
                _ => {}
            }
        }
        match (credential, signed_headers, signature) {
            (Some(credential), Some(signed_headers), Some(signature))
                if !credential.is_empty()
                    && !signed_headers.is_empty()
                    && !signature.is_empty() =>
            {
                Ok(Authorization {
                    credential,
                    signed_headers,
                    signature,
                })
            }
            _ => Err(incomplete(
                "the authorization header needs non-empty Credential, SignedHeaders and Signature"
                    .to_owned(),
            )),
        }
    }

    /// The signed header names, in the order given.
    pub fn names(&self) -> impl Iterator<Item = &'a str> {
        self.signed_headers.split(';')
    }
}

fn incomplete(what: String) -> VerifyError {
    VerifyError::Incomplete(what)
}

/// Checks which headers are signed: names lower-case and listed once; every header of
/// [`REQUIRED_SIGNED`] and every header [`must_be_signed`] that the request carries is listed;
/// every listed header is in the request.
pub fn check_signed_headers(
    request: &Request<'_>,
    auth: &Authorization<'_>,
) -> Result<(), VerifyError> {
    let names: Vec<&str> = auth.names().collect();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(incomplete(format!(
                "SignedHeaders lists {name:?}; expected lower-case header names separated by `;`"
            )));
        }
        if names[..i].contains(name) {
            return Err(incomplete(format!("SignedHeaders lists {name} twice")));
        }
    }
    for required in REQUIRED_SIGNED {
        if !names.contains(&required) {
            return Err(incomplete(format!(
                "{required} is not in SignedHeaders; expected it signed (SignedHeaders={})",
                auth.signed_headers
            )));
        }
    }
    for (name, _) in request.headers {
        if must_be_signed(name) && !names.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(incomplete(format!(
                "the request carries {} but does not sign it; expected host, content-type and \
                 every x-acs-* header in SignedHeaders",
                name.to_ascii_lowercase()
            )));
        }
    }
    for name in &names {
        if request.header(name).is_none() {
            return Err(incomplete(format!(
                "signed header {name} is not in the request; expected every SignedHeaders name \
                 to be sent"
            )));
        }
    }
    Ok(())
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Checks that `x-acs-content-sha256` is the SHA-256 of the body (either hex case).
pub fn check_body_hash(request: &Request<'_>) -> Result<(), VerifyError> {
    let actual = sha256_hex(request.body);
    let claimed = request.header("x-acs-content-sha256").unwrap_or_default();
    if claimed.trim().eq_ignore_ascii_case(&actual) {
        Ok(())
    } else {
        Err(VerifyError::BodyHash {
            claimed: claimed.to_owned(),
            actual,
            len: request.body.len(),
        })
    }
}

/// The canonical request, over the decoded query pairs (`query`) and the headers `auth` lists.
pub fn canonical_request(
    request: &Request<'_>,
    query: &[(String, String)],
    auth: &Authorization<'_>,
) -> Result<String, VerifyError> {
    let mut headers = String::new();
    for name in auth.names() {
        let mut values: Vec<&str> = request.header_values(name).map(str::trim).collect();
        if values.is_empty() {
            return Err(incomplete(format!(
                "signed header {name} is not in the request"
            )));
        }
        values.sort_unstable();
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&values.join(","));
        headers.push('\n');
    }
    let body_hash = match request.header("x-acs-content-sha256") {
        Some(claimed) => claimed.trim().to_owned(),
        None => sha256_hex(request.body),
    };
    Ok(format!(
        "{}\n{}\n{}\n{headers}\n{}\n{body_hash}",
        request.method,
        request.canonical_uri(),
        canonical_query(query),
        auth.signed_headers,
    ))
}

/// `hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hashed_canonical_request))`.
pub fn signature(secret: &str, hashed_canonical_request: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(hashed_canonical_request.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks `auth.signature` against the one computed with `secret` (in constant time).
pub fn check_signature(
    request: &Request<'_>,
    query: &[(String, String)],
    auth: &Authorization<'_>,
    secret: &str,
) -> Result<(), VerifyError> {
    let canonical = canonical_request(request, query, auth)?;
    let hashed = sha256_hex(canonical.as_bytes());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(hashed.as_bytes());
    let given = hex::decode(auth.signature).unwrap_or_default();
    mac.verify_slice(&given).map_err(|_| VerifyError::Mismatch {
        given: auth.signature.to_owned(),
        what: "the canonical request",
        signed: canonical,
        hashed: Some(hashed),
    })
}
