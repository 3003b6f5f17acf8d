//! A local DataWorks Data Integration service, built from the spec, for testing automation
//! without the real service (in the spirit of LocalStack).
//!
//! It serves the five operations at `POST /` (and `GET` where Alibaba's metadata allows it),
//! authenticates every request as the gateway does ([`verify`]), checks parameters through the
//! generated operation table ([`params`]), keeps per-project state ([`state`]) with task
//! lifecycles and asynchronous processes ([`ops`]), answers with the documented envelopes
//! ([`errors`]) and injects faults on demand ([`faults`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = dwdi_mock::MockServer::start(dwdi_mock::MockConfig::default()).await?;
//! println!("listening on {}", server.url());
//! let final_state = server.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod content;
pub mod errors;
pub mod faults;
pub mod ops;
pub mod params;
pub mod server;
pub mod spec;
pub mod state;
pub mod verify;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dwdi_runtime::{Clock, SystemClock};
use serde_json::json;

pub use errors::Failure;
pub use faults::{FaultConfig, Faults};
pub use ops::Pace;
pub use server::MockServer;
pub use state::State;

use crate::errors::gateway;
use crate::verify::{Incoming, KeyEntry, NonceCache};

/// The owner's access key id when `--access-key-id` is not given.
pub const DEFAULT_ACCESS_KEY_ID: &str = "dwdi-mock-access-key-id";
/// The owner's access key secret when `--access-key-secret` is not given.
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "dwdi-mock-access-key-secret";
/// The default state's STS credential (may use project 10000).
pub const DEFAULT_STS_ACCESS_KEY_ID: &str = "STS.dwdi-mock-sts-key-id";
/// Its secret.
pub const DEFAULT_STS_ACCESS_KEY_SECRET: &str = "dwdi-mock-sts-key-secret";
/// Its security token.
pub const DEFAULT_STS_TOKEN: &str = "dwdi-mock-sts-token";
/// The default state's RAM user (may use project 20000 only).
pub const DEFAULT_RAM_ACCESS_KEY_ID: &str = "dwdi-mock-ram-user-key-id";
/// Its secret.
pub const DEFAULT_RAM_ACCESS_KEY_SECRET: &str = "dwdi-mock-ram-user-key-secret";

/// How to run the mock.
#[derive(Clone)]
pub struct MockConfig {
    /// Where to listen (`127.0.0.1:0`: a free loopback port).
    pub addr: SocketAddr,
    /// The owner's access key id: may use every project.
    pub access_key_id: String,
    /// The owner's secret.
    pub access_key_secret: String,
    /// The seed state.
    pub state: State,
    /// Where to write the state on shutdown.
    pub save_to: Option<PathBuf>,
    /// Faults to inject.
    pub faults: FaultConfig,
    /// Seed of the fault generator and of request ids.
    pub seed: u64,
    /// Lifecycle pace.
    pub pace: Pace,
    /// The server's clock, for date skew and the nonce window.
    pub clock: Arc<dyn Clock>,
    /// Print one line per request on stderr (no secrets).
    pub log: bool,
}

impl std::fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockConfig")
            .field("addr", &self.addr)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"***")
            .field("save_to", &self.save_to)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .field("pace", &self.pace)
            .finish_non_exhaustive()
    }
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            access_key_id: DEFAULT_ACCESS_KEY_ID.to_owned(),
            access_key_secret: DEFAULT_ACCESS_KEY_SECRET.to_owned(),
            state: State::example(),
            save_to: None,
            faults: FaultConfig::default(),
            seed: 0,
            pace: Pace::default(),
            clock: Arc::new(SystemClock),
            log: false,
        }
    }
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Status.
    pub status: u16,
    /// Headers besides content-type.
    pub headers: Vec<(&'static str, String)>,
    /// JSON body.
    pub body: String,
}

/// The service without its HTTP server: one [`Mock::answer`] per request.
pub struct Mock {
    keys: HashMap<String, KeyEntry>,
    state: Mutex<State>,
    nonces: NonceCache,
    faults: Faults,
    seq: AtomicU64,
    seed: u64,
    pace: Pace,
    clock: Arc<dyn Clock>,
    log: bool,
}

impl Mock {
    /// A service per `config`.
    pub fn new(config: &MockConfig) -> Mock {
        let mut keys: HashMap<String, KeyEntry> = config
            .state
            .access_keys
            .iter()
            .map(|k| {
                (
                    k.access_key_id.clone(),
                    KeyEntry {
                        secret: k.access_key_secret.clone(),
                        security_token: k.security_token.clone(),
                    },
                )
            })
            .collect();
        keys.insert(
            config.access_key_id.clone(),
            KeyEntry {
                secret: config.access_key_secret.clone(),
                security_token: None,
            },
        );
        Mock {
            keys,
            state: Mutex::new(config.state.clone()),
            nonces: NonceCache::default(),
            faults: Faults::new(config.faults.clone(), config.seed),
            seq: AtomicU64::new(0),
            seed: config.seed,
            pace: config.pace,
            clock: config.clock.clone(),
            log: config.log,
        }
    }

    /// A copy of the current state.
    pub fn state(&self) -> State {
        match self.state.lock() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The delay before every answer.
    pub fn latency(&self) -> Duration {
        self.faults.config().latency
    }

    fn request_id(&self) -> String {
        let n = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let s = self.seed;
        format!(
            "{:08X}-{:04X}-4{:03X}-8{:03X}-{n:012X}",
            (s >> 32) as u32,
            (s >> 16) as u16,
            (s >> 4) & 0xfff,
            s & 0xfff
        )
    }

    /// The error answer for `failure`.
    pub fn reject(&self, failure: &Failure, host: &str) -> Reply {
        let id = self.request_id();
        self.error_reply(failure, &id, host)
    }

    fn error_reply(&self, failure: &Failure, request_id: &str, host: &str) -> Reply {
        let mut headers = vec![("x-acs-request-id", request_id.to_owned())];
        if let Some(ms) = failure.retry_after_ms {
            headers.push(("x-acs-retry-after", ms.to_string()));
        }
        Reply {
            status: failure.status,
            headers,
            body: errors::envelope(failure, request_id, host),
        }
    }

    /// Answers one request.
    pub fn answer(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Reply {
        let request_id = self.request_id();
        let req = Incoming {
            method,
            query,
            headers,
            body,
        };
        let host = req.header("host").unwrap_or("dwdi-mock").to_owned();
        let (action, result) = self.serve(&req, path);
        let reply = match result {
            Ok(data) => Reply {
                status: 200,
                headers: vec![("x-acs-request-id", request_id.clone())],
                body: json!({"RequestId": request_id, "Success": true, "Data": data}).to_string(),
            },
            Err(f) => self.error_reply(&f, &request_id, &host),
        };
        if self.log {
            let code = serde_json::from_str::<serde_json::Value>(&reply.body)
                .ok()
                .and_then(|v| v.get("Code").and_then(|c| c.as_str()).map(str::to_owned))
                .unwrap_or_default();
            eprintln!(
                "{request_id} {method} {} -> {} {code}",
                if action.is_empty() { "-" } else { &action },
                reply.status
            );
        }
        reply
    }

    fn serve(
        &self,
        req: &Incoming<'_>,
        path: &str,
    ) -> (String, Result<serde_json::Value, Failure>) {
        let not_found = |what: String| Failure::gateway(gateway::ACTION_NOT_FOUND, what);
        if path != "/" {
            return (
                String::new(),
                Err(not_found(format!(
                    "Specified path {path:?} is not found; RPC calls go to /."
                ))),
            );
        }
        let verified = match verify::verify(req, &self.keys, self.clock.now(), &self.nonces) {
            Ok(v) => v,
            Err(f) => return (String::new(), Err(f)),
        };
        let action = verified.action.clone();
        let result = (|| {
            let (Some(desc), Some(facts)) = (
                dataworks_di::meta::operation(&verified.action),
                spec::facts().ops.get(&verified.action),
            ) else {
                return Err(not_found(format!(
                    "Specified api {:?} is not found, please check your url and method.",
                    verified.action
                )));
            };
            if verified.version != dataworks_di::meta::API_VERSION {
                return Err(not_found(format!(
                    "Specified api {:?} is not found for version {:?}.",
                    verified.action, verified.version
                )));
            }
            if !facts.methods.iter().any(|m| m == req.method) {
                return Err(not_found(format!(
                    "Specified api {:?} does not accept {}; use {}.",
                    verified.action,
                    req.method,
                    facts.methods.join(" or ")
                )));
            }
            if let Some(fault) = self.faults.draw() {
                let injected = match fault {
                    faults::Fault::Throttle => {
                        let mut f = Failure::gateway(
                            gateway::THROTTLING_USER,
                            "Request was denied due to user flow control (injected by the mock's --fault).",
                        );
                        let ms = self.faults.config().retry_after.as_millis();
                        f.retry_after_ms = Some(u64::try_from(ms).unwrap_or(u64::MAX).max(1));
                        Some(f)
                    }
                    faults::Fault::Error500 => Some(Failure::documented(
                        facts,
                        500,
                        "(injected by the mock's --fault)",
                    )),
                    faults::Fault::Code(code) => {
                        Failure::by_code(Some(facts), &code).filter(|_| {
                            facts.documents(&code).is_some()
                                || spec::facts().gateway(&code).is_some()
                        })
                    }
                };
                if let Some(f) = injected {
                    return Err(f);
                }
            }
            let params = params::check(desc, facts, &verified.params)?;
            let call = ops::Call {
                facts,
                params: &params,
                access_key_id: &verified.access_key_id,
                pace: self.pace,
            };
            let mut state = match self.state.lock() {
                Ok(s) => s,
                Err(p) => p.into_inner(),
            };
            ops::run(&verified.action, &call, &mut state)
        })();
        (action, result)
    }
}
