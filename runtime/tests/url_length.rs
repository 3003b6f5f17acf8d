//! A parameter too long for a URL is refused before sending, naming the parameter, its size
//! and the limit (issue 13 #5: a ~50 KB TaskParam failed with "Parsed Url is not a valid Uri").

use dwdi_runtime::{Credentials, Error, MAX_URL_LEN, RetryPolicy, RpcRequest, Runtime, UrlTooLong};
use dwdi_test_support::{Reply, TestServer};

const OK: &str = r#"{"RequestId":"r","Success":true,"Data":{"Status":"success","ProcessId":1}}"#;

fn runtime(endpoint: &str) -> Runtime {
    Runtime::builder()
        .credentials(Credentials::new("test-id", "test-secret"))
        .endpoint(endpoint)
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime")
}

/// A Generate call whose TaskParam is a JSON document with a `pad` member of `pad` letters.
fn generate(pad: usize) -> RpcRequest {
    let task_param = format!(r#"{{"steps":[],"pad":"{}"}}"#, "a".repeat(pad));
    RpcRequest::new("GenerateDISyncTaskConfigForUpdating", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("TaskId", "100")
        .param("TaskParam", task_param)
}

/// The padding that makes the signed URL exactly `len` bytes long (letters encode 1:1).
fn pad_for(rt: &Runtime, len: usize) -> usize {
    let base = rt.sign_only(&generate(0)).url.len();
    len - base
}

#[tokio::test]
async fn a_50_kb_task_param_is_refused_before_sending_with_its_name_size_and_the_limit() {
    let server = TestServer::start(vec![Reply::json(200, OK)]).await;
    let rt = runtime(&server.endpoint());
    // About 50 KB of JSON text: quotes, colons, braces and spaces percent-encode to three
    // bytes each, which is how such a parameter outgrows a URL.
    let tables: Vec<String> = (0..5200).map(|i| format!("\"t {i}\"")).collect();
    let task_param = format!(
        r#"{{ "steps": [ {{ "parameter": {{ "connection": [ {{ "table": [ {} ] }} ] }}, "name": "Reader", "category": "reader" }} ] }}"#,
        tables.join(", ")
    );
    assert!(
        task_param.len() > 45_000 && task_param.len() < 60_000,
        "{}",
        task_param.len()
    );
    let request = RpcRequest::new("GenerateDISyncTaskConfigForUpdating", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("TaskId", "100")
        .param("TaskParam", task_param.clone());
    let error = rt.call(request).await.expect_err("refused");
    let Error::InvalidRequest { action, reason } = &error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert_eq!(action, "GenerateDISyncTaskConfigForUpdating");
    let text = error.to_string();
    for needle in [
        "GenerateDISyncTaskConfigForUpdating: cannot build the request",
        "its longest query parameter is TaskParam",
        &format!("{} bytes of value", task_param.len()),
        &format!("over the limit of {MAX_URL_LEN} bytes"),
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    assert!(!reason.contains("Parsed Url"), "{reason}");
    assert!(server.received().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn the_limit_is_exactly_what_the_http_stack_can_send() {
    let server = TestServer::start(vec![Reply::json(200, OK)]).await;
    let rt = runtime(&server.endpoint());

    // At the limit: sent and answered.
    let at_limit = generate(pad_for(&rt, MAX_URL_LEN));
    assert_eq!(rt.sign_only(&at_limit).url.len(), MAX_URL_LEN);
    rt.call(at_limit)
        .await
        .expect("a URL of MAX_URL_LEN bytes is sent");
    assert_eq!(server.received().len(), 1);

    // One byte more: refused, with the figures.
    let over = generate(pad_for(&rt, MAX_URL_LEN + 1));
    let signed = rt.sign_only(&over);
    let too_long: UrlTooLong = signed.check_url_len().expect_err("over the limit");
    assert_eq!(too_long.url_len, MAX_URL_LEN + 1);
    assert_eq!(too_long.limit, MAX_URL_LEN);
    assert_eq!(too_long.parameter, "TaskParam");
    let value = over
        .params
        .iter()
        .find(|(n, _)| n == "TaskParam")
        .map(|(_, v)| v.len())
        .unwrap_or_default();
    assert_eq!(too_long.value_len, value);
    assert!(too_long.encoded_len > value);
    let error = rt.call(over).await.expect_err("refused");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(server.received().len(), 1, "the refused call sent nothing");
}

#[test]
fn the_message_never_shows_the_value() {
    let rt = runtime("https://dataworks.cn-hangzhou.aliyuncs.com");
    let signed = rt.sign_only(&generate(MAX_URL_LEN));
    let message = signed.check_url_len().expect_err("too long").to_string();
    assert!(!message.contains("aaaa"), "{message}");
    assert!(message.len() < 300, "{message}");
}
