//! Sharing one provider's credentials between concurrent calls, refreshing them before they
//! expire, and never fetching twice at once (single flight).
//!
//! Timing, by the runtime's [`Clock`] (so tests can move time):
//! - before `refresh_at` the cached credentials are used as they are;
//! - between `refresh_at` and the expiry they still work: one caller refreshes while the
//!   others go on with the cached ones; if the refresh fails, the cached ones are used until
//!   they expire, and the next attempt waits [`FAILED_REFRESH_PAUSE`];
//! - from the expiry on (or with nothing cached) callers wait for the one fetch in flight.
//!
//! `refresh_at` is the expiry less [`REFRESH_AHEAD`] (what Alibaba's SDKs use), but never
//! earlier than half-way through the credentials' life, so short sessions are still used.

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::clock::Clock;
use crate::credentials::{Credentials, CredentialsError, CredentialsProvider, ProvideFuture};

/// How long before expiry credentials are refreshed.
pub const REFRESH_AHEAD: Duration = Duration::from_secs(15 * 60);
/// After a failed refresh, while the cached credentials still work, how long to wait before
/// trying again (so a failing service is not asked on every call).
pub const FAILED_REFRESH_PAUSE: Duration = Duration::from_secs(10);

#[derive(Clone)]
struct Entry {
    credentials: Arc<Credentials>,
    refresh_at: Option<SystemTime>,
    expires_at: Option<SystemTime>,
    paused_until: Option<SystemTime>,
}

enum Freshness {
    Fresh,
    Due,
    Expired,
}

impl Entry {
    fn new(credentials: Credentials, now: SystemTime) -> Entry {
        let expires_at = credentials.expiration();
        let refresh_at = expires_at.map(|exp| {
            let life = exp.duration_since(now).unwrap_or(Duration::ZERO);
            exp - REFRESH_AHEAD.min(life / 2)
        });
        Entry {
            credentials: Arc::new(credentials),
            refresh_at,
            expires_at,
            paused_until: None,
        }
    }

    fn freshness(&self, now: SystemTime) -> Freshness {
        let (Some(refresh_at), Some(expires_at)) = (self.refresh_at, self.expires_at) else {
            return Freshness::Fresh;
        };
        if now < refresh_at
            || self
                .paused_until
                .is_some_and(|p| now < p && now < expires_at)
        {
            Freshness::Fresh
        } else if now < expires_at {
            Freshness::Due
        } else {
            Freshness::Expired
        }
    }
}

/// A provider wrapped with a shared, refreshing, single-flight cache.
pub struct CachingProvider {
    inner: Arc<dyn CredentialsProvider>,
    clock: Arc<dyn Clock>,
    entry: RwLock<Option<Entry>>,
    // Held for the duration of a fetch: the single flight.
    refresh: tokio::sync::Mutex<()>,
}

impl CachingProvider {
    /// Caches `inner`'s credentials, timed by `clock`.
    pub fn new(inner: Arc<dyn CredentialsProvider>, clock: Arc<dyn Clock>) -> Self {
        CachingProvider {
            inner,
            clock,
            entry: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// Fills the cache from [`CredentialsProvider::provide_now`] when the source has its
    /// credentials at hand; returns that result (`None` for sources that must fetch).
    pub fn prime(&self) -> Option<Result<Arc<Credentials>, CredentialsError>> {
        let result = self.inner.provide_now()?;
        Some(result.map(|c| self.store(Entry::new(c, self.clock.now()))))
    }

    /// The credentials in the cache, fetching nothing: `None` before the first fetch.
    pub fn cached(&self) -> Option<Arc<Credentials>> {
        self.entry
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|e| e.credentials.clone())
    }

    /// Current credentials: from the cache, refreshed or fetched as the timing above says.
    pub async fn get(&self) -> Result<Arc<Credentials>, CredentialsError> {
        if let Some(entry) = self.snapshot() {
            match entry.freshness(self.clock.now()) {
                Freshness::Fresh => return Ok(entry.credentials),
                Freshness::Due => {
                    // Someone is refreshing already: the cached credentials still work.
                    let Ok(_guard) = self.refresh.try_lock() else {
                        return Ok(entry.credentials);
                    };
                    return self.recheck_then_fetch().await;
                }
                Freshness::Expired => {}
            }
        }
        let _guard = self.refresh.lock().await;
        self.recheck_then_fetch().await
    }

    /// With `refresh` held: whoever held it before may have fetched what we need.
    async fn recheck_then_fetch(&self) -> Result<Arc<Credentials>, CredentialsError> {
        if let Some(entry) = self.snapshot() {
            if matches!(entry.freshness(self.clock.now()), Freshness::Fresh) {
                return Ok(entry.credentials);
            }
        }
        self.fetch_locked().await
    }

    /// Fetches and stores; the caller holds `refresh`.
    async fn fetch_locked(&self) -> Result<Arc<Credentials>, CredentialsError> {
        tracing::debug!(source = %self.inner.describe(), "fetching credentials");
        match self.inner.provide().await {
            Ok(c) => Ok(self.store(Entry::new(c, self.clock.now()))),
            Err(e) => {
                let now = self.clock.now();
                let mut slot = self.entry.write().unwrap_or_else(|p| p.into_inner());
                match slot.as_mut() {
                    Some(old) if old.expires_at.is_some_and(|exp| now < exp) => {
                        tracing::warn!(
                            source = %self.inner.describe(),
                            error = %e,
                            "refreshing credentials failed; using the cached ones until they expire"
                        );
                        old.paused_until = Some(now + FAILED_REFRESH_PAUSE);
                        Ok(old.credentials.clone())
                    }
                    _ => Err(e),
                }
            }
        }
    }

    fn store(&self, entry: Entry) -> Arc<Credentials> {
        let credentials = entry.credentials.clone();
        *self.entry.write().unwrap_or_else(|p| p.into_inner()) = Some(entry);
        credentials
    }

    fn snapshot(&self) -> Option<Entry> {
        self.entry.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl CredentialsProvider for CachingProvider {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.get().await.map(|c| (*c).clone()) })
    }
    fn provide_now(&self) -> Option<Result<Credentials, CredentialsError>> {
        self.inner.provide_now()
    }
}

impl std::fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachingProvider")
            .field("source", &self.inner.describe())
            .field("cached", &self.cached())
            .finish()
    }
}
