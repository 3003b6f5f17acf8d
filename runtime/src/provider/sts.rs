//! Roles through STS: `AssumeRole` signed by source credentials (profile modes `RamRoleArn`
//! and `ChainableRamRoleArn`) and the anonymous `AssumeRoleWithOIDC` (OIDCRoleArn, the RRSA
//! setup of Kubernetes on Alibaba Cloud). Both are RPC calls to `sts.aliyuncs.com`, version
//! 2015-04-01; `AssumeRole` is signed with the runtime's own [`Signer`].

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::Value;

use super::answer::{credentials_from, json_object};
use super::env::{ENV_ROLE_SESSION_NAME, ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED, env_flag};
use super::http::{Answer, Fetcher, malformed, service_error};
use crate::clock::{AcsDate, Clock, NonceSource, RandomNonce, SystemClock};
use crate::credentials::{Credentials, CredentialsError, CredentialsProvider, ProvideFuture};
use crate::encode::canonical_query;
use crate::endpoint::Endpoint;
use crate::env::Env;
use crate::envelope::get_ci;
use crate::request::RpcRequest;
use crate::sign::{SignatureVersion, Signer};

/// STS's API version.
pub const STS_VERSION: &str = "2015-04-01";
/// The global STS endpoint.
pub const DEFAULT_STS_HOST: &str = "sts.aliyuncs.com";
/// The session length asked for when none is given.
pub const DEFAULT_DURATION_SECONDS: u64 = 3600;
/// The shortest session STS grants.
pub const MIN_DURATION_SECONDS: u64 = 900;
/// The longest session a RAM role can be configured for.
pub const MAX_DURATION_SECONDS: u64 = 43_200;
/// The largest OIDC token file read (tokens are a few kilobytes).
pub const MAX_OIDC_TOKEN_BYTES: u64 = 64 * 1024;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);

/// Where STS calls go: an explicit endpoint, else `sts[-vpc].<region>.aliyuncs.com` for a
/// region, else `sts.aliyuncs.com`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StsEndpoint {
    endpoint: Option<String>,
    region: Option<String>,
    vpc: bool,
}

impl StsEndpoint {
    /// `ALIBABA_CLOUD_STS_REGION` and `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`.
    pub fn from_env(env: &dyn Env) -> Self {
        StsEndpoint {
            endpoint: None,
            region: env.var(ENV_STS_REGION),
            vpc: env_flag(env, ENV_VPC_ENDPOINT_ENABLED),
        }
    }

    /// An explicit endpoint (`host`, `host:port` or `http(s)://host[:port]`; plain http only
    /// to loopback). Wins over the region.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The STS region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The VPC endpoint (with a region).
    pub fn vpc(mut self, vpc: bool) -> Self {
        self.vpc = vpc;
        self
    }

    fn resolve(&self, source_name: &str) -> Result<Endpoint, CredentialsError> {
        let invalid = |reason: String| CredentialsError::Invalid {
            source_name: source_name.to_owned(),
            reason,
        };
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(e), _) => Endpoint::parse(e),
            (None, Some(region)) => {
                let ok = !region.is_empty()
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    return Err(invalid(format!(
                        "invalid STS region {region:?}; expected lower-case letters, digits and \
                         '-', e.g. cn-hangzhou"
                    )));
                }
                let prefix = if self.vpc { "sts-vpc" } else { "sts" };
                Endpoint::https(&format!("{prefix}.{region}.aliyuncs.com"))
            }
            (None, None) => Endpoint::https(DEFAULT_STS_HOST),
        }
        .map_err(|e| invalid(e.to_string()))?;
        endpoint
            .check_transport_security(false)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(endpoint)
    }
}

/// The role and session every AssumeRole-style call names.
#[derive(Debug, Clone)]
struct RoleSession {
    role_arn: String,
    session_name: String,
    duration_seconds: u64,
    policy: Option<String>,
}

impl RoleSession {
    fn new(
        source_name: &str,
        role_arn: String,
        session_name: Option<String>,
        duration_seconds: Option<u64>,
        policy: Option<String>,
        clock: &dyn Clock,
    ) -> Result<RoleSession, CredentialsError> {
        let invalid = |reason: String| CredentialsError::Invalid {
            source_name: source_name.to_owned(),
            reason,
        };
        if role_arn.is_empty() {
            return Err(invalid(
                "no role ARN; expected e.g. acs:ram::123456789012:role/my-role".into(),
            ));
        }
        let duration = duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS);
        if !(MIN_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&duration) {
            return Err(invalid(format!(
                "session duration {duration} s is out of range; expected \
                 {MIN_DURATION_SECONDS}..={MAX_DURATION_SECONDS} seconds"
            )));
        }
        let session_name = session_name.filter(|s| !s.is_empty()).unwrap_or_else(|| {
            let secs = clock
                .now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            format!("dwdi-{secs}")
        });
        Ok(RoleSession {
            role_arn,
            session_name,
            duration_seconds: duration,
            policy: policy.filter(|p| !p.is_empty()),
        })
    }
}

/// Settings shared by both role providers' builders.
#[derive(Clone)]
struct Common {
    session_name: Option<String>,
    duration_seconds: Option<u64>,
    policy: Option<String>,
    sts: StsEndpoint,
    clock: Arc<dyn Clock>,
}

impl Default for Common {
    fn default() -> Self {
        Common {
            session_name: None,
            duration_seconds: None,
            policy: None,
            sts: StsEndpoint::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

macro_rules! common_setters {
    () => {
        /// The role session name (default: `ALIBABA_CLOUD_ROLE_SESSION_NAME` where the
        /// chain builds the provider, else `dwdi-<unix time>`).
        pub fn session_name(mut self, name: impl Into<String>) -> Self {
            self.common.session_name = Some(name.into());
            self
        }

        /// The session length in seconds, 900..=43200 (default 3600).
        pub fn duration_seconds(mut self, seconds: u64) -> Self {
            self.common.duration_seconds = Some(seconds);
            self
        }

        /// A policy further restricting the session (JSON text).
        pub fn policy(mut self, policy: impl Into<String>) -> Self {
            self.common.policy = Some(policy.into());
            self
        }

        /// Where STS is (default: `sts.aliyuncs.com`).
        pub fn sts_endpoint(mut self, sts: StsEndpoint) -> Self {
            self.common.sts = sts;
            self
        }

        /// The clock for request dates and the default session name.
        pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
            self.common.clock = clock;
            self
        }
    };
}

/// Builds a [`RamRoleArnProvider`].
pub struct RamRoleArnBuilder {
    source: Arc<dyn CredentialsProvider>,
    role_arn: String,
    external_id: Option<String>,
    nonce: Arc<dyn NonceSource>,
    common: Common,
}

impl RamRoleArnBuilder {
    common_setters!();

    /// The external id the role's trust policy may require.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// The signature nonce source (default: random).
    pub fn nonce_source(mut self, nonce: Arc<dyn NonceSource>) -> Self {
        self.nonce = nonce;
        self
    }

    /// Checks the settings and builds the provider.
    pub fn build(self) -> Result<RamRoleArnProvider, CredentialsError> {
        let name = format!("RAM role {}", self.role_arn);
        let endpoint = self.common.sts.resolve(&name)?;
        let session = RoleSession::new(
            &name,
            self.role_arn,
            self.common.session_name,
            self.common.duration_seconds,
            self.common.policy,
            self.common.clock.as_ref(),
        )?;
        Ok(RamRoleArnProvider {
            source: self.source,
            session,
            external_id: self.external_id.filter(|x| !x.is_empty()),
            endpoint,
            clock: self.common.clock,
            nonce: self.nonce,
            fetcher: Fetcher::new(CONNECT_TIMEOUT, TOTAL_TIMEOUT),
        })
    }
}

/// Temporary credentials for a RAM role: STS `AssumeRole`, signed (V3) by the source
/// credentials, which may themselves be temporary (`ChainableRamRoleArn`).
pub struct RamRoleArnProvider {
    source: Arc<dyn CredentialsProvider>,
    session: RoleSession,
    external_id: Option<String>,
    endpoint: Endpoint,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn NonceSource>,
    fetcher: Fetcher,
}

impl RamRoleArnProvider {
    /// A builder: `source` signs the AssumeRole call for `role_arn`.
    pub fn builder(
        source: Arc<dyn CredentialsProvider>,
        role_arn: impl Into<String>,
    ) -> RamRoleArnBuilder {
        RamRoleArnBuilder {
            source,
            role_arn: role_arn.into(),
            external_id: None,
            nonce: Arc::new(RandomNonce),
            common: Common::default(),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let name = self.describe();
        let source = self.source.provide().await?;
        let s = &self.session;
        let mut request = RpcRequest::new("AssumeRole", STS_VERSION)
            .param("RoleArn", s.role_arn.clone())
            .param("RoleSessionName", s.session_name.clone())
            .param("DurationSeconds", s.duration_seconds.to_string());
        if let Some(policy) = &s.policy {
            request = request.param("Policy", policy.clone());
        }
        if let Some(id) = &self.external_id {
            request = request.param("ExternalId", id.clone());
        }
        let date = AcsDate::from_system_time(self.clock.now());
        let signed = Signer::new(source.clone(), self.endpoint.clone(), SignatureVersion::V3).sign(
            &request,
            &[],
            date.as_str(),
            &self.nonce.nonce(),
        );
        let answer = self
            .fetcher
            .send(&name, &signed.url, |client| {
                let mut b = client.post(&signed.url);
                for (n, v) in &signed.headers {
                    b = b.header(n.as_ref(), v.as_str());
                }
                if let Some(body) = &signed.body {
                    b = b.body(body.clone());
                }
                b
            })
            .await?;
        sts_credentials(&name, "AssumeRole", &answer, &source.secrets())
    }
}

impl CredentialsProvider for RamRoleArnProvider {
    fn describe(&self) -> String {
        format!(
            "RAM role {} (AssumeRole at {}, signed by {})",
            self.session.role_arn,
            self.endpoint.host_header(),
            self.source.describe()
        )
    }
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

impl std::fmt::Debug for RamRoleArnProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Builds an [`OidcRoleArnProvider`].
pub struct OidcRoleArnBuilder {
    role_arn: String,
    oidc_provider_arn: String,
    token_file: PathBuf,
    common: Common,
}

impl OidcRoleArnBuilder {
    common_setters!();

    /// Checks the settings and builds the provider.
    pub fn build(self) -> Result<OidcRoleArnProvider, CredentialsError> {
        let name = format!("OIDC role {}", self.role_arn);
        if self.oidc_provider_arn.is_empty() {
            return Err(CredentialsError::Invalid {
                source_name: name,
                reason: "no OIDC provider ARN; expected e.g. \
                         acs:ram::123456789012:oidc-provider/ack-rrsa-c123"
                    .into(),
            });
        }
        if self.token_file.as_os_str().is_empty() {
            return Err(CredentialsError::Invalid {
                source_name: name,
                reason: "no OIDC token file; expected the path of the projected token".into(),
            });
        }
        let endpoint = self.common.sts.resolve(&name)?;
        let session = RoleSession::new(
            &name,
            self.role_arn,
            self.common.session_name,
            self.common.duration_seconds,
            self.common.policy,
            self.common.clock.as_ref(),
        )?;
        Ok(OidcRoleArnProvider {
            session,
            oidc_provider_arn: self.oidc_provider_arn,
            token_file: self.token_file,
            endpoint,
            clock: self.common.clock,
            fetcher: Fetcher::new(CONNECT_TIMEOUT, TOTAL_TIMEOUT),
        })
    }
}

/// Temporary credentials for a RAM role from an OIDC token (RRSA): STS
/// `AssumeRoleWithOIDC`, which is not signed. The token file is read afresh on every fetch,
/// because the token rotates; it travels in the form body, never in the URL.
pub struct OidcRoleArnProvider {
    session: RoleSession,
    oidc_provider_arn: String,
    token_file: PathBuf,
    endpoint: Endpoint,
    clock: Arc<dyn Clock>,
    fetcher: Fetcher,
}

impl OidcRoleArnProvider {
    /// A builder for `role_arn`, trusted through `oidc_provider_arn`, with the token read
    /// from `token_file`.
    pub fn builder(
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> OidcRoleArnBuilder {
        OidcRoleArnBuilder {
            role_arn: role_arn.into(),
            oidc_provider_arn: oidc_provider_arn.into(),
            token_file: token_file.into(),
            common: Common::default(),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let name = self.describe();
        let token = read_token(&name, &self.token_file)?;
        let date = AcsDate::from_system_time(self.clock.now());
        let query = canonical_query(&[
            ("Action", "AssumeRoleWithOIDC"),
            ("Format", "JSON"),
            ("Version", STS_VERSION),
            ("Timestamp", date.as_str()),
        ]);
        let s = &self.session;
        let duration = s.duration_seconds.to_string();
        let mut form = vec![
            ("DurationSeconds", duration.as_str()),
            ("OIDCProviderArn", self.oidc_provider_arn.as_str()),
            ("OIDCToken", token.as_str()),
            ("RoleArn", s.role_arn.as_str()),
            ("RoleSessionName", s.session_name.as_str()),
        ];
        if let Some(policy) = &s.policy {
            form.push(("Policy", policy.as_str()));
        }
        let body = canonical_query(&form);
        let url = format!("{}?{query}", self.endpoint.base_url());
        let answer = self
            .fetcher
            .send(&name, &url, |client| {
                client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("accept", "application/json")
                    .body(body)
            })
            .await?;
        sts_credentials(&name, "AssumeRoleWithOIDC", &answer, &[token.as_str()])
    }
}

impl CredentialsProvider for OidcRoleArnProvider {
    fn describe(&self) -> String {
        format!(
            "OIDC role {} (AssumeRoleWithOIDC at {}, token file {})",
            self.session.role_arn,
            self.endpoint.host_header(),
            self.token_file.display()
        )
    }
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

impl std::fmt::Debug for OidcRoleArnProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The role session name from the environment, as the SDKs read it.
pub(crate) fn env_session_name(env: &dyn Env) -> Option<String> {
    env.var(ENV_ROLE_SESSION_NAME)
}

/// Reads the OIDC token, bounded, trimmed.
fn read_token(source_name: &str, path: &Path) -> Result<String, CredentialsError> {
    let fail = |reason: String| CredentialsError::Fetch {
        source_name: source_name.to_owned(),
        reason,
        transient: false,
    };
    let file = std::fs::File::open(path).map_err(|e| {
        fail(format!(
            "cannot open the OIDC token file {}: {e}",
            path.display()
        ))
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_OIDC_TOKEN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            fail(format!(
                "cannot read the OIDC token file {}: {e}",
                path.display()
            ))
        })?;
    if bytes.len() as u64 > MAX_OIDC_TOKEN_BYTES {
        return Err(fail(format!(
            "the OIDC token file {} is larger than {MAX_OIDC_TOKEN_BYTES} bytes; expected a JWT",
            path.display()
        )));
    }
    let token = String::from_utf8(bytes).map_err(|_| {
        fail(format!(
            "the OIDC token file {} is not UTF-8",
            path.display()
        ))
    })?;
    let token = token.trim();
    if token.is_empty() {
        return Err(fail(format!(
            "the OIDC token file {} is empty; expected a JWT",
            path.display()
        )));
    }
    Ok(token.to_owned())
}

/// STS's answer: `Credentials` on success, the error envelope otherwise.
fn sts_credentials(
    name: &str,
    action: &str,
    answer: &Answer,
    secrets: &[&str],
) -> Result<Credentials, CredentialsError> {
    if !(200..300).contains(&answer.status) {
        return Err(service_error(name, action, answer, secrets));
    }
    let obj = json_object(name, &answer.body)?;
    let inner = get_ci(&obj, "Credentials")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed(name, "no \"Credentials\" object in the answer"))?;
    credentials_from(name, inner)
}
