//! Real calls against a loopback HTTP server: success, service errors and no answer, with
//! their exit codes and what goes to stdout and stderr.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

fn call_args(endpoint: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "call",
        "StopDISyncInstance",
        "--ProjectId",
        "10000",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "100",
        "--endpoint",
        endpoint,
    ]
    .map(String::from)
    .to_vec();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

#[test]
fn success_prints_the_response_json() {
    let body = r#"{"RequestId":"r0","Success":true,"Data":{"Status":"success","Message":""}}"#;
    let server = TestServer::start_on_thread(vec![Reply::json(200, body)]);
    let run = dwdi(Creds::Sts, &call_args(&server.endpoint(), &[]));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    run.assert_no_secrets(false);
    let printed: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(printed, serde_json::from_str::<Value>(body).expect("body"));
    assert!(
        run.stdout.contains("\n  \"RequestId\": \"r0\""),
        "pretty: {}",
        run.stdout
    );

    let received = server.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.target,
        "/?FileId=100&ProjectId=10000&TaskType=DI_REALTIME"
    );
    assert_eq!(r.header("x-acs-action"), Some("StopDISyncInstance"));
    assert_eq!(r.header("x-acs-version"), Some("2020-05-18"));
    assert_eq!(r.header("x-acs-security-token"), Some(SECURITY_TOKEN));
    assert!(
        r.header("authorization")
            .is_some_and(|a| a.starts_with("ACS3-HMAC-SHA256 Credential=LTAItestAccessKeyId,"))
    );
}

#[test]
fn service_error_prints_the_typed_error_with_exit_1() {
    let server = TestServer::start_on_thread(vec![Reply::json(
        400,
        r#"{"RequestId":"r1","Code":"Param.Invalid","Message":"The parameter is invalid.","Recommend":"https://x"}"#,
    )]);
    let run = dwdi(Creds::Keys, &call_args(&server.endpoint(), &[]));
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "");
    run.assert_no_secrets(false);
    for needle in [
        "error: StopDISyncInstance: HTTP 400 Param.Invalid: The parameter is invalid. (request id r1)",
        "HTTP status: 400",
        "code:        Param.Invalid",
        "message:     The parameter is invalid.",
        "request id:  r1",
        "recommend:   https://x",
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} not in\n{}",
            run.stderr
        );
    }
    // 4xx is not retried.
    assert_eq!(server.received().len(), 1);
}

#[test]
fn success_false_in_a_200_is_a_service_error() {
    let server = TestServer::start_on_thread(vec![Reply::json(
        200,
        r#"{"RequestId":"r2","Success":false,"Code":"Forbidden.Access","Message":"No access."}"#,
    )]);
    let run = dwdi(Creds::Keys, &call_args(&server.endpoint(), &[]));
    assert_eq!(run.code, 1, "{run:?}");
    for needle in [
        "HTTP status: 200",
        "Forbidden.Access",
        "No access.",
        "request id:  r2",
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} not in\n{}",
            run.stderr
        );
    }
}

#[test]
fn server_errors_are_retried_up_to_max_attempts() {
    let unavailable = Reply::json(
        503,
        r#"{"RequestId":"r3","Code":"ServiceUnavailable","Message":"Try later."}"#,
    );
    let server = TestServer::start_on_thread(vec![unavailable.clone(), unavailable]);
    let run = dwdi(
        Creds::Keys,
        &call_args(&server.endpoint(), &["--max-attempts", "2"]),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("gave up after 2 attempt(s)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("code:        ServiceUnavailable"),
        "{}",
        run.stderr
    );
    assert_eq!(server.received().len(), 2);
}

#[test]
fn connection_refused_is_exit_3() {
    let endpoint = closed_port_endpoint();
    let started = Instant::now();
    let run = dwdi(Creds::Keys, &call_args(&endpoint, &["--max-attempts", "1"]));
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("cannot connect to"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(started.elapsed() < Duration::from_secs(10));

    // With the runtime's default retries: still exit 3, and quick (short backoffs).
    let started = Instant::now();
    let run = dwdi(Creds::Keys, &call_args(&endpoint, &[]));
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("gave up after"), "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_failed_outcome_in_a_200_answer_exits_1() {
    let body = r#"{"RequestId":"r5","Success":true,"Data":{"Status":"fail","Message":"fileId:[100] is invalid."}}"#;
    let server = TestServer::start_on_thread(vec![Reply::json(200, body)]);
    let run = dwdi(Creds::Keys, &call_args(&server.endpoint(), &[]));
    assert_eq!(run.code, 1, "{run:?}");
    let printed: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(printed["Data"]["Status"], "fail");
    assert!(
        run.stderr.contains(
            "error: StopDISyncInstance: the service reports `fail`: fileId:[100] is invalid."
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("request id: r5"));
}
