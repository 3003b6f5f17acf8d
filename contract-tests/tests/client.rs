//! The generated client's behaviour: builders refuse what the docs say is invalid before
//! sending, answers and documented errors decode into typed values, `Data.Status = fail` is an
//! error where it reports the call's outcome, waiters poll to an end, and a generated
//! ClientToken survives retries.

use std::time::Duration;

use dataworks_di::Client;
use dataworks_di::error::{ErrorKind, GatewayCode};
use dataworks_di::operation::generate_di_sync_task_config_for_updating::GenerateDiSyncTaskConfigForUpdatingError;
use dataworks_di::operation::get_di_sync_instance_info::GetDiSyncInstanceInfoError;
use dataworks_di::operation::start_di_sync_instance::StartDiSyncInstanceError;
use dataworks_di::operation::stop_di_sync_instance::StopDiSyncInstanceError;
use dataworks_di::types::{GetDiSyncInstanceInfoStatus, TaskType};
use dwdi_runtime::describe::Problem;
use dwdi_runtime::{Credentials, RetryPolicy, WaitError, WaiterConfig, WaiterFailure};
use dwdi_test_support::{RecordingSleeper, Reply, TestServer, verify_v3};

const SECRET: &str = "test-secret";

fn client(server: &TestServer, attempts: u32) -> Client {
    let runtime = Client::runtime_builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new("test-id", SECRET))
        .sleeper(RecordingSleeper::default())
        .retry(RetryPolicy {
            max_attempts: attempts,
            ..RetryPolicy::default()
        })
        .build()
        .expect("runtime");
    Client::new(runtime)
}

fn ok(data: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"Success":true,"RequestId":"req-1","Data":{data}}}"#),
    )
}

fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

fn fast_waiter() -> WaiterConfig {
    WaiterConfig {
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        max_wait: Duration::from_secs(10),
        jitter: false,
    }
}

#[tokio::test]
async fn a_call_sends_the_documented_parameters_signed_and_decodes_the_answer() {
    let server = TestServer::start(vec![ok(
        r#"{"Status":"RUN","Message":null,"Name":"streamx_name"}"#,
    )])
    .await;
    let out = client(&server, 1)
        .get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .send()
        .await
        .expect("success");
    assert_eq!(out.request_id.as_deref(), Some("req-1"));
    assert_eq!(out.data.status, GetDiSyncInstanceInfoStatus::Run);
    assert_eq!(out.data.name.as_deref(), Some("streamx_name"));
    assert_eq!(out.data.solution_info, None);
    let received = server.received();
    assert_eq!(received.len(), 1);
    verify_v3(&received[0], SECRET).expect("the signature verifies");
    assert_eq!(
        received[0].header("x-acs-action"),
        Some("GetDISyncInstanceInfo")
    );
    assert_eq!(received[0].header("x-acs-version"), Some("2020-05-18"));
    for (name, value) in [
        ("ProjectId", "10000"),
        ("TaskType", "DI_REALTIME"),
        ("FileId", "100"),
    ] {
        assert_eq!(
            query_param(&received[0].target, name).as_deref(),
            Some(value)
        );
    }
}

#[tokio::test]
async fn builders_refuse_invalid_values_before_sending() {
    let server = TestServer::start(vec![]).await;
    let client = client(&server, 1);

    let err = client
        .stop_di_sync_instance()
        .project_id(10000)
        .task_type(TaskType::DiSolution)
        .file_id(100)
        .send()
        .await
        .expect_err("Stop accepts DI_REALTIME only");
    let StopDiSyncInstanceError::Invalid(e) = &err else {
        panic!("expected Invalid, got {err:?}");
    };
    assert_eq!(e.parameter, "TaskType");
    assert_eq!(
        err.to_string(),
        "StopDISyncInstance: parameter TaskType has invalid value \"DI_SOLUTION\"; expected one of DI_REALTIME"
    );

    let err = client
        .get_di_sync_instance_info()
        .project_id(0)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .send()
        .await
        .expect_err("ProjectId 0 is out of range");
    assert_eq!(
        err.to_string(),
        "GetDISyncInstanceInfo: parameter ProjectId has invalid value \"0\"; expected an integer in 1..=10000000000 (out of range)"
    );

    let err = client
        .get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiOffline)
        .file_id(100)
        .send()
        .await
        .expect_err("DI_OFFLINE is not accepted");
    assert!(
        err.to_string()
            .ends_with("expected one of DI_REALTIME, DI_SOLUTION")
    );

    let err = client
        .stop_di_sync_instance()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .send()
        .await
        .expect_err("FileId is required");
    let StopDiSyncInstanceError::Invalid(e) = &err else {
        panic!("expected Invalid, got {err:?}");
    };
    assert_eq!(e.parameter, "FileId");
    assert!(matches!(e.problem, Problem::Missing { .. }));

    let err = client
        .start_di_sync_instance()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .start_param("{\"failoverLimit\":")
        .send()
        .await
        .expect_err("StartParam must be JSON");
    assert!(
        matches!(&err, StartDiSyncInstanceError::Invalid(e) if e.parameter == "StartParam"),
        "{err:?}"
    );

    assert!(server.received().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn documented_error_bodies_decode_into_typed_errors() {
    let body = |code: &str, message: &str| {
        format!(
            r#"{{"RequestId":"req-9","HostId":"dataworks.cn-hangzhou.aliyuncs.com","Code":"{code}","Message":"{message}","Recommend":"https://api.aliyun.com/troubleshoot?q={code}"}}"#
        )
    };
    let server = TestServer::start(vec![
        Reply::json(400, &body("Param.Invalid", "The parameter is invalid.")),
        Reply::json(403, &body("Forbidden.Access", "Access is forbidden.")),
        Reply::json(
            500,
            &body("InternalError.System", "An internal error occurred."),
        ),
        Reply::json(
            429,
            &body(
                "Throttling.User",
                "Request was denied due to user flow control.",
            ),
        ),
        Reply::json(400, &body("Some.New.Code", "Something new.")),
    ])
    .await;
    let client = client(&server, 1);
    let call = || {
        client
            .get_di_sync_instance_info()
            .project_id(10000)
            .task_type(TaskType::DiRealtime)
            .file_id(100)
            .send()
    };
    let err = call().await.expect_err("400");
    assert!(
        matches!(err, GetDiSyncInstanceInfoError::ParamInvalid(_)),
        "{err:?}"
    );
    let e = err.service_error().expect("a service error");
    assert_eq!(e.status, 400);
    assert_eq!(e.request_id.as_deref(), Some("req-9"));
    assert_eq!(e.code.as_deref(), Some("Param.Invalid"));
    assert_eq!(e.message.as_deref(), Some("The parameter is invalid."));
    assert_eq!(
        e.recommend.as_deref(),
        Some("https://api.aliyun.com/troubleshoot?q=Param.Invalid")
    );
    assert!(e.body.contains("\"HostId\""));

    let err = call().await.expect_err("403");
    assert!(matches!(
        err,
        GetDiSyncInstanceInfoError::ForbiddenAccess(_)
    ));
    let err = call().await.expect_err("500");
    assert!(matches!(
        err,
        GetDiSyncInstanceInfoError::InternalErrorSystem(_)
    ));
    let err = call().await.expect_err("429");
    let GetDiSyncInstanceInfoError::Gateway(gateway) = &err else {
        panic!("expected the shared gateway error, got {err:?}");
    };
    assert_eq!(gateway.code(), GatewayCode::ThrottlingUser);
    assert_eq!(gateway.class(), ErrorKind::Throttling);
    assert_eq!(gateway.status(), 429);
    assert_eq!(err.code(), Some("Throttling.User"));
    assert_eq!(err.request_id(), Some("req-9"));
    let err = call().await.expect_err("unknown code");
    assert!(matches!(err, GetDiSyncInstanceInfoError::Unknown(_)));
    assert_eq!(err.code(), Some("Some.New.Code"));
}

#[tokio::test]
async fn generate_errors_use_their_own_documented_codes() {
    let server = TestServer::start(vec![Reply::json(
        400,
        r#"{"RequestId":"r","Code":"Invalid.DI.Parameter.File.Existed","Message":"The file name already exists."}"#,
    )])
    .await;
    let err = client(&server, 1)
        .generate_di_sync_task_config_for_updating()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .task_id(100)
        .task_param(
            r#"{"steps":[{"category":"reader","parameter":{"connection":[{"table":["xyx"]}]}}]}"#,
        )
        .send()
        .await
        .expect_err("400");
    assert!(
        matches!(
            err,
            GenerateDiSyncTaskConfigForUpdatingError::InvalidDiParameterFileExisted(_)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_failed_outcome_in_a_200_answer_is_an_error_with_its_message() {
    let server = TestServer::start(vec![ok(
        r#"{"Status":"fail","Message":"fileId:[100] is invalid."}"#,
    )])
    .await;
    let err = client(&server, 1)
        .start_di_sync_instance()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .send()
        .await
        .expect_err("Status fail");
    let StartDiSyncInstanceError::Failed(failed) = &err else {
        panic!("expected Failed, got {err:?}");
    };
    assert_eq!(failed.message.as_deref(), Some("fileId:[100] is invalid."));
    assert_eq!(failed.request_id.as_deref(), Some("req-1"));
    assert_eq!(
        err.to_string(),
        "StartDISyncInstance: the service reports `fail`: fileId:[100] is invalid. (request id req-1)"
    );
}

#[tokio::test]
async fn a_state_is_a_value_not_an_error() {
    // A solution that failed is a state GetDISyncInstanceInfo reports, not a failed call.
    let server = TestServer::start(vec![ok(
        r#"{"Status":"fail","Message":null,"Name":null,"SolutionInfo":{"Status":"fail","Id":100,"CreatorName":"c","StepDetail":[]}}"#,
    )])
    .await;
    let out = client(&server, 1)
        .get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiSolution)
        .file_id(100)
        .send()
        .await
        .expect("a state is a value");
    assert_eq!(out.data.status, GetDiSyncInstanceInfoStatus::Fail);
}

#[tokio::test]
async fn wait_for_config_process_returns_the_task_content() {
    let server = TestServer::start(vec![
        ok(r#"{"Status":"running"}"#),
        ok(r#"{"Status":"running"}"#),
        ok(r#"{"Status":"success","TaskContent":"{\"type\":\"job\"}"}"#),
    ])
    .await;
    let content = client(&server, 1)
        .query_di_sync_task_config_process_result()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .async_process_id(10)
        .wait_for_config_process(&fast_waiter())
        .await
        .expect("the process succeeds");
    assert_eq!(content, r#"{"type":"job"}"#);
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn wait_for_config_process_reports_the_failure_message() {
    let server = TestServer::start(vec![
        ok(r#"{"Status":"running"}"#),
        ok(r#"{"Status":"fail","Message":"table xyx does not exist"}"#),
    ])
    .await;
    let err = client(&server, 1)
        .query_di_sync_task_config_process_result()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .async_process_id(10)
        .wait_for_config_process(&fast_waiter())
        .await
        .expect_err("the process fails");
    let WaitError::Failed(WaiterFailure::State(failed)) = &err else {
        panic!("expected a failure state, got {err:?}");
    };
    assert_eq!(failed.message.as_deref(), Some("table xyx does not exist"));
    assert_eq!(failed.outcome, "fail");
}

#[tokio::test]
async fn wait_for_config_process_times_out() {
    let replies = (0..1000).map(|_| ok(r#"{"Status":"running"}"#)).collect();
    let server = TestServer::start(replies).await;
    let config = WaiterConfig {
        max_wait: Duration::from_millis(30),
        ..fast_waiter()
    };
    let err = client(&server, 1)
        .query_di_sync_task_config_process_result()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .async_process_id(10)
        .wait_for_config_process(&config)
        .await
        .expect_err("never ends");
    assert!(matches!(err, WaitError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn wait_until_instance_status_reaches_the_wanted_state() {
    let server = TestServer::start(vec![
        ok(r#"{"Status":"NORUN","Name":"t"}"#),
        ok(r#"{"Status":"WAIT","Name":"t"}"#),
        ok(r#"{"Status":"RUN","Name":"t"}"#),
    ])
    .await;
    let out = client(&server, 1)
        .get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .wait_until_instance_status(GetDiSyncInstanceInfoStatus::Run, &fast_waiter())
        .await
        .expect("reaches RUN");
    assert_eq!(out.data.status, GetDiSyncInstanceInfoStatus::Run);
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn a_generated_client_token_is_the_same_on_every_retry() {
    let server = TestServer::start(vec![
        Reply::json(
            503,
            r#"{"RequestId":"r1","Code":"ServiceUnavailable","Message":"try again"}"#,
        ),
        ok(r#"{"Status":"success","ProcessId":10}"#),
    ])
    .await;
    let out = client(&server, 3)
        .generate_di_sync_task_config_for_updating()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .task_id(100)
        .task_param(
            r#"{"steps":[{"category":"reader","parameter":{"connection":[{"table":["xyx"]}]}}]}"#,
        )
        .send()
        .await
        .expect("succeeds on the retry");
    assert_eq!(out.data.process_id, Some(10));
    let received = server.received();
    assert_eq!(received.len(), 2);
    let tokens: Vec<String> = received
        .iter()
        .map(|r| query_param(&r.target, "ClientToken").expect("a ClientToken is sent"))
        .collect();
    assert_eq!(tokens[0], tokens[1]);
    assert_eq!(tokens[0].len(), 32);
    assert!(tokens[0].chars().all(|c| c.is_ascii_hexdigit()));
    // A fresh nonce per attempt, the same token.
    assert_ne!(
        received[0].header("x-acs-signature-nonce"),
        received[1].header("x-acs-signature-nonce")
    );
}

#[tokio::test]
async fn a_client_token_given_by_the_caller_is_sent_as_is() {
    let server = TestServer::start(vec![ok(r#"{"Status":"success","ProcessId":10}"#)]).await;
    client(&server, 1)
        .generate_di_sync_task_config_for_updating()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .task_id(100)
        .task_param(
            r#"{"steps":[{"category":"reader","parameter":{"connection":[{"table":["xyx"]}]}}]}"#,
        )
        .client_token("ABFUOEUOTRTRJKE")
        .send()
        .await
        .expect("success");
    assert_eq!(
        query_param(&server.received()[0].target, "ClientToken").as_deref(),
        Some("ABFUOEUOTRTRJKE")
    );
}

#[tokio::test]
async fn a_task_param_that_dwdi_validate_rejects_is_never_sent_unless_the_caller_opts_out() {
    let server = TestServer::start(vec![ok(r#"{"Status":"success","ProcessId":10}"#)]).await;
    let client = client(&server, 1);
    let misspelt =
        r#"{"steps":[{"category":"reader","parameter":{"conection":[{"table":["t"]}]}}]}"#;
    let err = client
        .generate_di_sync_task_config_for_updating()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .task_id(100)
        .task_param(misspelt)
        .send()
        .await
        .expect_err("the document is invalid");
    let GenerateDiSyncTaskConfigForUpdatingError::Invalid(e) = &err else {
        panic!("expected Invalid, got {err:?}");
    };
    assert_eq!(e.parameter, "TaskParam");
    let message = err.to_string();
    assert!(
        message.contains("expected a valid TaskParam document")
            && message.contains("/steps/0/parameter/conection: unknown member `conection`; did you mean `connection`?"),
        "{message}"
    );
    assert!(server.received().is_empty(), "nothing may be sent");

    client
        .generate_di_sync_task_config_for_updating()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .task_id(100)
        .task_param(misspelt)
        .skip_document_validation()
        .send()
        .await
        .expect("sent when the caller opts out");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_typed_task_param_is_sent_as_its_json() {
    let server = TestServer::start(vec![ok(r#"{"Status":"success","ProcessId":10}"#)]).await;
    let param: dataworks_di::documents::TaskParam = serde_json::from_str(
        r#"{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" } ] }"#,
    )
    .expect("the page's example");
    client(&server, 1)
        .generate_di_sync_task_config_for_updating()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .task_id(100)
        .task_param(&param)
        .send()
        .await
        .expect("success");
    let sent = query_param(&server.received()[0].target, "TaskParam").expect("sent");
    let decoded = dwdi_test_support::form_decode(&sent);
    let round_trip: dataworks_di::documents::TaskParam =
        serde_json::from_str(&decoded).expect("JSON");
    assert_eq!(round_trip, param);
}
