//! Signature V3: `ACS3-HMAC-SHA256`.
//!
//! ```text
//! CanonicalRequest = METHOD \n / \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexBodyHash
//! StringToSign     = ACS3-HMAC-SHA256 \n hex(SHA-256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(secret, StringToSign))
//! ```
//! The canonical request is never materialised: its pieces are fed straight into the
//! SHA-256 state, and the canonical query is written once, into the URL, which uses the
//! same (sorted, RFC 3986) form.

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{FORM_CONTENT_TYPE, SignInput, ascii, form_body, hex32};
use crate::encode::{query_len, sort_params, write_query};
use crate::request::{SignedRequest, TOKEN_HEADER};

/// The algorithm name, first line of the string to sign and prefix of `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Hex SHA-256 of the empty body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// True for headers V3 signs: `host`, `content-type` and every `x-acs-*`.
fn is_signed(name: &str) -> bool {
    name == "host" || name == "content-type" || name.starts_with("x-acs-")
}

/// Signs with V3.
pub(crate) fn sign(input: &SignInput<'_>) -> SignedRequest {
    let req = input.request;

    // The query: sorted references, written once into a URL buffer sized exactly.
    let mut params: Vec<(&str, &str)> = req
        .params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_str()))
        .collect();
    sort_params(&mut params);
    let base = input.endpoint.base_url();
    let mut url = String::with_capacity(base.len() + 1 + query_len(&params));
    url.push_str(base);
    let query_start = if params.is_empty() {
        url.len()
    } else {
        url.push('?');
        url.len()
    };
    write_query(&mut url, &params);

    // The body and its hash.
    let body = (!req.form.is_empty()).then(|| form_body(&req.form));
    let body_hash: Cow<'static, str> = match &body {
        None => Cow::Borrowed(EMPTY_BODY_SHA256),
        Some(b) => Cow::Owned(ascii(&hex32(&Sha256::digest(b.as_bytes()))).to_owned()),
    };

    // Headers, lower-case names. Built-ins first; a hook's header of the same name replaces
    // the built-in one rather than duplicating it.
    let creds = input.credentials;
    let mut headers: Vec<(Cow<'static, str>, String)> =
        Vec::with_capacity(11 + input.extra_headers.len());
    headers.push(("host".into(), input.endpoint.host_header().to_owned()));
    headers.push(("x-acs-action".into(), req.action.as_ref().to_owned()));
    headers.push(("x-acs-version".into(), req.version.as_ref().to_owned()));
    headers.push(("x-acs-date".into(), input.date.to_owned()));
    headers.push(("x-acs-signature-nonce".into(), input.nonce.to_owned()));
    headers.push(("x-acs-content-sha256".into(), body_hash.into_owned()));
    if let Some(token) = creds.security_token() {
        headers.push((
            "x-acs-accesskey-id".into(),
            creds.access_key_id().to_owned(),
        ));
        headers.push((TOKEN_HEADER.into(), token.expose().to_owned()));
    }
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

    // The signed headers, sorted by name.
    let mut signed: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(n, _)| is_signed(n))
        .map(|(n, v)| (n.as_ref(), v.trim()))
        .collect();
    signed.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let names_len = signed.iter().map(|(n, _)| n.len() + 1).sum::<usize>();
    let mut signed_names = String::with_capacity(names_len);
    for (i, (n, _)) in signed.iter().enumerate() {
        if i > 0 {
            signed_names.push(';');
        }
        signed_names.push_str(n);
    }

    // The canonical request, streamed into the hash.
    let mut h = Sha256::new();
    h.update(req.method.as_str());
    h.update(b"\n/\n");
    h.update(&url[query_start..]);
    h.update(b"\n");
    for (n, v) in &signed {
        h.update(n);
        h.update(b":");
        h.update(v);
        h.update(b"\n");
    }
    h.update(b"\n");
    h.update(&signed_names);
    h.update(b"\n");
    let content_hash = signed
        .iter()
        .find(|(n, _)| *n == "x-acs-content-sha256")
        .map_or(EMPTY_BODY_SHA256, |(_, v)| v);
    h.update(content_hash);
    let hashed = hex32(&h.finalize());

    let signature = signature(creds.access_key_secret().expose(), ascii(&hashed));

    let id = creds.access_key_id();
    let mut auth = String::with_capacity(
        ALGORITHM.len() + 40 + id.len() + signed_names.len() + signature.len(),
    );
    auth.push_str(ALGORITHM);
    auth.push_str(" Credential=");
    auth.push_str(id);
    auth.push_str(",SignedHeaders=");
    auth.push_str(&signed_names);
    auth.push_str(",Signature=");
    auth.push_str(ascii(&signature));
    headers.push(("authorization".into(), auth));
    super::add_unsigned_defaults(&mut headers, input.user_agent);

    SignedRequest {
        method: req.method,
        url,
        headers,
        body,
        hashed_canonical_request: Some(ascii(&hashed).to_owned()),
    }
}

/// `hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hashed_canonical_request))`.
pub fn signature(secret: &str, hashed_canonical_request: &str) -> [u8; 64] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(hashed_canonical_request.as_bytes());
    hex32(&mac.finalize().into_bytes())
}
