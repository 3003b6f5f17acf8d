//! Access keys, the provider trait every source implements, and why credentials could not be
//! had. The sources themselves (environment, profiles, roles, the chain and its cache) are in
//! [`crate::provider`]; this module depends only on [`crate::profile`]'s error and
//! [`Secret`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use crate::profile::ProfileError;
use crate::secret::Secret;

/// Environment variable holding the AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// An AccessKey pair, optionally with an STS security token and the time it expires.
///
/// `Debug` shows the key id (an identifier, visible in the `Authorization` header anyway)
/// and redacts the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// A permanent AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<Secret>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expiration: None,
        }
    }

    /// Adds an STS security token (temporary credentials).
    pub fn with_security_token(mut self, token: impl Into<Secret>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Sets when the credentials stop working (temporary credentials from a role).
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        self.expiration = Some(expiration);
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

    /// When the credentials expire; `None` for permanent keys.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }

    /// The secret and the token, to scrub from text that might echo them.
    pub fn secrets(&self) -> Vec<&str> {
        let mut s = vec![self.access_key_secret.expose()];
        if let Some(t) = &self.security_token {
            s.push(t.expose());
        }
        s
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token);
        if let Some(e) = self.expiration {
            d.field("expiration", &crate::clock::AcsDate::from_system_time(e));
        }
        d.finish()
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
    /// A provider's settings are wrong (found before anything is fetched).
    #[error("{source_name}: {reason}")]
    Invalid {
        /// The provider, e.g. `RAM role acs:ram::1:role/r (profile "work")`.
        source_name: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// Fetching temporary credentials failed (STS, the metadata service, a credentials URI).
    #[error("{source_name}: {reason}")]
    Fetch {
        /// The provider.
        source_name: String,
        /// What happened: the HTTP status, the service's code and message, or the
        /// connection error; secrets scrubbed.
        reason: String,
        /// True when trying again may help (connection failure, timeout, 5xx, throttling).
        transient: bool,
    },
}

impl CredentialsError {
    /// True for a fetch that may succeed when tried again.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CredentialsError::Fetch {
                transient: true,
                ..
            }
        )
    }

    /// True when a credentials service was asked and failed (as opposed to missing or wrong
    /// configuration, found before anything is sent).
    pub fn is_fetch(&self) -> bool {
        matches!(self, CredentialsError::Fetch { .. })
    }
}

/// What [`CredentialsProvider::provide`] returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials.
///
/// Sources that need the network (roles, the metadata service, a credentials URI) fetch in
/// [`provide`](Self::provide); the runtime wraps whatever it uses in a
/// [`CachingProvider`](crate::provider::CachingProvider), which refreshes before expiry and
/// never fetches twice at once.
pub trait CredentialsProvider: Send + Sync {
    /// A short description of the source, e.g. `environment (ALIBABA_CLOUD_…)`. Never
    /// contains a secret.
    fn describe(&self) -> String;

    /// Fetches (or returns) the credentials.
    fn provide(&self) -> ProvideFuture<'_>;

    /// The credentials without waiting, for sources that hold them already (static keys,
    /// the environment, a key profile); `None` for sources that must fetch.
    fn provide_now(&self) -> Option<Result<Credentials, CredentialsError>> {
        None
    }
}

impl<P: CredentialsProvider + ?Sized> CredentialsProvider for std::sync::Arc<P> {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn provide(&self) -> ProvideFuture<'_> {
        (**self).provide()
    }
    fn provide_now(&self) -> Option<Result<Credentials, CredentialsError>> {
        (**self).provide_now()
    }
}

/// Keys given by the caller.
#[derive(Debug, Clone)]
pub struct StaticProvider(pub Credentials);

impl CredentialsProvider for StaticProvider {
    fn describe(&self) -> String {
        "static keys".to_owned()
    }
    fn provide(&self) -> ProvideFuture<'_> {
        let c = self.0.clone();
        Box::pin(async move { Ok(c) })
    }
    fn provide_now(&self) -> Option<Result<Credentials, CredentialsError>> {
        Some(Ok(self.0.clone()))
    }
}
