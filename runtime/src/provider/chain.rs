//! The default chain: which source the credentials come from, by one precedence rule that
//! the CLI and `Client::from_env` share — what the user names explicitly wins:
//!
//! 1. credentials given in code (`RuntimeBuilder::credentials`, `credentials_provider`) — the
//!    builder's business, before this chain is consulted;
//! 2. a named profile: `RuntimeBuilder::profile` / `--profile`, else `ALIBABA_CLOUD_PROFILE`;
//! 3. the environment keys (`ALIBABA_CLOUD_ACCESS_KEY_ID`, …);
//! 4. the profile file's current (or `default`) profile;
//! 5. the role-based providers: OIDC (`ALIBABA_CLOUD_ROLE_ARN`,
//!    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`), then
//!    `ALIBABA_CLOUD_CREDENTIALS_URI`, then the ECS metadata service, only when opted in
//!    with `ALIBABA_CLOUD_ECS_METADATA`.
//!
//! Selecting reads the environment and the profile file only; nothing is fetched until the
//! first call needs credentials.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::ecs::EcsRamRoleProvider;
use super::env::{
    ENV_CREDENTIALS_URI, ENV_ECS_METADATA, ENV_ECS_METADATA_DISABLED, ENV_IMDSV1_DISABLED,
    ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, ENV_ROLE_ARN, EnvProvider, env_flag,
};
use super::profile::profile_provider;
use super::settings::Settings;
use super::sts::{OidcRoleArnProvider, StsEndpoint, env_session_name};
use super::uri::CredentialsUriProvider;
use crate::clock::Clock;
use crate::credentials::{CredentialsError, CredentialsProvider};
use crate::env::Env;
use crate::profile::{ENV_PROFILE, Profile, ProfileError, ProfileFile, default_profile_path};

/// Who named a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedBy {
    /// The caller: `RuntimeBuilder::profile`, `--profile`.
    Caller,
    /// `ALIBABA_CLOUD_PROFILE`.
    Environment,
}

/// Where the credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsSource {
    /// Given in code: keys or a provider.
    Code {
        /// The keys' or provider's description.
        description: String,
    },
    /// A profile named explicitly.
    NamedProfile {
        /// The profile.
        name: String,
        /// The file.
        path: PathBuf,
        /// Who named it.
        named_by: NamedBy,
    },
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` / `…_SECRET` (/ `…_SECURITY_TOKEN`).
    Environment,
    /// The file's current (or `default`) profile.
    DefaultProfile {
        /// The profile.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// An OIDC role from `ALIBABA_CLOUD_ROLE_ARN`, `…_OIDC_PROVIDER_ARN`, `…_OIDC_TOKEN_FILE`.
    OidcEnvironment,
    /// `ALIBABA_CLOUD_CREDENTIALS_URI`.
    CredentialsUriEnvironment,
    /// The ECS metadata service, opted in with `ALIBABA_CLOUD_ECS_METADATA`.
    EcsMetadataEnvironment,
}

/// The configuration place a source reads, to tell when credentials and region come from
/// two different places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Named in code or by flag: never warned about.
    Explicit,
    /// Environment variables.
    Environment,
    /// A profile of the file, by name.
    Profile(String),
}

impl CredentialsSource {
    pub(crate) fn origin(&self) -> Origin {
        match self {
            CredentialsSource::Code { .. } => Origin::Explicit,
            CredentialsSource::NamedProfile { name, .. }
            | CredentialsSource::DefaultProfile { name, .. } => Origin::Profile(name.clone()),
            CredentialsSource::Environment
            | CredentialsSource::OidcEnvironment
            | CredentialsSource::CredentialsUriEnvironment
            | CredentialsSource::EcsMetadataEnvironment => Origin::Environment,
        }
    }
}

impl fmt::Display for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsSource::Code { description } => write!(f, "{description} given in code"),
            CredentialsSource::NamedProfile {
                name,
                path,
                named_by,
            } => {
                let by = match named_by {
                    NamedBy::Caller => "named explicitly".to_owned(),
                    NamedBy::Environment => format!("named by {ENV_PROFILE}"),
                };
                write!(f, "profile {name:?} in {} ({by})", path.display())
            }
            CredentialsSource::Environment => write!(
                f,
                "environment ({}, {})",
                crate::credentials::ENV_ACCESS_KEY_ID,
                crate::credentials::ENV_ACCESS_KEY_SECRET
            ),
            CredentialsSource::DefaultProfile { name, path } => {
                write!(f, "profile {name:?} in {}", path.display())
            }
            CredentialsSource::OidcEnvironment => write!(
                f,
                "OIDC role from the environment ({ENV_ROLE_ARN}, {ENV_OIDC_PROVIDER_ARN}, \
                 {ENV_OIDC_TOKEN_FILE})"
            ),
            CredentialsSource::CredentialsUriEnvironment => {
                write!(
                    f,
                    "credentials URI from the environment ({ENV_CREDENTIALS_URI})"
                )
            }
            CredentialsSource::EcsMetadataEnvironment => write!(
                f,
                "ECS RAM role from the metadata service (opted in by {ENV_ECS_METADATA})"
            ),
        }
    }
}

/// The chain's choice: the provider to fetch from and where it came from.
pub struct SelectedCredentials {
    /// The provider (not yet asked for anything).
    pub provider: Arc<dyn CredentialsProvider>,
    /// Where it came from.
    pub source: CredentialsSource,
}

impl fmt::Debug for SelectedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectedCredentials")
            .field("provider", &self.provider.describe())
            .field("source", &self.source)
            .finish()
    }
}

/// A profile of the file, with whether the user named it.
#[derive(Debug)]
pub struct ProfileChoice {
    /// The file.
    pub file: ProfileFile,
    /// The profile's name.
    pub name: String,
    /// Who named it, `None` for the file's current (or `default`) one.
    pub named_by: Option<NamedBy>,
}

impl ProfileChoice {
    /// The chosen profile; `None` for a default one the file does not have.
    pub fn profile(&self) -> Option<&Profile> {
        self.file.get(&self.name)
    }
}

/// The default chain's settings. See the module documentation for the order.
#[derive(Clone)]
pub struct DefaultChain {
    settings: Settings,
    profile_path: Option<PathBuf>,
    profile_name: Option<String>,
}

impl fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultChain")
            .field("profile_path", &self.profile_path)
            .field("profile_name", &self.profile_name)
            .field("sts_endpoint", &self.settings.sts_endpoint)
            .field(
                "ecs_metadata_endpoint",
                &self.settings.ecs_metadata_endpoint,
            )
            .finish_non_exhaustive()
    }
}

impl DefaultChain {
    /// The chain over `env` (and the profile file under its home directory).
    pub fn new(env: Arc<dyn Env>) -> Self {
        DefaultChain {
            settings: Settings::new(env),
            profile_path: None,
            profile_name: None,
        }
    }

    /// Another profile file than `~/.aliyun/config.json`.
    pub fn profile_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.profile_path = Some(path.into());
        self
    }

    /// Names a profile (step 2: wins over the environment keys).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// Sends STS calls (role profiles, OIDC) to this endpoint.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.sts_endpoint = Some(endpoint.into());
        self
    }

    /// Reads the ECS metadata service at this address (`http://host[:port]`).
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.ecs_metadata_endpoint = Some(endpoint.into());
        self
    }

    /// The clock role providers date their requests with (and caches time expiry with).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.settings.clock = clock;
        self
    }

    /// The profile the user named, and who named it.
    pub fn named_profile(&self) -> Option<(String, NamedBy)> {
        match &self.profile_name {
            Some(n) => Some((n.clone(), NamedBy::Caller)),
            None => self
                .settings
                .env
                .var(ENV_PROFILE)
                .map(|n| (n, NamedBy::Environment)),
        }
    }

    /// The profile file's path: the one set, else under the environment's home directory.
    pub fn profile_file_path(&self) -> Option<PathBuf> {
        self.profile_path
            .clone()
            .or_else(|| default_profile_path(self.settings.env.as_ref()))
    }

    /// Reads the profile file and picks the profile: the named one (which must exist), else
    /// the current or `default` one. `Ok(None)` when there is no file and no profile was
    /// named.
    pub fn profile_choice(&self) -> Result<Option<ProfileChoice>, ProfileError> {
        let named = self.named_profile();
        let path = self.profile_file_path();
        let file = match &path {
            Some(p) => ProfileFile::load(p)?,
            None => None,
        };
        match (file, named) {
            (Some(file), Some((name, by))) => {
                file.select(Some(&name))?;
                Ok(Some(ProfileChoice {
                    file,
                    name,
                    named_by: Some(by),
                }))
            }
            (None, Some((name, _))) => Err(ProfileError::NoFile {
                path: path.unwrap_or_else(|| PathBuf::from("~/.aliyun/config.json")),
                name,
            }),
            (Some(file), None) => {
                // A `current` that names nothing is a broken file; no `current` and no
                // `default` profile just means the file offers no default.
                if file.current().is_some() {
                    file.select(None)?;
                }
                let name = file.current().unwrap_or("default").to_owned();
                Ok(Some(ProfileChoice {
                    file,
                    name,
                    named_by: None,
                }))
            }
            (None, None) => Ok(None),
        }
    }

    fn sts(&self) -> StsEndpoint {
        let sts = StsEndpoint::from_env(self.settings.env.as_ref());
        match &self.settings.sts_endpoint {
            Some(e) => sts.endpoint(e.clone()),
            None => sts,
        }
    }

    /// Chooses the source by the precedence rule; fetches nothing.
    pub fn select(&self) -> Result<SelectedCredentials, CredentialsError> {
        let env = self.settings.env.as_ref();
        let mut tried = Vec::new();

        // 2. A named profile.
        if self.named_profile().is_some() {
            let choice = self.profile_choice()?.ok_or(CredentialsError::NotFound {
                tried: vec!["the named profile".into()],
            })?;
            let profile = choice.file.select(Some(&choice.name))?;
            return Ok(SelectedCredentials {
                provider: profile_provider(&self.settings, &choice.file, profile)?,
                source: CredentialsSource::NamedProfile {
                    name: choice.name.clone(),
                    path: choice.file.path().to_owned(),
                    named_by: choice.named_by.unwrap_or(NamedBy::Caller),
                },
            });
        }

        // 3. The environment keys.
        let env_keys = EnvProvider::new(self.settings.env.clone());
        if env_keys.keys()?.is_some() {
            return Ok(SelectedCredentials {
                provider: Arc::new(env_keys),
                source: CredentialsSource::Environment,
            });
        }
        tried.push(format!("{} (not set)", CredentialsSource::Environment));

        // 4. The default profile.
        match (self.profile_choice()?, self.profile_file_path()) {
            (Some(choice), _) => match choice.profile() {
                Some(profile) => {
                    return Ok(SelectedCredentials {
                        provider: profile_provider(&self.settings, &choice.file, profile)?,
                        source: CredentialsSource::DefaultProfile {
                            name: profile.name.clone(),
                            path: choice.file.path().to_owned(),
                        },
                    });
                }
                None => tried.push(format!(
                    "profile file {} (no current profile, and none named \"default\")",
                    choice.file.path().display()
                )),
            },
            (None, Some(path)) => {
                tried.push(format!("profile file {} (no such file)", path.display()))
            }
            (None, None) => tried.push(
                "profile file ~/.aliyun/config.json (no home directory to look in)".to_owned(),
            ),
        }

        // 5a. OIDC (RRSA).
        let oidc = [ENV_ROLE_ARN, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE].map(|n| env.var(n));
        if let [Some(role), Some(provider), Some(file)] = &oidc {
            let mut b = OidcRoleArnProvider::builder(role, provider, file)
                .sts_endpoint(self.sts())
                .clock(self.settings.clock.clone());
            if let Some(name) = env_session_name(env) {
                b = b.session_name(name);
            }
            return Ok(SelectedCredentials {
                provider: Arc::new(b.build()?),
                source: CredentialsSource::OidcEnvironment,
            });
        }
        let unset: Vec<&str> = [ENV_ROLE_ARN, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE]
            .into_iter()
            .zip(&oidc)
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| n)
            .collect();
        tried.push(format!("OIDC role ({} not set)", unset.join(", ")));

        // 5b. A credentials URI.
        if let Some(uri) = env.var(ENV_CREDENTIALS_URI) {
            return Ok(SelectedCredentials {
                provider: Arc::new(CredentialsUriProvider::new(uri)?),
                source: CredentialsSource::CredentialsUriEnvironment,
            });
        }
        tried.push(format!("credentials URI ({ENV_CREDENTIALS_URI} not set)"));

        // 5c. The ECS metadata service, only when opted in.
        match env.var(ENV_ECS_METADATA) {
            Some(_) if env_flag(env, ENV_ECS_METADATA_DISABLED) => tried.push(format!(
                "ECS RAM role (disabled by {ENV_ECS_METADATA_DISABLED})"
            )),
            Some(role) => {
                let mut b = EcsRamRoleProvider::builder()
                    .role_name(role)
                    .imds_v1_disabled(env_flag(env, ENV_IMDSV1_DISABLED));
                if let Some(e) = &self.settings.ecs_metadata_endpoint {
                    b = b.metadata_endpoint(e.clone());
                }
                return Ok(SelectedCredentials {
                    provider: Arc::new(b.build()?),
                    source: CredentialsSource::EcsMetadataEnvironment,
                });
            }
            None => tried.push(format!(
                "ECS RAM role (not enabled: set {ENV_ECS_METADATA} to the role name, or use a \
                 profile in EcsRamRole mode)"
            )),
        }
        Err(CredentialsError::NotFound { tried })
    }
}
