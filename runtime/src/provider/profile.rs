//! Turning a profile of `~/.aliyun/config.json` into a provider, per its mode.

use std::sync::Arc;

use super::cache::CachingProvider;
use super::ecs::EcsRamRoleProvider;
use super::env::{ENV_ECS_METADATA_DISABLED, ENV_IMDSV1_DISABLED, env_flag};
use super::settings::Settings;
use super::sts::{OidcRoleArnProvider, RamRoleArnProvider, StsEndpoint, env_session_name};
use super::uri::CredentialsUriProvider;
use crate::credentials::{Credentials, CredentialsError, CredentialsProvider, ProvideFuture};
use crate::profile::{
    MAX_SOURCE_DEPTH, Profile, ProfileError, ProfileFile, ProfileKind, RoleSettings,
};
use crate::secret::Secret;

/// Keys held by a profile (`AK`, `StsToken`), described by the profile.
#[derive(Debug, Clone)]
struct ProfileKeys {
    credentials: Credentials,
    description: String,
}

impl CredentialsProvider for ProfileKeys {
    fn describe(&self) -> String {
        self.description.clone()
    }
    fn provide(&self) -> ProvideFuture<'_> {
        let c = self.credentials.clone();
        Box::pin(async move { Ok(c) })
    }
    fn provide_now(&self) -> Option<Result<Credentials, CredentialsError>> {
        Some(Ok(self.credentials.clone()))
    }
}

/// `profile "NAME" in PATH`.
pub(crate) fn describe_profile(profile: &Profile) -> String {
    format!("profile {:?} in {}", profile.name, profile.path().display())
}

/// The provider for `profile` of `file`, by its mode. Nothing is fetched yet.
pub(crate) fn profile_provider(
    chain: &Settings,
    file: &ProfileFile,
    profile: &Profile,
) -> Result<Arc<dyn CredentialsProvider>, CredentialsError> {
    build(chain, file, profile, &mut Vec::new())
}

fn build(
    chain: &Settings,
    file: &ProfileFile,
    profile: &Profile,
    visited: &mut Vec<String>,
) -> Result<Arc<dyn CredentialsProvider>, CredentialsError> {
    visited.push(profile.name.clone());
    let description = describe_profile(profile);
    let in_profile = |e: CredentialsError| match e {
        CredentialsError::Invalid {
            source_name,
            reason,
        } => CredentialsError::Invalid {
            source_name: format!("{description} ({source_name})"),
            reason,
        },
        other => other,
    };
    let keys = |id: &str, secret: &Secret, token: Option<&Secret>| {
        let mut credentials = Credentials::new(id, secret.clone());
        if let Some(t) = token {
            credentials = credentials.with_security_token(t.clone());
        }
        Arc::new(ProfileKeys {
            credentials,
            description: description.clone(),
        })
    };
    let provider: Arc<dyn CredentialsProvider> = match profile.kind()? {
        ProfileKind::AccessKey {
            access_key_id,
            access_key_secret,
        } => keys(access_key_id, access_key_secret, None),
        ProfileKind::StsToken {
            access_key_id,
            access_key_secret,
            sts_token,
        } => keys(access_key_id, access_key_secret, Some(sts_token)),
        ProfileKind::RamRoleArn {
            access_key_id,
            access_key_secret,
            role,
        } => {
            let source = keys(access_key_id, access_key_secret, None);
            Arc::new(ram_role(chain, source, &role).map_err(in_profile)?)
        }
        ProfileKind::ChainableRamRoleArn {
            source_profile,
            role,
        } => {
            if visited.iter().any(|v| v == source_profile) || visited.len() > MAX_SOURCE_DEPTH {
                let mut chain_names = visited.clone();
                chain_names.push(source_profile.to_owned());
                return Err(ProfileError::SourceLoop {
                    path: file.path().to_owned(),
                    profile: chain_names[0].clone(),
                    chain: chain_names,
                }
                .into());
            }
            let source_profile = file.select(Some(source_profile))?;
            let source = build(chain, file, source_profile, visited)?;
            // The source's own temporary credentials are refreshed on their own schedule.
            let source = Arc::new(CachingProvider::new(source, chain.clock.clone()));
            Arc::new(ram_role(chain, source, &role).map_err(in_profile)?)
        }
        ProfileKind::EcsRamRole { role_name } => {
            if env_flag(chain.env.as_ref(), ENV_ECS_METADATA_DISABLED) {
                return Err(CredentialsError::Invalid {
                    source_name: description,
                    reason: format!(
                        "the profile's mode is EcsRamRole, but {ENV_ECS_METADATA_DISABLED} is \
                         true; unset it or choose another profile"
                    ),
                });
            }
            let mut b = EcsRamRoleProvider::builder()
                .imds_v1_disabled(env_flag(chain.env.as_ref(), ENV_IMDSV1_DISABLED));
            if let Some(r) = role_name {
                b = b.role_name(r);
            }
            if let Some(e) = &chain.ecs_metadata_endpoint {
                b = b.metadata_endpoint(e.clone());
            }
            Arc::new(b.build().map_err(in_profile)?)
        }
        ProfileKind::Oidc {
            oidc_provider_arn,
            oidc_token_file,
            role,
        } => {
            let mut b =
                OidcRoleArnProvider::builder(role.role_arn, oidc_provider_arn, oidc_token_file)
                    .sts_endpoint(sts_endpoint(chain, &role))
                    .clock(chain.clock.clone());
            if let Some(name) = role
                .session_name
                .map(str::to_owned)
                .or_else(|| env_session_name(chain.env.as_ref()))
            {
                b = b.session_name(name);
            }
            if let Some(d) = role.duration_seconds {
                b = b.duration_seconds(d);
            }
            if let Some(p) = role.policy {
                b = b.policy(p);
            }
            Arc::new(b.build().map_err(in_profile)?)
        }
        ProfileKind::CredentialsUri { uri } => {
            Arc::new(CredentialsUriProvider::new(uri.clone()).map_err(in_profile)?)
        }
    };
    Ok(provider)
}

/// STS for a profile: the chain's override, else the profile's `sts_region` / `enable_vpc`,
/// else the environment's.
fn sts_endpoint(chain: &Settings, role: &RoleSettings<'_>) -> StsEndpoint {
    let mut sts = StsEndpoint::from_env(chain.env.as_ref());
    if let Some(region) = role.sts_region {
        sts = sts.region(region);
    }
    if role.enable_vpc {
        sts = sts.vpc(true);
    }
    if let Some(e) = &chain.sts_endpoint {
        sts = sts.endpoint(e.clone());
    }
    sts
}

fn ram_role(
    chain: &Settings,
    source: Arc<dyn CredentialsProvider>,
    role: &RoleSettings<'_>,
) -> Result<RamRoleArnProvider, CredentialsError> {
    let mut b = RamRoleArnProvider::builder(source, role.role_arn)
        .sts_endpoint(sts_endpoint(chain, role))
        .clock(chain.clock.clone());
    if let Some(name) = role
        .session_name
        .map(str::to_owned)
        .or_else(|| env_session_name(chain.env.as_ref()))
    {
        b = b.session_name(name);
    }
    if let Some(d) = role.duration_seconds {
        b = b.duration_seconds(d);
    }
    if let Some(p) = role.policy {
        b = b.policy(p);
    }
    if let Some(x) = role.external_id {
        b = b.external_id(x);
    }
    b.build()
}
