//! The HTTP side: an accept loop on tokio, one hyper HTTP/1.1 connection task per client, and
//! the answer from [`Mock`]. Nothing a client sends can panic it, and nothing it sends can
//! hold more than its share:
//! - connections are capped, timed while idle and while a head arrives ([`connections`]);
//! - a body is bounded in size (413 beyond [`Limits::max_body`]) and in time;
//! - document validation, whose cost grows with a document the client chose, runs on
//!   blocking threads, at most [`Limits::max_validations`] at once, so the async workers keep
//!   answering every other client meanwhile.
//!
//! [`connections`]: crate::connections

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;

use crate::connections::{ConnectionStats, Connections};
use crate::errors::{Failure, gateway};
use crate::state::{State, StateError};
use crate::{Begun, Delivery, Limits, Mock, MockConfig, Reply};

/// How long [`MockServer::shutdown`] lets answers in progress finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running mock.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    save_to: Option<PathBuf>,
}

/// What every connection task shares.
struct Shared {
    mock: Arc<Mock>,
    limits: Limits,
    connections: Arc<Connections>,
    validations: Arc<Semaphore>,
}

/// The answer is not sent: hyper closes the connection without one.
#[derive(Debug)]
struct NoAnswer;

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the answer is not sent")
    }
}

impl std::error::Error for NoAnswer {}

impl MockServer {
    /// Binds `config.addr` and serves until [`MockServer::shutdown`]. Refuses a `save_to`
    /// path that could not be written, before binding.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        if let Some(path) = &config.save_to {
            crate::state::check_writable(path)
                .map_err(|e| io::Error::new(io::ErrorKind::PermissionDenied, e.0))?;
        }
        let listener = TcpListener::bind(config.addr).await.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot listen on {}: {e}", config.addr))
        })?;
        let addr = listener.local_addr()?;
        let limits = config.limits.clone();
        let shared = Arc::new(Shared {
            mock: Arc::new(Mock::new(&config)),
            connections: Arc::new(Connections::new(
                limits.max_connections,
                limits.header_read_timeout,
                limits.idle_timeout,
            )),
            validations: Arc::new(Semaphore::new(limits.max_validations.max(1))),
            limits,
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(accept_loop(listener, shared.clone(), stopped));
        Ok(MockServer {
            addr,
            shared,
            stop: Some(stop),
            task,
            save_to: config.save_to,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The service behind the server.
    pub fn mock(&self) -> &Mock {
        &self.shared.mock
    }

    /// What the connection layer has done so far.
    pub fn connections(&self) -> ConnectionStats {
        self.shared.connections.stats()
    }

    /// Stops accepting, lets the answers in progress finish (up to 5 seconds), closes every
    /// connection, writes the state to `save_to` if set (atomically), and returns it.
    pub async fn shutdown(mut self) -> Result<State, StateError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        self.shared.connections.close_all();
        self.shared.connections.wait_closed(SHUTDOWN_GRACE).await;
        let state = self.shared.mock.state();
        if let Some(path) = &self.save_to {
            state.save(path)?;
        }
        Ok(state)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        self.shared.connections.close_all();
    }
}

/// Linux and macOS alike: the process (EMFILE) or the system (ENFILE) has no file descriptor
/// left for the connection waiting to be accepted.
fn out_of_descriptors(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24))
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => serve(stream, &shared),
                Err(e) => {
                    // Out of descriptors: an idle connection gives way (its task closes it);
                    // then, as for any other accept error, a short pause before the next try.
                    if out_of_descriptors(&e) {
                        shared.connections.reclaim_idle();
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }
    }
}

/// Admits `stream` (or refuses it at the cap: it is dropped, closed at once) and serves it on
/// its own task.
fn serve(stream: TcpStream, shared: &Arc<Shared>) {
    let Some(admitted) = shared.connections.admit() else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let shared = shared.clone();
    tokio::spawn(async move {
        let io = TokioIo::new(admitted.track(stream));
        let svc = {
            let shared = shared.clone();
            service_fn(move |req| handle(req, shared.clone()))
        };
        let mut builder = http1::Builder::new();
        // The tracked stream times heads and idle waits itself; hyper's own header timer
        // would also run while a connection is idle.
        builder.header_read_timeout(None);
        let conn = builder.serve_connection(io, svc);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => {}
            () = admitted.conn.close.notified() => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        }
        drop(admitted);
    });
}

fn response(reply: Reply) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(reply.status)
        .header("content-type", "application/json;charset=utf-8");
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::from_static(b"{}"))))
}

fn too_large(mock: &Mock, max: usize, host: &str) -> Reply {
    mock.http_refusal(
        413,
        &format!(
            "The request body is larger than {max} bytes, the most this service reads; the DI \
             operations send their parameters in the query."
        ),
        host,
    )
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, NoAnswer> {
    let (parts, body) = req.into_parts();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("dwdi-mock")
        .to_owned();
    let mock = &shared.mock;
    let max = shared.limits.max_body;
    let declared = parts
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Ok(response(too_large(mock, max, &host)));
    }
    let read = Limited::new(body, max).collect();
    let body = match tokio::time::timeout(shared.connections.header_read_timeout(), read).await {
        Err(_) => {
            shared.connections.count_read_timeout();
            return Err(NoAnswer);
        }
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return Ok(response(too_large(mock, max, &host)));
        }
        Ok(Err(_)) => {
            return Ok(response(mock.reject(
                &Failure::gateway(
                    gateway::INVALID_PARAMETER,
                    "The request body cannot be read.",
                ),
                &host,
            )));
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let request = crate::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &headers,
        body: &body,
    };
    let delivery = match mock.begin(&request) {
        Begun::Done(delivery) => delivery,
        Begun::Staged(staged) if !staged.has_documents() => mock.complete(*staged, Ok(())),
        Begun::Staged(staged) => {
            // At most max_validations at once, each on a blocking thread: a hostile document
            // costs one of those threads, never an async worker.
            let permit = shared.validations.clone().acquire_owned().await;
            let worker = shared.mock.clone();
            let desc = staged.desc;
            let checked = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                let result = worker.check_documents(&staged);
                (staged, result)
            })
            .await;
            match checked {
                Ok((staged, result)) => mock.complete(*staged, result),
                // The validator panicked: the operation's internal error, as the service would.
                Err(_) => Delivery::Send(mock.reject(
                    &Failure::documented(desc, 500, "(mock) the document validator failed."),
                    &host,
                )),
            }
        }
    };
    let latency = mock.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match delivery {
        Delivery::Send(reply) => Ok(response(reply)),
        Delivery::Drop => Err(NoAnswer),
    }
}
