//! A local DataWorks Data Integration service, built from the spec, for testing automation
//! without the real service (in the spirit of LocalStack).
//!
//! It serves the five operations at `POST /` (and `GET` where Alibaba's metadata allows it),
//! authenticates every request as the gateway does ([`verify`]), checks parameters through the
//! generated operation table ([`params`]), keeps per-project state ([`state`]) with task
//! lifecycles and asynchronous processes ([`ops`]), answers with `Data` built from the spec's
//! examples ([`data`]) and the documented envelopes ([`errors`]), and injects faults on demand
//! ([`faults`]). Every fact about the API (names, codes, statuses, examples, which parameter
//! is the workspace or the task) comes from the generated client's tables
//! (`dataworks_di::meta`); the mock names none itself. It stays bounded whatever clients
//! send ([`Limits`]): replayed nonces are remembered in bounded memory ([`nonce`]),
//! connections are capped and timed ([`connections`]), bodies and state files are capped, and
//! document validation runs off the async workers ([`server`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = dwdi_mock::MockServer::start(dwdi_mock::MockConfig::default()).await?;
//! println!("listening on {}", server.url());
//! let final_state = server.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod connections;
pub mod content;
pub mod data;
pub mod errors;
pub mod faults;
pub mod nonce;
pub mod ops;
pub mod params;
pub mod server;
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

pub use connections::ConnectionStats;
pub use errors::Failure;
pub use faults::{Fault, FaultConfig, Faults};
pub use ops::Pace;
pub use server::MockServer;
pub use state::State;

use crate::errors::gateway;
use crate::params::Params;
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

/// How much the mock lets any client use: connections, time, bytes, memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Connections open at once. At the cap a new connection takes the place of the one idle
    /// the longest; with none idle it is refused (closed at once). Both are counted.
    pub max_connections: usize,
    /// Time a request's head may take from its first byte to its end, and its body after
    /// that; a client slower than this is cut off.
    pub header_read_timeout: Duration,
    /// Time a connection may wait between requests (or before its first) before it is closed.
    pub idle_timeout: Duration,
    /// The largest request body accepted; a larger one is answered 413.
    pub max_body: usize,
    /// Nonces remembered for replay detection (see [`nonce`]).
    pub nonce_cache: usize,
    /// Document validations run at once, each on a blocking thread (never on the async
    /// workers that serve connections); further ones wait their turn.
    pub max_validations: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_body: 1 << 20,
            nonce_cache: nonce::DEFAULT_CAPACITY,
            max_validations: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// Called before each document validation, on the thread that runs it (instrumentation, and
/// tests that need to hold a validation while other requests are answered).
pub type ValidationHook = Arc<dyn Fn() + Send + Sync>;

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
    /// Where to write the state on shutdown (atomically: a temporary file, then a rename).
    /// [`MockServer::start`] refuses a path it could not write.
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
    /// Resource limits.
    pub limits: Limits,
    /// Called before each document validation.
    pub on_validation: Option<ValidationHook>,
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
            .field("limits", &self.limits)
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
            limits: Limits::default(),
            on_validation: None,
        }
    }
}

impl MockConfig {
    /// The access key ids this configuration accepts whose secrets are published (in this
    /// crate and its README): anyone who can reach the mock can use them.
    pub fn well_known_keys(&self) -> Vec<&str> {
        let published = [
            (DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
            (DEFAULT_STS_ACCESS_KEY_ID, DEFAULT_STS_ACCESS_KEY_SECRET),
            (DEFAULT_RAM_ACCESS_KEY_ID, DEFAULT_RAM_ACCESS_KEY_SECRET),
        ];
        let mut keys: Vec<&str> = Vec::new();
        let accepted = std::iter::once((&self.access_key_id, &self.access_key_secret)).chain(
            self.state
                .access_keys
                .iter()
                .map(|k| (&k.access_key_id, &k.access_key_secret)),
        );
        for (id, secret) in accepted {
            if published.contains(&(id.as_str(), secret.as_str())) && !keys.contains(&id.as_str()) {
                keys.push(id);
            }
        }
        keys
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

/// What becomes of a request's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Send it.
    Send(Reply),
    /// Close the connection without an answer (the `applied-drop` fault).
    Drop,
}

/// A request as the HTTP layer hands it over.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `POST`, `GET`, ...
    pub method: &'a str,
    /// The path.
    pub path: &'a str,
    /// The raw query string (after `?`).
    pub query: &'a str,
    /// Headers, names lower-case.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// A request authenticated and checked except for its documents: what is left to do.
pub struct Staged {
    request_id: String,
    method: String,
    action: String,
    desc: &'static dwdi_runtime::describe::OperationDesc,
    access_key_id: String,
    params: Params,
    fault: Option<Fault>,
    host: String,
}

impl Staged {
    /// Whether it carries a JSON document to validate before it can be carried out.
    pub fn has_documents(&self) -> bool {
        params::has_documents(self.desc, &self.params)
    }
}

/// The first step of answering: either the answer, or a request to finish.
pub enum Begun {
    /// Answered already (refused, or a fault struck).
    Done(Delivery),
    /// Checked but for its documents; see [`Mock::check_documents`] and [`Mock::complete`].
    Staged(Box<Staged>),
}

/// The service without its HTTP server: [`Mock::answer`] per request, or the same in steps
/// ([`Mock::begin`], [`Mock::check_documents`], [`Mock::complete`]) so that a server can run
/// the step whose cost the client controls (document validation) off its async workers.
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
    on_validation: Option<ValidationHook>,
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
            nonces: NonceCache::new(config.limits.nonce_cache),
            faults: Faults::new(config.faults.clone(), config.seed),
            seq: AtomicU64::new(0),
            seed: config.seed,
            pace: config.pace,
            clock: config.clock.clone(),
            log: config.log,
            on_validation: config.on_validation.clone(),
        }
    }

    /// A copy of the current state.
    pub fn state(&self) -> State {
        match self.state.lock() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The nonces remembered for replay detection.
    pub fn nonces(&self) -> &NonceCache {
        &self.nonces
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

    /// A refusal by the HTTP layer in front of the service (413 for an oversized body, as a
    /// front proxy answers): the envelope's request id, host and message, and no `Code`, for
    /// the spec documents no code for it.
    pub fn http_refusal(&self, status: u16, message: &str, host: &str) -> Reply {
        let id = self.request_id();
        Reply {
            status,
            headers: vec![("x-acs-request-id", id.clone())],
            body: json!({"RequestId": id, "HostId": host, "Message": message}).to_string(),
        }
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

    /// Answers one request, all steps on the calling thread.
    pub fn answer(&self, req: &Request<'_>) -> Delivery {
        match self.begin(req) {
            Begun::Done(d) => d,
            Begun::Staged(staged) => {
                let checked = self.check_documents(&staged);
                self.complete(*staged, checked)
            }
        }
    }

    /// Authenticates the request, finds its operation, draws its fault and checks its
    /// parameters' values: everything but the documents.
    pub fn begin(&self, req: &Request<'_>) -> Begun {
        let request_id = self.request_id();
        let incoming = Incoming {
            method: req.method,
            query: req.query,
            headers: req.headers,
            body: req.body,
        };
        let host = incoming.header("host").unwrap_or("dwdi-mock").to_owned();
        match self.stage(&incoming, req.path) {
            Ok(staged) => Begun::Staged(Box::new(Staged {
                request_id,
                method: req.method.to_owned(),
                host,
                ..staged
            })),
            Err((action, failure)) => {
                let reply = self.error_reply(&failure, &request_id, &host);
                self.log_line(&request_id, req.method, &action, &reply);
                Begun::Done(Delivery::Send(reply))
            }
        }
    }

    /// Validates the staged request's documents (the step whose cost the client controls).
    pub fn check_documents(&self, staged: &Staged) -> Result<(), Failure> {
        if !staged.has_documents() {
            return Ok(());
        }
        if let Some(hook) = &self.on_validation {
            hook();
        }
        params::check_documents(staged.desc, &staged.params)
    }

    /// Carries the request out (given the outcome of [`Mock::check_documents`]) and makes its
    /// answer, which an `applied-…` fault then loses.
    pub fn complete(&self, staged: Staged, documents: Result<(), Failure>) -> Delivery {
        let Staged {
            request_id,
            method,
            action,
            desc,
            access_key_id,
            params,
            fault,
            host,
            ..
        } = staged;
        let result = documents.and_then(|()| {
            let call = ops::Call {
                desc,
                params: &params,
                access_key_id: &access_key_id,
                pace: self.pace,
            };
            let mut state = match self.state.lock() {
                Ok(s) => s,
                Err(p) => p.into_inner(),
            };
            ops::run(&call, &mut state)
        });
        let reply = match result {
            Ok(data) => Reply {
                status: 200,
                headers: vec![("x-acs-request-id", request_id.clone())],
                body: json!({"RequestId": request_id, "Success": true, "Data": data}).to_string(),
            },
            Err(f) => self.error_reply(&f, &request_id, &host),
        };
        let delivery = match fault {
            Some(Fault::AppliedThenDropped) => Delivery::Drop,
            Some(Fault::AppliedThen503) => Delivery::Send(self.error_reply(
                &Failure::gateway(
                    gateway::SERVICE_UNAVAILABLE,
                    "The service is temporarily unavailable (injected by the mock's --fault \
                     applied-503: the request was carried out and its answer lost).",
                ),
                &request_id,
                &host,
            )),
            _ => Delivery::Send(reply),
        };
        match &delivery {
            Delivery::Send(reply) => self.log_line(&request_id, &method, &action, reply),
            Delivery::Drop => {
                if self.log {
                    eprintln!("{request_id} {method} {action} -> (answer dropped by --fault)");
                }
            }
        }
        delivery
    }

    fn log_line(&self, request_id: &str, method: &str, action: &str, reply: &Reply) {
        if !self.log {
            return;
        }
        let code = serde_json::from_str::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("Code").and_then(|c| c.as_str()).map(str::to_owned))
            .unwrap_or_default();
        eprintln!(
            "{request_id} {method} {} -> {} {code}",
            if action.is_empty() { "-" } else { action },
            reply.status
        );
    }

    /// Everything [`Mock::begin`] checks; the request id, method and host are filled in by
    /// the caller. A refusal comes with the action, when it is known, for the log.
    fn stage(&self, req: &Incoming<'_>, path: &str) -> Result<Staged, (String, Failure)> {
        let not_found = |what: String| Failure::gateway(gateway::ACTION_NOT_FOUND, what);
        if path != "/" {
            return Err((
                String::new(),
                not_found(format!(
                    "Specified path {path:?} is not found; RPC calls go to /."
                )),
            ));
        }
        let verified = verify::verify(req, &self.keys, self.clock.now(), &self.nonces)
            .map_err(|f| (String::new(), f))?;
        let action = verified.action.clone();
        let fail = |f: Failure| (action.clone(), f);
        let Some(desc) =
            dataworks_di::meta::operation(&verified.action).filter(|d| ops::serves(d.action))
        else {
            return Err(fail(not_found(format!(
                "Specified api {:?} is not found, please check your url and method.",
                verified.action
            ))));
        };
        if verified.version != dataworks_di::meta::API_VERSION {
            return Err(fail(not_found(format!(
                "Specified api {:?} is not found for version {:?}.",
                verified.action, verified.version
            ))));
        }
        if !desc.methods.iter().any(|m| m.as_str() == req.method) {
            let allowed: Vec<&str> = desc.methods.iter().map(|m| m.as_str()).collect();
            return Err(fail(not_found(format!(
                "Specified api {:?} does not accept {}; use {}.",
                verified.action,
                req.method,
                allowed.join(" or ")
            ))));
        }
        let fault = self.faults.draw();
        let injected = match &fault {
            Some(Fault::Throttle) => {
                let mut f = Failure::gateway(
                    gateway::THROTTLING_USER,
                    "Request was denied due to user flow control (injected by the mock's --fault).",
                );
                let ms = self.faults.config().retry_after.as_millis();
                f.retry_after_ms = Some(u64::try_from(ms).unwrap_or(u64::MAX).max(1));
                Some(f)
            }
            Some(Fault::Error500) => Some(Failure::documented(
                desc,
                500,
                "(injected by the mock's --fault)",
            )),
            // Only the operations that document the code (or any, for a gateway code).
            Some(Fault::Code(code)) => Failure::by_code(Some(desc), code),
            Some(Fault::AppliedThenDropped | Fault::AppliedThen503) | None => None,
        };
        if let Some(f) = injected {
            return Err(fail(f));
        }
        let params = params::check_values(desc, &verified.params).map_err(fail)?;
        Ok(Staged {
            request_id: String::new(),
            method: String::new(),
            action: action.clone(),
            desc,
            access_key_id: verified.access_key_id,
            params,
            fault,
            host: String::new(),
        })
    }
}
