//! The HTTP side: an accept loop on tokio, one hyper HTTP/1.1 connection task per client, a
//! bounded body, and the answer from [`Mock::answer`]. Nothing a client sends can panic it:
//! a body that is too large or cannot be read gets an error envelope.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::errors::{Failure, gateway};
use crate::state::{State, StateError};
use crate::{Mock, MockConfig, Reply};

/// The largest body accepted (the DI operations send none).
pub const MAX_BODY: usize = 1 << 20;

/// A running mock.
pub struct MockServer {
    addr: SocketAddr,
    mock: Arc<Mock>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    save_to: Option<PathBuf>,
}

impl MockServer {
    /// Binds `config.addr` and serves until [`MockServer::shutdown`].
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let mock = Arc::new(Mock::new(&config));
        let (stop, mut stopped) = oneshot::channel::<()>();
        let serving = mock.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else {
                            // Out of descriptors or similar: give the system a moment.
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            continue;
                        };
                        let _ = stream.set_nodelay(true);
                        let mock = serving.clone();
                        tokio::spawn(async move {
                            let svc = service_fn(move |req| handle(req, mock.clone()));
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), svc)
                                .await;
                        });
                    }
                }
            }
        });
        Ok(MockServer {
            addr,
            mock,
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
        &self.mock
    }

    /// Stops accepting, writes the state to `save_to` if set, and returns it.
    pub async fn shutdown(mut self) -> Result<State, StateError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        let state = self.mock.state();
        if let Some(path) = &self.save_to {
            state.save(path)?;
        }
        Ok(state)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
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

async fn handle(
    req: Request<Incoming>,
    mock: Arc<Mock>,
) -> Result<Response<Full<Bytes>>, Infallible> {
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
    let reply = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => {
            let body = collected.to_bytes();
            mock.answer(
                parts.method.as_str(),
                parts.uri.path(),
                parts.uri.query().unwrap_or(""),
                &headers,
                &body,
            )
        }
        Err(_) => mock.reject(
            &Failure::gateway(
                gateway::INVALID_PARAMETER,
                format!("The request body cannot be read or is larger than {MAX_BODY} bytes."),
            ),
            &host,
        ),
    };
    let latency = mock.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    Ok(response(reply))
}
