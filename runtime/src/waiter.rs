//! A polling loop for asynchronous operations (e.g. waiting for
//! `QueryDISyncTaskConfigProcessResult` to report `success` or `fail`).
//!
//! Generic over an async poll closure; the generated waiters decide what "done" and "failed"
//! mean for their operation.

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;

/// What one poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll<T, E> {
    /// Finished successfully.
    Done(T),
    /// Not finished; poll again.
    Pending,
    /// Reached a failure state (or a poll failed in a way not worth retrying).
    Failed(E),
}

/// How often to poll and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiterConfig {
    /// The shortest wait between polls (and the first one).
    pub min_delay: Duration,
    /// The longest wait between polls; waits double from `min_delay` up to this.
    pub max_delay: Duration,
    /// Give up once this much time has passed since the first poll.
    pub max_wait: Duration,
    /// Randomise each wait within `[min_delay, current]`.
    pub jitter: bool,
}

impl Default for WaiterConfig {
    fn default() -> Self {
        WaiterConfig {
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15),
            max_wait: Duration::from_secs(300),
            jitter: true,
        }
    }
}

/// Why waiting ended without a result.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WaitError<E> {
    /// Still pending when `max_wait` ran out.
    #[error(
        "still pending after waiting {waited:?} over {polls} polls (maximum wait {max_wait:?})"
    )]
    Timeout {
        /// Time spent.
        waited: Duration,
        /// Polls made.
        polls: u32,
        /// The configured limit.
        max_wait: Duration,
    },
    /// The operation reached a failure state.
    #[error("reached a failure state: {0}")]
    Failed(E),
}

/// Polls until `poll` returns `Done` or `Failed`, or `max_wait` passes. The first poll is
/// immediate; the last one happens at the deadline, so a slow operation gets its full time.
/// `poll` receives the poll number (1-based). Uses tokio time, so tests can pause it.
pub async fn wait<T, E, F, Fut>(config: &WaiterConfig, mut poll: F) -> Result<T, WaitError<E>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Poll<T, E>>,
{
    let start = Instant::now();
    let min = config.min_delay;
    let max = config.max_delay.max(min);
    let mut ceiling = min;
    let mut polls = 0u32;
    loop {
        polls += 1;
        match poll(polls).await {
            Poll::Done(v) => return Ok(v),
            Poll::Failed(e) => return Err(WaitError::Failed(e)),
            Poll::Pending => {}
        }
        let waited = start.elapsed();
        if waited >= config.max_wait {
            return Err(WaitError::Timeout {
                waited,
                polls,
                max_wait: config.max_wait,
            });
        }
        let mut delay = if config.jitter && ceiling > min {
            let span = u64::try_from((ceiling - min).as_nanos()).unwrap_or(u64::MAX);
            min + Duration::from_nanos(rand::rng().random_range(0..=span))
        } else {
            ceiling
        };
        delay = delay.min(config.max_wait - waited);
        tokio::time::sleep(delay).await;
        ceiling = ceiling.saturating_mul(2).min(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(jitter: bool) -> WaiterConfig {
        WaiterConfig {
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(4),
            max_wait: Duration::from_secs(20),
            jitter,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn done_after_pending_polls_with_doubling_capped_delays() {
        let start = Instant::now();
        let mut seen = Vec::new();
        let r: Result<&str, WaitError<()>> = wait(&cfg(false), |n| {
            seen.push(start.elapsed().as_secs());
            async move {
                if n < 5 {
                    Poll::Pending
                } else {
                    Poll::Done("ok")
                }
            }
        })
        .await;
        assert_eq!(r, Ok("ok"));
        // Delays 1, 2, 4, 4 (capped) between the polls.
        assert_eq!(seen, [0, 1, 3, 7, 11]);
    }

    #[tokio::test(start_paused = true)]
    async fn failure_state_is_typed() {
        let r: Result<(), WaitError<String>> = wait(&cfg(true), |n| async move {
            if n < 3 {
                Poll::Pending
            } else {
                Poll::Failed(format!("fail at poll {n}"))
            }
        })
        .await;
        assert_eq!(r, Err(WaitError::Failed("fail at poll 3".to_owned())));
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_with_a_final_poll_at_the_deadline() {
        let start = Instant::now();
        let mut last = Duration::ZERO;
        let r: Result<(), WaitError<()>> = wait(&cfg(true), |_| {
            last = start.elapsed();
            async { Poll::Pending }
        })
        .await;
        match r {
            Err(WaitError::Timeout {
                waited,
                polls,
                max_wait,
            }) => {
                assert_eq!(max_wait, Duration::from_secs(20));
                assert_eq!(waited, Duration::from_secs(20));
                assert!(polls >= 6, "polls {polls}");
                assert_eq!(last, Duration::from_secs(20));
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn jittered_delays_stay_within_bounds() {
        let start = Instant::now();
        let mut times = Vec::new();
        let _: Result<(), WaitError<()>> = wait(&cfg(true), |n| {
            times.push(start.elapsed());
            async move { if n < 8 { Poll::Pending } else { Poll::Done(()) } }
        })
        .await;
        for w in times.windows(2) {
            let d = w[1] - w[0];
            assert!(
                d >= Duration::from_secs(1) && d <= Duration::from_secs(4),
                "{d:?}"
            );
        }
    }
}
