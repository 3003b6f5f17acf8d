//! Expiring credentials under load: a fake clock moves through expiries while many calls run
//! at once, and the STS stand-in counts fetches — exactly one per expiry.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use dwdi_runtime::provider::cache::REFRESH_AHEAD;
use dwdi_runtime::{
    AcsDate, Clock, Credentials, CredentialsError, Error, ManualClock, RamRoleArnProvider,
    RetryPolicy, RpcRequest, Runtime, StaticProvider, StsEndpoint,
};
use support::{OK, Response, StandIn, sts_answer};
use tokio::sync::Notify;

const CALLS: usize = 64;
const LIFETIME: Duration = Duration::from_secs(3600);

fn request() -> RpcRequest {
    RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("FileId", "100")
}

/// An STS stand-in issuing `STS.key-N` on its N-th call, valid for [`LIFETIME`] from the
/// clock's time. Call number `gate_for` (when gated) waits for one `gate` permit, so a test
/// can hold the fetch it expects in flight; any other call answers at once, so a second
/// fetch shows up in the count instead of hanging the test.
struct Sts {
    server: StandIn,
    gate: Arc<Notify>,
    gate_for: Arc<AtomicUsize>,
}

fn sts(clock: &ManualClock, gated: bool, fail_call: Option<usize>) -> Sts {
    let clock = clock.clone();
    let n = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Notify::new());
    let gate_for = Arc::new(AtomicUsize::new(if gated { 1 } else { 0 }));
    let (g, gf) = (gate.clone(), gate_for.clone());
    let server = StandIn::start(move |_| {
        let n = n.fetch_add(1, Ordering::SeqCst) + 1;
        let response = if fail_call == Some(n) {
            Response::json(
                503,
                r#"{"RequestId":"sts-503","Code":"ServiceUnavailable","Message":"try later"}"#,
            )
        } else {
            let expiration = AcsDate::from_system_time(clock.now() + LIFETIME);
            Response::json(
                200,
                sts_answer(
                    &format!("STS.key-{n}"),
                    &format!("secret-{n}"),
                    &format!("token-{n}"),
                    expiration.as_str(),
                ),
            )
        };
        if gf.load(Ordering::SeqCst) == n {
            response.gated(g.clone())
        } else {
            response
        }
    });
    Sts {
        server,
        gate,
        gate_for,
    }
}

fn runtime(clock: &ManualClock, sts: &Sts, dw: &StandIn) -> Runtime {
    let provider = RamRoleArnProvider::builder(
        Arc::new(StaticProvider(Credentials::new(
            "LTAI-source",
            "source-secret",
        ))),
        "acs:ram::1:role/r",
    )
    .sts_endpoint(StsEndpoint::default().endpoint(sts.server.url()))
    .clock(Arc::new(clock.clone()))
    .build()
    .expect("provider");
    Runtime::builder()
        .credentials_provider(provider)
        .endpoint(dw.url())
        .clock(clock.clone())
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .build()
        .expect("runtime")
}

/// Starts `CALLS` calls at once, waits until the one fetch (STS call number `fetch`) reached
/// STS, lets it answer and collects every result.
async fn burst(rt: &Runtime, sts: &Sts, fetch: usize) -> Vec<Result<(), Error>> {
    sts.gate_for.store(fetch, Ordering::SeqCst);
    let tasks: Vec<_> = (0..CALLS)
        .map(|_| {
            let rt = rt.clone();
            tokio::spawn(async move { rt.call(request()).await.map(|_| ()) })
        })
        .collect();
    // The calls have all been started; the fetch is in flight and held at the stand-in.
    sts.server.arrived.notified().await;
    sts.gate.notify_one();
    let mut results = Vec::with_capacity(CALLS);
    for t in tasks {
        results.push(t.await.expect("task"));
    }
    results
}

/// How many DataWorks requests each key id signed.
fn keys_used(dw: &StandIn) -> BTreeMap<String, usize> {
    let mut used = BTreeMap::new();
    for r in dw.requests() {
        let auth = r.header("authorization").expect("signed").to_owned();
        let id = auth
            .split("Credential=")
            .nth(1)
            .and_then(|s| s.split(',').next())
            .expect("credential")
            .to_owned();
        *used.entry(id).or_default() += 1;
    }
    used
}

#[tokio::test]
async fn exactly_one_fetch_per_expiry_under_concurrent_calls() {
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_704_067_200));
    let sts = sts(&clock, true, None);
    let dw = StandIn::start(|_| Response::json(200, OK));
    let rt = runtime(&clock, &sts, &dw);

    for expiry in 1..=3 {
        let results = burst(&rt, &sts, expiry).await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(sts.server.count(), expiry, "one fetch for expiry {expiry}");
        // Every call of this burst used the credentials of this fetch.
        assert_eq!(
            keys_used(&dw).get(&format!("STS.key-{expiry}")),
            Some(&CALLS),
            "{:?}",
            keys_used(&dw)
        );
        // Later calls before the refresh point fetch nothing.
        rt.call(request()).await.expect("cached");
        assert_eq!(sts.server.count(), expiry);
        // Through the expiry.
        clock.advance(LIFETIME + Duration::from_secs(1));
    }
    assert_eq!(dw.count(), 3 * (CALLS + 1));
}

#[tokio::test]
async fn inside_the_refresh_window_one_caller_refreshes_and_the_others_go_on() {
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_704_067_200));
    let sts = sts(&clock, true, None);
    let dw = StandIn::start(|_| Response::json(200, OK));
    let rt = runtime(&clock, &sts, &dw);

    let results = burst(&rt, &sts, 1).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(sts.server.count(), 1);

    // Due for refresh, still valid.
    clock.advance(LIFETIME - REFRESH_AHEAD + Duration::from_secs(1));
    let results = burst(&rt, &sts, 2).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(sts.server.count(), 2, "one refresh");
    let used = keys_used(&dw);
    let this_burst = used.get("STS.key-1").copied().unwrap_or(0) - CALLS
        + used.get("STS.key-2").copied().unwrap_or(0);
    assert_eq!(this_burst, CALLS, "{used:?}");
    // Afterwards everyone has the new credentials.
    rt.call(request()).await.expect("call");
    assert_eq!(sts.server.count(), 2);
    assert_eq!(
        rt.credentials().await.expect("creds").access_key_id(),
        "STS.key-2"
    );
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_valid_credentials_and_fails_after_expiry() {
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_704_067_200));
    // The second fetch fails, the third succeeds.
    let sts = sts(&clock, false, Some(2));
    let dw = StandIn::start(|_| Response::json(200, OK));
    let rt = runtime(&clock, &sts, &dw);
    rt.call(request()).await.expect("first");
    assert_eq!(sts.server.count(), 1);

    clock.advance(LIFETIME - REFRESH_AHEAD + Duration::from_secs(1));
    rt.call(request())
        .await
        .expect("the old credentials still work");
    assert_eq!(sts.server.count(), 2, "the refresh was tried");
    rt.call(request()).await.expect("paused, not asked again");
    assert_eq!(sts.server.count(), 2);
    assert_eq!(keys_used(&dw).get("STS.key-1"), Some(&3));

    // Past the pause: asked again, and this time it works.
    clock.advance(Duration::from_secs(11));
    rt.call(request()).await.expect("refreshed");
    assert_eq!(sts.server.count(), 3);
    assert_eq!(keys_used(&dw).get("STS.key-3"), Some(&1));
}

#[tokio::test]
async fn expired_credentials_that_cannot_be_refreshed_are_an_error() {
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_704_067_200));
    let sts = sts(&clock, false, Some(2));
    let dw = StandIn::start(|_| Response::json(200, OK));
    let rt = runtime(&clock, &sts, &dw);
    rt.call(request()).await.expect("first");
    clock.advance(LIFETIME + Duration::from_secs(1));
    let err = rt.call(request()).await.expect_err("expired, STS failing");
    assert!(
        matches!(
            &err,
            Error::Credentials(CredentialsError::Fetch {
                transient: true,
                ..
            })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("ServiceUnavailable"), "{err}");
    assert_eq!(dw.count(), 1, "nothing sent with expired credentials");
}
