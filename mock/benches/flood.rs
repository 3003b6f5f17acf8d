//! Flood: 64 clients (each its own generated client, runtime and keep-alive connection) send
//! signed GetDISyncInstanceInfo calls as fast as they can for 60 seconds against the mock,
//! which runs in a child process of its own so that its memory can be read apart from the
//! clients'. Prints requests per second and the mock's resident memory (VmRSS, from
//! /proc/<pid>/status) before the flood and after it.
//!
//! "Before" is read after a warm-up of 50 concurrent calls per client (3,200 requests), as the
//! flood sends them: it opens the connections and brings the allocator and the tables the mock
//! allocates at start (the nonce cache's) into use. Every request carries a fresh nonce, so a
//! mock whose memory grows with the requests it has seen fails here. Exits 1 when any request
//! failed or the resident memory after differs from before by more than 20%.
//!
//! `cargo bench -p dwdi-mock --bench flood`; `FLOOD_SECONDS` and `FLOOD_CLIENTS` change the
//! duration and the number of clients. Linux only (it reads /proc).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dataworks_di::Client;
use dataworks_di::operation::get_di_sync_instance_info::GetDiSyncInstanceInfoError;
use dataworks_di::types::TaskType;
use dwdi_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, MockServer};
use dwdi_runtime::{Credentials, RetryPolicy};

/// Set in the child: serve instead of flooding.
const SERVE: &str = "DWDI_FLOOD_SERVE";
/// The most the resident memory may move between before and after, as a fraction.
const MAX_RSS_CHANGE: f64 = 0.20;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if std::env::var_os(SERVE).is_some() {
        rt.block_on(serve());
        return;
    }
    let seconds = env_or("FLOOD_SECONDS", 60);
    let clients = usize::try_from(env_or("FLOOD_CLIENTS", 64)).unwrap_or(64);
    let mut server = spawn_server();
    let outcome = rt.block_on(flood(&server, Duration::from_secs(seconds), clients));
    // Closing its stdin ends the child, which prints its counts.
    drop(server.child.stdin.take());
    let mut counts = String::new();
    let _ = server.stdout.read_to_string(&mut counts);
    let _ = server.child.wait();
    let Flood {
        requests,
        errors,
        elapsed,
        rss_before,
        rss_after,
    } = outcome;
    let rps = requests as f64 / elapsed.as_secs_f64();
    let change = (rss_after as f64 - rss_before as f64) / rss_before as f64;
    println!(
        "flood: {clients} clients for {:.1} s: {requests} requests, {rps:.0} requests/s, {errors} errors",
        elapsed.as_secs_f64()
    );
    println!(
        "flood: mock resident memory {} KiB before, {} KiB after ({:+.1}%; limit ±{:.0}%)",
        rss_before,
        rss_after,
        change * 100.0,
        MAX_RSS_CHANGE * 100.0
    );
    print!("{counts}");
    if errors > 0 || change.abs() > MAX_RSS_CHANGE {
        std::process::exit(1);
    }
}

/// The child: the mock with its default limits (`FLOOD_NONCE_CACHE` changes the nonce
/// cache's), until its stdin closes; then one line of counts.
async fn serve() {
    let mut config = MockConfig::default();
    if let Some(n) = std::env::var("FLOOD_NONCE_CACHE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.limits.nonce_cache = n;
    }
    let server = MockServer::start(config).await.expect("mock");
    println!("listening on {}", server.url());
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await;
    let nonces = server.mock().nonces();
    let c = server.connections();
    println!(
        "mock: {} of {} nonces held, {} dropped early; {} connections accepted, {} refused, {} reclaimed",
        nonces.len(),
        nonces.capacity(),
        nonces.dropped_early(),
        c.accepted,
        c.refused,
        c.reclaimed
    );
    let _ = server.shutdown().await;
}

struct Server {
    child: Child,
    url: String,
    stdout: BufReader<std::process::ChildStdout>,
}

fn spawn_server() -> Server {
    let exe = std::env::current_exe().expect("this benchmark's path");
    let mut child = Command::new(exe)
        .env(SERVE, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock process starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("its first line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, url, stdout }
}

/// VmRSS of `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

struct Flood {
    requests: u64,
    errors: u64,
    elapsed: Duration,
    rss_before: u64,
    rss_after: u64,
}

async fn flood(server: &Server, duration: Duration, clients: usize) -> Flood {
    let clients: Vec<Client> = (0..clients)
        .map(|_| {
            Client::new(
                Client::runtime_builder()
                    .endpoint(&server.url)
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
    let pid = server.child.id();
    let (_, warm_up_errors) = drive(&clients, Until::Calls(WARM_UP_CALLS)).await;
    assert_eq!(warm_up_errors, 0, "warm-up calls failed");
    let rss_before = rss_kib(pid);
    let start = Instant::now();
    let (requests, errors) = drive(&clients, Until::Time(start + duration)).await;
    let elapsed = start.elapsed();
    Flood {
        requests,
        errors,
        elapsed,
        rss_before,
        rss_after: rss_kib(pid),
    }
}

/// Calls per client before the resident memory is first read.
const WARM_UP_CALLS: u64 = 50;

/// When each client stops.
#[derive(Clone, Copy)]
enum Until {
    Calls(u64),
    Time(Instant),
}

/// Every client calls in a loop, all at once, until `until`; requests and errors.
async fn drive(clients: &[Client], until: Until) -> (u64, u64) {
    let requests = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = clients
        .iter()
        .cloned()
        .map(|c| {
            let (requests, errors) = (requests.clone(), errors.clone());
            tokio::spawn(async move {
                let mut made = 0;
                while match until {
                    Until::Calls(n) => made < n,
                    Until::Time(end) => Instant::now() < end,
                } {
                    if get(&c).await.is_err() {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    made += 1;
                    requests.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    (
        requests.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
    )
}

async fn get(c: &Client) -> Result<(), GetDiSyncInstanceInfoError> {
    c.get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .send()
        .await
        .map(|_| ())
}
