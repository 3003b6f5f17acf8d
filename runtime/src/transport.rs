//! The runtime: configuration, the call loop with retries, and dry-run signing.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tracing::{Instrument, field};

use crate::body::{BodyError, read_capped};
use crate::clock::{AcsDate, Clock, NonceSource, RandomNonce, SystemClock};
use crate::credentials::{Credentials, CredentialsProvider, StaticProvider};
use crate::endpoint::{
    ENV_REGION_ID, Endpoint, ProfileRef, RegionMap, RegionSource, redact_url, resolve_region,
};
use crate::env::{Env, ProcessEnv};
use crate::envelope::{REQUEST_ID_HEADER, decode_error, get_ci, is_explicit_failure};
use crate::error::{
    BODY_PREVIEW, ConfigError, Error, ErrorKind, GatewayErrorDesc, TransportError, preview,
};
use crate::provider::chain::Origin;
use crate::provider::{CachingProvider, CredentialsSource, DefaultChain};
use crate::request::{
    Hooks, HttpMethod, NoHooks, RequestParts, ResponseParts, RpcRequest, SignedRequest,
};
use crate::retry::{RetryPolicy, Sleeper, TokioSleeper};
use crate::sign::{DEFAULT_USER_AGENT, SignatureVersion, Signer};

/// The response body limit when none is set: far above any RPC answer, far below what
/// would hurt a client.
pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The key id a dry-run shows when the credentials come from a service and have not been
/// fetched yet (see [`Runtime::sign_only`]).
pub const UNFETCHED_KEY_ID: &str = "(credentials not fetched yet)";

/// Connection and request time limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time to establish a connection (TCP and TLS). Applies only to the runtime's own HTTP
    /// client: an injected client keeps its own connect timeout.
    pub connect: Duration,
    /// Time for one attempt, from sending to the end of the body.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

/// A successful answer: HTTP 2xx with a JSON object body not saying `"Success": false`.
#[derive(Debug, Clone)]
pub struct RpcResponse {
    /// The operation (`Action`) that was called.
    pub action: Cow<'static, str>,
    /// HTTP status.
    pub status: u16,
    /// `RequestId` from the body, else the `x-acs-request-id` header.
    pub request_id: Option<String>,
    /// Response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Vec<u8>,
    /// The body parsed.
    pub json: Value,
    /// The attempt that succeeded (1 = first).
    pub attempts: u32,
}

impl RpcResponse {
    /// The `Data` member, if any (key case ignored).
    pub fn data(&self) -> Option<&Value> {
        self.json.as_object().and_then(|o| get_ci(o, "Data"))
    }

    /// Deserialises the whole body into `T`.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(&self.json).map_err(|e| self.decode_error(&e.to_string()))
    }

    /// Deserialises the `Data` member into `T` (what the generated layer does per operation).
    pub fn decode_data<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        let data = self
            .data()
            .ok_or_else(|| self.decode_error("the body has no \"Data\" member"))?;
        T::deserialize(data).map_err(|e| self.decode_error(&format!("in Data: {e}")))
    }

    fn decode_error(&self, reason: &str) -> Error {
        Error::Decode {
            action: self.action.to_string(),
            status: self.status,
            reason: reason.to_owned(),
            preview: preview(&String::from_utf8_lossy(&self.body), BODY_PREVIEW).to_owned(),
        }
    }
}

/// Builds a [`Runtime`]. Every setting has a default except where the endpoint comes from:
/// an explicit endpoint, or a region map plus a region.
pub struct RuntimeBuilder {
    credentials: Option<Credentials>,
    provider: Option<Arc<dyn CredentialsProvider>>,
    sts_endpoint: Option<String>,
    ecs_metadata_endpoint: Option<String>,
    max_response_body: usize,
    env: Arc<dyn Env>,
    profile_path: Option<PathBuf>,
    profile_name: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    region_map: Option<RegionMap>,
    error_classes: &'static [GatewayErrorDesc],
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
    timeouts: Timeouts,
    hooks: Arc<dyn Hooks>,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn NonceSource>,
    sleeper: Arc<dyn Sleeper>,
    signature_version: SignatureVersion,
    allow_insecure_http: bool,
    user_agent: Cow<'static, str>,
}

impl Default for RuntimeBuilder {
    fn default() -> Self {
        RuntimeBuilder {
            credentials: None,
            provider: None,
            sts_endpoint: None,
            ecs_metadata_endpoint: None,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY_BYTES,
            env: Arc::new(ProcessEnv),
            profile_path: None,
            profile_name: None,
            region: None,
            endpoint: None,
            region_map: None,
            error_classes: &[],
            http_client: None,
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            hooks: Arc::new(NoHooks),
            clock: Arc::new(SystemClock),
            nonce: Arc::new(RandomNonce),
            sleeper: Arc::new(TokioSleeper),
            signature_version: SignatureVersion::V3,
            allow_insecure_http: false,
            user_agent: Cow::Borrowed(DEFAULT_USER_AGENT),
        }
    }
}

impl RuntimeBuilder {
    /// Uses these keys (first in the chain: nothing else is consulted).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Uses this provider instead of the default chain (see [`DefaultChain`] for its order).
    /// The runtime caches what it provides and refreshes it before it expires.
    pub fn credentials_provider(mut self, provider: impl CredentialsProvider + 'static) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// Sends the STS calls of role-based credentials (RAM role profiles, OIDC) to this
    /// endpoint instead of `sts.aliyuncs.com` / `ALIBABA_CLOUD_STS_REGION`'s.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// Reads the ECS metadata service at this address (`http://host[:port]`) instead of
    /// `100.100.100.200`.
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_metadata_endpoint = Some(endpoint.into());
        self
    }

    /// The largest response body read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BODY_BYTES`], 16 MiB). A longer answer is an
    /// [`Error::ResponseTooLarge`], and reading stops at the limit.
    pub fn max_response_body_bytes(mut self, limit: usize) -> Self {
        self.max_response_body = limit;
        self
    }

    /// The environment to read (default: the process environment).
    pub fn env(mut self, env: impl Env + 'static) -> Self {
        self.env = Arc::new(env);
        self
    }

    /// The profile file (default: `~/.aliyun/config.json` under the environment's home).
    pub fn profile_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.profile_path = Some(path.into());
        self
    }

    /// The profile to use (default: `ALIBABA_CLOUD_PROFILE`, else the file's `current` one).
    /// A named profile wins over the environment's keys and region.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The region (wins over a profile's `region_id` and `ALIBABA_CLOUD_REGION_ID`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint (`host`, `host:port` or `http(s)://host[:port]`); wins over the
    /// region map.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The product's region map, used when no endpoint is given.
    pub fn region_map(mut self, map: RegionMap) -> Self {
        self.region_map = Some(map);
        self
    }

    /// The API's table of gateway error codes and their classes, which decides what is
    /// retried (the generated client sets it; see [`ErrorKind::classify`]).
    pub fn error_classes(mut self, table: &'static [GatewayErrorDesc]) -> Self {
        self.error_classes = table;
        self
    }

    /// An HTTP client to use instead of the runtime's own. Build it with
    /// `redirect(reqwest::redirect::Policy::none())`: the runtime refuses an answer that
    /// comes from another host than the endpoint, but only after the client has followed the
    /// redirect.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The time limits.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Request/response hooks.
    pub fn hooks(mut self, hooks: impl Hooks + 'static) -> Self {
        self.hooks = Arc::new(hooks);
        self
    }

    /// The signing clock (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The nonce source (default: 32 random hex characters).
    pub fn nonce_source(mut self, nonce: impl NonceSource + 'static) -> Self {
        self.nonce = Arc::new(nonce);
        self
    }

    /// What waits between attempts (default: tokio's sleep).
    pub fn sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Arc::new(sleeper);
        self
    }

    /// V3 (default) or legacy V2.
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// Allows plain http to a non-loopback host. Credentials and tokens then travel in clear.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The `user-agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<Cow<'static, str>>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Chooses the credential source, resolves region and endpoint, and builds the runtime.
    /// Keys held by the source (code, environment, a key profile) are checked now; sources
    /// that fetch (roles, metadata, a URI) are asked on the first call.
    pub fn build(self) -> Result<Runtime, Error> {
        let mut chain = DefaultChain::new(self.env.clone()).clock(self.clock.clone());
        if let Some(p) = &self.profile_path {
            chain = chain.profile_path(p);
        }
        if let Some(n) = &self.profile_name {
            chain = chain.profile(n);
        }
        if let Some(e) = &self.sts_endpoint {
            chain = chain.sts_endpoint(e);
        }
        if let Some(e) = &self.ecs_metadata_endpoint {
            chain = chain.ecs_metadata_endpoint(e);
        }

        let (provider, credentials_source): (Arc<dyn CredentialsProvider>, _) =
            match (self.credentials, self.provider) {
                (Some(c), _) => (
                    Arc::new(StaticProvider(c)),
                    CredentialsSource::Code {
                        description: "static keys".to_owned(),
                    },
                ),
                (None, Some(p)) => {
                    let description = p.describe();
                    (p, CredentialsSource::Code { description })
                }
                (None, None) => {
                    let selected = chain.select()?;
                    (selected.provider, selected.source)
                }
            };
        let credentials = CachingProvider::new(provider, self.clock.clone());
        if let Some(primed) = credentials.prime() {
            primed?;
        }

        // The profile is read for its region only when needed: no explicit region and,
        // unless a profile is named, no region in the environment. Its errors count only when
        // the region is needed (no explicit endpoint), so a broken profile file does not
        // block a fully specified call.
        let env = self.env.as_ref();
        let region = || -> Result<(String, RegionSource), ConfigError> {
            let explicit = self.region.as_deref().filter(|r| !r.is_empty());
            let named = chain.named_profile().is_some();
            if explicit.is_some() || (!named && env.var(ENV_REGION_ID).is_some()) {
                return resolve_region(explicit, env, None);
            }
            let choice = chain.profile_choice()?;
            let profile = choice.as_ref().and_then(|c| {
                c.profile().map(|p| match c.named_by {
                    Some(_) => ProfileRef::Named(p),
                    None => ProfileRef::Default(p),
                })
            });
            resolve_region(None, env, profile)
        };

        let (endpoint, region) = match (&self.endpoint, &self.region_map) {
            (Some(e), _) => (Endpoint::parse(e)?, region().ok()),
            (None, Some(map)) => {
                let (region, source) = region()?;
                (
                    Endpoint::https(&map.host_for(&region))?,
                    Some((region, source)),
                )
            }
            (None, None) => return Err(ConfigError::NoEndpoint.into()),
        };
        endpoint.check_transport_security(self.allow_insecure_http)?;
        let host_header = endpoint.host_header_value()?;

        let mut warnings = Vec::new();
        if let (None, Some((region, region_source))) = (&self.endpoint, &region) {
            if let Some(w) = mixed_sources(&credentials_source, region, region_source) {
                tracing::warn!(
                    credentials_source = %credentials_source,
                    region_source = %region_source,
                    "{w}"
                );
                warnings.push(w);
            }
        }

        let http = match self.http_client {
            Some(c) => c,
            None => reqwest::Client::builder()
                // Never follow redirects: the signed request (key id, token, signature)
                // would go to another host.
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(self.timeouts.connect)
                .timeout(self.timeouts.request)
                .build()
                .map_err(ConfigError::HttpClient)?,
        };

        Ok(Runtime {
            error_classes: self.error_classes,
            inner: Arc::new(Inner {
                http,
                endpoint,
                signature_version: self.signature_version,
                user_agent: self.user_agent,
                credentials,
                signer: RwLock::new(None),
                host_header,
                region,
                credentials_source,
                warnings,
                max_response_body: self.max_response_body,
                retry: self.retry,
                timeouts: self.timeouts,
                hooks: self.hooks,
                clock: self.clock,
                nonce: self.nonce,
                sleeper: self.sleeper,
            }),
        })
    }
}

/// The warning for credentials and a region taken from two different configuration places
/// (say, the environment's keys and a profile's region), which could mix two accounts.
/// Nothing to say when either was named explicitly or both come from one place.
fn mixed_sources(
    credentials: &CredentialsSource,
    region: &str,
    region_source: &RegionSource,
) -> Option<String> {
    let region_origin = match region_source {
        RegionSource::Caller => Origin::Explicit,
        RegionSource::Environment => Origin::Environment,
        RegionSource::Profile { name } => Origin::Profile(name.clone()),
    };
    let credentials_origin = credentials.origin();
    if region_origin == Origin::Explicit
        || credentials_origin == Origin::Explicit
        || region_origin == credentials_origin
    {
        return None;
    }
    Some(format!(
        "credentials come from {credentials}, but the region {region} from {region_source}; \
         if they belong to different accounts, name the region explicitly (--region) or set \
         both in one place"
    ))
}

/// The Alibaba Cloud RPC runtime. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
    /// Outside `inner`, so that a client can give a built runtime its API's table.
    error_classes: &'static [GatewayErrorDesc],
}

struct Inner {
    http: reqwest::Client,
    endpoint: Endpoint,
    signature_version: SignatureVersion,
    user_agent: Cow<'static, str>,
    credentials: CachingProvider,
    /// The signer for the credentials last used, rebuilt when they change.
    signer: RwLock<Option<(Arc<Credentials>, Arc<Signer>)>>,
    host_header: HeaderValue,
    region: Option<(String, RegionSource)>,
    credentials_source: CredentialsSource,
    warnings: Vec<String>,
    max_response_body: usize,
    retry: RetryPolicy,
    timeouts: Timeouts,
    hooks: Arc<dyn Hooks>,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn NonceSource>,
    sleeper: Arc<dyn Sleeper>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = &self.inner;
        f.debug_struct("Runtime")
            .field("endpoint", &i.endpoint.base_url())
            .field("region", &i.region)
            .field("credentials", &i.credentials.cached())
            .field("credentials_source", &i.credentials_source.to_string())
            .field("signature_version", &i.signature_version)
            .field("max_response_body", &i.max_response_body)
            .field("retry", &i.retry)
            .field("timeouts", &i.timeouts)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// A builder with defaults.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder::default()
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The region and where it came from, if one was resolved.
    pub fn region(&self) -> Option<(&str, &RegionSource)> {
        self.inner.region.as_ref().map(|(r, s)| (r.as_str(), s))
    }

    /// Where the credentials come from (its `Display` reads e.g. `profile "work" in
    /// /home/u/.aliyun/config.json`).
    pub fn credentials_source(&self) -> &CredentialsSource {
        &self.inner.credentials_source
    }

    /// Warnings found while building: credentials and region from two different places.
    /// Also logged (tracing `warn`); front-ends print them.
    pub fn warnings(&self) -> &[String] {
        &self.inner.warnings
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The largest response body read, in bytes.
    pub fn max_response_body_bytes(&self) -> usize {
        self.inner.max_response_body
    }

    /// The current credentials: cached, refreshed before they expire, fetched on first use
    /// (one fetch at a time, shared by concurrent calls).
    pub async fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        Ok(self.inner.credentials.get().await?)
    }

    /// The same runtime, classifying error codes by `table` (the generated client gives it
    /// its API's gateway table; see [`ErrorKind::classify`]).
    pub fn with_error_classes(mut self, table: &'static [GatewayErrorDesc]) -> Self {
        self.error_classes = table;
        self
    }

    /// The table error codes are classified by.
    pub fn error_classes(&self) -> &'static [GatewayErrorDesc] {
        self.error_classes
    }

    /// Builds the fully signed request without sending it, with the runtime's clock and
    /// nonce source and after the `before_sign` hook (as attempt 1).
    ///
    /// Signs with the credentials at hand. Credentials that come from a service (a role,
    /// the metadata service, a URI) are there only once fetched: before that the request
    /// carries the key id [`UNFETCHED_KEY_ID`]; use [`Runtime::sign_only_fetched`] to fetch
    /// them first.
    pub fn sign_only(&self, request: &RpcRequest) -> SignedRequest {
        let date = AcsDate::from_system_time(self.inner.clock.now());
        let nonce = self.inner.nonce.nonce();
        self.sign_at(request, date, &nonce, 1)
    }

    /// [`Runtime::sign_only`] after fetching the credentials if they come from a service.
    pub async fn sign_only_fetched(&self, request: &RpcRequest) -> Result<SignedRequest, Error> {
        let credentials = self.credentials().await?;
        let date = AcsDate::from_system_time(self.inner.clock.now());
        let nonce = self.inner.nonce.nonce();
        Ok(self.sign_with(&self.signer_for(&credentials), request, date, &nonce, 1))
    }

    /// Builds the fully signed request for a given date and nonce, without sending it:
    /// reproduces a signature exactly (`--signature-date`, `--signature-nonce`). Uses the
    /// credentials at hand, as [`Runtime::sign_only`] does.
    pub fn sign_at(
        &self,
        request: &RpcRequest,
        date: AcsDate,
        nonce: &str,
        attempt: u32,
    ) -> SignedRequest {
        let signer = match self.inner.credentials.cached() {
            Some(c) => self.signer_for(&c),
            None => {
                tracing::warn!(
                    source = %self.inner.credentials_source,
                    "signing before the credentials were fetched; the request shows a placeholder key id"
                );
                Arc::new(self.new_signer(Credentials::new(UNFETCHED_KEY_ID, "")))
            }
        };
        self.sign_with(&signer, request, date, nonce, attempt)
    }

    fn sign_with(
        &self,
        signer: &Signer,
        request: &RpcRequest,
        date: AcsDate,
        nonce: &str,
        attempt: u32,
    ) -> SignedRequest {
        let mut parts = RequestParts {
            request: Cow::Borrowed(request),
            headers: Vec::new(),
            attempt,
        };
        self.inner.hooks.before_sign(&mut parts);
        signer.sign(&parts.request, &parts.headers, date.as_str(), nonce)
    }

    fn new_signer(&self, credentials: Credentials) -> Signer {
        let i = &self.inner;
        Signer::new(credentials, i.endpoint.clone(), i.signature_version)
            .with_user_agent(i.user_agent.clone())
    }

    /// The signer for `credentials`, reused while they stay the same.
    fn signer_for(&self, credentials: &Arc<Credentials>) -> Arc<Signer> {
        let slot = &self.inner.signer;
        if let Some((c, s)) = &*slot.read().unwrap_or_else(|p| p.into_inner()) {
            if Arc::ptr_eq(c, credentials) {
                return s.clone();
            }
        }
        let signer = Arc::new(self.new_signer((**credentials).clone()));
        *slot.write().unwrap_or_else(|p| p.into_inner()) =
            Some((credentials.clone(), signer.clone()));
        signer
    }

    /// Sends `request`, retrying per the policy, and returns the successful answer.
    ///
    /// Each attempt is signed afresh (new date and nonce). Tracing: one `dwdi.call` span per
    /// call (operation, version, endpoint; and, once finished, the attempts made, the last
    /// status and request id), with a child `dwdi.attempt` span per attempt (attempt number,
    /// status, request id). No secret, token or query string is ever recorded.
    pub async fn call(&self, request: RpcRequest) -> Result<RpcResponse, Error> {
        let span = tracing::info_span!(
            "dwdi.call",
            operation = %request.action,
            version = %request.version,
            endpoint = %self.endpoint().host_header(),
            attempts = field::Empty,
            status = field::Empty,
            request_id = field::Empty,
        );
        let (result, attempts) = self
            .call_with_retries(&request)
            .instrument(span.clone())
            .await;
        let (status, request_id) = match &result {
            Ok(r) => (Some(r.status), r.request_id.as_deref()),
            Err(e) => (e.status(), e.request_id()),
        };
        span.record("attempts", attempts);
        if let Some(s) = status {
            span.record("status", s);
        }
        if let Some(id) = request_id {
            span.record("request_id", field::display(id));
        }
        span.in_scope(|| match &result {
            Ok(_) => tracing::debug!("call succeeded"),
            Err(e) => tracing::debug!(kind = %e.kind(), code = e.code(), "call failed"),
        });
        result
    }

    /// The retry loop; also returns the number of attempts made.
    async fn call_with_retries(&self, request: &RpcRequest) -> (Result<RpcResponse, Error>, u32) {
        let policy = &self.inner.retry;
        let max_attempts = policy.max_attempts.max(1);
        let start = tokio::time::Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let span = tracing::debug_span!(
                "dwdi.attempt",
                attempt,
                status = field::Empty,
                request_id = field::Empty,
            );
            let err = match self.attempt(request, attempt).instrument(span).await {
                Ok(resp) => return (Ok(resp), attempt),
                Err(e) => e,
            };
            let kind = err.kind();
            if !kind.is_retryable() || max_attempts == 1 {
                tracing::debug!(attempt, %kind, code = err.code(), "not retrying");
                return (Err(err), attempt);
            }
            let exhausted = |why, err| Error::RetriesExhausted {
                attempts: attempt,
                elapsed: start.elapsed(),
                why,
                last: Box::new(err),
            };
            if attempt >= max_attempts {
                tracing::warn!(attempt, %kind, "giving up: attempt limit reached");
                return (Err(exhausted("attempt limit reached", err)), attempt);
            }
            let delay = policy.delay_for(attempt, &err);
            if start.elapsed() + delay > policy.total_budget {
                tracing::warn!(attempt, %kind, ?delay, "giving up: time budget exhausted");
                return (Err(exhausted("time budget exhausted", err)), attempt);
            }
            tracing::info!(
                attempt,
                %kind,
                code = err.code(),
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            self.inner.sleeper.sleep(delay).await;
        }
    }

    async fn attempt(&self, request: &RpcRequest, attempt: u32) -> Result<RpcResponse, Error> {
        let inner = &*self.inner;
        let action = request.action.as_ref();
        let credentials = inner.credentials.get().await?;
        let date = AcsDate::from_system_time(inner.clock.now());
        let nonce = inner.nonce.nonce();
        let signed = self.sign_with(
            &self.signer_for(&credentials),
            request,
            date,
            &nonce,
            attempt,
        );
        crate::endpoint::check_loopback_only(self.endpoint().base_url()).map_err(|reason| {
            Error::InvalidRequest {
                action: action.to_owned(),
                reason,
            }
        })?;
        let builder = self.to_reqwest(action, &signed)?;
        tracing::debug!(attempt, method = signed.method.as_str(), "sending");

        let transport = |e: reqwest::Error| {
            let kind = if e.is_builder() {
                ErrorKind::Client
            } else {
                ErrorKind::Transient
            };
            Error::Transport(Box::new(TransportError {
                action: action.to_owned(),
                endpoint: self.endpoint().base_url().to_owned(),
                kind,
                // The URL's query may carry the STS token (V2).
                source: e.without_url(),
            }))
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let redirected = |location: String| Error::Redirected {
            action: action.to_owned(),
            status,
            location,
        };
        if (300..400).contains(&status) {
            return Err(redirected(
                headers
                    .get(reqwest::header::LOCATION)
                    .map(|v| redact_url(&String::from_utf8_lossy(v.as_bytes())))
                    .unwrap_or_else(|| "(no location header)".to_owned()),
            ));
        }
        // An injected client may follow redirects itself: refuse what it brought back.
        if !self.is_endpoint(response.url()) {
            return Err(redirected(redact_url(response.url().as_str())));
        }
        let body = read_capped(response, inner.max_response_body)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge { read } => Error::ResponseTooLarge {
                    action: action.to_owned(),
                    status,
                    limit: inner.max_response_body,
                    read,
                },
                BodyError::Transport(e) => transport(e),
            })?;

        inner.hooks.after_response(&ResponseParts {
            action,
            attempt,
            status,
            headers: &headers,
            body: &body,
        });
        let span = tracing::Span::current();
        span.record("status", status);

        let secrets = credentials.secrets();
        let result = decode_answer(
            request.action.clone(),
            status,
            headers,
            body,
            self.error_classes,
            &secrets,
            attempt,
        );
        let (request_id, outcome) = match &result {
            Ok(r) => (r.request_id.as_deref(), "success"),
            Err(e) => (e.request_id(), "error answer"),
        };
        if let Some(id) = request_id {
            span.record("request_id", field::display(id));
        }
        match &result {
            Ok(_) => tracing::debug!(attempt, status, outcome),
            Err(e) => tracing::debug!(attempt, status, code = e.code(), kind = %e.kind(), outcome),
        }
        result
    }

    /// True when `url` is on the runtime's endpoint (scheme, host and port).
    fn is_endpoint(&self, url: &reqwest::Url) -> bool {
        let e = &self.inner.endpoint;
        let default_port = match e.scheme() {
            crate::endpoint::Scheme::Https => 443,
            crate::endpoint::Scheme::Http => 80,
        };
        url.scheme() == e.scheme().as_str()
            && url.host_str() == Some(e.host())
            && url.port_or_known_default() == Some(e.port().unwrap_or(default_port))
    }

    fn to_reqwest(
        &self,
        action: &str,
        signed: &SignedRequest,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let inner = &*self.inner;
        // Refuse what the HTTP stack cannot send, naming the parameter (issue 13 #5).
        signed.check_sendable(action)?;
        let method = match signed.method {
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Get => reqwest::Method::GET,
        };
        let mut headers = HeaderMap::with_capacity(signed.headers.len());
        for (name, value) in &signed.headers {
            if name == "host" {
                headers.insert(reqwest::header::HOST, inner.host_header.clone());
                continue;
            }
            let invalid = |what: &str| Error::InvalidRequest {
                action: action.to_owned(),
                reason: format!("header {name:?} has an invalid {what}"),
            };
            let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("name"))?;
            let v = HeaderValue::from_str(value).map_err(|_| invalid("value"))?;
            headers.insert(n, v);
        }
        let mut builder = inner
            .http
            .request(method, &signed.url)
            .headers(headers)
            .timeout(inner.timeouts.request);
        if let Some(body) = &signed.body {
            builder = builder.body(body.clone());
        }
        Ok(builder)
    }
}

/// Turns an answer the runtime has read (any status but a redirect, which is refused before
/// the body is read) into the call's result, as every attempt does: a status outside 2xx, or
/// a 2xx body saying `"Success": false`, is the service's error (classified by `classes`, the
/// API's gateway table, with each of `secrets` scrubbed from it); a 2xx body that is not a
/// JSON object cannot be decoded; anything else is the successful answer.
///
/// It does no I/O and logs nothing, so that it can be driven directly: the fuzz target
/// `response` and its replay test (`fuzz/harness`) feed it arbitrary answers.
pub fn decode_answer(
    action: Cow<'static, str>,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    classes: &[GatewayErrorDesc],
    secrets: &[&str],
    attempt: u32,
) -> Result<RpcResponse, Error> {
    let service_error = |body: &[u8], headers: &HeaderMap| {
        let mut e = decode_error(&action, status, Some(headers), body, classes);
        e.scrub(secrets);
        Error::Service(Box::new(e))
    };
    if !(200..300).contains(&status) {
        return Err(service_error(&body, &headers));
    }
    let json: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) | Err(_) => {
            // Scrubbed before it is cut, so that no part of a secret is left at the cut.
            let text = crate::error::scrub_text(&String::from_utf8_lossy(&body), secrets);
            return Err(Error::Decode {
                action: action.into_owned(),
                status,
                reason: "the body is not a JSON object (expected {\"RequestId\", \"Data\", …})"
                    .to_owned(),
                preview: preview(&text, BODY_PREVIEW).to_owned(),
            });
        }
    };
    let Value::Object(obj) = &json else {
        unreachable!("matched as an object above")
    };
    if is_explicit_failure(obj) {
        return Err(service_error(&body, &headers));
    }
    let request_id = get_ci(obj, "RequestId")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
    Ok(RpcResponse {
        action,
        status,
        request_id,
        headers,
        body,
        json,
        attempts: attempt,
    })
}
