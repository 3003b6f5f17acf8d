//! Parameters in an `application/x-www-form-urlencoded` body: the mock reads them and checks
//! the signature over them (V3 through the body's hash, V2 through the parameters), over a
//! real loopback socket with the runtime's real signing.

use dwdi_mock::{
    DEFAULT_ACCESS_KEY_ID as ID, DEFAULT_ACCESS_KEY_SECRET as SECRET, MockConfig, MockServer,
};
use dwdi_runtime::{
    Credentials, RetryPolicy, RpcRequest, Runtime, SignatureVersion, SignedRequest,
};
use serde_json::Value;

/// The page's TaskParam, with text that needs escaping in a body (spaces, `+`, `&`, `=`).
const TASK_PARAM: &str = r#"{ "steps": [ { "parameter": { "connection": [ { "table": [ "x y+z&a=b" ] } ] }, "name": "Reader", "category": "reader" } ] }"#;

fn runtime(server: &MockServer, version: SignatureVersion) -> Runtime {
    Runtime::builder()
        .endpoint(server.url())
        .credentials(Credentials::new(ID, SECRET))
        .signature_version(version)
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime")
}

/// GenerateDISyncTaskConfigForUpdating with TaskParam in the body, the rest in the query.
fn generate_with_body() -> RpcRequest {
    RpcRequest::new(
        "GenerateDISyncTaskConfigForUpdating",
        dataworks_di::meta::API_VERSION,
    )
    .param("ProjectId", "10000")
    .param("TaskType", "DI_REALTIME")
    .param("TaskId", "100")
    .form_param("TaskParam", TASK_PARAM)
}

/// Sends `signed` as it is, with `body` in place of its own.
async fn send(signed: &SignedRequest, body: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(&signed.url)
        .body(body.to_owned());
    for (name, value) in &signed.headers {
        if name != "host" {
            request = request.header(name.as_ref(), value.as_str());
        }
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).expect("a JSON answer"))
}

#[tokio::test]
async fn a_signed_form_body_is_read_and_verified_with_either_signature() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("mock starts");
    for version in [SignatureVersion::V3, SignatureVersion::V2] {
        let rt = runtime(&server, version);
        let signed = rt.sign_only(&generate_with_body());
        let body = signed.body.clone().expect("a form body");
        assert!(
            !signed.url.contains("TaskParam"),
            "{version:?}: TaskParam stays out of the URL"
        );
        let (status, answer) = send(&signed, &body).await;
        assert_eq!(status, 200, "{version:?}: {answer}");
        assert_eq!(answer["Data"]["Status"], "success", "{version:?}: {answer}");

        // The same request through the runtime's own transport.
        let response = rt.call(generate_with_body()).await.expect("accepted");
        assert_eq!(response.data().expect("Data")["Status"], "success");
    }
}

#[tokio::test]
async fn a_changed_form_body_is_refused_with_either_signature() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("mock starts");
    for version in [SignatureVersion::V3, SignatureVersion::V2] {
        let signed = runtime(&server, version).sign_only(&generate_with_body());
        let body = signed.body.clone().expect("a form body");
        // Same length, one table renamed: only the signature can tell.
        let tampered = body.replacen("x", "q", 1);
        assert_ne!(tampered, body);
        let (status, answer) = send(&signed, &tampered).await;
        assert_eq!(status, 400, "{version:?}: {answer}");
        assert_eq!(
            answer["Code"], "SignatureDoesNotMatch",
            "{version:?}: {answer}"
        );
    }
}

#[tokio::test]
async fn a_dropped_body_is_a_signature_failure_not_a_missing_parameter() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("mock starts");
    let signed = runtime(&server, SignatureVersion::V3).sign_only(&generate_with_body());
    // The body hash is signed, so dropping the body is a signature failure, not a silently
    // missing parameter.
    let (status, answer) = send(&signed, "").await;
    assert_eq!(
        (status, answer["Code"].as_str()),
        (400, Some("SignatureDoesNotMatch")),
        "{answer}"
    );
}
