//! Request authentication as the gateway does it: signature V3 (`ACS3-HMAC-SHA256`, any set of
//! signed headers, `+` or `%20` for spaces) and the legacy V2 query signature (HMAC-SHA1);
//! access keys and STS tokens; a date more than 15 minutes off; a reused nonce.
//!
//! Written from wire-protocol.md, independently of the runtime's signer: the query is decoded
//! form-style and re-encoded canonically, and the canonical request is rebuilt from the
//! `SignedHeaders` list the client gave. Secrets are compared, never logged.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::errors::{Failure, STS_TOKEN_MISMATCH, gateway};

/// The largest difference between the request's date and the server's clock.
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

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

/// Nonces seen within the window, per access key.
#[derive(Debug, Default)]
pub struct NonceCache {
    inner: Mutex<NonceInner>,
}

#[derive(Debug, Default)]
struct NonceInner {
    seen: HashMap<(String, String), u64>,
    next_prune: usize,
}

impl NonceCache {
    /// Records `nonce`; false when it was already seen within the window.
    pub fn record(&self, key: &str, nonce: &str, now: u64) -> bool {
        let window = 2 * MAX_SKEW.as_secs();
        let mut inner = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if inner.seen.len() >= inner.next_prune.max(4096) {
            inner.seen.retain(|_, t| now.saturating_sub(*t) <= window);
            inner.next_prune = inner.seen.len() * 2;
        }
        let k = (key.to_owned(), nonce.to_owned());
        match inner.seen.get(&k) {
            Some(t) if now.saturating_sub(*t) <= window => false,
            _ => {
                inner.seen.insert(k, now);
                true
            }
        }
    }
}

/// Decodes a query or form body form-style: `+` is a space, `%XX` a byte, UTF-8 required.
pub fn form_decode(text: &str) -> Result<Vec<(String, String)>, Failure> {
    let mut out = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((decode_component(k)?, decode_component(v)?));
    }
    Ok(out)
}

fn decode_component(s: &str) -> Result<String, Failure> {
    let plus = s.replace('+', " ");
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(&plus).collect();
    String::from_utf8(bytes).map_err(|_| {
        Failure::gateway(
            gateway::INVALID_PARAMETER,
            "The query string is not valid UTF-8 after percent-decoding.",
        )
    })
}

/// RFC 3986 encoding: unreserved `A-Za-z0-9-_.~` kept, every other byte `%XX` upper-case.
pub fn rfc3986(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical query: pairs encoded, sorted by name then value (bytes), joined with `&`.
pub fn canonical_query(params: &[(String, String)]) -> String {
    let mut enc: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (rfc3986(k), rfc3986(v)))
        .collect();
    enc.sort();
    enc.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn check_date(date: &str, now: SystemTime) -> Result<(), Failure> {
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
    Ok(())
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

fn mismatch(detail: String) -> Failure {
    Failure::gateway(
        gateway::SIGNATURE_DOES_NOT_MATCH,
        format!("Specified signature does not match our calculation. {detail}"),
    )
}

/// Authenticates `req` against `keys` at `now`, recording its nonce in `nonces`.
pub fn verify(
    req: &Incoming<'_>,
    keys: &HashMap<String, KeyEntry>,
    now: SystemTime,
    nonces: &NonceCache,
) -> Result<Verified, Failure> {
    let mut params = form_decode(req.query)?;
    let form = req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let body_params = if form && !req.body.is_empty() {
        let text = std::str::from_utf8(req.body).map_err(|_| {
            Failure::gateway(gateway::INVALID_PARAMETER, "The form body is not UTF-8.")
        })?;
        form_decode(text)?
    } else {
        Vec::new()
    };
    if req.header("authorization").is_some() {
        let v = verify_v3(req, &params, keys, now, nonces)?;
        params.extend(body_params);
        Ok(Verified { params, ..v })
    } else if params.iter().any(|(k, _)| k == "Signature") {
        params.extend(body_params);
        verify_v2(req.method, params, keys, now, nonces)
    } else {
        Err(incomplete(
            "no authorization header and no Signature parameter",
        ))
    }
}

fn verify_v3(
    req: &Incoming<'_>,
    query: &[(String, String)],
    keys: &HashMap<String, KeyEntry>,
    now: SystemTime,
    nonces: &NonceCache,
) -> Result<Verified, Failure> {
    let auth = req.header("authorization").unwrap_or_default();
    let rest = auth
        .strip_prefix(V3_ALGORITHM)
        .filter(|r| r.starts_with(' '))
        .ok_or_else(|| {
            incomplete("the authorization header does not start with ACS3-HMAC-SHA256")
        })?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').unwrap_or((part.trim(), ""));
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let (Some(id), Some(signed), Some(signature)) = (credential, signed_headers, signature) else {
        return Err(incomplete(
            "the authorization header needs Credential, SignedHeaders and Signature",
        ));
    };
    let names: Vec<&str> = signed.split(';').filter(|n| !n.is_empty()).collect();
    for required in [
        "host",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-action",
    ] {
        if !names.contains(&required) {
            return Err(incomplete(&format!("{required} must be signed")));
        }
    }
    if req.header("x-acs-security-token").is_some() && !names.contains(&"x-acs-security-token") {
        return Err(incomplete("x-acs-security-token must be signed"));
    }
    let mut canonical_headers = String::new();
    for name in &names {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(incomplete("SignedHeaders names must be lower case"));
        }
        let value = req
            .header(name)
            .ok_or_else(|| incomplete(&format!("signed header {name} is not in the request")))?;
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value.trim());
        canonical_headers.push('\n');
    }
    let body_hash = hex::encode(Sha256::digest(req.body));
    if let Some(claimed) = req.header("x-acs-content-sha256") {
        if !claimed.eq_ignore_ascii_case(&body_hash) {
            return Err(mismatch(
                "x-acs-content-sha256 is not the SHA-256 of the body.".to_owned(),
            ));
        }
    }
    let entry = lookup(keys, id, req.header("x-acs-security-token"))?;
    let canonical = format!(
        "{}\n/\n{}\n{}\n{}\n{}",
        req.method,
        canonical_query(query),
        canonical_headers,
        signed,
        req.header("x-acs-content-sha256").unwrap_or(&body_hash),
    );
    let hashed = hex::encode(Sha256::digest(canonical.as_bytes()));
    let string_to_sign = format!("{V3_ALGORITHM}\n{hashed}");
    let mut mac = Hmac::<Sha256>::new_from_slice(entry.secret.as_bytes())
        .map_err(|_| mismatch(String::new()))?;
    mac.update(string_to_sign.as_bytes());
    let given = hex::decode(signature).unwrap_or_default();
    if mac.verify_slice(&given).is_err() {
        return Err(mismatch(format!(
            "The server's hashed canonical request is {hashed}."
        )));
    }
    let date = req
        .header("x-acs-date")
        .ok_or_else(|| incomplete("x-acs-date is missing"))?;
    check_date(date, now)?;
    let nonce = req
        .header("x-acs-signature-nonce")
        .ok_or_else(|| incomplete("x-acs-signature-nonce is missing"))?;
    if !nonces.record(id, nonce, unix(now)) {
        return Err(Failure::gateway(
            gateway::NONCE_USED,
            format!("Specified signature nonce {nonce:?} was used already."),
        ));
    }
    let action = req.header("x-acs-action").unwrap_or_default().to_owned();
    let version = req.header("x-acs-version").unwrap_or_default().to_owned();
    Ok(Verified {
        access_key_id: id.to_owned(),
        action,
        version,
        params: query.to_vec(),
        kind: SignatureKind::V3,
    })
}

/// The V2 common parameters, which are not the operation's.
const V2_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "Timestamp",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "AccessKeyId",
    "SecurityToken",
    "Signature",
];

fn verify_v2(
    method: &str,
    params: Vec<(String, String)>,
    keys: &HashMap<String, KeyEntry>,
    now: SystemTime,
    nonces: &NonceCache,
) -> Result<Verified, Failure> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let need = |name: &str| get(name).ok_or_else(|| incomplete(&format!("{name} is missing")));
    let id = need("AccessKeyId")?;
    let signature = need("Signature")?;
    if need("SignatureMethod")? != "HMAC-SHA1" || need("SignatureVersion")? != "1.0" {
        return Err(incomplete(
            "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0",
        ));
    }
    let timestamp = need("Timestamp")?;
    let nonce = need("SignatureNonce")?;
    let entry = lookup(keys, id, get("SecurityToken"))?;
    let signed: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .cloned()
        .collect();
    let string_to_sign = format!(
        "{method}&{}&{}",
        rfc3986("/"),
        rfc3986(&canonical_query(&signed))
    );
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{}&", entry.secret).as_bytes())
        .map_err(|_| mismatch(String::new()))?;
    mac.update(string_to_sign.as_bytes());
    let given = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .unwrap_or_default();
    if mac.verify_slice(&given).is_err() {
        return Err(mismatch(format!(
            "The server's string to sign is: {string_to_sign}"
        )));
    }
    check_date(timestamp, now)?;
    if !nonces.record(id, nonce, unix(now)) {
        return Err(Failure::gateway(
            gateway::NONCE_USED,
            format!("Specified signature nonce {nonce:?} was used already."),
        ));
    }
    let action = get("Action").unwrap_or_default().to_owned();
    let version = get("Version").unwrap_or_default().to_owned();
    let id = id.to_owned();
    let op_params = params
        .into_iter()
        .filter(|(k, _)| !V2_COMMON.contains(&k.as_str()))
        .collect();
    Ok(Verified {
        access_key_id: id,
        action,
        version,
        params: op_params,
        kind: SignatureKind::V2,
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

    #[test]
    fn v2_public_vector() {
        // wire-protocol.md: Alibaba's RPC signature documentation, GET and POST.
        let q = "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1\
                 &SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0\
                 &Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26";
        let now = dwdi_runtime::AcsDate::parse("2016-02-23T12:46:24Z")
            .unwrap()
            .to_system_time();
        for (method, sig) in [
            ("GET", "OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"),
            ("POST", "MxbnVAM4w6sft9xjVpe%2FGCKueuk%3D"),
        ] {
            let query = format!("{q}&Signature={sig}");
            let req = Incoming {
                method,
                query: &query,
                headers: &[],
                body: b"",
            };
            let v = verify(
                &req,
                &keys("testid", "testsecret"),
                now,
                &NonceCache::default(),
            )
            .expect(method);
            assert_eq!(v.action, "DescribeRegions");
            assert!(v.params.is_empty());
        }
    }

    #[test]
    fn v3_public_vector() {
        let headers: Vec<(String, String)> = [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "authorization",
                "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;\
                 x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
                 Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
            ),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        // `+` for the space-free value changes nothing; the form decoder is exercised anyway.
        let req = Incoming {
            method: "POST",
            query: "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
            headers: &headers,
            body: b"",
        };
        let now = dwdi_runtime::AcsDate::parse("2023-10-26T10:30:00Z")
            .unwrap()
            .to_system_time();
        let nonces = NonceCache::default();
        let keys = keys("YourAccessKeyId", "YourAccessKeySecret");
        verify(&req, &keys, now, &nonces).expect("the public vector verifies");
        let again = verify(&req, &keys, now, &nonces).unwrap_err();
        assert_eq!(again.code, gateway::NONCE_USED);
        let late = now + Duration::from_secs(16 * 60);
        let nonces = NonceCache::default();
        assert_eq!(
            verify(&req, &keys, late, &nonces).unwrap_err().code,
            gateway::TIMESTAMP_EXPIRED
        );
    }

    #[test]
    fn form_decoding_takes_plus_and_percent_20_alike() {
        assert_eq!(
            form_decode("a=x+y&b=x%20y&c=%2A~").unwrap(),
            vec![
                ("a".into(), "x y".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "*~".into())
            ]
        );
        assert_eq!(
            canonical_query(&form_decode("b=x+y&a=*").unwrap()),
            "a=%2A&b=x%20y"
        );
        assert!(form_decode("a=%FF").is_err());
        // Malformed escapes are kept as text, as form decoders do.
        assert_eq!(form_decode("a=%zz").unwrap()[0].1, "%zz");
    }
}
