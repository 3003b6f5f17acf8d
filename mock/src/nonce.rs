//! The signature nonces seen recently, so that a replayed request is refused
//! (`SignatureNonceUsed`), in bounded memory whatever clients send.
//!
//! - **A nonce is 1 to [`MAX_NONCE_LEN`] printable ASCII characters** (no spaces). The SDKs send
//!   32 hex characters (signature V3) or a 36-character UUID (V2); 64 leaves room for a
//!   SHA-256 in hex and keeps an entry's key small. An empty nonce protects nothing and is
//!   refused as `MissingParameter`; a longer one, or one with other characters, as
//!   `InvalidParameter` (the gateway cannot parse it).
//! - **An entry matters as long as a replay could pass the date check**: until the request's
//!   own date plus the 15-minute skew, after which the date check refuses the replay anyway.
//! - **At most `capacity` entries, in one table allocated when the mock starts**, sized for
//!   twice the capacity so that at most half full it is only ever tidied in place, never grown:
//!   the cache's memory does not grow with traffic. Each entry is a keyed 64-bit fingerprint
//!   of (access key id, nonce) and its expiry second, so it costs the same whatever the
//!   client sent.
//! - **When the table is full**, expired entries are dropped first; if that is not enough,
//!   the entries that expire first are dropped early, down to 7/8 of the capacity, and the
//!   cache remembers up to which second it dropped them (its *floor*). A request whose entry
//!   would expire at or before the floor could be a replay the cache no longer remembers: it
//!   is refused as `ServiceUnavailable` (503, which clients retry, signing afresh with the
//!   current date). So a replay is never accepted; under a flood that outruns the capacity,
//!   only requests dated further back than the cache can hold are turned away.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use crate::errors::{Failure, gateway};

/// How far a request's date may be from the server's clock, either way; a nonce is kept as
/// long as a request carrying it could still be accepted. (Here, not in `verify`, so that
/// `verify` uses the cache and the cache depends on nothing of `verify`.)
pub const MAX_SKEW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The longest nonce accepted, in bytes.
pub const MAX_NONCE_LEN: usize = 64;

/// The default number of nonces remembered. A request's date names a second, so the cache
/// must hold more than one second of traffic; at the mock's measured peak of about 20,000
/// signed requests per second on loopback this is 2.5 seconds. Its table takes about 2 MiB.
pub const DEFAULT_CAPACITY: usize = 50_000;

/// Nonces seen within the window, per access key.
#[derive(Debug)]
pub struct NonceCache {
    inner: Mutex<Inner>,
    capacity: usize,
    // Keyed per cache, so that no client can aim fingerprints at one another.
    keys: RandomState,
}

#[derive(Debug)]
struct Inner {
    /// Fingerprint to the second (Unix time) after which a replay fails the date check.
    seen: HashMap<u64, u64>,
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
    /// A cache that remembers at most `capacity` nonces (at least 8), its table allocated now.
    pub fn new(capacity: usize) -> NonceCache {
        let capacity = capacity.max(8);
        NonceCache {
            inner: Mutex::new(Inner {
                // Dropped entries leave tombstones; a table at most half full reuses them by
                // rehashing in place instead of growing (the test below holds it to that).
                seen: HashMap::with_capacity(capacity.saturating_mul(2)),
                floor: 0,
                dropped_early: 0,
            }),
            capacity,
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
        match inner.seen.get(&fingerprint) {
            Some(&until) if until >= now => {
                return Err(Failure::gateway(
                    gateway::NONCE_USED,
                    format!("Specified signature nonce {nonce:?} was used already."),
                ));
            }
            // Expired: the slot is reused below.
            Some(_) => {}
            None if inner.seen.len() >= self.capacity => inner.make_room(self.capacity, now),
            None => {}
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
        inner.seen.insert(fingerprint, expires);
        Ok(())
    }

    /// How many nonces are held (expired ones included until their room is needed).
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most nonces it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Nonces dropped before they expired because the cache was full.
    pub fn dropped_early(&self) -> u64 {
        self.lock().dropped_early
    }
}

impl Inner {
    /// Frees room in a full table: expired entries first; then, if the table is still above
    /// 7/8 of `capacity`, the entries that expire first, raising the floor to their second.
    /// One pass over the table frees an eighth of it, so the work per request stays constant.
    fn make_room(&mut self, capacity: usize, now: u64) {
        self.seen.retain(|_, until| *until >= now);
        let target = capacity - capacity / 8;
        let excess = self.seen.len().saturating_sub(target);
        if excess == 0 {
            return;
        }
        // Every live entry expires within 30 minutes of now (dates are within 15 minutes):
        // count them per second to find the second that frees enough.
        let span = 2 * MAX_SKEW.as_secs() as usize + 2;
        let mut per_second = vec![0usize; span];
        for until in self.seen.values() {
            let i = usize::try_from(until.saturating_sub(now)).unwrap_or(usize::MAX);
            per_second[i.min(span - 1)] += 1;
        }
        let mut freed = 0;
        let mut last = span - 1;
        for (i, n) in per_second.iter().enumerate() {
            freed += n;
            if freed >= excess {
                last = i;
                break;
            }
        }
        let cut = now + last as u64;
        let before = self.seen.len();
        self.seen.retain(|_, until| *until > cut);
        self.dropped_early += (before - self.seen.len()) as u64;
        self.floor = self.floor.max(cut);
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
        assert_eq!(c.capacity(), 100);
        assert_eq!(NonceCache::new(0).capacity(), 8);
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
        let c = NonceCache::new(10);
        for i in 0..10 {
            c.check("k", &format!("n{i}"), T0, T0).unwrap();
        }
        assert_eq!(c.len(), 10);
        let edge = T0 + MAX_SKEW.as_secs();
        // Still within the window at its last second: kept, and a replay is refused.
        assert_eq!(code(c.check("k", "n0", T0, edge)), gateway::NONCE_USED);
        // One second later the date check refuses a replay by itself: the entry no longer
        // counts, and a full table makes room from expired entries, dropping nothing early.
        c.check("k", "n0", edge + 1, edge + 1).unwrap();
        c.check("k", "fresh", edge + 1, edge + 1).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.dropped_early(), 0);
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let c = NonceCache::new(1000);
        let allocated = c.lock().seen.capacity();
        // A flood: 50,000 distinct nonces, 500 per second over 100 seconds.
        for i in 0..50_000u64 {
            let now = T0 + i / 500;
            c.check("k", &format!("{i:032x}"), now, now).unwrap();
            assert!(c.len() <= 1000);
        }
        // The table allocated at the start was never grown. (`capacity()` counts the free
        // slots left, which removed entries' tombstones can lower, so it may read below the
        // start, never above: a growth would double it.)
        assert!(c.lock().seen.capacity() <= allocated);
        assert!(!c.is_empty());
        assert_eq!(c.dropped_early(), 50_000 - c.len() as u64);
    }

    #[test]
    fn a_replay_of_a_nonce_dropped_early_is_still_refused() {
        let c = NonceCache::new(8);
        for i in 0..8 {
            c.check("k", &format!("old{i}"), T0, T0).unwrap();
        }
        // The next second's first nonce finds the cache full: the T0 second is dropped early.
        for i in 0..2 {
            c.check("k", &format!("new{i}"), T0 + 1, T0 + 1).unwrap();
        }
        assert_eq!(c.len(), 2);
        assert_eq!(c.dropped_early(), 8);
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
