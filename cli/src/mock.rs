//! `dwdi mock`: the local DataWorks (dwdi-mock) on loopback until Ctrl-C or SIGTERM.
//!
//! Everything that could make the end go wrong is checked at the start: a `--state` file is
//! read with a size cap (whatever kind of file it is), and a `--save` path must be one the
//! state can be written to (exit 2 otherwise, before listening). SIGINT and SIGTERM both end
//! it the same way: answers in progress finish, then the state is written back atomically.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use dwdi_mock::{FaultConfig, Limits, MockConfig, MockServer, Pace, State};

use crate::exit::Exit;

/// `dwdi mock`.
#[derive(Debug, Args)]
pub struct MockArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// The owner's access key id (may use every project).
    #[arg(long, value_name = "ID", default_value = dwdi_mock::DEFAULT_ACCESS_KEY_ID)]
    pub access_key_id: String,
    /// The owner's access key secret [default: dwdi-mock-access-key-secret].
    #[arg(long, value_name = "SECRET", hide_default_value = true,
          default_value = dwdi_mock::DEFAULT_ACCESS_KEY_SECRET)]
    pub access_key_secret: String,
    /// Seed state (JSON); the built-in state when absent or when FILE does not exist yet.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Write the state back to the --state file on shutdown (Ctrl-C or SIGTERM), atomically.
    #[arg(long, requires = "state")]
    pub save: bool,
    /// Faults: throttle=P,error500=P,code=CODE:P,latency=50ms,retry-after=100ms.
    #[arg(long, value_name = "SPEC", value_parser = parse_fault)]
    pub fault: Option<FaultConfig>,
    /// Seed of the fault generator and request ids: the same seed repeats a run.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Queries until an asynchronous process reports its result.
    #[arg(long, value_name = "N", default_value_t = Pace::default().process_polls)]
    pub process_polls: u32,
    /// Status reads that see WAIT after a start, or KILLING after a stop.
    #[arg(long, value_name = "N", default_value_t = Pace::default().settle_polls)]
    pub settle_polls: u32,
    /// Print the state (the built-in one, or --state) as JSON and exit.
    #[arg(long)]
    pub print_state: bool,
    /// No line per request on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Connections open at once; at the cap the longest-idle one gives way, and with none
    /// idle a new one is refused.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a connection may wait between requests before it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().idle_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Seconds a request's head may take from its first byte (and its body after that).
    #[arg(long, value_name = "SECONDS",
          default_value_t = Limits::default().header_read_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout: u64,
}

fn parse_fault(s: &str) -> Result<FaultConfig, String> {
    s.parse::<FaultConfig>().map_err(|e| e.to_string())
}

/// The warning for a mock reachable from other hosts that accepts published keys.
fn exposure_warning(config: &MockConfig) -> Option<String> {
    let keys = config.well_known_keys();
    if config.addr.ip().is_loopback() || keys.is_empty() {
        return None;
    }
    Some(format!(
        "warning: dwdi mock listens on {}, which other hosts can reach, and accepts access keys \
         whose secrets are published ({}): anyone who can reach it can call it. Set \
         --access-key-id and --access-key-secret, and seed --state with keys of your own, or \
         listen on 127.0.0.1.",
        config.addr,
        keys.join(", ")
    ))
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM: either ends the mock the same way.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs `dwdi mock`.
pub fn run(args: MockArgs) -> Exit {
    let state = match &args.state {
        Some(path) if path.exists() => match State::load(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("dwdi mock: {e}");
                return Exit::Usage;
            }
        },
        _ => State::example(),
    };
    if args.print_state {
        crate::output::stdout(&serde_json::to_string_pretty(&state).unwrap_or_default());
        return Exit::Success;
    }
    let config = MockConfig {
        addr: args.addr,
        access_key_id: args.access_key_id,
        access_key_secret: args.access_key_secret,
        state,
        save_to: if args.save { args.state } else { None },
        faults: args.fault.unwrap_or_default(),
        seed: args.seed,
        pace: Pace {
            settle_polls: args.settle_polls,
            process_polls: args.process_polls,
        },
        log: !args.quiet,
        limits: Limits {
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
            idle_timeout: Duration::from_secs(args.idle_timeout),
            header_read_timeout: Duration::from_secs(args.header_read_timeout),
            ..Limits::default()
        },
        ..MockConfig::default()
    };
    if let Some(save_to) = &config.save_to {
        if let Err(e) = dwdi_mock::state::check_writable(save_to) {
            eprintln!("dwdi mock: --save: {e}");
            return Exit::Usage;
        }
    }
    if let Some(warning) = exposure_warning(&config) {
        eprintln!("{warning}");
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dwdi mock: cannot start the async runtime: {e}");
            return Exit::Usage;
        }
    };
    rt.block_on(async move {
        let server = match MockServer::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("dwdi mock: {e}");
                return Exit::Usage;
            }
        };
        crate::output::stdout(&format!("listening on {}", server.url()));
        terminated().await;
        match server.shutdown().await {
            Ok(_) => Exit::Success,
            Err(e) => {
                eprintln!("dwdi mock: {e}");
                Exit::Usage
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reachable_mock_with_published_keys_is_warned_about() {
        let open = MockConfig {
            addr: "0.0.0.0:0".parse().unwrap(),
            ..MockConfig::default()
        };
        let warning = exposure_warning(&open).expect("warned");
        assert!(
            warning.contains(dwdi_mock::DEFAULT_ACCESS_KEY_ID),
            "{warning}"
        );
        assert!(
            warning.contains(dwdi_mock::DEFAULT_STS_ACCESS_KEY_ID),
            "{warning}"
        );
        assert!(
            !warning.contains(dwdi_mock::DEFAULT_ACCESS_KEY_SECRET),
            "{warning}"
        );
        // Loopback: no warning.
        assert_eq!(exposure_warning(&MockConfig::default()), None);
        // Own keys and a state without the published ones: no warning.
        let own = MockConfig {
            access_key_id: "mine".into(),
            access_key_secret: "s3cret".into(),
            state: State {
                access_keys: Vec::new(),
                ..State::example()
            },
            ..open
        };
        assert_eq!(exposure_warning(&own), None);
    }
}
