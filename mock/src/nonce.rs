//! The signature nonces seen recently, so that a replayed request is refused
//! (`SignatureNonceUsed`), in bounded memory whatever clients send.
//!
//! - **A nonce is 1 to [`MAX_NONCE_LEN`] printable ASCII characters** (no spaces). The SDKs send
//!   32 hex characters (signature V3) or a 36-character UUID (V2); 64 leaves room for a
//!   SHA-256 in hex and keeps an entry's key small. An empty nonce protects nothing and is
//!   refused as `MissingParameter`; a longer one, or one with other characters, as
//!   `InvalidParameter` (the gateway cannot parse it).
//! - **An entry lives as long as a replay could pass the date check**: until the request's
//!   own date plus the 15-minute skew, after which the date check refuses the replay anyway.
//!   Entries are grouped by that second and dropped a second at a time.
//! - **At most `capacity` entries.** Each is a keyed 64-bit fingerprint of (access key id,
//!   nonce), so an entry costs the same whatever the client sent. When the cache is full the
//!   entries that expire first are dropped early and the cache remembers up to which second
//!   it dropped them (its *floor*). A request whose entry would expire at or before the floor
//!   could be a replay the cache no longer remembers: it is refused as `ServiceUnavailable`
//!   (503, which clients retry, signing afresh with the current date). So a replay is never
//!   accepted; under a flood that outruns the capacity, only requests dated further back than
//!   the cache can hold are turned away, and memory stays flat.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use crate::errors::{Failure, gateway};
use crate::verify::MAX_SKEW;

/// The longest nonce accepted, in bytes.
pub const MAX_NONCE_LEN: usize = 64;

/// The default number of nonces remembered: at 20,000 signed requests per second (the mock's
/// measured peak on loopback) that is over 6 seconds of traffic, ~5 MB at most.
pub const DEFAULT_CAPACITY: usize = 1 << 17;

/// Nonces seen within the window, per access key.
#[derive(Debug)]
pub struct NonceCache {
    inner: Mutex<Inner>,
    capacity: usize,
    // Keyed per cache, so that no client can aim fingerprints at one another.
    keys: RandomState,
}

#[derive(Debug, Default)]
struct Inner {
    seen: HashSet<u64>,
    by_expiry: BTreeMap<u64, Vec<u64>>,
    floor: u64,
    dropped_early: u64,
}

impl Default for NonceCache {
    fn default() -> Self {
        NonceCache::new(DEFAULT_CAPACITY)
    }
}

/// Why a nonce is not a valid one, before the cache is consulted.
fn malformed(nonce: &str) -> Option<Failure> {
    if nonce.is_empty() {
        return Some(Failure::gateway(
            gateway::MISSING_PARAMETER,
            "The signature nonce is empty; send a fresh random value with every request \
             (the SDKs send 32 hex characters).",
        ));
    }
    if nonce.len() > MAX_NONCE_LEN || !nonce.bytes().all(|b| b.is_ascii_graphic()) {
        let shown: String = nonce.chars().take(16).collect();
        return Some(Failure::gateway(
            gateway::INVALID_PARAMETER,
            format!(
                "The signature nonce ({} bytes, starting {shown:?}) is not valid: expected 1 to \
                 {MAX_NONCE_LEN} printable ASCII characters without spaces, such as 32 hex \
                 characters.",
                nonce.len()
            ),
        ));
    }
    None
}

impl NonceCache {
    /// A cache that remembers at most `capacity` nonces (at least 1).
    pub fn new(capacity: usize) -> NonceCache {
        NonceCache {
            inner: Mutex::new(Inner::default()),
            capacity: capacity.max(1),
            keys: RandomState::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Records the nonce of a request signed by `access_key_id` and dated `date` (Unix
    /// seconds), at server time `now`. Refuses a malformed nonce, a nonce seen before within
    /// the window, and a request older than the cache can vouch for (see the module notes).
    pub fn check(
        &self,
        access_key_id: &str,
        nonce: &str,
        date: u64,
        now: u64,
    ) -> Result<(), Failure> {
        if let Some(f) = malformed(nonce) {
            return Err(f);
        }
        let expires = date.saturating_add(MAX_SKEW.as_secs());
        let fingerprint = self.keys.hash_one((access_key_id, nonce));
        let mut inner = self.lock();
        inner.prune(now);
        if inner.seen.contains(&fingerprint) {
            return Err(Failure::gateway(
                gateway::NONCE_USED,
                format!("Specified signature nonce {nonce:?} was used already."),
            ));
        }
        while inner.seen.len() >= self.capacity {
            inner.drop_earliest();
        }
        if expires <= inner.floor {
            return Err(Failure::gateway(
                gateway::SERVICE_UNAVAILABLE,
                format!(
                    "The mock's nonce cache is full ({} nonces within the 15-minute window), so \
                     it cannot tell whether a request dated this far back is a replay; sign it \
                     again with the current date.",
                    self.capacity
                ),
            ));
        }
        inner.seen.insert(fingerprint);
        inner
            .by_expiry
            .entry(expires)
            .or_default()
            .push(fingerprint);
        Ok(())
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most nonces it remembers.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Nonces dropped before they expired because the cache was full.
    pub fn dropped_early(&self) -> u64 {
        self.lock().dropped_early
    }
}

impl Inner {
    /// Drops the entries whose replay the date check refuses by itself.
    fn prune(&mut self, now: u64) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if *entry.key() >= now {
                break;
            }
            for f in entry.remove() {
                self.seen.remove(&f);
            }
        }
    }

    /// Drops the second of entries that expires first, and raises the floor to it.
    fn drop_earliest(&mut self) {
        let Some((second, fingerprints)) = self.by_expiry.pop_first() else {
            // Unreachable while `seen` and `by_expiry` hold the same entries; clearing keeps
            // the bound even if they ever did not.
            self.seen.clear();
            return;
        };
        self.floor = self.floor.max(second);
        self.dropped_early += fingerprints.len() as u64;
        for f in fingerprints {
            self.seen.remove(&f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000;

    fn code(r: Result<(), Failure>) -> String {
        r.err().map(|f| f.code).unwrap_or_default()
    }

    #[test]
    fn a_nonce_is_refused_the_second_time_per_access_key() {
        let c = NonceCache::new(100);
        assert_eq!(code(c.check("k", "abc", T0, T0)), "");
        assert_eq!(code(c.check("k", "abc", T0, T0 + 5)), gateway::NONCE_USED);
        assert_eq!(code(c.check("other", "abc", T0, T0)), "");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn empty_long_and_odd_nonces_are_refused_and_not_stored() {
        let c = NonceCache::new(100);
        assert_eq!(code(c.check("k", "", T0, T0)), gateway::MISSING_PARAMETER);
        let long = "a".repeat(MAX_NONCE_LEN + 1);
        assert_eq!(
            code(c.check("k", &long, T0, T0)),
            gateway::INVALID_PARAMETER
        );
        assert_eq!(
            code(c.check("k", &"a".repeat(60 * 1024), T0, T0)),
            gateway::INVALID_PARAMETER
        );
        for odd in ["has space", "tab\t", "é", "nul\0"] {
            assert_eq!(
                code(c.check("k", odd, T0, T0)),
                gateway::INVALID_PARAMETER,
                "{odd:?}"
            );
        }
        assert!(c.is_empty());
        // The SDKs' forms pass.
        for ok in [
            "3156853299f313e23d1673dc12e1703d",
            "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            &"f".repeat(MAX_NONCE_LEN),
            "n-1",
        ] {
            assert_eq!(code(c.check("k", ok, T0, T0)), "", "{ok}");
        }
        let message = c
            .check("k", &"x".repeat(60 * 1024), T0, T0)
            .unwrap_err()
            .message;
        assert!(
            message.len() < 300,
            "the answer does not echo the nonce: {message}"
        );
    }

    #[test]
    fn entries_expire_with_the_skew_window_of_their_date() {
        let c = NonceCache::new(100);
        for i in 0..10 {
            c.check("k", &format!("n{i}"), T0, T0).unwrap();
        }
        assert_eq!(c.len(), 10);
        let edge = T0 + MAX_SKEW.as_secs();
        // Still within the window at its last second: kept, and a replay is refused.
        assert_eq!(code(c.check("k", "n0", T0, edge)), gateway::NONCE_USED);
        // One second later the date check refuses a replay by itself: the entries go.
        c.check("k", "fresh", edge + 1, edge + 1).unwrap();
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let c = NonceCache::new(1000);
        // A flood: 50,000 distinct nonces, 500 per second over 100 seconds.
        for i in 0..50_000u64 {
            let now = T0 + i / 500;
            c.check("k", &format!("{i:032x}"), now, now).unwrap();
            assert!(c.len() <= 1000);
        }
        assert!(!c.is_empty());
        assert_eq!(c.dropped_early(), 50_000 - c.len() as u64);
    }

    #[test]
    fn a_replay_of_a_nonce_dropped_early_is_still_refused() {
        let c = NonceCache::new(4);
        for i in 0..4 {
            c.check("k", &format!("old{i}"), T0, T0).unwrap();
        }
        // The next second's first nonce finds the cache full: the T0 second is dropped early.
        for i in 0..2 {
            c.check("k", &format!("new{i}"), T0 + 1, T0 + 1).unwrap();
        }
        assert_eq!(c.len(), 2);
        assert_eq!(c.dropped_early(), 4);
        // The cache no longer holds "old0", but a request dated T0 is refused, not accepted.
        assert_eq!(
            code(c.check("k", "old0", T0, T0 + 1)),
            gateway::SERVICE_UNAVAILABLE
        );
        // A request with a current date still passes.
        assert_eq!(code(c.check("k", "new2", T0 + 1, T0 + 1)), "");
        assert_eq!(c.len(), 3);
    }
}
