//! Parameters in an `application/x-www-form-urlencoded` body: V3 signs the body's SHA-256
//! (`x-acs-content-sha256`) and its content type, V2 signs the body's parameters with the
//! query's. Checked by the shared verifier (`dwdi-wire-verify`), never by the signer itself,
//! and over a loopback socket, so the body that arrives is the body that was signed.

use dwdi_runtime::sign::v3::EMPTY_BODY_SHA256;
use dwdi_runtime::{
    AcsDate, Credentials, RetryPolicy, RpcRequest, Runtime, SignatureVersion, SignedRequest,
};
use dwdi_test_support::{Reply, TestServer, verify_received, verify_signed};
use dwdi_wire_verify::VerifyError;

const SECRET: &str = "test-secret";
const OK: &str = r#"{"RequestId":"r","Success":true,"Data":{"FileId":1}}"#;
const TASK_CONTENT: &str =
    r#"{"type":"job","steps":[{"name":"Reader","note":"a b*c~d/e+f&g=h 数据"}]}"#;

fn runtime(endpoint: &str, version: SignatureVersion) -> Runtime {
    Runtime::builder()
        .credentials(Credentials::new("test-id", SECRET).with_security_token("tok+/=="))
        .endpoint(endpoint)
        .signature_version(version)
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime")
}

fn create() -> RpcRequest {
    RpcRequest::new("CreateDISyncTask", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_OFFLINE")
        .form_param("TaskContent", TASK_CONTENT)
}

fn sign(version: SignatureVersion) -> SignedRequest {
    let rt = runtime("https://dataworks.cn-hangzhou.aliyuncs.com", version);
    let date = AcsDate::parse("2024-01-02T03:04:05Z").expect("date");
    rt.sign_at(&create(), date, "0123456789abcdef0123456789abcdef", 1)
}

/// Verifies a signed request with the shared verifier; the body's parameter is read back.
fn verify(signed: &SignedRequest) -> Result<(), VerifyError> {
    let params = verify_signed(signed, SECRET)?;
    assert!(
        params.contains(&("TaskContent".to_owned(), TASK_CONTENT.to_owned())),
        "the body carries the parameter: {params:?}"
    );
    Ok(())
}

fn set_header(signed: &mut SignedRequest, name: &str, value: &str) {
    let slot = signed
        .headers
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} header"));
    slot.1 = value.to_owned();
}

#[test]
fn v3_signs_the_body_hash_and_the_verifier_agrees() {
    let signed = sign(SignatureVersion::V3);
    assert!(!signed.url.contains("TaskContent"));
    assert_ne!(
        signed.header("x-acs-content-sha256"),
        Some(EMPTY_BODY_SHA256)
    );
    verify(&signed).expect("a body-carrying request verifies");
}

#[test]
fn v3_with_the_empty_body_hash_is_refused() {
    // What a signer that always signs the empty body's hash would send.
    let mut signed = sign(SignatureVersion::V3);
    set_header(&mut signed, "x-acs-content-sha256", EMPTY_BODY_SHA256);
    assert!(
        matches!(verify(&signed), Err(VerifyError::BodyHash { .. })),
        "{:?}",
        verify(&signed)
    );
}

#[test]
fn v3_with_a_changed_body_is_refused() {
    let mut signed = sign(SignatureVersion::V3);
    signed.body = signed.body.map(|b| b.replacen("Reader", "Writer", 1));
    assert!(matches!(verify(&signed), Err(VerifyError::BodyHash { .. })));
    // Even with the hash of the new body: the hash is signed.
    let hash =
        dwdi_wire_verify::v3::sha256_hex(signed.body.as_deref().unwrap_or_default().as_bytes());
    set_header(&mut signed, "x-acs-content-sha256", &hash);
    assert!(matches!(verify(&signed), Err(VerifyError::Mismatch { .. })));
}

#[test]
fn v3_with_an_unsigned_content_type_is_refused() {
    let mut signed = sign(SignatureVersion::V3);
    let auth = signed
        .header("authorization")
        .unwrap_or_default()
        .replace("content-type;", "");
    set_header(&mut signed, "authorization", &auth);
    assert!(
        matches!(verify(&signed), Err(VerifyError::Incomplete(m)) if m.contains("content-type"))
    );
}

#[test]
fn v2_signs_the_body_parameters_and_the_verifier_agrees() {
    let signed = sign(SignatureVersion::V2);
    assert!(!signed.url.contains("TaskContent"));
    verify(&signed).expect("a body-carrying V2 request verifies");
    let mut changed = signed.clone();
    changed.body = changed.body.map(|b| b.replacen("Reader", "Writer", 1));
    assert!(matches!(
        verify(&changed),
        Err(VerifyError::Mismatch { .. })
    ));
}

#[tokio::test]
async fn the_body_sent_over_the_wire_is_the_body_signed() {
    for version in [SignatureVersion::V3, SignatureVersion::V2] {
        let server = TestServer::start(vec![Reply::json(200, OK)]).await;
        runtime(&server.endpoint(), version)
            .call(create())
            .await
            .expect("answered");
        let received = server.received();
        let r = &received[0];
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(r.body.starts_with("TaskContent="), "{:?}", r.body);
        assert!(!r.target.contains("TaskContent"));
        verify_received(r, SECRET).unwrap_or_else(|e| panic!("{version:?}: {e}"));
    }
}
