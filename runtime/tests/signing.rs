//! Alibaba's public signing vectors (`dwdi_wire_verify::vectors`, the one copy of
//! wire-protocol.md's) and properties of the canonical query; requests checked by the shared
//! verifier.

use std::collections::BTreeMap;

use dwdi_runtime::encode::canonical_query;
use dwdi_runtime::sign::{v2, v3};
use dwdi_runtime::{
    AcsDate, Credentials, Endpoint, FixedClock, FixedNonce, HttpMethod, RpcRequest, Runtime,
    SignatureVersion, Signer,
};
use dwdi_wire_verify::vectors::{v2 as v2_vector, v3 as v3_vector};
use proptest::prelude::*;

// V3 vector: Alibaba's V3 signature documentation, ECS RunInstances.
const V3_HOST: &str = v3_vector::HOST;
const V3_DATE: &str = v3_vector::DATE;
const V3_NONCE: &str = v3_vector::NONCE;
const V3_HASHED_CANONICAL: &str = v3_vector::HASHED_CANONICAL_REQUEST;
const V3_SIGNATURE: &str = v3_vector::SIGNATURE;
const V3_ID: &str = v3_vector::ACCESS_KEY_ID;
const V3_SECRET: &str = v3_vector::ACCESS_KEY_SECRET;

fn v3_request() -> RpcRequest {
    v3_vector::PARAMS.iter().fold(
        RpcRequest::new(v3_vector::ACTION, v3_vector::VERSION),
        |r, (k, v)| r.param(*k, *v),
    )
}

fn v3_signer() -> Signer {
    Signer::new(
        Credentials::new(V3_ID, V3_SECRET),
        Endpoint::https(V3_HOST).expect("valid host"),
        SignatureVersion::V3,
    )
}

#[test]
fn v3_public_vector_hashed_canonical_request_and_signature() {
    let signed = v3_signer().sign(&v3_request(), &[], V3_DATE, V3_NONCE);
    assert_eq!(
        signed.hashed_canonical_request.as_deref(),
        Some(V3_HASHED_CANONICAL)
    );
    assert_eq!(
        signed.header("authorization"),
        Some(v3_vector::authorization().as_str())
    );
    assert_eq!(
        signed.url,
        format!("https://{V3_HOST}/?{}", v3_vector::QUERY)
    );
    assert_eq!(signed.method, HttpMethod::Post);
    assert_eq!(signed.body, None);
    assert_eq!(signed.header("x-acs-date"), Some(V3_DATE));
    assert_eq!(signed.header("x-acs-signature-nonce"), Some(V3_NONCE));
    assert_eq!(
        signed.header("x-acs-content-sha256"),
        Some(v3::EMPTY_BODY_SHA256)
    );
    // The signature alone, from the hashed canonical request.
    let sig = v3::signature(V3_SECRET, V3_HASHED_CANONICAL);
    assert_eq!(std::str::from_utf8(&sig).ok(), Some(V3_SIGNATURE));
}

#[test]
fn v3_vector_through_the_runtime_with_fixed_clock_and_nonce() {
    let rt = Runtime::builder()
        .credentials(Credentials::new(V3_ID, V3_SECRET))
        .endpoint(V3_HOST)
        .clock(FixedClock::parse(V3_DATE).expect("valid date"))
        .nonce_source(FixedNonce(V3_NONCE.to_owned()))
        .build()
        .expect("runtime");
    let signed = rt.sign_only(&v3_request());
    assert_eq!(
        signed.hashed_canonical_request.as_deref(),
        Some(V3_HASHED_CANONICAL)
    );
    assert!(
        signed
            .header("authorization")
            .is_some_and(|a| a.ends_with(V3_SIGNATURE))
    );
    // And explicitly, as a dry-run with --signature-date/--signature-nonce would.
    let again = rt.sign_at(
        &v3_request(),
        AcsDate::parse(V3_DATE).expect("valid date"),
        V3_NONCE,
        1,
    );
    assert_eq!(again, signed);
}

#[test]
fn v3_with_sts_signs_key_id_and_token_headers() {
    let signer = Signer::new(
        Credentials::new(V3_ID, V3_SECRET).with_security_token("tok+/="),
        Endpoint::https(V3_HOST).expect("valid host"),
        SignatureVersion::V3,
    );
    let signed = signer.sign(&v3_request(), &[], V3_DATE, V3_NONCE);
    assert_eq!(signed.header("x-acs-accesskey-id"), Some(V3_ID));
    assert_eq!(signed.header("x-acs-security-token"), Some("tok+/="));
    let auth = signed.header("authorization").unwrap_or_default();
    assert!(
        auth.contains("SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,"),
        "{auth}"
    );
    // The token changes the signature.
    assert!(!auth.ends_with(V3_SIGNATURE));
    // Debug redacts the token; the explicit dry-run text shows it.
    assert!(!format!("{signed:?}").contains("tok+/="));
    assert!(
        signed
            .to_http_text()
            .contains("x-acs-security-token: tok+/=")
    );
}

#[test]
fn v3_form_body_is_hashed_and_content_type_signed() {
    let req = RpcRequest::new("CreateDISyncTask", "2020-05-18")
        .param("ProjectId", "1")
        .form_param("TaskContent", "{\"a\": \"b c\"}");
    let signed = v3_signer().sign(&req, &[], V3_DATE, V3_NONCE);
    // `+` for a space in a form body, as the official SDK sends it.
    assert_eq!(
        signed.body.as_deref(),
        Some("TaskContent=%7B%22a%22%3A+%22b+c%22%7D")
    );
    assert_eq!(
        signed.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_ne!(
        signed.header("x-acs-content-sha256"),
        Some(v3::EMPTY_BODY_SHA256)
    );
    let auth = signed.header("authorization").unwrap_or_default();
    assert!(auth.contains("SignedHeaders=content-type;host;"), "{auth}");
    assert!(!signed.url.contains("TaskContent"));
    verify(&signed, V3_SECRET).expect("the body's hash is signed");
}

#[test]
fn v3_hook_headers_are_lowercased_signed_when_x_acs_and_replace_builtins() {
    let extra = vec![
        ("X-Acs-Trace".to_owned(), " abc ".to_owned()),
        ("User-Agent".to_owned(), "custom".to_owned()),
    ];
    let signed = v3_signer().sign(&v3_request(), &extra, V3_DATE, V3_NONCE);
    assert_eq!(signed.header("x-acs-trace"), Some("abc"));
    assert_eq!(signed.header("user-agent"), Some("custom"));
    assert_eq!(
        signed
            .headers
            .iter()
            .filter(|(n, _)| n == "user-agent")
            .count(),
        1
    );
    let auth = signed.header("authorization").unwrap_or_default();
    assert!(
        auth.contains("x-acs-signature-nonce;x-acs-trace;x-acs-version"),
        "{auth}"
    );
    assert!(!auth.contains("user-agent"));
}

// V2 vector: Alibaba's RPC signature documentation.
const V2_PARAMS: [(&str, &str); 8] = v2_vector::PARAMS;
const V2_SECRET: &str = v2_vector::ACCESS_KEY_SECRET;

#[test]
fn v2_public_vector_get_and_post() {
    assert_eq!(
        v2::signature("GET", &V2_PARAMS, V2_SECRET),
        v2_vector::GET_SIGNATURE
    );
    assert_eq!(
        v2::signature("POST", &V2_PARAMS, V2_SECRET),
        v2_vector::POST_SIGNATURE
    );
    // Order of the input does not matter.
    let mut reversed = V2_PARAMS;
    reversed.reverse();
    assert_eq!(
        v2::signature("GET", &reversed, V2_SECRET),
        v2_vector::GET_SIGNATURE
    );
    assert_eq!(
        v2::string_to_sign("GET", &V2_PARAMS),
        v2_vector::GET_STRING_TO_SIGN
    );
}

/// Decodes a query into (name, value) pairs with the shared, independent verifier's decoder.
fn decode_query(q: &str) -> Vec<(String, String)> {
    dwdi_wire_verify::form::decode(q, "query").expect("decodes")
}

/// Verifies `signed` with the shared verifier (independent of the runtime's signer).
fn verify(
    signed: &dwdi_runtime::SignedRequest,
    secret: &str,
) -> Result<(), dwdi_wire_verify::VerifyError> {
    dwdi_test_support::verify_signed(signed, secret).map(|_| ())
}

#[test]
fn v2_full_request_carries_common_params_token_and_a_verifiable_signature() {
    let signer = Signer::new(
        Credentials::new("testid", "testsecret").with_security_token("sts/token=="),
        Endpoint::https("dataworks.cn-hangzhou.aliyuncs.com").expect("valid host"),
        SignatureVersion::V2,
    );
    let req = RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("FileId", "100");
    let signed = signer.sign(&req, &[], "2016-02-23T12:46:24Z", "nonce-1");
    let mut pairs: BTreeMap<String, String> = decode_query(signed.query()).into_iter().collect();
    let sig = pairs.remove("Signature").expect("Signature in the query");
    assert_eq!(
        pairs.get("SecurityToken").map(String::as_str),
        Some("sts/token==")
    );
    assert_eq!(pairs.get("Format").map(String::as_str), Some("JSON"));
    assert_eq!(
        pairs.get("SignatureVersion").map(String::as_str),
        Some("1.0")
    );
    assert_eq!(
        pairs.get("Timestamp").map(String::as_str),
        Some("2016-02-23T12:46:24Z")
    );
    assert_eq!(
        pairs.get("SignatureNonce").map(String::as_str),
        Some("nonce-1")
    );
    assert_eq!(pairs.get("AccessKeyId").map(String::as_str), Some("testid"));
    assert!(!sig.is_empty());
    verify(&signed, "testsecret").expect("the shared verifier accepts it");
    assert!(verify(&signed, "othersecret").is_err());
    assert!(signed.header("authorization").is_none());
    assert!(!format!("{signed:?}").contains("sts%2Ftoken"));
    assert!(format!("{signed:?}").contains("SecurityToken=***"));
}

#[test]
fn v2_form_params_are_signed_but_sent_in_the_body() {
    let signer = Signer::new(
        Credentials::new("testid", "testsecret"),
        Endpoint::https("dataworks.cn-hangzhou.aliyuncs.com").expect("valid host"),
        SignatureVersion::V2,
    );
    let req = RpcRequest::new("CreateDISyncTask", "2020-05-18")
        .param("ProjectId", "1")
        .form_param("TaskContent", "{}");
    let signed = signer.sign(&req, &[], "2016-02-23T12:46:24Z", "n");
    assert_eq!(signed.body.as_deref(), Some("TaskContent=%7B%7D"));
    let pairs: BTreeMap<String, String> = decode_query(signed.query()).into_iter().collect();
    assert!(!pairs.contains_key("TaskContent"));
    assert!(pairs.contains_key("Signature"));
    // The shared verifier signs the body's parameters with the query's.
    verify(&signed, "testsecret").expect("verifies with the body");
    let mut without_body = signed.clone();
    without_body.body = None;
    assert!(verify(&without_body, "testsecret").is_err());
}

#[test]
fn canonical_query_matches_the_sdk_encoding_rules() {
    let q = canonical_query(&[
        ("TaskParam", "{\"a\": [1, 2]} *~"),
        ("Empty", ""),
        ("Name", "数据"),
    ]);
    assert_eq!(
        q,
        "Empty=&Name=%E6%95%B0%E6%8D%AE&TaskParam=%7B%22a%22%3A%20%5B1%2C%202%5D%7D%20%2A~"
    );
}

fn any_string() -> impl Strategy<Value = String> {
    // Every Unicode scalar value may appear: control characters, surrogates' neighbours,
    // astral planes, and the ASCII punctuation the encoder treats specially.
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            prop::sample::select(vec![
                ' ',
                '*',
                '~',
                '+',
                '%',
                '&',
                '=',
                '/',
                '\u{0}',
                '\u{10FFFF}'
            ]),
        ],
        0..12,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn canonical_query_is_a_pure_function_of_the_parameters(
        params in prop::collection::vec((any_string(), any_string()), 0..8),
        seed in any::<u64>(),
    ) {
        let q = canonical_query(&params);

        // Insertion order does not matter.
        let mut shuffled = params.clone();
        let n = shuffled.len();
        if n > 1 {
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
        }
        prop_assert_eq!(&canonical_query(&shuffled), &q);

        // Only unreserved characters, '%', '=' and '&' appear.
        prop_assert!(q.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)));

        // Every name and value survives percent-decoding, in byte-sorted order.
        let mut expected = params.clone();
        expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.as_bytes().cmp(b.1.as_bytes())));
        prop_assert_eq!(decode_query(&q), expected);
    }

    #[test]
    fn v3_signature_does_not_depend_on_parameter_order(
        params in prop::collection::vec(("[A-Za-z]{1,8}", any_string()), 0..6),
    ) {
        let signer = v3_signer();
        let mut a = RpcRequest::new("A", "2020-05-18");
        a.params = params.iter().map(|(k, v)| (k.clone().into(), v.clone())).collect();
        let mut b = a.clone();
        b.params.reverse();
        let sa = signer.sign(&a, &[], V3_DATE, V3_NONCE);
        let sb = signer.sign(&b, &[], V3_DATE, V3_NONCE);
        prop_assert_eq!(sa.header("authorization"), sb.header("authorization"));
        prop_assert_eq!(sa.url, sb.url);
    }
}
