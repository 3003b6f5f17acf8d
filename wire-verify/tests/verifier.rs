//! The verifier against independent references: Alibaba's published V3 and V2 vectors
//! (wire-protocol.md) and requests the official Python SDK signed (the captured fixtures of
//! `contract-tests/fixtures/sdk`); then every way a request can be tampered with.

use dwdi_wire_verify::{Request, Scheme, VerifyError, encode, form, parse, query, vectors, verify};
use proptest::prelude::*;
use serde_json::Value;

/// An owned request, so that a test can change one part of it.
#[derive(Debug, Clone)]
struct Owned {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Owned {
    fn view(&self) -> Request<'_> {
        Request {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn set_header(&mut self, name: &str, value: &str) {
        let slot = self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("no header {name}"));
        slot.1 = value.to_owned();
    }
}

// --- Alibaba's V3 vector (ECS RunInstances).

const V3_SECRET: &str = vectors::v3::ACCESS_KEY_SECRET;

fn v3_vector() -> Owned {
    Owned {
        method: vectors::v3::METHOD.into(),
        path: "/".into(),
        query: vectors::v3::QUERY.into(),
        headers: vectors::v3::headers(),
        body: Vec::new(),
    }
}

#[test]
fn v3_public_vector_verifies_and_reads_back() {
    let r = v3_vector();
    let parsed = verify(r.view(), V3_SECRET).expect("the public vector verifies");
    assert!(matches!(parsed.scheme(), Scheme::V3(_)));
    assert_eq!(parsed.access_key_id(), "YourAccessKeyId");
    assert_eq!(parsed.action(), Some("RunInstances"));
    assert_eq!(parsed.api_version(), Some("2014-05-26"));
    assert_eq!(parsed.date(), Some("2023-10-26T10:22:32Z"));
    assert_eq!(parsed.nonce(), Some("3156853299f313e23d1673dc12e1703d"));
    assert_eq!(parsed.security_token(), None);
    assert_eq!(parsed.operation_params().len(), 2);
    // The hashed canonical request the documentation prints, from a wrong secret's report.
    match parsed.verify("wrong") {
        Err(VerifyError::Mismatch { hashed, .. }) => assert_eq!(
            hashed.as_deref(),
            Some(vectors::v3::HASHED_CANONICAL_REQUEST)
        ),
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

// --- Alibaba's V2 vector (DescribeRegions).

/// The vector's query, as a client would send it (`:` escaped in the timestamp).
fn v2_query() -> String {
    let pairs: Vec<(String, String)> = vectors::v2::PARAMS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    query::canonical_query(&pairs)
}

fn v2_vector(method: &str, signature: &str) -> Owned {
    Owned {
        method: method.into(),
        path: "/".into(),
        query: format!("{}&Signature={}", v2_query(), encode::rfc3986(signature)),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

#[test]
fn v2_public_vectors_verify_for_get_and_post() {
    for (method, signature) in [
        ("GET", vectors::v2::GET_SIGNATURE),
        ("POST", vectors::v2::POST_SIGNATURE),
    ] {
        let r = v2_vector(method, signature);
        let parsed = verify(r.view(), vectors::v2::ACCESS_KEY_SECRET)
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        assert_eq!(parsed.scheme(), &Scheme::V2);
        assert_eq!(parsed.access_key_id(), "testid");
        assert_eq!(parsed.action(), Some("DescribeRegions"));
        assert_eq!(parsed.date(), Some("2016-02-23T12:46:24Z"));
        assert!(parsed.operation_params().is_empty());
        assert!(matches!(
            parsed.verify("wrong"),
            Err(VerifyError::Mismatch {
                what: "the string to sign",
                ..
            })
        ));
    }
    // The same signature under the other method fails.
    let r = v2_vector("POST", vectors::v2::GET_SIGNATURE);
    assert!(matches!(
        verify(r.view(), vectors::v2::ACCESS_KEY_SECRET),
        Err(VerifyError::Mismatch { .. })
    ));
    let params = form::decode(&v2_query(), "query").expect("decodes");
    let text = dwdi_wire_verify::v2::string_to_sign("GET", &params);
    assert_eq!(text, vectors::v2::GET_STRING_TO_SIGN);
    assert_eq!(
        dwdi_wire_verify::v2::signature(vectors::v2::ACCESS_KEY_SECRET, &text),
        vectors::v2::GET_SIGNATURE
    );
}

// --- Requests the official Python SDK 10.1.1 signed (fake credentials).

/// A captured fixture: the request and its secret.
fn fixture(text: &str) -> (Owned, String) {
    let v: Value = serde_json::from_str(text).expect("a fixture is JSON");
    let r = &v["request"];
    let s = |v: &Value| v.as_str().expect("a string").to_owned();
    let headers = r["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|h| (s(&h[0]), s(&h[1])))
        .collect();
    let owned = Owned {
        method: s(&r["method"]),
        path: s(&r["path"]),
        query: s(&r["query"]),
        headers,
        body: s(&r["body"]).into_bytes(),
    };
    (owned, s(&v["credentials"]["access_key_secret"]))
}

/// V3 with a form body and escaped text (`+` for spaces on the wire).
fn sdk_v3_body() -> (Owned, String) {
    fixture(include_str!(
        "../../contract-tests/fixtures/sdk/CreateDISyncTask.escaping.json"
    ))
}

/// V3 with an STS token.
fn sdk_v3_sts() -> (Owned, String) {
    fixture(include_str!(
        "../../contract-tests/fixtures/sdk/StartDISyncInstance.sts.json"
    ))
}

/// V2 with an STS token, a form body and escaped text.
fn sdk_v2_body() -> (Owned, String) {
    fixture(include_str!(
        "../../contract-tests/fixtures/sdk/CreateDISyncTask.v2.json"
    ))
}

#[test]
fn sdk_signed_requests_verify() {
    let (r, secret) = sdk_v3_body();
    let parsed = verify(r.view(), &secret).expect("V3 with a form body");
    assert_eq!(parsed.form().len(), 1);
    assert_eq!(parsed.form()[0].0, "TaskContent");
    assert!(
        parsed
            .param("TaskName")
            .is_some_and(|v| v.contains("a b*c~d/e+f&g=h"))
    );

    let (r, secret) = sdk_v3_sts();
    let parsed = verify(r.view(), &secret).expect("V3 with an STS token");
    assert_eq!(
        parsed.security_token(),
        Some("CAIS+sdk/capture/sts/token==")
    );

    let (r, secret) = sdk_v2_body();
    let parsed = verify(r.view(), &secret).expect("V2 with a form body");
    assert_eq!(
        parsed.security_token(),
        Some("CAIS+sdk/capture/sts/token==")
    );
    let names: Vec<String> = parsed
        .operation_params()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for name in ["TaskContent", "ProjectId", "TaskName", "ClientToken"] {
        assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
    }
    for name in [
        "Signature",
        "AccessKeyId",
        "SecurityToken",
        "Format",
        "Timestamp",
    ] {
        assert!(!names.iter().any(|n| n == name), "{name} in {names:?}");
    }
}

// --- Negative cases: each change is caught.

#[test]
fn a_wrong_secret_is_refused() {
    let (r, secret) = sdk_v3_body();
    assert!(matches!(
        verify(r.view(), &format!("{secret}x")),
        Err(VerifyError::Mismatch { .. })
    ));
    let (r, secret) = sdk_v2_body();
    assert!(matches!(
        verify(r.view(), &format!("{secret}x")),
        Err(VerifyError::Mismatch { .. })
    ));
    assert!(verify(v3_vector().view(), "YourAccessKeySecreT").is_err());
}

#[test]
fn a_changed_signed_header_is_refused() {
    for (name, value) in [
        ("x-acs-action", "UpdateDISyncTask"),
        ("x-acs-date", "2024-01-02T03:04:06Z"),
        ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdee"),
        ("user-agent", "another agent"),
        ("host", "dataworks.cn-shanghai.aliyuncs.com"),
    ] {
        let (mut r, secret) = sdk_v3_body();
        r.set_header(name, value);
        assert!(
            matches!(verify(r.view(), &secret), Err(VerifyError::Mismatch { .. })),
            "{name} changed"
        );
    }
    let (mut r, secret) = sdk_v3_sts();
    r.set_header("x-acs-security-token", "CAIS+another");
    assert!(matches!(
        verify(r.view(), &secret),
        Err(VerifyError::Mismatch { .. })
    ));
}

#[test]
fn an_unsigned_header_may_change_but_not_an_unsigned_x_acs_one() {
    let (mut r, secret) = sdk_v3_body();
    r.set_header("Accept-Encoding", "gzip");
    verify(r.view(), &secret).expect("accept-encoding is not signed");
    r.headers.push(("X-Acs-Extra".into(), "1".into()));
    let e = verify(r.view(), &secret).unwrap_err();
    assert!(
        matches!(&e, VerifyError::Incomplete(m) if m.contains("x-acs-extra")),
        "{e}"
    );
}

#[test]
fn a_changed_body_is_refused_by_its_hash() {
    let (mut r, secret) = sdk_v3_body();
    let body = String::from_utf8(r.body.clone()).expect("utf-8");
    r.body = body.replacen("mysql", "MYSQL", 1).into_bytes();
    let e = verify(r.view(), &secret).unwrap_err();
    assert!(
        matches!(&e, VerifyError::BodyHash { len, .. } if *len == r.body.len()),
        "{e}"
    );
    // A body hash updated to the new body still fails: the hash is signed.
    let hash = dwdi_wire_verify::v3::sha256_hex(&r.body);
    r.set_header("x-acs-content-sha256", &hash);
    assert!(matches!(
        verify(r.view(), &secret),
        Err(VerifyError::Mismatch { .. })
    ));
    // An empty body with the empty hash, against a signature over the real body.
    let (mut r, secret) = sdk_v3_body();
    r.body.clear();
    assert!(matches!(
        verify(r.view(), &secret),
        Err(VerifyError::BodyHash { .. })
    ));
    let _ = secret;
}

#[test]
fn a_changed_query_value_is_refused() {
    let (mut r, secret) = sdk_v3_body();
    r.query = r.query.replace("ProjectId=10000", "ProjectId=10001");
    assert!(matches!(
        verify(r.view(), &secret),
        Err(VerifyError::Mismatch { .. })
    ));
    let (mut r, secret) = sdk_v2_body();
    r.query = r.query.replace("ProjectId=10000", "ProjectId=10001");
    assert!(matches!(
        verify(r.view(), &secret),
        Err(VerifyError::Mismatch { .. })
    ));
    let mut r = v3_vector();
    r.query.push_str("&Extra=1");
    assert!(verify(r.view(), V3_SECRET).is_err());
}

#[test]
fn a_changed_form_body_parameter_is_refused_in_v2() {
    let (mut r, secret) = sdk_v2_body();
    let body = String::from_utf8(r.body.clone()).expect("utf-8");
    r.body = body.replacen("mysql", "MYSQL", 1).into_bytes();
    assert!(matches!(
        verify(r.view(), &secret),
        Err(VerifyError::Mismatch { .. })
    ));
    // Moving the body parameter into the query signs the same parameters: V2 does not care
    // where a parameter travels.
    let (mut r, secret) = sdk_v2_body();
    let body = String::from_utf8(std::mem::take(&mut r.body)).expect("utf-8");
    r.query = format!("{}&{body}", r.query);
    verify(r.view(), &secret).expect("the same parameters, all in the query");
    // Dropping it is caught.
    let (mut r, secret) = sdk_v2_body();
    r.body.clear();
    assert!(matches!(
        verify(r.view(), &secret),
        Err(VerifyError::Mismatch { .. })
    ));
}

#[test]
fn a_missing_signed_header_is_refused() {
    let (mut r, secret) = sdk_v3_body();
    r.headers.retain(|(n, _)| n != "user-agent");
    let e = verify(r.view(), &secret).unwrap_err();
    assert!(
        matches!(&e, VerifyError::Incomplete(m) if m.contains("user-agent") && m.contains("not in the request")),
        "{e}"
    );
    // A required header left out of SignedHeaders.
    let mut r = v3_vector();
    let auth = r
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .expect("auth")
        .1
        .clone();
    r.set_header("authorization", &auth.replace(";x-acs-version,", ","));
    r.headers.retain(|(n, _)| n != "x-acs-version");
    let e = verify(r.view(), V3_SECRET).unwrap_err();
    assert!(
        matches!(&e, VerifyError::Incomplete(m) if m.contains("x-acs-version")),
        "{e}"
    );
    // The STS token sent but not signed.
    let mut r = v3_vector();
    r.headers.push(("x-acs-security-token".into(), "t".into()));
    let e = verify(r.view(), V3_SECRET).unwrap_err();
    assert!(
        matches!(&e, VerifyError::Incomplete(m) if m.contains("x-acs-security-token")),
        "{e}"
    );
}

#[test]
fn plus_and_percent_20_spaces_are_both_accepted() {
    // The SDK put `+` on the wire and signed `%20`.
    let (r, secret) = sdk_v3_body();
    assert!(r.query.contains('+') && !r.query.contains("%20"));
    verify(r.view(), &secret).expect("`+` for a space");
    let mut r2 = r.clone();
    r2.query = r.query.replace('+', "%20");
    verify(r2.view(), &secret).expect("`%20` for a space");
    // V2 signs decoded parameters, body included, so either form verifies there too.
    let (r, secret) = sdk_v2_body();
    let mut r2 = r.clone();
    r2.query = r.query.replace('+', "%20");
    r2.body = String::from_utf8(r.body.clone())
        .expect("utf-8")
        .replace('+', "%20")
        .into_bytes();
    verify(r2.view(), &secret).expect("`%20` in query and body");
    // A `+` that is a plus is %2B, and stays one.
    let (mut r, secret) = sdk_v3_body();
    r.query = r.query.replacen("%2B", "+", 1);
    assert!(verify(r.view(), &secret).is_err());
}

#[test]
fn malformed_signatures_are_incomplete_not_mismatched() {
    let mut r = v3_vector();
    for bad in [
        "ACS3-HMAC-SHA256",
        "ACS3-HMAC-SHA256 Credential=a",
        "HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=00",
        "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=,Signature=00",
    ] {
        r.set_header("authorization", bad);
        assert!(
            matches!(parse(r.view()), Err(VerifyError::Incomplete(_))),
            "{bad}"
        );
    }
    r.set_header(
        "authorization",
        "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=Host;x-acs-action,Signature=00",
    );
    assert!(matches!(parse(r.view()), Err(VerifyError::Incomplete(m)) if m.contains("lower-case")));
    let unsigned = Owned {
        headers: Vec::new(),
        ..v3_vector()
    };
    assert_eq!(parse(unsigned.view()).unwrap_err(), VerifyError::Unsigned);
    let v2 = Owned {
        query: "Signature=x&AccessKeyId=a".into(),
        ..v2_vector("GET", "")
    };
    assert!(
        matches!(parse(v2.view()), Err(VerifyError::Incomplete(m)) if m.contains("SignatureMethod"))
    );
    let bad_utf8 = Owned {
        query: "a=%FF".into(),
        ..v3_vector()
    };
    assert!(matches!(
        parse(bad_utf8.view()),
        Err(VerifyError::Undecodable { what: "query", .. })
    ));
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            prop::sample::select(vec![' ', '*', '~', '+', '%', '&', '=', '/', '中']),
        ],
        0..10,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    /// Whatever the text, its canonical query decodes back to it, passes the canonical check,
    /// and decodes the same with `+` for its spaces.
    #[test]
    fn canonical_queries_round_trip(params in prop::collection::vec((text(), text()), 0..6)) {
        let q = query::canonical_query(&params);
        prop_assert!(query::check_canonical(&q).is_ok(), "{}", q);
        let mut decoded = form::decode(&q, "query").expect("decodes");
        let mut expected = params;
        decoded.sort();
        expected.sort();
        prop_assert_eq!(&decoded, &expected);
        let mut plus = form::decode(&q.replace("%20", "+"), "query").expect("decodes");
        plus.sort();
        prop_assert_eq!(plus, expected);
    }
}
