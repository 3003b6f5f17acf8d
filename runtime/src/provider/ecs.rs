//! The ECS instance's RAM role, from the instance metadata service (`100.100.100.200`).
//!
//! Token-protected mode first (IMDSv2-style): `PUT /latest/api/token` with
//! `X-aliyun-ecs-metadata-token-ttl-seconds` gives a token sent as
//! `X-aliyun-ecs-metadata-token` on the reads. When the token cannot be had, the plain mode is
//! used unless it is disabled (`ALIBABA_CLOUD_IMDSV1_DISABLED=true`). The role name is read
//! from `/latest/meta-data/ram/security-credentials/` when not given, and the credentials
//! from `…/security-credentials/<role>`.
//!
//! This provider joins the default chain only when the user opts in (a profile in
//! `EcsRamRole` mode, or `ALIBABA_CLOUD_ECS_METADATA`), so a run without credentials never
//! reaches for the metadata address.

use std::time::Duration;

use super::answer::{check_success_code, credentials_from, json_object};
use super::http::Fetcher;
use crate::credentials::{Credentials, CredentialsError, CredentialsProvider, ProvideFuture};
use crate::encode::encode;
use crate::endpoint::Endpoint;

/// The metadata service's address.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
/// Where the metadata token is asked for.
pub const TOKEN_PATH: &str = "/latest/api/token";
/// Where the role name and its credentials are read.
pub const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";
/// The header asking for a token of a given lifetime (seconds).
pub const TOKEN_TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
/// The header carrying the token.
pub const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
/// The token lifetime asked for, as the SDKs do (6 hours).
pub const TOKEN_TTL_SECONDS: u32 = 21_600;

// The service is on the instance itself: it answers fast or not at all.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(2);

/// Builds an [`EcsRamRoleProvider`].
#[derive(Debug, Clone, Default)]
pub struct EcsRamRoleBuilder {
    role_name: Option<String>,
    endpoint: Option<String>,
    imds_v1_disabled: bool,
}

impl EcsRamRoleBuilder {
    /// The role name (default: asked of the metadata service).
    pub fn role_name(mut self, name: impl Into<String>) -> Self {
        self.role_name = Some(name.into()).filter(|n: &String| !n.is_empty());
        self
    }

    /// Another metadata address (`http://host[:port]`), e.g. a stand-in for tests.
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Requires the token-protected mode: no fallback to plain reads.
    pub fn imds_v1_disabled(mut self, disabled: bool) -> Self {
        self.imds_v1_disabled = disabled;
        self
    }

    /// Checks the settings and builds the provider.
    pub fn build(self) -> Result<EcsRamRoleProvider, CredentialsError> {
        let raw = self
            .endpoint
            .as_deref()
            .unwrap_or(DEFAULT_METADATA_ENDPOINT);
        let endpoint = Endpoint::parse(raw).map_err(|e| CredentialsError::Invalid {
            source_name: "ECS RAM role".to_owned(),
            reason: format!("bad metadata endpoint: {e}"),
        })?;
        Ok(EcsRamRoleProvider {
            role_name: self.role_name,
            base: endpoint.base_url().trim_end_matches('/').to_owned(),
            imds_v1_disabled: self.imds_v1_disabled,
            fetcher: Fetcher::new(CONNECT_TIMEOUT, TOTAL_TIMEOUT),
        })
    }
}

/// Temporary credentials of the instance's RAM role, from the metadata service.
pub struct EcsRamRoleProvider {
    role_name: Option<String>,
    base: String,
    imds_v1_disabled: bool,
    fetcher: Fetcher,
}

impl EcsRamRoleProvider {
    /// A builder with the defaults: the real metadata address, the role discovered, plain
    /// reads allowed when no token can be had.
    pub fn builder() -> EcsRamRoleBuilder {
        EcsRamRoleBuilder::default()
    }

    /// A metadata token, or `None` when the plain mode may be used instead.
    async fn token(&self, name: &str) -> Result<Option<String>, CredentialsError> {
        let url = format!("{}{TOKEN_PATH}", self.base);
        let result = self
            .fetcher
            .send(name, &url, |c| {
                c.put(&url)
                    .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string())
            })
            .await
            .and_then(|a| {
                if a.status == 200 {
                    let token = String::from_utf8_lossy(&a.body).trim().to_owned();
                    if !token.is_empty() {
                        return Ok(token);
                    }
                }
                Err(CredentialsError::Fetch {
                    source_name: name.to_owned(),
                    reason: format!(
                        "the metadata service gave no token (HTTP {} from PUT {TOKEN_PATH})",
                        a.status
                    ),
                    transient: a.status >= 500,
                })
            });
        match result {
            Ok(token) => Ok(Some(token)),
            Err(e) if self.imds_v1_disabled => Err(e),
            Err(e) => {
                tracing::debug!(error = %e, "no metadata token; reading without one");
                Ok(None)
            }
        }
    }

    /// GET `path` with the token (if any); the body as text on 200.
    async fn read(
        &self,
        name: &str,
        path: &str,
        token: Option<&str>,
    ) -> Result<Vec<u8>, CredentialsError> {
        let url = format!("{}{path}", self.base);
        let answer = self
            .fetcher
            .send(name, &url, |c| {
                let b = c.get(&url);
                match token {
                    Some(t) => b.header(TOKEN_HEADER, t),
                    None => b,
                }
            })
            .await?;
        if answer.status != 200 {
            return Err(CredentialsError::Fetch {
                source_name: name.to_owned(),
                reason: format!(
                    "the metadata service answered HTTP {} to GET {path}",
                    answer.status
                ),
                transient: answer.status >= 500 || answer.status == 429,
            });
        }
        Ok(answer.body)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let name = self.describe();
        let token = self.token(&name).await?;
        let role = match &self.role_name {
            Some(r) => r.clone(),
            None => {
                let body = self.read(&name, CREDENTIALS_PATH, token.as_deref()).await?;
                let text = String::from_utf8_lossy(&body);
                text.lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| CredentialsError::Fetch {
                        source_name: name.clone(),
                        reason: "the metadata service lists no RAM role: attach one to the \
                                 instance, or name it (ram_role_name, ALIBABA_CLOUD_ECS_METADATA)"
                            .into(),
                        transient: false,
                    })?
            }
        };
        let path = format!("{CREDENTIALS_PATH}{}", encode(&role));
        let body = self.read(&name, &path, token.as_deref()).await?;
        let obj = json_object(&name, &body)?;
        check_success_code(&name, &obj)?;
        credentials_from(&name, &obj)
    }
}

impl CredentialsProvider for EcsRamRoleProvider {
    fn describe(&self) -> String {
        match &self.role_name {
            Some(r) => format!("ECS RAM role {r} (metadata service {})", self.base),
            None => format!("ECS RAM role (discovered; metadata service {})", self.base),
        }
    }
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

impl std::fmt::Debug for EcsRamRoleProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}
