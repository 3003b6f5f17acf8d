//! Legacy signature V2: HMAC-SHA1 over the sorted query (`SignatureVersion=1.0`).
//!
//! ```text
//! StringToSign = METHOD & %2F & percentEncode(canonicalized query)
//! Signature    = base64(HMAC-SHA1(secret + "&", StringToSign))
//! ```
//! The canonicalized query covers every parameter (query and form body alike) plus the
//! common ones (`Action`, `Version`, `Format`, `Timestamp`, `SignatureMethod`,
//! `SignatureVersion`, `SignatureNonce`, `AccessKeyId`, and `SecurityToken` with STS).

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::{FORM_CONTENT_TYPE, SignInput, form_body};
use crate::encode::{HEX_UPPER, encode_into, is_unreserved, query_len, sort_params, write_query};
use crate::request::SignedRequest;

/// A base64 HMAC-SHA1 signature (always 28 characters).
pub type Signature = [u8; 28];

/// Signs already-sorted parameters: `base64(HMAC-SHA1(secret&, METHOD&%2F&enc(query)))`.
/// `canonical_query` must be the sorted, encoded `k=v&…` string of all parameters.
pub fn signature_of_query(method: &str, canonical_query: &str, secret: &str) -> Signature {
    let mut key = Vec::with_capacity(secret.len() + 1);
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    let mut mac = Hmac::<Sha1>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(method.as_bytes());
    mac.update(b"&%2F&");
    // Encode the canonical query a second time, through a stack buffer into the MAC: no
    // allocation, and the MAC sees large updates rather than one per escape.
    let mut buf = [0u8; 512];
    let mut len = 0;
    for &b in canonical_query.as_bytes() {
        if len + 3 > buf.len() {
            mac.update(&buf[..len]);
            len = 0;
        }
        if is_unreserved(b) {
            buf[len] = b;
            len += 1;
        } else {
            buf[len] = b'%';
            buf[len + 1] = HEX_UPPER[usize::from(b >> 4)];
            buf[len + 2] = HEX_UPPER[usize::from(b & 0x0f)];
            len += 3;
        }
    }
    mac.update(&buf[..len]);
    let mut out = [0u8; 28];
    // A 20-byte digest is always 28 base64 characters.
    let _ = STANDARD.encode_slice(mac.finalize().into_bytes(), &mut out);
    out
}

/// The V2 signature of a parameter set (any order), for checks and diagnostics.
pub fn signature(method: &str, params: &[(&str, &str)], secret: &str) -> String {
    let query = crate::encode::canonical_query(params);
    super::ascii(&signature_of_query(method, &query, secret)).to_owned()
}

/// The V2 string to sign for a parameter set (any order), for diagnosing
/// `SignatureDoesNotMatch` (the service echoes its own).
pub fn string_to_sign(method: &str, params: &[(&str, &str)]) -> String {
    let query = crate::encode::canonical_query(params);
    let mut out = format!("{method}&%2F&");
    encode_into(&mut out, &query);
    out
}

/// Signs with V2.
pub(crate) fn sign(input: &SignInput<'_>) -> SignedRequest {
    let req = input.request;
    let creds = input.credentials;
    let common: [(&str, &str); 8] = [
        ("AccessKeyId", creds.access_key_id()),
        ("Action", req.action.as_ref()),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", input.nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", input.date),
        ("Version", req.version.as_ref()),
    ];
    let token = creds.security_token().map(|t| t.expose());

    let mut query_params: Vec<(&str, &str)> =
        Vec::with_capacity(req.params.len() + common.len() + 1);
    query_params.extend(req.params.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    query_params.extend_from_slice(&common);
    if let Some(t) = token {
        query_params.push(("SecurityToken", t));
    }
    sort_params(&mut query_params);

    let base = input.endpoint.base_url();
    // `&Signature=` + up to 28 base64 chars, each at most 3 once encoded.
    let mut url = String::with_capacity(base.len() + 1 + query_len(&query_params) + 11 + 84);
    url.push_str(base);
    url.push('?');
    let query_start = url.len();
    write_query(&mut url, &query_params);

    // Form parameters are signed too, so with a body the signed query differs from the URL's.
    let (signature, body) = if req.form.is_empty() {
        let sig = signature_of_query(
            req.method.as_str(),
            &url[query_start..],
            creds.access_key_secret().expose(),
        );
        (sig, None)
    } else {
        let mut all = query_params.clone();
        all.extend(req.form.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        sort_params(&mut all);
        let mut signed = String::with_capacity(query_len(&all));
        write_query(&mut signed, &all);
        let sig = signature_of_query(
            req.method.as_str(),
            &signed,
            creds.access_key_secret().expose(),
        );
        (sig, Some(form_body(&req.form)))
    };
    url.push_str("&Signature=");
    encode_into(&mut url, super::ascii(&signature));

    let mut headers: Vec<(Cow<'static, str>, String)> =
        Vec::with_capacity(4 + input.extra_headers.len());
    headers.push(("host".into(), input.endpoint.host_header().to_owned()));
    if body.is_some() {
        headers.push(("content-type".into(), FORM_CONTENT_TYPE.to_owned()));
    }
    for (name, value) in input.extra_headers {
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim().to_owned();
        match headers.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => headers.push((Cow::Owned(name), value)),
        }
    }
    super::add_unsigned_defaults(&mut headers, input.user_agent);

    SignedRequest {
        method: req.method,
        url,
        headers,
        body,
        hashed_canonical_request: None,
    }
}
