//! The example against a local DataWorks (dwdi-mock on loopback): real signing, real
//! answers, and a documented error.

use std::time::Duration;

use dataworks_di::Client;
use dataworks_di::config::{Credentials, WaiterConfig};
use dataworks_di::operation::get_di_sync_instance_info::GetDiSyncInstanceInfoError;
use dataworks_di::types::GetDiSyncInstanceInfoStatus;
use dwdi_example_quickstart::{stop_and_wait, task_status};
use dwdi_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, MockServer};

fn client(server: &MockServer) -> Client {
    let runtime = Client::runtime_builder()
        .endpoint(server.url())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .build()
        .expect("an explicit endpoint and keys");
    Client::new(runtime)
}

#[tokio::test]
async fn reads_a_task_stops_it_and_waits_until_it_has_stopped() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("the mock starts");
    let client = client(&server);

    let out = task_status(&client, 10000, 100)
        .await
        .expect("the task exists");
    assert_eq!(out.data.status, GetDiSyncInstanceInfoStatus::Run);
    assert!(out.request_id.is_some());

    let fast = WaiterConfig {
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_wait: Duration::from_secs(10),
        jitter: false,
    };
    let stopped = stop_and_wait(&client, 10000, 100, &fast)
        .await
        .expect("the task stops");
    assert_eq!(stopped.data.status, GetDiSyncInstanceInfoStatus::Pause);
}

#[tokio::test]
async fn a_documented_error_reaches_the_program_typed() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("the mock starts");
    let client = client(&server);
    let err = task_status(&client, 10000, 999_999)
        .await
        .expect_err("no such task");
    assert!(
        !matches!(
            err,
            GetDiSyncInstanceInfoError::Runtime(_) | GetDiSyncInstanceInfoError::Invalid(_)
        ),
        "the service answered: {err:?}"
    );
    assert!(err.code().is_some(), "{err:?}");
    assert!(err.request_id().is_some(), "{err:?}");
}
