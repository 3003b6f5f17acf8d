//! The call loop against a loopback server: retries, backoff, classification, hooks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dwdi_runtime::{
    ConfigError, Credentials, Error, ErrorKind, Hooks, RequestParts, ResponseParts, RetryPolicy,
    RpcRequest, Runtime, SignatureVersion, Timeouts,
};
use dwdi_test_support::{RecordingSleeper, Reply, TestServer, closed_port, verify_v3};

const OK: &str = r#"{"RequestId":"req-ok","Success":true,"Data":{"Status":"RUN"}}"#;

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(2),
        total_budget: Duration::from_secs(30),
        jitter: false,
    }
}

fn runtime(endpoint: &str, sleeper: &RecordingSleeper, retry: RetryPolicy) -> Runtime {
    Runtime::builder()
        .credentials(Credentials::new("test-id", "test-secret"))
        .endpoint(endpoint)
        .retry(retry)
        .sleeper(sleeper.clone())
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(10),
        })
        .build()
        .expect("runtime")
}

fn request() -> RpcRequest {
    RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("FileId", "100")
}

#[tokio::test]
async fn success_returns_the_raw_json_and_the_request_is_correctly_signed() {
    let server = TestServer::start(vec![Reply::json(200, OK)]).await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, policy());
    let resp = rt.call(request()).await.expect("success");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.attempts, 1);
    assert_eq!(resp.request_id.as_deref(), Some("req-ok"));
    assert_eq!(resp.data(), Some(&serde_json::json!({"Status": "RUN"})));
    assert_eq!(resp.body, OK.as_bytes());

    let got = server.received();
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r.method, "POST");
    assert!(
        r.target
            .starts_with("/?FileId=100&ProjectId=10000&TaskType=DI_REALTIME")
    );
    assert_eq!(r.header("host"), Some(server.addr.to_string().as_str()));
    assert_eq!(r.header("x-acs-action"), Some("GetDISyncInstanceInfo"));
    assert_eq!(r.header("x-acs-version"), Some("2020-05-18"));
    verify_v3(r, "test-secret").expect("server-side verification");
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn throttled_then_ok_waits_the_retry_after_delay_and_re_signs() {
    let server = TestServer::start(vec![
        Reply::json(
            429,
            r#"{"RequestId":"req-1","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
        )
        .header("x-acs-retry-after", "1500"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, policy());
    let resp = rt.call(request()).await.expect("success after retry");
    assert_eq!(resp.attempts, 2);
    assert_eq!(sleeper.delays(), [Duration::from_millis(1500)]);

    let got = server.received();
    assert_eq!(got.len(), 2);
    // Each attempt has its own nonce, and each is validly signed.
    assert_ne!(
        got[0].header("x-acs-signature-nonce"),
        got[1].header("x-acs-signature-nonce")
    );
    for r in &got {
        let nonce = r.header("x-acs-signature-nonce").unwrap_or_default();
        assert_eq!(nonce.len(), 32);
        let date = r.header("x-acs-date").unwrap_or_default();
        assert!(dwdi_runtime::AcsDate::parse(date).is_ok(), "{date}");
        verify_v3(r, "test-secret").expect("server-side verification");
    }
}

#[tokio::test]
async fn service_unavailable_then_ok_uses_exponential_backoff() {
    let server = TestServer::start(vec![
        Reply::json(
            503,
            r#"{"Code":"ServiceUnavailable","Message":"try later"}"#,
        ),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, policy());
    let resp = rt.call(request()).await.expect("success after retry");
    assert_eq!(resp.attempts, 2);
    assert_eq!(sleeper.delays(), [Duration::from_millis(100)]);
}

#[tokio::test]
async fn jittered_backoff_stays_within_the_upper_half() {
    let server = TestServer::start(vec![
        Reply::json(503, r#"{"Code":"ServiceUnavailable"}"#),
        Reply::json(502, "<html>bad gateway</html>"),
        Reply::json(200, OK),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(
        &server.endpoint(),
        &sleeper,
        RetryPolicy {
            jitter: true,
            ..policy()
        },
    );
    rt.call(request()).await.expect("success after retries");
    let d = sleeper.delays();
    assert_eq!(d.len(), 2);
    assert!(
        d[0] >= Duration::from_millis(50) && d[0] <= Duration::from_millis(100),
        "{d:?}"
    );
    assert!(
        d[1] >= Duration::from_millis(100) && d[1] <= Duration::from_millis(200),
        "{d:?}"
    );
}

#[tokio::test]
async fn retries_exhausted_carries_the_last_answer() {
    let body = |n: u32| {
        format!(r#"{{"RequestId":"req-{n}","Code":"InternalError.System","Message":"boom {n}"}}"#)
    };
    let server = TestServer::start((1..=3).map(|n| Reply::json(500, &body(n))).collect()).await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, policy());
    let err = rt.call(request()).await.expect_err("all attempts fail");
    match &err {
        Error::RetriesExhausted {
            attempts,
            why,
            last,
            ..
        } => {
            assert_eq!(*attempts, 3);
            assert_eq!(*why, "attempt limit reached");
            let Error::Service(s) = last.as_ref() else {
                panic!("last error should be the service answer, got {last:?}");
            };
            assert_eq!(s.status, 500);
            assert_eq!(s.code.as_deref(), Some("InternalError.System"));
            assert_eq!(s.request_id.as_deref(), Some("req-3"));
            assert_eq!(s.kind, ErrorKind::Server);
            assert_eq!(s.body, body(3));
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.request_id(), Some("req-3"));
    assert_eq!(err.status(), Some(500));
    let text = err.to_string();
    assert!(
        text.contains("3 attempt(s)") && text.contains("InternalError.System"),
        "{text}"
    );
    assert_eq!(
        sleeper.delays(),
        [Duration::from_millis(100), Duration::from_millis(200)]
    );
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn connection_refused_is_transient_and_retried_then_reported() {
    let port = closed_port().await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&format!("http://127.0.0.1:{port}"), &sleeper, policy());
    let err = rt.call(request()).await.expect_err("nothing listens");
    match &err {
        Error::RetriesExhausted { attempts, last, .. } => {
            assert_eq!(*attempts, 3);
            let Error::Transport(t) = last.as_ref() else {
                panic!("expected a transport error, got {last:?}");
            };
            assert_eq!(t.kind, ErrorKind::Transient);
            assert!(t.source.is_connect());
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("cannot connect to") && text.contains(&port.to_string()),
        "{text}"
    );
    assert_eq!(sleeper.delays().len(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start(vec![Reply::json(
        400,
        r#"{"RequestId":"req-x","HostId":"dataworks.cn-hangzhou.aliyuncs.com","Code":"Param.Invalid","Message":"The parameter is invalid.","Recommend":"https://api.aliyun.com/troubleshoot?q=Param.Invalid"}"#,
    )])
    .await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, policy());
    let err = rt.call(request()).await.expect_err("400");
    let Error::Service(s) = &err else {
        panic!("expected a service error, got {err:?}");
    };
    assert_eq!(s.kind, ErrorKind::Client);
    assert!(!err.is_retryable());
    assert_eq!(
        s.host_id.as_deref(),
        Some("dataworks.cn-hangzhou.aliyuncs.com")
    );
    assert_eq!(
        err.to_string(),
        "GetDISyncInstanceInfo: HTTP 400 Param.Invalid: The parameter is invalid. (request id \
         req-x); see https://api.aliyun.com/troubleshoot?q=Param.Invalid"
    );
    assert!(sleeper.delays().is_empty());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_stops_retrying() {
    let server = TestServer::start(vec![
        Reply::json(429, r#"{"Code":"Throttling.Api"}"#).header("x-acs-retry-after", "10000"),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(
        &server.endpoint(),
        &sleeper,
        RetryPolicy {
            total_budget: Duration::from_secs(5),
            ..policy()
        },
    );
    let err = rt.call(request()).await.expect_err("budget");
    match &err {
        Error::RetriesExhausted { attempts, why, .. } => {
            assert_eq!(*attempts, 1);
            assert_eq!(*why, "time budget exhausted");
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Throttling);
    assert_eq!(
        err.service_error().and_then(|s| s.retry_after),
        Some(Duration::from_secs(10))
    );
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn without_retries_the_plain_error_is_returned() {
    let server =
        TestServer::start(vec![Reply::json(503, r#"{"Code":"ServiceUnavailable"}"#)]).await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, RetryPolicy::none());
    let err = rt.call(request()).await.expect_err("503");
    assert!(
        matches!(&err, Error::Service(s) if s.kind == ErrorKind::Transient),
        "{err:?}"
    );
}

#[tokio::test]
async fn http_200_with_success_false_is_a_service_error() {
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"requestId":"req-f","success":false,"code":"Invalid.DI.Parameter","message":"bad TaskParam"}"#,
    )])
    .await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, policy());
    let err = rt.call(request()).await.expect_err("Success:false");
    let s = err.service_error().expect("service error");
    assert_eq!(s.status, 200);
    assert_eq!(s.code.as_deref(), Some("Invalid.DI.Parameter"));
    assert_eq!(s.message.as_deref(), Some("bad TaskParam"));
    assert_eq!(s.request_id.as_deref(), Some("req-f"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn http_200_with_a_non_json_body_is_a_decode_error_quoting_the_body() {
    let server = TestServer::start(vec![Reply::json(200, "<html>captive portal</html>")]).await;
    let sleeper = RecordingSleeper::default();
    let rt = runtime(&server.endpoint(), &sleeper, policy());
    let err = rt.call(request()).await.expect_err("not JSON");
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert!(
        err.to_string().contains("<html>captive portal</html>"),
        "{err}"
    );
}

#[derive(Default)]
struct Recorder {
    statuses: Mutex<Vec<(u32, u16)>>,
}

struct TestHooks(Arc<Recorder>);

impl Hooks for TestHooks {
    fn before_sign(&self, parts: &mut RequestParts<'_>) {
        parts
            .request
            .to_mut()
            .params
            .push(("Attempt".into(), parts.attempt.to_string()));
        parts
            .headers
            .push(("x-acs-trace-id".into(), "trace-1".into()));
    }
    fn after_response(&self, response: &ResponseParts<'_>) {
        self.0
            .statuses
            .lock()
            .expect("lock")
            .push((response.attempt, response.status));
    }
}

#[tokio::test]
async fn hooks_adjust_the_request_before_signing_and_observe_responses() {
    let server = TestServer::start(vec![
        Reply::json(503, r#"{"Code":"ServiceUnavailable"}"#),
        Reply::json(200, OK),
    ])
    .await;
    let rec = Arc::new(Recorder::default());
    let sleeper = RecordingSleeper::default();
    let rt = Runtime::builder()
        .credentials(Credentials::new("test-id", "test-secret"))
        .endpoint(server.endpoint())
        .retry(policy())
        .sleeper(sleeper)
        .hooks(TestHooks(rec.clone()))
        .build()
        .expect("runtime");
    rt.call(request()).await.expect("success");
    let got = server.received();
    assert!(
        got[0].target.starts_with("/?Attempt=1&"),
        "{}",
        got[0].target
    );
    assert!(
        got[1].target.starts_with("/?Attempt=2&"),
        "{}",
        got[1].target
    );
    for r in &got {
        assert_eq!(r.header("x-acs-trace-id"), Some("trace-1"));
        assert!(
            r.header("authorization")
                .unwrap_or_default()
                .contains("x-acs-trace-id")
        );
        verify_v3(r, "test-secret").expect("hook changes are signed");
    }
    assert_eq!(*rec.statuses.lock().expect("lock"), [(1, 503), (2, 200)]);
}

#[tokio::test]
async fn v2_calls_send_the_signature_and_token_in_the_query() {
    let server = TestServer::start(vec![Reply::json(200, OK)]).await;
    let rt = Runtime::builder()
        .credentials(Credentials::new("test-id", "test-secret").with_security_token("sts-token"))
        .endpoint(server.endpoint())
        .signature_version(SignatureVersion::V2)
        .build()
        .expect("runtime");
    rt.call(request()).await.expect("success");
    let r = &server.received()[0];
    assert!(r.target.contains("SecurityToken=sts-token"), "{}", r.target);
    assert!(r.target.contains("&Signature="), "{}", r.target);
    assert!(
        r.target.contains("SignatureMethod=HMAC-SHA1"),
        "{}",
        r.target
    );
    assert!(r.header("authorization").is_none());
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_unless_allowed() {
    let build = |allow| {
        Runtime::builder()
            .credentials(Credentials::new("id", "secret"))
            .endpoint("http://dataworks.cn-hangzhou.aliyuncs.com")
            .allow_insecure_http(allow)
            .build()
    };
    let err = build(false).expect_err("refused");
    assert!(
        matches!(err, Error::Config(ConfigError::InsecureEndpoint { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("plain http"), "{err}");
    assert!(build(true).is_ok());
    for loopback in [
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://[::1]:9",
    ] {
        Runtime::builder()
            .credentials(Credentials::new("id", "secret"))
            .endpoint(loopback)
            .build()
            .unwrap_or_else(|e| panic!("{loopback} should be allowed: {e}"));
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_hits_the_request_timeout_as_a_transient_error() {
    // Paused tokio time: the timeout fires as soon as the runtime is idle, without waiting.
    let addr = dwdi_test_support::silent_server().await;
    let rt = Runtime::builder()
        .credentials(Credentials::new("id", "secret"))
        .endpoint(format!("http://{addr}"))
        .retry(RetryPolicy::none())
        .timeouts(Timeouts {
            connect: Duration::from_secs(1),
            request: Duration::from_secs(2),
        })
        .build()
        .expect("runtime");
    let err = rt.call(request()).await.expect_err("timeout");
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert!(t.source.is_timeout(), "{err}");
    assert_eq!(t.kind, ErrorKind::Transient);
    assert!(err.to_string().contains("timed out talking to"), "{err}");
}

struct BadHeader;

impl Hooks for BadHeader {
    fn before_sign(&self, parts: &mut RequestParts<'_>) {
        parts
            .headers
            .push(("x-acs-bad".into(), "line\nbreak".into()));
    }
}

#[tokio::test]
async fn an_invalid_header_from_a_hook_is_refused_before_sending() {
    let server = TestServer::start(vec![Reply::json(200, OK)]).await;
    let rt = Runtime::builder()
        .credentials(Credentials::new("id", "secret"))
        .endpoint(server.endpoint())
        .hooks(BadHeader)
        .build()
        .expect("runtime");
    let err = rt.call(request()).await.expect_err("invalid header");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("\"x-acs-bad\" has an invalid value"),
        "{err}"
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn data_decodes_into_typed_structs_and_mismatches_say_where() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Data {
        #[serde(rename = "Status")]
        status: String,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Wrong {
        #[serde(rename = "Status")]
        status: u32,
    }
    let server = TestServer::start(vec![Reply::json(200, OK)]).await;
    let rt = runtime(&server.endpoint(), &RecordingSleeper::default(), policy());
    let resp = rt.call(request()).await.expect("success");
    assert_eq!(
        resp.decode_data::<Data>().expect("typed"),
        Data {
            status: "RUN".into()
        }
    );
    let err = resp.decode_data::<Wrong>().expect_err("mismatch");
    let text = err.to_string();
    assert!(
        text.starts_with("GetDISyncInstanceInfo: HTTP 200 answer cannot be decoded: in Data"),
        "{text}"
    );
}
