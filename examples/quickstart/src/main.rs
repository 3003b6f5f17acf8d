//! `dwdi-example-quickstart PROJECT_ID FILE_ID [--stop]`: prints a real-time task's state, and
//! with `--stop` stops it and waits until it has stopped.
//!
//! Credentials come from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET`
//! (or the Alibaba Cloud CLI profile), the region from `ALIBABA_CLOUD_REGION_ID` (or the
//! profile); `DWDI_ENDPOINT` points it at another endpoint, such as `dwdi mock`.

use std::process::ExitCode;

use dataworks_di::Client;
use dataworks_di::config::WaiterConfig;
use dwdi_example_quickstart::{stop_and_wait, task_status};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(project_id), Some(file_id)) = (
        args.first().and_then(|a| a.parse::<i64>().ok()),
        args.get(1).and_then(|a| a.parse::<i64>().ok()),
    ) else {
        eprintln!("usage: dwdi-example-quickstart PROJECT_ID FILE_ID [--stop]");
        return ExitCode::from(2);
    };
    let mut builder = Client::runtime_builder();
    if let Ok(endpoint) = std::env::var("DWDI_ENDPOINT") {
        builder = builder.endpoint(endpoint);
    }
    let client = match builder.build() {
        Ok(runtime) => Client::new(runtime),
        Err(e) => {
            eprintln!("cannot configure the client: {e}");
            return ExitCode::from(2);
        }
    };
    if args.iter().any(|a| a == "--stop") {
        return match stop_and_wait(&client, project_id, file_id, &WaiterConfig::default()).await {
            Ok(out) => {
                println!("stopped: {}", out.data.status);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    match task_status(&client, project_id, file_id).await {
        Ok(out) => {
            println!("{} ({:?})", out.data.status, out.data.name);
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Plain accessors, whatever the variant.
            eprintln!(
                "GetDISyncInstanceInfo failed ({}): {e} [code {:?}, request id {:?}]",
                e.variant_name(),
                e.code(),
                e.request_id()
            );
            ExitCode::FAILURE
        }
    }
}
