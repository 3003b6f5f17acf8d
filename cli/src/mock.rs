//! `dwdi mock`: the local DataWorks (dwdi-mock) on loopback until Ctrl-C.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use dwdi_mock::{FaultConfig, MockConfig, MockServer, Pace, State};

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
    /// Write the state back to the --state file on shutdown (Ctrl-C).
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
}

fn parse_fault(s: &str) -> Result<FaultConfig, String> {
    s.parse::<FaultConfig>().map_err(|e| e.to_string())
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
        println!(
            "{}",
            serde_json::to_string_pretty(&state).unwrap_or_default()
        );
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
        ..MockConfig::default()
    };
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
                eprintln!("dwdi mock: cannot listen on {}: {e}", args.addr);
                return Exit::Usage;
            }
        };
        println!("listening on {}", server.url());
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        match server.shutdown().await {
            Ok(_) => Exit::Success,
            Err(e) => {
                eprintln!("dwdi mock: {e}");
                Exit::Usage
            }
        }
    })
}
