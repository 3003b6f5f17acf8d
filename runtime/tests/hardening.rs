//! Issue 13 #3 and #4 on loopback: redirects are never followed, and response bodies are
//! read up to a cap only.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use dwdi_runtime::{
    Credentials, DEFAULT_MAX_RESPONSE_BODY_BYTES, Error, RetryPolicy, RpcRequest, Runtime,
    SignatureVersion,
};
use dwdi_test_support::RecordingSleeper;
use support::{OK, Response, StandIn};

const SECRET: &str = "SuperSecretKey0123456789";
const TOKEN: &str = "CAIS+token/with=chars&more";

fn request() -> RpcRequest {
    RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("FileId", "100")
}

fn builder(endpoint: &str) -> dwdi_runtime::RuntimeBuilder {
    Runtime::builder()
        .credentials(Credentials::new("LTAI-visible-id", SECRET).with_security_token(TOKEN))
        .endpoint(endpoint)
        .sleeper(RecordingSleeper::default())
        .retry(RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        })
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_the_location_and_is_never_followed() {
    for (status, version) in [
        (301, SignatureVersion::V3),
        (302, SignatureVersion::V3),
        (302, SignatureVersion::V2),
        (303, SignatureVersion::V3),
        (307, SignatureVersion::V3),
        (308, SignatureVersion::V2),
    ] {
        let second = StandIn::start(|_| Response::json(200, OK));
        let location = format!(
            "http://u:p@127.0.0.1:{}/collect?SecurityToken=leaked&AccessKeyId=LTAI-visible-id#f",
            second.addr.port()
        );
        let first =
            StandIn::start(move |_| Response::json(status, "").header("location", &location));
        let rt = builder(&first.url())
            .signature_version(version)
            .build()
            .expect("runtime");
        let err = rt.call(request()).await.expect_err("redirect");
        let shown = format!("http://127.0.0.1:{}/collect", second.addr.port());
        match &err {
            Error::Redirected {
                status: s,
                location,
                action,
            } => {
                assert_eq!(*s, status);
                assert_eq!(location, &shown);
                assert_eq!(action, "GetDISyncInstanceInfo");
            }
            other => panic!("{status}: {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains(&format!("HTTP {status} redirect to {shown} refused")),
            "{text}"
        );
        for leak in ["leaked", "SecurityToken", "u:p", SECRET, TOKEN, "#f"] {
            assert!(!text.contains(leak), "{leak} in {text}");
            assert!(!format!("{err:?}").contains(leak), "{leak} in {err:?}");
        }
        assert_eq!(err.status(), Some(status));
        assert_eq!(second.count(), 0, "the second server sees no request");
        assert_eq!(first.count(), 1, "a redirect is not retried");
    }
}

#[tokio::test]
async fn an_injected_client_that_follows_a_redirect_has_its_answer_refused() {
    let second = StandIn::start(|_| Response::json(200, OK));
    let location = format!("{}/other", second.url());
    let first = StandIn::start(move |_| Response::json(302, "").header("location", &location));
    let rt = builder(&first.url())
        .http_client(reqwest::Client::new())
        .build()
        .expect("runtime");
    let err = rt.call(request()).await.expect_err("refused");
    assert!(
        matches!(&err, Error::Redirected { location, .. } if location == &format!("{}/other", second.url())),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_response_body_stops_at_the_cap() {
    const CAP: usize = 64 * 1024;
    // What the server would send if the client kept reading.
    const TOTAL: u64 = 512 * 1024 * 1024;
    let server = StandIn::start(|_| Response::stream(TOTAL, false));
    let rt = builder(&server.url())
        .max_response_body_bytes(CAP)
        .build()
        .expect("runtime");
    assert_eq!(rt.max_response_body_bytes(), CAP);
    let err = rt.call(request()).await.expect_err("too large");
    let Error::ResponseTooLarge {
        limit,
        read,
        status,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((*limit, *status), (CAP, 200));
    // Reading stopped at the first piece past the cap.
    assert!(
        *read > CAP as u64 && *read <= (CAP + 64 * 1024) as u64,
        "read {read}"
    );
    let text = err.to_string();
    assert!(
        text.contains("larger than the response body limit of 65536 bytes")
            && text.contains("max_response_body_bytes"),
        "{text}"
    );
    assert_eq!(server.count(), 1, "not retried");
    // The client dropped the connection: the server could write no more than the cap plus
    // what the sockets' buffers hold.
    server.done.notified().await;
    let written = server.streamed.load(Ordering::SeqCst);
    assert!(
        written < 64 * 1024 * 1024,
        "the server wrote {written} bytes"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_before_reading() {
    let server = StandIn::start(|_| Response::stream(10 * 1024 * 1024, true));
    let rt = builder(&server.url())
        .max_response_body_bytes(1024)
        .build()
        .expect("runtime");
    let err = rt.call(request()).await.expect_err("too large");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                read: 0,
                limit: 1024,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_is_read() {
    const CAP: usize = 4096;
    let exact = |len: usize| {
        let head = r#"{"RequestId":"r","Success":true,"Data":{},"Pad":""#;
        let tail = r#""}"#;
        format!("{head}{}{tail}", "p".repeat(len - head.len() - tail.len()))
    };
    let (at, over) = (exact(CAP), exact(CAP + 1));
    let server = StandIn::start(move |r| {
        if r.header("x-acs-action") == Some("Over") {
            Response::json(200, over.clone())
        } else {
            Response::json(200, at.clone())
        }
    });
    let rt = builder(&server.url())
        .max_response_body_bytes(CAP)
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .build()
        .expect("runtime");
    let ok = rt.call(request()).await.expect("exactly the cap");
    assert_eq!(ok.body.len(), CAP);
    let err = rt
        .call(RpcRequest::new("Over", "2020-05-18"))
        .await
        .expect_err("one byte over");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

#[test]
fn the_default_cap_is_16_mib() {
    let rt = Runtime::builder()
        .credentials(Credentials::new("id", "secret"))
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .build()
        .expect("runtime");
    assert_eq!(DEFAULT_MAX_RESPONSE_BODY_BYTES, 16 * 1024 * 1024);
    assert_eq!(
        rt.max_response_body_bytes(),
        DEFAULT_MAX_RESPONSE_BODY_BYTES
    );
}

#[tokio::test]
async fn an_error_answer_is_capped_too() {
    let server = StandIn::start(|_| {
        let mut r = Response::stream(1024 * 1024, false);
        r.status = 500;
        r
    });
    let rt = builder(&server.url())
        .max_response_body_bytes(8 * 1024)
        .retry(RetryPolicy {
            max_attempts: 1,
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .expect("runtime");
    let err = rt.call(request()).await.expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { status: 500, .. }),
        "{err:?}"
    );
}
