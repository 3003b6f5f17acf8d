//! Access keys and where they come from: static keys, the environment, the CLI profile file,
//! and a chain that tries them in that order.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::env::Env;
use crate::profile::{ProfileError, ProfileFile, default_profile_path};
use crate::secret::Secret;

/// Environment variable holding the AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// An AccessKey pair, optionally with an STS security token.
///
/// `Debug` shows the key id (an identifier, visible in the `Authorization` header anyway)
/// and redacts the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
}

impl Credentials {
    /// A permanent AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<Secret>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// Adds an STS security token (temporary credentials).
    pub fn with_security_token(mut self, token: impl Into<Secret>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// The AccessKey id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret.
    pub fn access_key_secret(&self) -> &Secret {
        &self.access_key_secret
    }

    /// The STS token, if any.
    pub fn security_token(&self) -> Option<&Secret> {
        self.security_token.as_ref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .finish()
    }
}

/// Why credentials could not be obtained.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No source had credentials.
    #[error(
        "no Alibaba Cloud credentials found; tried, in order: {}. Set {ENV_ACCESS_KEY_ID} and \
         {ENV_ACCESS_KEY_SECRET}, run `aliyun configure`, or pass keys explicitly",
        tried.join("; ")
    )]
    NotFound {
        /// Each source tried, with why it had nothing.
        tried: Vec<String>,
    },
    /// The environment sets only part of a key pair.
    #[error(
        "the environment sets {set} but not {missing}; set both {ENV_ACCESS_KEY_ID} and \
         {ENV_ACCESS_KEY_SECRET} (and {ENV_SECURITY_TOKEN} for STS)"
    )]
    IncompleteEnv {
        /// The variable that is set.
        set: &'static str,
        /// The one that is missing.
        missing: &'static str,
    },
    /// The profile file could not be used.
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

/// A source of credentials.
pub trait CredentialsProvider: Send + Sync {
    /// A short description of the source, e.g. `environment (ALIBABA_CLOUD_…)`.
    fn describe(&self) -> String;

    /// Why this source had nothing, for the "tried" list of [`CredentialsError::NotFound`].
    fn why_none(&self) -> &'static str {
        "nothing found"
    }

    /// The credentials, `Ok(None)` when this source has none (the chain moves on), or an
    /// error when the source is present but broken (the chain stops and reports it).
    fn provide(&self) -> Result<Option<Credentials>, CredentialsError>;
}

/// Keys given by the caller.
#[derive(Debug, Clone)]
pub struct StaticProvider(pub Credentials);

impl CredentialsProvider for StaticProvider {
    fn describe(&self) -> String {
        "static keys".to_owned()
    }
    fn provide(&self) -> Result<Option<Credentials>, CredentialsError> {
        Ok(Some(self.0.clone()))
    }
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
}

impl CredentialsProvider for EnvProvider {
    fn describe(&self) -> String {
        format!("environment ({ENV_ACCESS_KEY_ID}, {ENV_ACCESS_KEY_SECRET})")
    }
    fn why_none(&self) -> &'static str {
        "not set"
    }
    fn provide(&self) -> Result<Option<Credentials>, CredentialsError> {
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
}

/// Keys from a profile of the Alibaba Cloud CLI's profile file.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    profile: Option<String>,
}

impl ProfileProvider {
    /// Reads `path` (when `None`, no file is known: e.g. no home directory), using the
    /// profile `profile` or else the file's `current` one.
    pub fn new(path: Option<PathBuf>, profile: Option<String>) -> Self {
        ProfileProvider { path, profile }
    }

    /// The file at `~/.aliyun/config.json` under the environment's home directory.
    pub fn from_env(env: &dyn Env, profile: Option<String>) -> Self {
        Self::new(default_profile_path(env), profile)
    }
}

impl CredentialsProvider for ProfileProvider {
    fn describe(&self) -> String {
        match &self.path {
            Some(p) => format!("profile file {}", p.display()),
            None => "profile file ~/.aliyun/config.json".to_owned(),
        }
    }
    fn why_none(&self) -> &'static str {
        if self.path.is_some() {
            "no such file"
        } else {
            "no home directory to look in"
        }
    }
    fn provide(&self) -> Result<Option<Credentials>, CredentialsError> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        let Some(file) = ProfileFile::load(path)? else {
            return Ok(None);
        };
        Ok(Some(file.select(self.profile.as_deref())?.credentials()?))
    }
}

/// Tries its providers in order; the first with credentials wins.
pub struct ChainProvider {
    providers: Vec<Box<dyn CredentialsProvider>>,
}

impl ChainProvider {
    /// A chain over the given providers, tried in order.
    pub fn new(providers: Vec<Box<dyn CredentialsProvider>>) -> Self {
        ChainProvider { providers }
    }

    /// The default chain: the environment, then the profile file (`profile` or the file's
    /// current one) under the environment's home directory or at `profile_path`.
    pub fn default_chain(
        env: Arc<dyn Env>,
        profile_path: Option<PathBuf>,
        profile: Option<String>,
    ) -> Self {
        let path = profile_path.or_else(|| default_profile_path(env.as_ref()));
        ChainProvider::new(vec![
            Box::new(EnvProvider::new(env)),
            Box::new(ProfileProvider::new(path, profile)),
        ])
    }

    /// The first credentials found, with the description of the source that gave them.
    pub fn resolve(&self) -> Result<(Credentials, String), CredentialsError> {
        let mut tried = Vec::with_capacity(self.providers.len());
        for p in &self.providers {
            if let Some(c) = p.provide()? {
                return Ok((c, p.describe()));
            }
            tried.push(format!("{} ({})", p.describe(), p.why_none()));
        }
        Err(CredentialsError::NotFound { tried })
    }
}

impl fmt::Debug for ChainProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.providers.iter().map(|p| p.describe()).collect();
        f.debug_struct("ChainProvider")
            .field("providers", &names)
            .finish()
    }
}

impl CredentialsProvider for ChainProvider {
    fn describe(&self) -> String {
        let names: Vec<String> = self.providers.iter().map(|p| p.describe()).collect();
        format!("chain [{}]", names.join(", "))
    }
    fn provide(&self) -> Result<Option<Credentials>, CredentialsError> {
        match self.resolve() {
            Ok((c, _)) => Ok(Some(c)),
            Err(CredentialsError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
