//! Load: 10,000 signed GetDISyncInstanceInfo calls from 64 concurrent clients (each its own
//! generated client, runtime and keep-alive connection) against the mock on loopback, in one
//! process, on the machine's cores. Prints requests per second and the error count; exits 1
//! on any error. Run with `cargo bench -p dwdi-mock --bench load`.

use std::time::Instant;

use dataworks_di::Client;
use dataworks_di::types::TaskType;
use dwdi_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, MockServer};
use dwdi_runtime::{Credentials, RetryPolicy};

const REQUESTS: usize = 10_000;
const CLIENTS: usize = 64;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (rps, errors) = rt.block_on(run());
    println!(
        "load: {REQUESTS} requests from {CLIENTS} clients: {rps:.0} requests/s, {errors} errors"
    );
    if errors > 0 {
        std::process::exit(1);
    }
}

async fn run() -> (f64, usize) {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("mock");
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|_| {
            Client::new(
                Client::runtime_builder()
                    .endpoint(server.url())
                    .credentials(Credentials::new(
                        DEFAULT_ACCESS_KEY_ID,
                        DEFAULT_ACCESS_KEY_SECRET,
                    ))
                    .retry(RetryPolicy::none())
                    .build()
                    .expect("client runtime"),
            )
        })
        .collect();
    // Warm-up: one call per client opens its connection.
    for c in &clients {
        get(c).await.expect("warm-up call");
    }
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let n = REQUESTS / CLIENTS + usize::from(i < REQUESTS % CLIENTS);
            tokio::spawn(async move {
                let mut errors = 0;
                for _ in 0..n {
                    if get(&c).await.is_err() {
                        errors += 1;
                    }
                }
                errors
            })
        })
        .collect();
    let mut errors = 0;
    for t in tasks {
        errors += t.await.unwrap_or(1);
    }
    let elapsed = start.elapsed();
    (REQUESTS as f64 / elapsed.as_secs_f64(), errors)
}

async fn get(
    c: &Client,
) -> Result<(), dataworks_di::operation::get_di_sync_instance_info::GetDiSyncInstanceInfoError> {
    c.get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .send()
        .await
        .map(|_| ())
}
