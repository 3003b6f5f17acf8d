//! The generated client's features beyond one call: waiters poll to an end, a generated
//! idempotency token survives retries, and the builders check the documents they carry.
//!
//! The answers are the spec's samples with the waiters' fields set to the spec's values, and
//! the expectations come from the spec too: a documentation change to these operations needs
//! no edit here. (What every call does — signing, decoding every documented answer and error,
//! a failed outcome, refusing invalid values — is derived from the spec in `cases.rs` and
//! `dispatch.rs`.)

use std::time::Duration;

use dataworks_di::Client;
use dataworks_di::meta;
use dataworks_di::types::{GetDiSyncInstanceInfoStatus, TaskType};
use dwdi_codegen::cases::without_nulls;
use dwdi_codegen::model::{Operation, Waiter};
use dwdi_contract_tests::harness::example_params;
use dwdi_contract_tests::spec;
use dwdi_contract_tests::strategies::field_values;
use dwdi_runtime::{Credentials, RetryPolicy, WaitError, WaiterConfig, WaiterFailure};
use dwdi_test_support::{RecordingSleeper, Reply, TestServer, verify_v3};
use serde_json::Value;

const SECRET: &str = "test-secret";

/// A value no spec documents for a waiter's field: the waiter goes on polling.
const NOT_TERMINAL: &str = "x-undocumented-in-progress";

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

fn fast_waiter() -> WaiterConfig {
    WaiterConfig {
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        max_wait: Duration::from_secs(10),
        jitter: false,
    }
}

/// The spec's waiter of that name and the operation it polls.
fn waiter(name: &str) -> (&'static Waiter, &'static Operation) {
    let spec = &spec::loaded().spec;
    let waiter = spec
        .waiters
        .get(name)
        .unwrap_or_else(|| panic!("the spec has no waiter {name}"));
    (waiter, &spec.operations[&waiter.operation])
}

/// The operation's sample answer with `Data`'s members set as given.
fn answer(op: &Operation, members: &[(&str, Value)]) -> Reply {
    let mut body = op.sample.body.clone();
    for (name, value) in members {
        body["Data"][*name] = value.clone();
    }
    Reply::json(200, &body.to_string())
}

/// A parameter's example value as the typed builders take it.
fn example(op: &Operation, name: &str) -> Value {
    op.parameters[name]
        .example
        .clone()
        .unwrap_or_else(|| panic!("{name} has an example"))
}

fn int_example(op: &Operation, name: &str) -> i64 {
    example(op, name).as_i64().expect("an integer example")
}

fn text_example(op: &Operation, name: &str) -> String {
    match example(op, name) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

#[tokio::test]
async fn wait_for_config_process_returns_the_result_field() {
    let (w, op) = waiter("ConfigProcess");
    let result = w
        .result
        .as_deref()
        .expect("a terminal waiter returns a field");
    let success = Value::String(w.success[0].clone());
    let server = TestServer::start(vec![
        answer(op, &[(&w.field, NOT_TERMINAL.into())]),
        answer(op, &[(&w.field, NOT_TERMINAL.into())]),
        answer(op, &[(&w.field, success)]),
    ])
    .await;
    let content = client(&server, 1)
        .query_di_sync_task_config_process_result()
        .project_id(int_example(op, "ProjectId"))
        .task_type(TaskType::from(text_example(op, "TaskType").as_str()))
        .async_process_id(int_example(op, "AsyncProcessId"))
        .wait_for_config_process(&fast_waiter())
        .await
        .expect("the process succeeds");
    assert_eq!(
        Some(content.as_str()),
        op.sample.body["Data"][result].as_str()
    );
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn wait_for_config_process_reports_the_failure_message() {
    let (w, op) = waiter("ConfigProcess");
    let message = w
        .message
        .as_deref()
        .expect("the waiter names its message field");
    let server = TestServer::start(vec![
        answer(op, &[(&w.field, NOT_TERMINAL.into())]),
        answer(
            op,
            &[
                (&w.field, w.failure[0].clone().into()),
                (message, "table xyx does not exist".into()),
            ],
        ),
    ])
    .await;
    let err = client(&server, 1)
        .query_di_sync_task_config_process_result()
        .project_id(int_example(op, "ProjectId"))
        .task_type(TaskType::from(text_example(op, "TaskType").as_str()))
        .async_process_id(int_example(op, "AsyncProcessId"))
        .wait_for_config_process(&fast_waiter())
        .await
        .expect_err("the process fails");
    let WaitError::Failed(WaiterFailure::State(failed)) = &err else {
        panic!("expected a failure state, got {err:?}");
    };
    assert_eq!(failed.message.as_deref(), Some("table xyx does not exist"));
    assert_eq!(failed.outcome, w.failure[0]);
}

#[tokio::test]
async fn wait_for_config_process_times_out() {
    let (w, op) = waiter("ConfigProcess");
    let replies = (0..1000)
        .map(|_| answer(op, &[(&w.field, NOT_TERMINAL.into())]))
        .collect();
    let server = TestServer::start(replies).await;
    let config = WaiterConfig {
        max_wait: Duration::from_millis(30),
        ..fast_waiter()
    };
    let err = client(&server, 1)
        .query_di_sync_task_config_process_result()
        .project_id(int_example(op, "ProjectId"))
        .task_type(TaskType::from(text_example(op, "TaskType").as_str()))
        .async_process_id(int_example(op, "AsyncProcessId"))
        .wait_for_config_process(&config)
        .await
        .expect_err("never ends");
    assert!(matches!(err, WaitError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn wait_until_instance_status_reaches_the_wanted_value() {
    let (w, op) = waiter("InstanceStatus");
    let field = &op.response.data.fields.as_ref().expect("Data has members")[&w.field];
    let values = field_values(&spec::loaded().spec, field);
    let wanted = values.last().expect("the field has values").clone();
    let replies: Vec<Reply> = values
        .iter()
        .filter(|v| **v != wanted)
        .take(2)
        .chain([&wanted])
        .map(|v| answer(op, &[(&w.field, v.clone().into())]))
        .collect();
    let polls = replies.len();
    let server = TestServer::start(replies).await;
    let out = client(&server, 1)
        .get_di_sync_instance_info()
        .project_id(int_example(op, "ProjectId"))
        .task_type(TaskType::from(text_example(op, "TaskType").as_str()))
        .file_id(int_example(op, "FileId"))
        .wait_until_instance_status(
            GetDiSyncInstanceInfoStatus::from(wanted.as_str()),
            &fast_waiter(),
        )
        .await
        .expect("reaches the wanted value");
    let data = serde_json::to_value(&out.data).expect("serialises");
    assert_eq!(data[&w.field], wanted.as_str());
    assert_eq!(server.received().len(), polls);
}

/// Every operation with an idempotency token: (action, the token's parameter).
fn token_operations() -> Vec<(&'static String, &'static Operation, &'static String)> {
    let spec = &spec::loaded().spec;
    let found: Vec<_> = spec
        .operations
        .iter()
        .flat_map(|(action, op)| {
            op.parameters
                .iter()
                .filter(|(_, p)| p.idempotency_token)
                .map(move |(name, _)| (action, op, name))
        })
        .collect();
    assert!(!found.is_empty(), "the spec has idempotency tokens");
    found
}

/// The value of a parameter a received request carried, in the query or a form body.
fn sent_value(received: &dwdi_test_support::Received, name: &str) -> Option<String> {
    let (_, query) = dwdi_wire_verify::split_target(&received.target);
    let mut pairs = dwdi_wire_verify::form::decode(query, "query").expect("decodes");
    if !received.body.is_empty() {
        pairs.extend(dwdi_wire_verify::form::decode(&received.body, "body").expect("decodes"));
    }
    pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

#[tokio::test]
async fn a_generated_idempotency_token_is_the_same_on_every_retry() {
    let spec = &spec::loaded().spec;
    let transient = spec
        .gateway_errors
        .iter()
        .find(|g| g.class == dwdi_codegen::model::ErrorClass::Transient)
        .expect("the spec has a transient gateway code");
    for (action, op, token) in token_operations() {
        let params: Vec<(String, String)> = example_params(spec, action, op)
            .into_iter()
            .filter(|(n, _)| n != token)
            .collect();
        let server = TestServer::start(vec![
            Reply::json(
                transient.status,
                &format!(
                    r#"{{"RequestId":"r1","Code":"{}","Message":"try again"}}"#,
                    transient.code
                ),
            ),
            Reply::json(200, &op.sample.body.to_string()),
        ])
        .await;
        let entry = meta::dispatch(action).expect("a dynamic entry");
        let out = (entry.send)(&client(&server, 3), &params).await;
        if let Err(e) = &out {
            assert!(
                e.failed.is_some(),
                "{action}: only the sample's outcome may fail: {e}"
            );
        }
        let received = server.received();
        assert_eq!(received.len(), 2, "{action}: retried once");
        let tokens: Vec<String> = received
            .iter()
            .map(|r| sent_value(r, token).unwrap_or_else(|| panic!("{action}: {token} is sent")))
            .collect();
        assert_eq!(tokens[0], tokens[1], "{action}");
        assert_eq!(tokens[0].len(), 32, "{action}");
        assert!(tokens[0].chars().all(|c| c.is_ascii_hexdigit()), "{action}");
        // A fresh nonce per attempt, the same token.
        assert_ne!(
            received[0].header("x-acs-signature-nonce"),
            received[1].header("x-acs-signature-nonce")
        );
        for r in &received {
            verify_v3(r, SECRET).expect("each attempt is signed");
        }
    }
}

#[tokio::test]
async fn an_idempotency_token_given_by_the_caller_is_sent_as_is() {
    let spec = &spec::loaded().spec;
    for (action, op, token) in token_operations() {
        let mut params: Vec<(String, String)> = example_params(spec, action, op)
            .into_iter()
            .filter(|(n, _)| n != token)
            .collect();
        params.push((token.clone(), "ABFUOEUOTRTRJKE".to_owned()));
        let server = TestServer::start(vec![Reply::json(200, &op.sample.body.to_string())]).await;
        let entry = meta::dispatch(action).expect("a dynamic entry");
        let _ = (entry.send)(&client(&server, 1), &params).await;
        assert_eq!(
            sent_value(&server.received()[0], token).as_deref(),
            Some("ABFUOEUOTRTRJKE"),
            "{action}"
        );
    }
}

/// The operation the TaskParam builder tests use.
fn generate() -> &'static Operation {
    &spec::loaded().spec.operations["GenerateDISyncTaskConfigForUpdating"]
}

#[tokio::test]
async fn a_task_param_that_dwdi_validate_rejects_is_never_sent_unless_the_caller_opts_out() {
    let op = generate();
    let server = TestServer::start(vec![Reply::json(200, &op.sample.body.to_string())]).await;
    let client = client(&server, 1);
    let misspelt =
        r#"{"steps":[{"category":"reader","parameter":{"conection":[{"table":["t"]}]}}]}"#;
    let call = || {
        client
            .generate_di_sync_task_config_for_updating()
            .project_id(int_example(op, "ProjectId"))
            .task_type(TaskType::from(text_example(op, "TaskType").as_str()))
            .task_id(int_example(op, "TaskId"))
            .task_param(misspelt)
    };
    let err = call().send().await.expect_err("the document is invalid");
    let e = err.validation_error().expect("refused before sending");
    assert_eq!(e.parameter, "TaskParam");
    let message = err.to_string();
    assert!(
        message.contains("expected a valid TaskParam document")
            && message.contains(
                "/steps/0/parameter/conection: unknown member `conection`; did you mean `connection`?"
            ),
        "{message}"
    );
    assert!(server.received().is_empty(), "nothing may be sent");

    let _ = call().skip_document_validation().send().await;
    assert_eq!(server.received().len(), 1, "sent when the caller opts out");
}

#[tokio::test]
async fn a_typed_task_param_is_sent_as_its_json() {
    let op = generate();
    let server = TestServer::start(vec![Reply::json(200, &op.sample.body.to_string())]).await;
    let param: dataworks_di::documents::TaskParam =
        serde_json::from_str(&text_example(op, "TaskParam")).expect("the page's example");
    let _ = client(&server, 1)
        .generate_di_sync_task_config_for_updating()
        .project_id(int_example(op, "ProjectId"))
        .task_type(TaskType::from(text_example(op, "TaskType").as_str()))
        .task_id(int_example(op, "TaskId"))
        .task_param(&param)
        .send()
        .await;
    let sent = sent_value(&server.received()[0], "TaskParam").expect("sent");
    let round_trip: dataworks_di::documents::TaskParam = serde_json::from_str(&sent).expect("JSON");
    assert_eq!(round_trip, param);
    // What the client sends is what a user reading the page would write.
    assert_eq!(
        without_nulls(&serde_json::to_value(&round_trip).expect("JSON")),
        without_nulls(
            &serde_json::from_str::<Value>(&text_example(op, "TaskParam")).expect("JSON")
        )
    );
}
