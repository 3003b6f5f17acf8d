//! `dwdi demo`: the whole flow against the embedded mock, through the generated client with
//! real signing: Get → Generate (add a table) → wait for the process → Stop → Start with a
//! StartParam → wait until RUN → Get; and one mistake caught before anything is sent.

use std::fmt::Display;
use std::time::{Duration, Instant};

use clap::Args;
use dataworks_di::Client;
use dataworks_di::documents::StartParam;
use dataworks_di::types::{GetDiSyncInstanceInfoStatus as Status, TaskType};
use dwdi_mock::{MockConfig, MockServer};
use dwdi_runtime::{Credentials, WaiterConfig};
use dwdi_validate::DocumentValidator;

use crate::exit::Exit;

/// `dwdi demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {}

const PROJECT: i64 = 10000;
const TASK: i64 = 100;

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
    let get = || {
        client
            .get_di_sync_instance_info()
            .project_id(PROJECT)
            .task_type(TaskType::DiRealtime)
            .file_id(TASK)
    };

    let t = step(
        "1",
        "GetDISyncInstanceInfo ProjectId=10000 TaskType=DI_REALTIME FileId=100",
    );
    let out = get().send().await?;
    done(t, json(&out.data));

    let task_param = r#"{"steps":[{"category":"reader","name":"Reader","parameter":{"connection":[{"table":["xyx","orders"]}]}}]}"#;
    let t = step(
        "2",
        &format!(
            "GenerateDISyncTaskConfigForUpdating TaskId=100 (add table \"orders\") TaskParam={task_param}"
        ),
    );
    let generated = client
        .generate_di_sync_task_config_for_updating()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .task_param(task_param)
        .client_token(dwdi_runtime::client_token())
        .task_id(TASK)
        .send()
        .await?;
    done(t, json(&generated.data));
    let process = generated
        .data
        .process_id
        .ok_or("GenerateDISyncTaskConfigForUpdating returned no ProcessId")?;

    let t = step(
        "3",
        &format!(
            "QueryDISyncTaskConfigProcessResult AsyncProcessId={process}, polled until success or fail"
        ),
    );
    let content = client
        .query_di_sync_task_config_process_result()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .async_process_id(process)
        .wait_for_config_process(&waiter)
        .await?;
    let problems = DocumentValidator::new(
        dataworks_di::documents::TASK_CONTENT_SCHEMA,
        dataworks_di::documents::TASK_CONTENT_RULES,
    )?
    .validate(&content, false);
    let doc: dataworks_di::documents::TaskContent = serde_json::from_str(&content)?;
    let tables: Vec<String> = doc
        .steps
        .iter()
        .flat_map(|s| s.parameter.connection.iter().flatten())
        .flat_map(|c| c.table.iter().flatten().cloned())
        .collect();
    done(
        t,
        format!(
            "success: TaskContent of {} bytes, tables {tables:?}, {} against the TaskContent schema",
            content.len(),
            if problems.is_empty() {
                "valid".to_owned()
            } else {
                format!("{} problem(s)", problems.len())
            }
        ),
    );

    let t = step(
        "4",
        "StopDISyncInstance ProjectId=10000 TaskType=DI_REALTIME FileId=100, then wait until PAUSE",
    );
    let stopped = client
        .stop_di_sync_instance()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .file_id(TASK)
        .send()
        .await?;
    let paused = get()
        .wait_until_instance_status(Status::Pause, &waiter)
        .await?;
    done(
        t,
        format!("{} then {}", json(&stopped.data), json(&paused.data)),
    );

    let start_param: StartParam = serde_json::from_str(
        r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"ADDCOLUMN":"NORMAL","DROPTABLE":"WARNING"}}"#,
    )?;
    let t = step(
        "5",
        &format!(
            "StartDISyncInstance FileId=100 StartParam={}",
            json(&start_param)
        ),
    );
    let started = client
        .start_di_sync_instance()
        .project_id(PROJECT)
        .task_type(TaskType::DiRealtime)
        .file_id(TASK)
        .start_param(&start_param)
        .send()
        .await?;
    done(t, json(&started.data));

    let t = step("6", "GetDISyncInstanceInfo, polled until Status is RUN");
    let running = get()
        .wait_until_instance_status(Status::Run, &waiter)
        .await?;
    done(t, json(&running.data));

    let t = step(
        "7",
        "GetDISyncInstanceInfo ProjectId=10000 TaskType=DI_REALTIME FileId=100",
    );
    let out = get().send().await?;
    done(
        t,
        format!(
            "{} (RequestId {})",
            json(&out.data),
            out.request_id.unwrap_or_default()
        ),
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
    println!("\ndone: the flow ran end to end against the local mock");
    Ok(())
}
