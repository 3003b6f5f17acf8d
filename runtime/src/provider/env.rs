//! The environment variables of Alibaba's credentials chain, and the key-pair provider that
//! reads `ALIBABA_CLOUD_ACCESS_KEY_ID` / `…_SECRET` / `…_SECURITY_TOKEN`.

use std::sync::Arc;

use crate::credentials::{
    Credentials, CredentialsError, CredentialsProvider, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET,
    ENV_SECURITY_TOKEN, ProvideFuture,
};
use crate::env::Env;

/// The RAM role an OIDC token is exchanged for (RRSA).
pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// The OIDC identity provider's ARN (RRSA).
pub const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// The file holding the OIDC token (RRSA); re-read on every refresh, as it rotates.
pub const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// The role session name for AssumeRole / AssumeRoleWithOIDC.
pub const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// A URL that serves credentials as JSON.
pub const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
/// The ECS instance's RAM role name; setting it opts in to the metadata service.
pub const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` turns the metadata service off, even for an `EcsRamRole` profile.
pub const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true` requires the token-protected (IMDSv2-style) metadata mode, with no fallback.
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// The STS region: `sts.<region>.aliyuncs.com` instead of `sts.aliyuncs.com`.
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true` selects the VPC STS endpoint (`sts-vpc.<region>.aliyuncs.com`).
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

/// True when the variable is `true` (any case), as the SDKs read their switches.
pub(crate) fn env_flag(env: &dyn Env, name: &str) -> bool {
    env.var(name)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Keys from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
/// (optionally) `ALIBABA_CLOUD_SECURITY_TOKEN`.
#[derive(Clone)]
pub struct EnvProvider {
    env: Arc<dyn Env>,
}

impl EnvProvider {
    /// Reads from the given environment.
    pub fn new(env: Arc<dyn Env>) -> Self {
        EnvProvider { env }
    }

    /// The keys, `Ok(None)` when neither variable is set, an error when only one is.
    pub fn keys(&self) -> Result<Option<Credentials>, CredentialsError> {
        let id = self.env.var(ENV_ACCESS_KEY_ID);
        let secret = self.env.var(ENV_ACCESS_KEY_SECRET);
        match (id, secret) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(CredentialsError::IncompleteEnv {
                set: ENV_ACCESS_KEY_ID,
                missing: ENV_ACCESS_KEY_SECRET,
            }),
            (None, Some(_)) => Err(CredentialsError::IncompleteEnv {
                set: ENV_ACCESS_KEY_SECRET,
                missing: ENV_ACCESS_KEY_ID,
            }),
            (Some(id), Some(secret)) => {
                let creds = Credentials::new(id, secret);
                Ok(Some(match self.env.var(ENV_SECURITY_TOKEN) {
                    Some(token) => creds.with_security_token(token),
                    None => creds,
                }))
            }
        }
    }

    fn keys_or_not_found(&self) -> Result<Credentials, CredentialsError> {
        self.keys()?.ok_or_else(|| CredentialsError::NotFound {
            tried: vec![format!("{} (not set)", self.describe())],
        })
    }
}

impl std::fmt::Debug for EnvProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnvProvider")
    }
}

impl CredentialsProvider for EnvProvider {
    fn describe(&self) -> String {
        format!("environment ({ENV_ACCESS_KEY_ID}, {ENV_ACCESS_KEY_SECRET})")
    }
    fn provide(&self) -> ProvideFuture<'_> {
        let result = self.keys_or_not_found();
        Box::pin(async move { result })
    }
    fn provide_now(&self) -> Option<Result<Credentials, CredentialsError>> {
        Some(self.keys_or_not_found())
    }
}
