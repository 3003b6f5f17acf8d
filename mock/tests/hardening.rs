//! The mock as a server under hostile or unlucky clients (issue 13 #1, #6, #10–#13): answers
//! lost after the request was carried out, nonces, connection caps and timeouts, body sizes,
//! and validation off the async workers. Resource limits are tested by what can be counted
//! (connections refused or reclaimed, nonces held, timeouts), never by timing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dataworks_di::Client;
use dataworks_di::operation::generate_di_sync_task_config_for_updating::{
    GenerateDiSyncTaskConfigForUpdatingError as GenErr,
    GenerateDiSyncTaskConfigForUpdatingFluentBuilder,
};
use dataworks_di::types::TaskType;
use dwdi_mock::{
    DEFAULT_ACCESS_KEY_ID as ID, DEFAULT_ACCESS_KEY_SECRET as SECRET, Limits, MockConfig,
    MockServer,
};
use dwdi_runtime::{Credentials, Error, FixedNonce, RetryPolicy, RpcRequest, RuntimeBuilder};
use dwdi_test_support::RecordingSleeper;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TASK_PARAM: &str = r#"{"steps":[{"category":"reader","name":"Reader","parameter":{"connection":[{"table":["xyx"]}]}}]}"#;

async fn mock(configure: impl FnOnce(&mut MockConfig)) -> MockServer {
    let mut cfg = MockConfig::default();
    configure(&mut cfg);
    MockServer::start(cfg).await.expect("mock starts")
}

fn builder(server: &MockServer) -> RuntimeBuilder {
    Client::runtime_builder()
        .endpoint(server.url())
        .credentials(Credentials::new(ID, SECRET))
        .retry(RetryPolicy::none())
}

fn client(b: RuntimeBuilder) -> Client {
    Client::new(b.build().expect("runtime"))
}

/// Retries without waiting: the delays are recorded, not slept.
fn retrying(server: &MockServer, attempts: u32) -> Client {
    client(
        builder(server)
            .sleeper(RecordingSleeper::default())
            .retry(RetryPolicy {
                max_attempts: attempts,
                ..RetryPolicy::default()
            }),
    )
}

fn processes(server: &MockServer) -> usize {
    server.mock().state().projects[&10000].processes.len()
}

async fn get(c: &Client) -> Result<Value, Error> {
    let req = RpcRequest::new("GetDISyncInstanceInfo", dataworks_di::meta::API_VERSION)
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("FileId", "100");
    c.runtime().call(req).await.map(|r| r.json)
}

fn generate(c: &Client) -> GenerateDiSyncTaskConfigForUpdatingFluentBuilder<'_> {
    c.generate_di_sync_task_config_for_updating()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .task_param(TASK_PARAM)
        .task_id(100)
}

/// Holds validations until opened: the hook waits on it (for at most 10 seconds, so that a
/// regression fails an assertion instead of hanging).
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, std::sync::Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, cv) = &*self.0;
        let guard = open.lock().unwrap();
        let _ = cv
            .wait_timeout_while(guard, Duration::from_secs(10), |open| !*open)
            .unwrap();
    }

    fn open(&self) {
        let (open, cv) = &*self.0;
        *open.lock().unwrap() = true;
        cv.notify_all();
    }
}

// --- #1: the answer is lost after the request was carried out -----------------------------

#[tokio::test]
async fn an_answer_lost_after_the_work_is_done_starts_one_process_when_retried_with_a_token() {
    for fault in ["applied-503=1", "applied-drop=1"] {
        let server = mock(|c| c.faults = fault.parse().unwrap()).await;
        let before = processes(&server);
        let err = generate(&retrying(&server, 3)).send().await.unwrap_err();
        let GenErr::Runtime(Error::RetriesExhausted { attempts, .. }) = &err else {
            panic!("{fault}: {err:?}")
        };
        assert_eq!(*attempts, 3, "{fault}");
        // Three attempts reached the service and each was carried out; the generated client's
        // one token made the second and third return the first one's process.
        assert_eq!(processes(&server) - before, 1, "{fault}");
        let tokens = server.mock().state().projects[&10000].client_tokens.len();
        assert_eq!(
            tokens, 2,
            "{fault}: the page example's token and this call's"
        );
    }
}

#[tokio::test]
async fn without_a_token_every_lost_answer_is_one_more_process() {
    // What the fault reproduces: raw retried requests that carry no ClientToken.
    let server = mock(|c| c.faults = "applied-503=1".parse().unwrap()).await;
    let before = processes(&server);
    let req = RpcRequest::new(
        "GenerateDISyncTaskConfigForUpdating",
        dataworks_di::meta::API_VERSION,
    )
    .param("ProjectId", "10000")
    .param("TaskType", "DI_REALTIME")
    .param("TaskParam", TASK_PARAM)
    .param("TaskId", "100");
    let e = retrying(&server, 3).runtime().call(req).await.unwrap_err();
    assert_eq!(e.code(), Some("ServiceUnavailable"));
    assert_eq!(e.status(), Some(503));
    assert_eq!(processes(&server) - before, 3);
}

// --- #10: nonces --------------------------------------------------------------------------

#[tokio::test]
async fn empty_and_oversized_nonces_get_the_gateways_codes_and_are_not_kept() {
    let server = mock(|_| {}).await;
    let with_nonce = |n: String| client(builder(&server).nonce_source(FixedNonce(n)));
    let e = get(&with_nonce(String::new())).await.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some("MissingParameter"))
    );
    let e = get(&with_nonce("n".repeat(60 * 1024))).await.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some("InvalidParameter"))
    );
    let message = e
        .service_error()
        .unwrap()
        .message
        .clone()
        .unwrap_or_default();
    assert!(message.contains("1 to 64 printable ASCII"), "{message}");
    assert!(message.len() < 300, "the nonce is not echoed");
    let e = get(&with_nonce("n".repeat(65))).await.unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameter"));
    assert!(server.mock().nonces().is_empty());
    get(&with_nonce("n".repeat(64))).await.unwrap();
    assert_eq!(server.mock().nonces().len(), 1);
}

#[tokio::test]
async fn the_nonce_cache_holds_at_most_its_capacity() {
    let server = mock(|c| {
        c.limits = Limits {
            nonce_cache: 8,
            ..Limits::default()
        }
    })
    .await;
    let c = client(builder(&server));
    let mut answered = 0;
    let mut refused = Vec::new();
    for _ in 0..40 {
        match get(&c).await {
            Ok(_) => answered += 1,
            Err(e) => refused.push(e.code().unwrap_or_default().to_owned()),
        }
        assert!(server.mock().nonces().len() <= 8);
    }
    // Requests within the window the cache can still vouch for pass; the others are told to
    // sign again (503, which clients retry), never accepted unchecked.
    assert!(answered >= 8, "{answered}");
    assert!(
        refused.iter().all(|c| c == "ServiceUnavailable"),
        "{refused:?}"
    );
}

// --- #11: connections ---------------------------------------------------------------------

/// Opens a connection that sends nothing.
async fn idle(server: &MockServer) -> TcpStream {
    TcpStream::connect(server.addr()).await.expect("connect")
}

/// Reads until the server closes the connection; true when it did (EOF or reset).
async fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return true,
            Ok(_) => {}
        }
    }
}

#[tokio::test]
async fn idle_connections_over_the_cap_do_not_starve_a_client_with_a_request() {
    let server = mock(|c| {
        c.limits = Limits {
            max_connections: 4,
            ..Limits::default()
        }
    })
    .await;
    let mut idlers = Vec::new();
    for _ in 0..8 {
        idlers.push(idle(&server).await);
    }
    // Accepted in order after the eight idle ones, it gets a place and an answer.
    let answer = get(&client(builder(&server))).await.unwrap();
    assert_eq!(answer["Data"]["Status"], "RUN");
    let stats = server.connections();
    assert_eq!(stats.accepted, 9);
    assert!(stats.open <= 4, "{stats:?}");
    assert_eq!(stats.reclaimed + stats.refused, 5, "{stats:?}");
    // The five that gave way were closed: the first five idle ones.
    for s in &mut idlers[..5] {
        assert!(closed_by_server(s).await);
    }
}

#[tokio::test]
async fn with_every_place_busy_a_new_connection_is_refused_and_counted() {
    let (entered_tx, mut entered) = tokio::sync::mpsc::unbounded_channel::<()>();
    let gate = Gate::default();
    let held = gate.clone();
    let server = mock(|c| {
        c.limits = Limits {
            max_connections: 3,
            max_validations: 3,
            ..Limits::default()
        };
        c.on_validation = Some(Arc::new(move || {
            let _ = entered_tx.send(());
            held.wait();
        }));
    })
    .await;
    // Three requests whose validation is held: three busy connections.
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let c = client(builder(&server));
            tokio::spawn(async move { generate(&c).send().await.map(|_| ()) })
        })
        .collect();
    for _ in 0..3 {
        entered.recv().await.unwrap();
    }
    let mut late = idle(&server).await;
    assert!(closed_by_server(&mut late).await, "refused: closed at once");
    let stats = server.connections();
    assert_eq!((stats.open, stats.refused, stats.reclaimed), (3, 1, 0));
    gate.open();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_head_is_cut_off() {
    let server = mock(|c| {
        c.limits = Limits {
            header_read_timeout: Duration::from_millis(300),
            ..Limits::default()
        }
    })
    .await;
    // Half a head, then silence.
    let mut s = idle(&server).await;
    s.write_all(b"POST /?Action=x HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    assert!(closed_by_server(&mut s).await);
    assert_eq!(server.connections().read_timeouts, 1);

    // A head that trickles in, a byte at a time: still cut off, since the deadline runs from
    // its first byte, not its last.
    let mut s = idle(&server).await;
    let (mut rd, mut wr) = s.split();
    let trickle = async {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for b in b"POST / HTTP/1.1\r\nx-slow: "
            .iter()
            .chain(std::iter::repeat(&b'a'))
        {
            tick.tick().await;
            if wr.write_all(&[*b]).await.is_err() {
                return;
            }
        }
    };
    let mut buf = Vec::new();
    tokio::select! {
        () = trickle => {}
        _ = rd.read_to_end(&mut buf) => {}
    }
    assert_eq!(server.connections().read_timeouts, 2);
    assert_eq!(server.connections().idle_timeouts, 0);
    // Meanwhile and after, ordinary clients are answered.
    get(&client(builder(&server))).await.unwrap();
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let server = mock(|c| {
        c.limits = Limits {
            idle_timeout: Duration::from_millis(200),
            ..Limits::default()
        }
    })
    .await;
    let mut never = idle(&server).await;
    assert!(closed_by_server(&mut never).await);
    // A keep-alive connection: answered, then closed once idle.
    let mut s = idle(&server).await;
    s.write_all(b"GET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 404"));
    let stats = server.connections();
    assert_eq!((stats.idle_timeouts, stats.read_timeouts), (2, 0));
}

// --- #13: bodies and integers -------------------------------------------------------------

#[tokio::test]
async fn an_oversized_body_is_413_with_or_without_a_declared_length() {
    let server = mock(|c| {
        c.limits = Limits {
            max_body: 1000,
            ..Limits::default()
        }
    })
    .await;
    let http = reqwest::Client::new();
    let declared = http
        .post(format!("{}/", server.url()))
        .body(vec![b'a'; 1001])
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status().as_u16(), 413);
    let body: Value = serde_json::from_str(&declared.text().await.unwrap()).unwrap();
    assert!(
        body["Message"]
            .as_str()
            .unwrap()
            .contains("larger than 1000 bytes")
    );
    assert!(body["RequestId"].is_string());
    // Chunked, so the size shows only while reading.
    let mut s = idle(&server).await;
    let chunk = format!("{:x}\r\n{}\r\n", 600, "a".repeat(600));
    let request = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n{chunk}{chunk}0\r\n\r\n"
    );
    s.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // At the limit it is read (and refused for its missing signature, as any request is).
    let at_limit = http
        .post(format!("{}/", server.url()))
        .body(vec![b'a'; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(at_limit.status().as_u16(), 400);
}

#[tokio::test]
async fn integers_in_other_spellings_are_refused() {
    let server = mock(|_| {}).await;
    let c = client(builder(&server));
    for project in ["+10000", "010000", " 10000", "10000.0"] {
        let req = RpcRequest::new("GetDISyncInstanceInfo", dataworks_di::meta::API_VERSION)
            .param("ProjectId", project)
            .param("TaskType", "DI_REALTIME")
            .param("FileId", "100");
        let e = c.runtime().call(req).await.unwrap_err();
        assert_eq!(
            (e.status(), e.code()),
            (Some(400), Some("Param.Invalid")),
            "{project:?}"
        );
        let message = e
            .service_error()
            .unwrap()
            .message
            .clone()
            .unwrap_or_default();
        assert!(message.contains("plain decimal"), "{message}");
    }
    get(&c).await.unwrap();
}

// --- #6: validation off the async workers -------------------------------------------------

/// One async worker thread for the server and the clients: if a validation ran on it, nothing
/// else could be answered until it ended.
#[tokio::test(flavor = "current_thread")]
async fn a_cheap_request_is_answered_while_a_validation_is_held() {
    let (entered_tx, mut entered) = tokio::sync::mpsc::unbounded_channel::<()>();
    let gate = Gate::default();
    let held = gate.clone();
    let server = mock(|c| {
        c.on_validation = Some(Arc::new(move || {
            let _ = entered_tx.send(());
            held.wait();
        }));
    })
    .await;
    let events = Arc::new(Mutex::new(Vec::<&str>::new()));
    let heavy = {
        let c = client(builder(&server));
        let events = events.clone();
        tokio::spawn(async move {
            generate(&c).send().await.unwrap();
            events.lock().unwrap().push("heavy answered");
        })
    };
    entered.recv().await.unwrap();
    get(&client(builder(&server))).await.unwrap();
    events.lock().unwrap().push("cheap answered");
    gate.open();
    heavy.await.unwrap();
    assert_eq!(
        *events.lock().unwrap(),
        ["cheap answered", "heavy answered"]
    );
}
