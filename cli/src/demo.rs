//! `dwdi demo`: the whole task lifecycle against the embedded mock, through the generated
//! client with real signing: configure a new task (GenerateDISyncTaskConfigForCreating, Query),
//! create it, start it, stop it, configure a change (GenerateDISyncTaskConfigForUpdating,
//! Query), apply it with UpdateDISyncTask (the task's tables shown before and after) and start
//! it again; a batch task created from its script and updated; and one mistake caught before
//! anything is sent.

use std::fmt::Display;
use std::time::{Duration, Instant};

use clap::Args;
use dataworks_di::Client;
use dataworks_di::documents::{BatchTaskContent, StartParam};
use dataworks_di::types::{GetDiSyncInstanceInfoStatus as Status, TaskType};
use dwdi_mock::{MockConfig, MockServer};
use dwdi_runtime::{Credentials, WaiterConfig};
use dwdi_validate::DocumentValidator;

use crate::exit::Exit;

/// `dwdi demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {}

const PROJECT: i64 = 10000;

/// Runs `dwdi demo`.
pub fn run(_args: DemoArgs) -> Exit {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dwdi demo: cannot start the async runtime: {e}");
            return Exit::Usage;
        }
    };
    match rt.block_on(flow()) {
        Ok(()) => Exit::Success,
        Err(e) => {
            eprintln!("dwdi demo: {e}");
            Exit::ServiceError
        }
    }
}

fn step(n: &str, request: &str) -> Instant {
    println!("\n[{n}] {request}");
    Instant::now()
}

fn done(started: Instant, response: impl Display) {
    println!("    <- {response}");
    println!("    ({:.1} ms)", started.elapsed().as_secs_f64() * 1000.0);
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

async fn flow() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig::default()).await?;
    println!(
        "dwdi demo: a local DataWorks (dwdi mock) on {}",
        server.url()
    );
    println!(
        "every call below goes through the generated client, signed with ACS3-HMAC-SHA256 by access key {}",
        dwdi_mock::DEFAULT_ACCESS_KEY_ID
    );
    let client = Client::new(
        Client::runtime_builder()
            .endpoint(server.url())
            .credentials(Credentials::new(
                dwdi_mock::DEFAULT_ACCESS_KEY_ID,
                dwdi_mock::DEFAULT_ACCESS_KEY_SECRET,
            ))
            .build()?,
    );
    let waiter = WaiterConfig {
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_wait: Duration::from_secs(30),
        jitter: false,
    };
    let project = |server: &MockServer| {
        server
            .mock()
            .state()
            .projects
            .get(&PROJECT)
            .cloned()
            .unwrap_or_default()
    };
    let realtime_tables = |server: &MockServer, id: i64| {
        project(server)
            .realtime_tasks
            .get(&id)
            .map(|t| t.tables.clone())
            .unwrap_or_default()
    };

    let new_task = r#"{"type":"realtime","version":"1.0","setting":{"resourceGroup":"S_res_group_demo"},"steps":[{"category":"reader","name":"Reader","stepType":"mysql","parameter":{"connection":[{"datasource":"shop","table":["orders"]}]}},{"category":"writer","name":"Writer","stepType":"odps","parameter":{"datasource":"warehouse"}}]}"#;
    let t = step(
        "1",
        &format!(
            "GenerateDISyncTaskConfigForCreating (MySQL table \"orders\" to MaxCompute) TaskParam={new_task}"
        ),
    );
    let generated = client
        .generate_di_sync_task_config_for_creating()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_param(new_task)
        .client_token(dwdi_runtime::client_token())
        .send()
        .await?;
    done(t, json(&generated.data));
    let process = generated
        .data
        .process_id
        .ok_or("GenerateDISyncTaskConfigForCreating returned no ProcessId")?;

    let t = step(
        "2",
        &format!(
            "QueryDISyncTaskConfigProcessResult AsyncProcessId={process}, polled until success or fail"
        ),
    );
    let content = wait_for_content(&client, process, &waiter).await?;
    done(t, describe_content(&content)?);

    let create_param = r#"{"FileFolderPath":"flows/demo/di","ResourceGroup":"S_res_group_demo"}"#;
    let t = step(
        "3",
        &format!(
            "CreateDISyncTask TaskType=DI_REALTIME TaskName=orders_to_odps TaskParam={create_param} TaskContent=<the configuration above, in the form body>"
        ),
    );
    let created = client
        .create_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_content(content.as_str())
        .task_param(create_param)
        .task_name("orders_to_odps")
        .client_token(dwdi_runtime::client_token())
        .send()
        .await?;
    done(t, json(&created.data));
    let task = created
        .data
        .file_id
        .ok_or("CreateDISyncTask returned no FileId")?;
    println!(
        "    task {task} synchronizes tables {:?}",
        realtime_tables(&server, task)
    );
    let get = || {
        client
            .get_di_sync_instance_info()
            .project_id(PROJECT)
            .task_type(TaskType::DiRealtime)
            .file_id(task)
    };

    let start_param: StartParam = serde_json::from_str(
        r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"ADDCOLUMN":"NORMAL","DROPTABLE":"WARNING"}}"#,
    )?;
    let start = || {
        client
            .start_di_sync_instance()
            .project_id(PROJECT)
            .task_type(TaskType::DiRealtime)
            .file_id(task)
            .start_param(&start_param)
    };
    let t = step(
        "4",
        &format!(
            "StartDISyncInstance FileId={task} StartParam={}, then GetDISyncInstanceInfo polled until Status is RUN",
            json(&start_param)
        ),
    );
    let started = start().send().await?;
    let running = get()
        .wait_until_instance_status(Status::Run, &waiter)
        .await?;
    done(
        t,
        format!("{} then {}", json(&started.data), json(&running.data)),
    );

    let t = step(
        "5",
        &format!("StopDISyncInstance FileId={task}, then wait until PAUSE"),
    );
    let stopped = client
        .stop_di_sync_instance()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .file_id(task)
        .send()
        .await?;
    let paused = get()
        .wait_until_instance_status(Status::Pause, &waiter)
        .await?;
    done(
        t,
        format!("{} then {}", json(&stopped.data), json(&paused.data)),
    );

    let more = r#"{"steps":[{"category":"reader","name":"Reader","parameter":{"connection":[{"table":["orders","customers"]}]}}]}"#;
    let t = step(
        "6",
        &format!(
            "GenerateDISyncTaskConfigForUpdating TaskId={task} (add table \"customers\") TaskParam={more}, then Query until done"
        ),
    );
    let generated = client
        .generate_di_sync_task_config_for_updating()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_param(more)
        .client_token(dwdi_runtime::client_token())
        .task_id(task)
        .send()
        .await?;
    let process = generated
        .data
        .process_id
        .ok_or("GenerateDISyncTaskConfigForUpdating returned no ProcessId")?;
    let new_content = wait_for_content(&client, process, &waiter).await?;
    done(t, describe_content(&new_content)?);
    println!(
        "    before UpdateDISyncTask, task {task} still synchronizes tables {:?}",
        realtime_tables(&server, task)
    );

    let t = step(
        "7",
        &format!(
            "UpdateDISyncTask TaskType=DI_REALTIME FileId={task} TaskContent=<the new configuration>"
        ),
    );
    let updated = client
        .update_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_content(new_content.as_str())
        .file_id(task)
        .send()
        .await?;
    done(t, json(&updated.data));
    println!(
        "    after UpdateDISyncTask, task {task} synchronizes tables {:?}",
        realtime_tables(&server, task)
    );

    let t = step(
        "8",
        &format!("StartDISyncInstance FileId={task} again, polled until RUN"),
    );
    start().send().await?;
    let running = get()
        .wait_until_instance_status(Status::Run, &waiter)
        .await?;
    done(t, json(&running.data));

    let batch_tables = |server: &MockServer, id: i64| {
        project(server)
            .batch_tasks
            .get(&id)
            .map(|t| t.tables.clone())
            .unwrap_or_default()
    };
    let t = step(
        "9",
        "CreateDISyncTask TaskType=DI_OFFLINE: a batch task from its script-mode job (MySQL \"orders\" to MaxCompute)",
    );
    let batch = client
        .create_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiOffline)
        .task_content(&batch_job(&["orders"])?)
        .task_param(create_param)
        .task_name("orders_daily")
        .client_token(dwdi_runtime::client_token())
        .send()
        .await?;
    done(t, json(&batch.data));
    let batch = batch
        .data
        .file_id
        .ok_or("CreateDISyncTask returned no FileId")?;
    println!(
        "    batch task {batch} reads tables {:?}",
        batch_tables(&server, batch)
    );
    let t = step(
        "10",
        &format!(
            "UpdateDISyncTask TaskType=DI_OFFLINE FileId={batch} with a job that also reads \"refunds\""
        ),
    );
    let updated = client
        .update_di_sync_task()
        .project_id(PROJECT)
        .task_type(TaskType::DiOffline)
        .task_content(&batch_job(&["orders", "refunds"])?)
        .file_id(batch)
        .send()
        .await?;
    done(t, json(&updated.data));
    println!(
        "    batch task {batch} now reads tables {:?} (batch tasks are not started with StartDISyncInstance)",
        batch_tables(&server, batch)
    );

    let mistake =
        r#"{"steps":[{"category":"reader","parameter":{"conection":[{"table":["orders"]}]}}]}"#;
    println!("\n[!] A mistake caught before submission: a TaskParam with a misspelt member");
    println!("    {mistake}");
    let validator = DocumentValidator::new(
        dataworks_di::documents::TASK_PARAM_SCHEMA,
        dataworks_di::documents::TASK_PARAM_RULES,
    )?;
    for p in validator.validate(mistake, false) {
        println!(
            "    task-param:{}:{}: {:?}: {}: {}",
            p.line, p.column, p.severity, p.pointer, p.message
        );
    }
    println!("    nothing was sent (`dwdi validate task-param FILE` runs the same check)");

    server.shutdown().await?;
    println!("\ndone: the lifecycle ran end to end against the local mock");
    Ok(())
}

/// Polls the configuration process until it ends: the generated TaskContent.
async fn wait_for_content(
    client: &Client,
    process: i64,
    waiter: &WaiterConfig,
) -> Result<String, Box<dyn std::error::Error>> {
    Ok(client
        .query_di_sync_task_config_process_result()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .async_process_id(process)
        .wait_for_config_process(waiter)
        .await?)
}

/// A generated TaskContent in one line: its size, the tables its reader names, and whether it
/// is valid.
fn describe_content(content: &str) -> Result<String, Box<dyn std::error::Error>> {
    let problems = DocumentValidator::new(
        dataworks_di::documents::TASK_CONTENT_SCHEMA,
        dataworks_di::documents::TASK_CONTENT_RULES,
    )?
    .validate(content, false);
    let doc: dataworks_di::documents::TaskContent = serde_json::from_str(content)?;
    let tables: Vec<String> = doc
        .steps
        .iter()
        .flat_map(|s| s.parameter.connection.iter().flatten())
        .flat_map(|c| c.table.iter().flatten().cloned())
        .collect();
    Ok(format!(
        "success: TaskContent of {} bytes, tables {tables:?}, {} against the TaskContent schema",
        content.len(),
        if problems.is_empty() {
            "valid".to_owned()
        } else {
            format!("{} problem(s)", problems.len())
        }
    ))
}

/// A batch job in script mode reading `tables` from MySQL into MaxCompute, built as the typed
/// `BatchTaskContent`.
fn batch_job(tables: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let job: BatchTaskContent = serde_json::from_value(serde_json::json!({
        "type": "job", "version": "2.0",
        "steps": [
            {"stepType": "mysql", "category": "reader", "name": "Reader",
             "parameter": {"datasource": "shop", "column": ["id", "amount"],
                           "connection": [{"datasource": "shop", "table": tables}]}},
            {"stepType": "odps", "category": "writer", "name": "Writer",
             "parameter": {"datasource": "warehouse", "table": "orders_daily", "column": ["id", "amount"]}}
        ],
        "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": false}},
        "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
    }))?;
    Ok(serde_json::to_string(&job)?)
}
