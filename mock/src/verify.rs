//! Request authentication as the gateway does it: signature V3 (`ACS3-HMAC-SHA256`, any set of
//! signed headers, `+` or `%20` for spaces) and the legacy V2 query signature (HMAC-SHA1);
//! access keys and STS tokens; a date more than 15 minutes off; a reused nonce.
//!
//! The signature math (decoding, canonical forms, V3 and V2) is the shared verifier's
//! (`dwdi-wire-verify`, independent of the runtime's signer); this module keeps the mock's
//! policy: which keys exist, which STS token goes with which key, the clock skew, the nonce
//! window, and the gateway's codes for each failure. Secrets are compared, never logged.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use dwdi_wire_verify::{Request, Scheme, VerifyError};

use crate::errors::{Failure, STS_TOKEN_MISMATCH, gateway};

/// The largest difference between the request's date and the server's clock.
pub use crate::nonce::MAX_SKEW;

/// A request as it came off the wire.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// `POST`, `GET`, ...
    pub method: &'a str,
    /// The raw query string (after `?`).
    pub query: &'a str,
    /// Headers, names lower-case.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

impl Incoming<'_> {
    /// A header's value (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Which signature a request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    /// `ACS3-HMAC-SHA256` in the authorization header.
    V3,
    /// HMAC-SHA1 in the query.
    V2,
}

/// An authenticated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Who signed it.
    pub access_key_id: String,
    /// `x-acs-action` / `Action`.
    pub action: String,
    /// `x-acs-version` / `Version`.
    pub version: String,
    /// The operation's parameters (query and form body), signature parameters removed.
    pub params: Vec<(String, String)>,
    /// How it was signed.
    pub kind: SignatureKind,
}

/// One access key the mock accepts.
#[derive(Clone)]
pub struct KeyEntry {
    /// The secret.
    pub secret: String,
    /// The STS token the key must come with, if it is an STS key.
    pub security_token: Option<String>,
}

impl std::fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyEntry { secret: ***, security_token: ")?;
        f.write_str(if self.security_token.is_some() {
            "Some(***) }"
        } else {
            "None }"
        })
    }
}

pub use crate::nonce::NonceCache;

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The request's date in Unix seconds, when within the skew window of `now`.
fn check_date(date: &str, now: SystemTime) -> Result<u64, Failure> {
    let parsed = dwdi_runtime::AcsDate::parse(date).map_err(|_| {
        Failure::gateway(
            gateway::INVALID_PARAMETER,
            format!("The date {date:?} is not in the format YYYY-MM-DDThh:mm:ssZ."),
        )
    })?;
    let (a, b) = (unix(parsed.to_system_time()), unix(now));
    if a.abs_diff(b) > MAX_SKEW.as_secs() {
        return Err(Failure::gateway(
            gateway::TIMESTAMP_EXPIRED,
            format!(
                "Specified time stamp or date value is expired: {date} is more than 15 minutes from the server's time."
            ),
        ));
    }
    Ok(a)
}

fn incomplete(what: &str) -> Failure {
    Failure::gateway(
        gateway::INCOMPLETE_SIGNATURE,
        format!("The request signature does not conform to Aliyun standards: {what}."),
    )
}

fn lookup<'k>(
    keys: &'k HashMap<String, KeyEntry>,
    id: &str,
    token: Option<&str>,
) -> Result<&'k KeyEntry, Failure> {
    let entry = keys.get(id).ok_or_else(|| {
        Failure::gateway(
            gateway::ACCESS_KEY_NOT_FOUND,
            format!("Specified access key {id:?} is not found."),
        )
    })?;
    if entry.security_token.as_deref() != token {
        return Err(Failure::gateway(
            STS_TOKEN_MISMATCH,
            "The security token does not belong to the access key, or is missing.",
        ));
    }
    Ok(entry)
}

/// Maps the verifier's finding to the gateway's answer. A mismatch names what the server
/// signed (V3: the hashed canonical request; V2: the string to sign), as the service does, so a
/// client can compare it with its own.
fn failure(e: VerifyError) -> Failure {
    match e {
        VerifyError::Undecodable { what, .. } => Failure::gateway(
            gateway::INVALID_PARAMETER,
            format!("The {what} is not valid UTF-8 after percent-decoding."),
        ),
        VerifyError::Unsigned => incomplete("no authorization header and no Signature parameter"),
        VerifyError::Incomplete(what) => incomplete(&what),
        VerifyError::BodyHash { .. } => Failure::gateway(
            gateway::SIGNATURE_DOES_NOT_MATCH,
            "Specified signature does not match our calculation. x-acs-content-sha256 is not the SHA-256 of the body.",
        ),
        VerifyError::Mismatch { hashed, signed, .. } => {
            let detail = match hashed {
                Some(hashed) => format!("The server's hashed canonical request is {hashed}."),
                None => format!("The server's string to sign is: {signed}"),
            };
            Failure::gateway(
                gateway::SIGNATURE_DOES_NOT_MATCH,
                format!("Specified signature does not match our calculation. {detail}"),
            )
        }
        other => incomplete(&other.to_string()),
    }
}

/// Authenticates `req` against `keys` at `now`, recording its nonce in `nonces`: the
/// signature's parts, then the key and its STS token, then the signature, the date and the
/// nonce, in the gateway's order.
pub fn verify(
    req: &Incoming<'_>,
    keys: &HashMap<String, KeyEntry>,
    now: SystemTime,
    nonces: &NonceCache,
) -> Result<Verified, Failure> {
    let request = Request {
        method: req.method,
        // The mock serves RPC at `/` only and refuses other paths before authenticating.
        path: "/",
        query: req.query,
        headers: req.headers,
        body: req.body,
    };
    let parsed = dwdi_wire_verify::parse(request).map_err(failure)?;
    let id = parsed.access_key_id();
    let entry = lookup(keys, id, parsed.security_token())?;
    parsed.verify(&entry.secret).map_err(failure)?;
    let date = parsed
        .date()
        .ok_or_else(|| incomplete("the signing date is missing"))?;
    let date = check_date(date, now)?;
    let nonce = parsed
        .nonce()
        .ok_or_else(|| incomplete("the signature nonce is missing"))?;
    nonces.check(id, nonce, date, unix(now))?;
    Ok(Verified {
        access_key_id: id.to_owned(),
        action: parsed.action().unwrap_or_default().to_owned(),
        version: parsed.api_version().unwrap_or_default().to_owned(),
        params: parsed.operation_params(),
        kind: match parsed.scheme() {
            Scheme::V3(_) => SignatureKind::V3,
            Scheme::V2 => SignatureKind::V2,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(id: &str, secret: &str) -> HashMap<String, KeyEntry> {
        HashMap::from([(
            id.to_owned(),
            KeyEntry {
                secret: secret.to_owned(),
                security_token: None,
            },
        )])
    }

    /// The published vectors through the mock's policy: the right key, the date within the
    /// window, a fresh nonce; then a replayed nonce and a late date get the gateway's codes.
    #[test]
    fn v2_public_vector() {
        use dwdi_wire_verify::vectors::v2;
        let pairs: Vec<(String, String)> = v2::PARAMS
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let q = dwdi_wire_verify::query::canonical_query(&pairs);
        let now = dwdi_runtime::AcsDate::parse("2016-02-23T12:46:24Z")
            .unwrap()
            .to_system_time();
        for (method, sig) in [("GET", v2::GET_SIGNATURE), ("POST", v2::POST_SIGNATURE)] {
            let query = format!("{q}&Signature={}", dwdi_wire_verify::encode::rfc3986(sig));
            let req = Incoming {
                method,
                query: &query,
                headers: &[],
                body: b"",
            };
            let v = verify(
                &req,
                &keys("testid", v2::ACCESS_KEY_SECRET),
                now,
                &NonceCache::default(),
            )
            .expect(method);
            assert_eq!(v.action, "DescribeRegions");
            assert_eq!(v.kind, SignatureKind::V2);
            assert!(v.params.is_empty());
        }
    }

    #[test]
    fn v3_public_vector() {
        use dwdi_wire_verify::vectors::v3;
        let headers = v3::headers();
        let req = Incoming {
            method: v3::METHOD,
            query: v3::QUERY,
            headers: &headers,
            body: b"",
        };
        let now = dwdi_runtime::AcsDate::parse("2023-10-26T10:30:00Z")
            .unwrap()
            .to_system_time();
        let nonces = NonceCache::default();
        let keys = keys(v3::ACCESS_KEY_ID, v3::ACCESS_KEY_SECRET);
        let v = verify(&req, &keys, now, &nonces).expect("the public vector verifies");
        assert_eq!((v.kind, v.params.len()), (SignatureKind::V3, 2));
        let again = verify(&req, &keys, now, &nonces).unwrap_err();
        assert_eq!(again.code, gateway::NONCE_USED);
        let late = now + std::time::Duration::from_secs(16 * 60);
        let nonces = NonceCache::default();
        assert_eq!(
            verify(&req, &keys, late, &nonces).unwrap_err().code,
            gateway::TIMESTAMP_EXPIRED
        );
    }
}
