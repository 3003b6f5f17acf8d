//! A parameter named like one the signature sets itself (`Timestamp`, `Signature`…), or given
//! twice, is refused before sending: V2 would put both copies in the query and sign both, and
//! the service would read only one (found by fuzzing the request path, issue 13).

use dwdi_runtime::{
    Credentials, Error, PROTOCOL_PARAMS, RetryPolicy, RpcRequest, Runtime, SignatureVersion,
};
use dwdi_test_support::{Reply, TestServer};

const OK: &str = r#"{"RequestId":"r","Success":true,"Data":{"Status":"success"}}"#;

fn runtime(endpoint: &str, version: SignatureVersion) -> Runtime {
    Runtime::builder()
        .credentials(Credentials::new("test-id", "test-secret"))
        .endpoint(endpoint)
        .signature_version(version)
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime")
}

fn stop() -> RpcRequest {
    RpcRequest::new("StopDISyncInstance", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("FileId", "100")
}

async fn refused(version: SignatureVersion, request: RpcRequest, name: &str) {
    let server = TestServer::start(vec![Reply::json(200, OK)]).await;
    let rt = runtime(&server.endpoint(), version);
    let error = rt.call(request).await.expect_err("refused");
    let Error::InvalidRequest { action, reason } = &error else {
        panic!("{version:?} {name}: expected InvalidRequest, got {error:?}");
    };
    assert_eq!(action, "StopDISyncInstance");
    assert!(
        reason.contains(&format!("parameter {name} would be sent twice")),
        "{version:?}: {reason}"
    );
    assert!(
        server.received().is_empty(),
        "{version:?} {name}: nothing is sent"
    );
}

#[tokio::test]
async fn a_parameter_named_like_a_v2_protocol_parameter_is_refused() {
    for name in PROTOCOL_PARAMS {
        // SecurityToken is the protocol's only with STS credentials.
        if name == "SecurityToken" {
            continue;
        }
        refused(SignatureVersion::V2, stop().param(name, "x"), name).await;
        // In a form body too: V2 signs body and query together.
        let mut with_form = stop();
        with_form.form.push((name.into(), "x".to_owned()));
        refused(SignatureVersion::V2, with_form, name).await;
    }
}

#[tokio::test]
async fn a_parameter_given_twice_is_refused_whatever_the_signature() {
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        refused(version, stop().param("FileId", "101"), "FileId").await;
    }
}

#[tokio::test]
async fn distinct_parameters_are_sent() {
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        let server = TestServer::start(vec![Reply::json(200, OK)]).await;
        let rt = runtime(&server.endpoint(), version);
        rt.call(stop()).await.expect("sent");
        assert_eq!(server.received().len(), 1, "{version:?}");
    }
}
