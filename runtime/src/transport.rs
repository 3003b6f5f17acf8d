//! The runtime: configuration, the call loop with retries, and dry-run signing.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tracing::{Instrument, field};

use crate::clock::{AcsDate, Clock, NonceSource, RandomNonce, SystemClock};
use crate::credentials::{ChainProvider, Credentials, CredentialsProvider};
use crate::endpoint::{Endpoint, RegionMap, RegionSource, resolve_region};
use crate::env::{Env, ProcessEnv};
use crate::envelope::{REQUEST_ID_HEADER, decode_error, get_ci, is_explicit_failure};
use crate::error::{BODY_PREVIEW, ConfigError, Error, ErrorKind, TransportError, preview};
use crate::profile::{ProfileFile, default_profile_path};
use crate::request::{
    Hooks, HttpMethod, NoHooks, RequestParts, ResponseParts, RpcRequest, SignedRequest,
};
use crate::retry::{RetryPolicy, Sleeper, TokioSleeper};
use crate::sign::{DEFAULT_USER_AGENT, SignatureVersion, Signer};

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
    provider: Option<Box<dyn CredentialsProvider>>,
    env: Arc<dyn Env>,
    profile_path: Option<PathBuf>,
    profile_name: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    region_map: Option<RegionMap>,
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
            env: Arc::new(ProcessEnv),
            profile_path: None,
            profile_name: None,
            region: None,
            endpoint: None,
            region_map: None,
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

    /// Uses this provider instead of the default chain (environment, then profile file).
    pub fn credentials_provider(mut self, provider: impl CredentialsProvider + 'static) -> Self {
        self.provider = Some(Box::new(provider));
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

    /// The profile to use (default: the file's `current` one).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The region (wins over `ALIBABA_CLOUD_REGION_ID` and the profile's `region_id`).
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

    /// An HTTP client to use instead of the runtime's own.
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

    /// Resolves credentials, region and endpoint, and builds the runtime.
    pub fn build(self) -> Result<Runtime, Error> {
        let profile_path = self
            .profile_path
            .clone()
            .or_else(|| default_profile_path(self.env.as_ref()));

        let (credentials, credentials_source) = match (self.credentials, self.provider) {
            (Some(c), _) => (c, "static keys".to_owned()),
            (None, Some(p)) => match p.provide()? {
                Some(c) => (c, p.describe()),
                None => {
                    return Err(crate::credentials::CredentialsError::NotFound {
                        tried: vec![p.describe()],
                    }
                    .into());
                }
            },
            (None, None) => ChainProvider::default_chain(
                self.env.clone(),
                profile_path.clone(),
                self.profile_name.clone(),
            )
            .resolve()?,
        };

        // The profile is read for its region only when the caller and the environment have
        // none, so a broken profile file does not block a fully specified call.
        // The profile is read for its region only when the caller and the environment have
        // none. Its errors count only when the region is needed (no explicit endpoint), so a
        // broken profile file does not block a fully specified call.
        let region = || -> Result<(String, RegionSource), ConfigError> {
            match resolve_region(self.region.as_deref(), self.env.as_ref(), None) {
                Err(ConfigError::NoRegion) => {
                    let file = match &profile_path {
                        Some(p) => ProfileFile::load(p)?,
                        None => None,
                    };
                    let profile = match &file {
                        Some(f) => Some(f.select(self.profile_name.as_deref())?),
                        None => None,
                    };
                    resolve_region(None, self.env.as_ref(), profile)
                }
                other => other,
            }
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

        let http = match self.http_client {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.timeouts.connect)
                .timeout(self.timeouts.request)
                .build()
                .map_err(ConfigError::HttpClient)?,
        };

        let signer = Signer::new(credentials, endpoint, self.signature_version)
            .with_user_agent(self.user_agent);
        Ok(Runtime {
            inner: Arc::new(Inner {
                http,
                signer,
                host_header,
                region,
                credentials_source,
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

/// The Alibaba Cloud RPC runtime. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    signer: Signer,
    host_header: HeaderValue,
    region: Option<(String, RegionSource)>,
    credentials_source: String,
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
            .field("endpoint", &i.signer.endpoint().base_url())
            .field("region", &i.region)
            .field("credentials", i.signer.credentials())
            .field("credentials_source", &i.credentials_source)
            .field("signature_version", &i.signer.version())
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
        self.inner.signer.endpoint()
    }

    /// The region and where it came from, if one was resolved.
    pub fn region(&self) -> Option<(&str, &RegionSource)> {
        self.inner.region.as_ref().map(|(r, s)| (r.as_str(), s))
    }

    /// Which credential source was used (e.g. `profile file /home/u/.aliyun/config.json`).
    pub fn credentials_source(&self) -> &str {
        &self.inner.credentials_source
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Builds the fully signed request without sending it, with the runtime's clock and
    /// nonce source and after the `before_sign` hook (as attempt 1).
    pub fn sign_only(&self, request: &RpcRequest) -> SignedRequest {
        let date = AcsDate::from_system_time(self.inner.clock.now());
        let nonce = self.inner.nonce.nonce();
        self.sign_at(request, date, &nonce, 1)
    }

    /// Builds the fully signed request for a given date and nonce, without sending it:
    /// reproduces a signature exactly (`--signature-date`, `--signature-nonce`).
    pub fn sign_at(
        &self,
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
        self.inner
            .signer
            .sign(&parts.request, &parts.headers, date.as_str(), nonce)
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
        let date = AcsDate::from_system_time(inner.clock.now());
        let nonce = inner.nonce.nonce();
        let signed = self.sign_at(request, date, &nonce, attempt);
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
        let body: Vec<u8> = response.bytes().await.map_err(transport)?.into();

        inner.hooks.after_response(&ResponseParts {
            action,
            attempt,
            status,
            headers: &headers,
            body: &body,
        });
        let span = tracing::Span::current();
        span.record("status", status);

        let secrets = self.secrets();
        if !(200..300).contains(&status) {
            let mut e = decode_error(action, status, Some(&headers), &body);
            e.scrub(&secrets);
            if let Some(id) = &e.request_id {
                span.record("request_id", field::display(id));
            }
            tracing::debug!(attempt, status, code = e.code.as_deref(), kind = %e.kind, "error answer");
            return Err(Error::Service(Box::new(e)));
        }

        let json: Value = match serde_json::from_slice(&body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) | Err(_) => {
                let text = String::from_utf8_lossy(&body);
                return Err(Error::Decode {
                    action: action.to_owned(),
                    status,
                    reason: "the body is not a JSON object (expected {\"RequestId\", \"Data\", …})"
                        .to_owned(),
                    preview: preview(&text, BODY_PREVIEW).to_owned(),
                });
            }
        };
        let obj = json.as_object().cloned().unwrap_or_default();
        if is_explicit_failure(&obj) {
            let mut e = decode_error(action, status, Some(&headers), &body);
            e.scrub(&secrets);
            if let Some(id) = &e.request_id {
                span.record("request_id", field::display(id));
            }
            return Err(Error::Service(Box::new(e)));
        }
        let request_id = get_ci(&obj, "RequestId")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                headers
                    .get(REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            });
        if let Some(id) = &request_id {
            span.record("request_id", field::display(id));
        }
        tracing::debug!(attempt, status, "success");
        Ok(RpcResponse {
            action: request.action.clone(),
            status,
            request_id,
            headers,
            body,
            json,
            attempts: attempt,
        })
    }

    /// The secrets a request may carry, to scrub from echoed answers.
    fn secrets(&self) -> Vec<&str> {
        let c = self.inner.signer.credentials();
        let mut s = vec![c.access_key_secret().expose()];
        if let Some(t) = c.security_token() {
            s.push(t.expose());
        }
        s
    }

    fn to_reqwest(
        &self,
        action: &str,
        signed: &SignedRequest,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let inner = &*self.inner;
        // Refuse what the HTTP stack cannot send, naming the parameter (issue 13 #5).
        signed.check_url_len().map_err(|e| Error::InvalidRequest {
            action: action.to_owned(),
            reason: e.to_string(),
        })?;
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
