//! The whole task lifecycle against the mock, over loopback through the generated client:
//! a real-time task is configured (GenerateDISyncTaskConfigForCreating + Query), created,
//! started, stopped, reconfigured (GenerateDISyncTaskConfigForUpdating + Query) and updated,
//! and its tables change only when the update is applied; a batch task is created from its
//! script and updated with a changed one; Start stays real-time only; a repeated ClientToken
//! creates nothing twice.

use std::time::Duration;

use dataworks_di::Client;
use dataworks_di::types::{GetDiSyncInstanceInfoStatus as Status, TaskType};
use dwdi_mock::{
    DEFAULT_ACCESS_KEY_ID as ID, DEFAULT_ACCESS_KEY_SECRET as SECRET, MockConfig, MockServer,
};
use dwdi_runtime::{Credentials, RetryPolicy, WaiterConfig};

const PROJECT: i64 = 10000;

/// A new task's TaskParam: MySQL table `orders` to MaxCompute.
const NEW_TASK: &str = r#"{"type":"realtime","version":"1.0","setting":{"resourceGroup":"S_res_group_1"},"steps":[{"category":"reader","name":"Reader","stepType":"mysql","parameter":{"connection":[{"datasource":"shop","table":["orders"]}]}},{"category":"writer","name":"Writer","stepType":"odps","parameter":{"datasource":"warehouse"}}]}"#;
/// The tables the task should synchronize after the change.
const MORE_TABLES: &str = r#"{"steps":[{"category":"reader","name":"Reader","parameter":{"connection":[{"table":["orders","customers"]}]}}]}"#;
const CREATE_PARAM: &str = r#"{"FileFolderPath":"flows/demo/di","ResourceGroup":"S_res_group_1"}"#;

/// A batch job reading `tables` from MySQL into MaxCompute.
fn batch_job(tables: &[&str]) -> String {
    serde_json::json!({
        "type": "job", "version": "2.0",
        "steps": [
            {"stepType": "mysql", "category": "reader", "name": "Reader",
             "parameter": {"datasource": "shop", "column": ["id"],
                           "connection": [{"datasource": "shop", "table": tables}]}},
            {"stepType": "odps", "category": "writer", "name": "Writer",
             "parameter": {"datasource": "warehouse", "table": "t", "column": ["id"]}}
        ],
        "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": false}},
        "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
    })
    .to_string()
}

async fn start_mock() -> (MockServer, Client) {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("mock starts");
    let runtime = Client::runtime_builder()
        .endpoint(server.url())
        .credentials(Credentials::new(ID, SECRET))
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime");
    (server, Client::new(runtime))
}

fn waiter() -> WaiterConfig {
    WaiterConfig {
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        max_wait: Duration::from_secs(10),
        jitter: false,
    }
}

/// The tables the mock's task `id` synchronizes.
fn realtime_tables(server: &MockServer, id: i64) -> Vec<String> {
    server.mock().state().projects[&PROJECT].realtime_tasks[&id]
        .tables
        .clone()
}

#[tokio::test]
async fn a_real_time_task_is_configured_created_run_reconfigured_and_updated() {
    let (server, client) = start_mock().await;

    // Configure a new task and read the generated TaskContent.
    let generated = client
        .generate_di_sync_task_config_for_creating()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_param(NEW_TASK)
        .send()
        .await
        .expect("ForCreating");
    let process = generated.data.process_id.expect("a process id");
    let content = client
        .query_di_sync_task_config_process_result()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .async_process_id(process)
        .wait_for_config_process(&waiter())
        .await
        .expect("the process succeeds");
    assert!(content.contains("orders"), "{content}");

    // Create the task from it, twice with one ClientToken: one task.
    let create = || {
        client
            .create_di_sync_task()
            .project_id(PROJECT)
            .task_type(TaskType::DiRealtime)
            .task_content(content.as_str())
            .task_param(CREATE_PARAM)
            .task_name("orders_to_odps")
            .client_token("create-once")
    };
    let created = create().send().await.expect("Create");
    let id = created.data.file_id.expect("the new task's id");
    let again = create().send().await.expect("Create repeated");
    assert_eq!(
        again.data.file_id,
        Some(id),
        "the same token, the same task"
    );
    let state = server.mock().state();
    let project = &state.projects[&PROJECT];
    assert_eq!(
        project
            .realtime_tasks
            .values()
            .filter(|t| t.name == "orders_to_odps")
            .count(),
        1
    );
    assert_eq!(realtime_tables(&server, id), vec!["orders".to_owned()]);

    // Start it, see it run, stop it.
    let get = || {
        client
            .get_di_sync_instance_info()
            .project_id(PROJECT)
            .task_type(TaskType::DiRealtime)
            .file_id(id)
    };
    assert_eq!(get().send().await.expect("Get").data.status, Status::Norun);
    let start = || {
        client
            .start_di_sync_instance()
            .project_id(PROJECT)
            .task_type(TaskType::DiRealtime)
            .file_id(id)
    };
    start().send().await.expect("Start");
    get()
        .wait_until_instance_status(Status::Run, &waiter())
        .await
        .expect("RUN");
    client
        .stop_di_sync_instance()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .file_id(id)
        .send()
        .await
        .expect("Stop");
    get()
        .wait_until_instance_status(Status::Pause, &waiter())
        .await
        .expect("PAUSE");

    // Reconfigure: the generated TaskContent lists the new tables; the task is unchanged.
    let generated = client
        .generate_di_sync_task_config_for_updating()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_param(MORE_TABLES)
        .task_id(id)
        .send()
        .await
        .expect("ForUpdating");
    let new_content = client
        .query_di_sync_task_config_process_result()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .async_process_id(generated.data.process_id.expect("a process id"))
        .wait_for_config_process(&waiter())
        .await
        .expect("the process succeeds");
    assert_eq!(
        realtime_tables(&server, id),
        vec!["orders".to_owned()],
        "a generated configuration changes nothing until applied"
    );
    // It is generated for the task's own job: the reader and writer it was created with
    // (MySQL `shop` to MaxCompute `warehouse`), not the mock's default job.
    let doc: serde_json::Value = serde_json::from_str(&new_content).expect("JSON");
    let steps = doc["steps"].as_array().expect("steps");
    assert_eq!(steps[0]["stepType"], "mysql", "{new_content}");
    assert_eq!(
        steps[0]["parameter"]["connection"][0]["datasource"], "shop",
        "{new_content}"
    );
    assert_eq!(steps[1]["stepType"], "odps", "{new_content}");
    assert_eq!(
        steps[1]["parameter"]["datasource"], "warehouse",
        "{new_content}"
    );

    // Apply it: now the task synchronizes both tables; start it again.
    client
        .update_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_content(new_content.as_str())
        .file_id(id)
        .send()
        .await
        .expect("Update");
    assert_eq!(
        realtime_tables(&server, id),
        vec!["orders".to_owned(), "customers".to_owned()]
    );
    start().send().await.expect("Start again");
    get()
        .wait_until_instance_status(Status::Run, &waiter())
        .await
        .expect("RUN again");
    server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_batch_task_is_created_from_its_script_and_updated_and_never_started() {
    let (server, client) = start_mock().await;
    let created = client
        .create_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiOffline)
        .task_content(batch_job(&["orders"]).as_str())
        .task_param(CREATE_PARAM)
        .task_name("orders_daily")
        .send()
        .await
        .expect("Create");
    let id = created.data.file_id.expect("the new task's id");
    let tables = |server: &MockServer| {
        server.mock().state().projects[&PROJECT].batch_tasks[&id]
            .tables
            .clone()
    };
    assert_eq!(tables(&server), vec!["orders".to_owned()]);

    client
        .update_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiOffline)
        .task_content(batch_job(&["orders", "refunds"]).as_str())
        .file_id(id)
        .send()
        .await
        .expect("Update");
    assert_eq!(
        tables(&server),
        vec!["orders".to_owned(), "refunds".to_owned()]
    );

    // A real-time job is not a batch task's TaskContent: refused, and nothing changes.
    let refused = client
        .update_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiOffline)
        .task_content(MORE_TABLES)
        .file_id(id)
        .send()
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(tables(&server).len(), 2);

    // Start is for real-time tasks and solutions only, as its page says.
    let start = client
        .start_di_sync_instance()
        .project_id(PROJECT)
        .task_type(TaskType::DiOffline)
        .file_id(id)
        .send()
        .await;
    assert!(start.is_err(), "{start:?}");
    server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn updating_a_task_that_does_not_exist_reports_the_failure() {
    let (server, client) = start_mock().await;
    let out = client
        .update_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiOffline)
        .task_content(batch_job(&["orders"]).as_str())
        .file_id(987_654_321)
        .send()
        .await;
    let e = out.expect_err("no such task");
    assert!(format!("{e}").contains("987654321"), "{e}");
    server.shutdown().await.expect("shutdown");
}
