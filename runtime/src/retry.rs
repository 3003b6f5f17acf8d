//! Retry policy: which failures are retried, how long to wait, and when to give up.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use rand::Rng;

use crate::error::{Error, ErrorKind};

/// When and how to retry. Retryable: throttling, transient (connection, timeout, 502–504)
/// and server (other 5xx) errors; see [`ErrorKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, first included (1 = no retries).
    pub max_attempts: u32,
    /// The backoff before the first retry, doubled for each further one.
    pub initial_backoff: Duration,
    /// The cap on a computed backoff. A server's `x-acs-retry-after` is honoured even when
    /// longer (the budget still bounds it).
    pub max_backoff: Duration,
    /// Time allowed for the whole call, attempts and waits together. A retry whose wait
    /// would cross it is not made.
    pub total_budget: Duration,
    /// Randomise each backoff within its upper half, so that clients throttled together do
    /// not retry together.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            total_budget: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The exponential backoff before retry number `retry` (1 = the first retry), capped
    /// at `max_backoff`, and jittered into `[d/2, d]` when `jitter` is set.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let d = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        if !self.jitter || d.is_zero() {
            return d;
        }
        let half = d / 2;
        let nanos = u64::try_from((d - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }

    /// The wait before retry number `retry` after `error`: the server's `x-acs-retry-after`
    /// when it gave one, else [`RetryPolicy::backoff`].
    pub fn delay_for(&self, retry: u32, error: &Error) -> Duration {
        if error.kind() == ErrorKind::Throttling {
            if let Some(d) = error.service_error().and_then(|e| e.retry_after) {
                return d;
            }
        }
        self.backoff(retry)
    }
}

/// A boxed, sendable future returned by [`Sleeper::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Waits between attempts. Injectable so tests can record the delays instead of sleeping.
pub trait Sleeper: Send + Sync {
    /// Completes after `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// Sleeps with `tokio::time::sleep` (and so follows a paused test clock).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            jitter: false,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        let got: Vec<u128> = (1..=6).map(|r| p.backoff(r).as_millis()).collect();
        assert_eq!(got, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.backoff(200), Duration::from_millis(1000));
    }

    #[test]
    fn jittered_backoff_stays_in_upper_half() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(400),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            let d = p.backoff(1);
            assert!(
                d >= Duration::from_millis(200) && d <= Duration::from_millis(400),
                "{d:?}"
            );
        }
    }
}
