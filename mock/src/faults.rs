//! Fault injection for testing clients: `--fault throttle=0.2,error500=0.1,latency=50ms`, plus
//! any documented code on demand (`code=Invalid.DI.Parameter.File.Existed:0.1`), drawn from a
//! seeded RNG so that a run can be repeated exactly (`--seed`).
//!
//! Syntax: comma-separated `key=value`:
//! - `throttle=P`: answer `Throttling.User` (429) with `x-acs-retry-after`;
//! - `retry-after=DURATION`: the `x-acs-retry-after` of throttled answers (default 100ms);
//! - `error500=P`: answer the operation's documented 500 code;
//! - `code=CODE:P`: answer CODE (an operation's documented code, for the operations that
//!   document it, or a gateway code), repeatable;
//! - `latency=DURATION`: delay every answer (`50ms`, `1s`);
//! - `applied-drop=P`: carry the request out, then close the connection without answering
//!   (an answer lost on the way back);
//! - `applied-503=P`: carry the request out, then answer `ServiceUnavailable` (503), as a proxy
//!   does that forwarded the request and lost the answer.
//!
//! The last two reproduce what makes idempotency tokens necessary: a client that retries
//! such a call without one makes the service act twice.
//!
//! One uniform draw per authenticated request picks at most one fault, so the probabilities
//! must add up to at most 1. Each key may be given once (`code=` once per code): a repeated
//! key is refused rather than the last one silently winning.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::errors;

/// What `--fault` asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultConfig {
    /// Probability of a throttled answer.
    pub throttle: f64,
    /// `x-acs-retry-after` of a throttled answer.
    pub retry_after: Duration,
    /// Probability of the operation's documented 500 code.
    pub error500: f64,
    /// Codes on demand, with their probabilities.
    pub codes: Vec<(String, f64)>,
    /// Delay before every answer.
    pub latency: Duration,
    /// Probability that a request is carried out and its connection then closed unanswered.
    pub applied_drop: f64,
    /// Probability that a request is carried out and then answered 503.
    pub applied_503: f64,
}

/// A fault picked for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A throttled answer.
    Throttle,
    /// The operation's 500 code.
    Error500,
    /// This code.
    Code(String),
    /// Carry the request out, then close the connection without an answer.
    AppliedThenDropped,
    /// Carry the request out, then answer 503.
    AppliedThen503,
}

impl Fault {
    /// Whether the request is carried out before the fault strikes (the answer is lost).
    pub fn applies_request(&self) -> bool {
        matches!(self, Fault::AppliedThenDropped | Fault::AppliedThen503)
    }
}

/// Why a `--fault` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSyntaxError(pub String);

impl std::fmt::Display for FaultSyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid --fault: {}", self.0)
    }
}

impl std::error::Error for FaultSyntaxError {}

/// `50ms`, `2s`, or a bare number of milliseconds.
pub fn parse_duration(s: &str) -> Result<Duration, FaultSyntaxError> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000)
    } else {
        (s, 1)
    };
    num.trim()
        .parse::<u64>()
        .map(|n| Duration::from_millis(n.saturating_mul(scale)))
        .map_err(|_| FaultSyntaxError(format!("{s:?} is not a duration such as 50ms or 2s")))
}

fn probability(key: &str, s: &str) -> Result<f64, FaultSyntaxError> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(FaultSyntaxError(format!(
            "{key}={s}: a probability is a number from 0 to 1"
        ))),
    }
}

impl FromStr for FaultConfig {
    type Err = FaultSyntaxError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut cfg = FaultConfig {
            retry_after: Duration::from_millis(100),
            ..FaultConfig::default()
        };
        let mut seen: Vec<&str> = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| FaultSyntaxError(format!("{item:?} is not key=value")))?;
            let key = key.trim();
            if key != "code" {
                if seen.contains(&key) {
                    return Err(FaultSyntaxError(format!(
                        "{key} is given more than once; give each kind once"
                    )));
                }
                seen.push(key);
            }
            match key {
                "throttle" => cfg.throttle = probability(key, value)?,
                "error500" => cfg.error500 = probability(key, value)?,
                "applied-drop" => cfg.applied_drop = probability(key, value)?,
                "applied-503" => cfg.applied_503 = probability(key, value)?,
                "latency" => cfg.latency = parse_duration(value)?,
                "retry-after" => cfg.retry_after = parse_duration(value)?,
                "code" => {
                    let (code, p) = value.rsplit_once(':').ok_or_else(|| {
                        FaultSyntaxError(format!("code={value}: expected code=CODE:PROBABILITY"))
                    })?;
                    if !errors::knows(code) {
                        return Err(FaultSyntaxError(format!(
                            "code={code}: not a code the spec documents"
                        )));
                    }
                    if cfg.codes.iter().any(|(c, _)| c == code) {
                        return Err(FaultSyntaxError(format!(
                            "code={code} is given more than once; give each code once"
                        )));
                    }
                    cfg.codes.push((code.to_owned(), probability(key, p)?));
                }
                other => {
                    return Err(FaultSyntaxError(format!(
                        "unknown key {other:?}; expected throttle, retry-after, error500, code, \
                         applied-drop, applied-503 or latency"
                    )));
                }
            }
        }
        let total = cfg.throttle
            + cfg.error500
            + cfg.applied_drop
            + cfg.applied_503
            + cfg.codes.iter().map(|(_, p)| p).sum::<f64>();
        if total > 1.0 + 1e-9 {
            return Err(FaultSyntaxError(format!(
                "the probabilities add up to {total}, more than 1"
            )));
        }
        Ok(cfg)
    }
}

/// The seeded source of faults.
#[derive(Debug)]
pub struct Faults {
    config: FaultConfig,
    rng: Mutex<StdRng>,
}

impl Faults {
    /// Faults per `config`, drawn from a generator seeded with `seed`.
    pub fn new(config: FaultConfig, seed: u64) -> Faults {
        Faults {
            config,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Whether any fault can be drawn.
    pub fn active(&self) -> bool {
        self.config.throttle > 0.0
            || self.config.error500 > 0.0
            || self.config.applied_drop > 0.0
            || self.config.applied_503 > 0.0
            || self.config.codes.iter().any(|(_, p)| *p > 0.0)
    }

    /// The fault for the next request, if any: one draw, in arrival order.
    pub fn draw(&self) -> Option<Fault> {
        if !self.active() {
            return None;
        }
        let x: f64 = match self.rng.lock() {
            Ok(mut rng) => rng.random(),
            Err(poisoned) => poisoned.into_inner().random(),
        };
        let mut edge = self.config.throttle;
        if x < edge {
            return Some(Fault::Throttle);
        }
        edge += self.config.error500;
        if x < edge {
            return Some(Fault::Error500);
        }
        for (code, p) in &self.config.codes {
            edge += p;
            if x < edge {
                return Some(Fault::Code(code.clone()));
            }
        }
        edge += self.config.applied_drop;
        if x < edge {
            return Some(Fault::AppliedThenDropped);
        }
        edge += self.config.applied_503;
        if x < edge {
            return Some(Fault::AppliedThen503);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_syntax() {
        // A code the spec documents, whichever it is.
        let code = dataworks_di::meta::OPERATIONS[0].errors[0].code;
        let cfg: FaultConfig = format!("throttle=0.2,error500=0.1,latency=50ms,code={code}:0.1")
            .parse()
            .unwrap();
        assert_eq!(cfg.throttle, 0.2);
        assert_eq!(cfg.error500, 0.1);
        assert_eq!(cfg.latency, Duration::from_millis(50));
        assert_eq!(cfg.retry_after, Duration::from_millis(100));
        assert_eq!(cfg.codes, vec![(code.to_owned(), 0.1)]);
        for bad in [
            "throttle=2",
            "nope=1",
            "code=No.Such.Code:0.1",
            "throttle=0.6,error500=0.6",
            "latency=fast",
            "applied-drop=0.6,applied-503=0.6",
        ] {
            assert!(bad.parse::<FaultConfig>().is_err(), "{bad}");
        }
        let cfg: FaultConfig = "applied-drop=0.25,applied-503=0.5".parse().unwrap();
        assert_eq!((cfg.applied_drop, cfg.applied_503), (0.25, 0.5));
    }

    #[test]
    fn a_repeated_kind_is_refused_not_overwritten() {
        for bad in [
            "throttle=0.1,throttle=0.2",
            "latency=5ms,latency=10ms",
            "retry-after=1s,error500=0.1,retry-after=2s",
            "applied-503=0.1,applied-503=0.1",
            "code=Invalid.DI.Parameter.File.Existed:0.1,code=Invalid.DI.Parameter.File.Existed:0.2",
        ] {
            let e = bad.parse::<FaultConfig>().unwrap_err();
            assert!(e.0.contains("more than once"), "{bad}: {e}");
        }
        // Different codes are different kinds.
        let cfg: FaultConfig = "code=Invalid.DI.Parameter.File.Existed:0.1,code=Throttling.Api:0.1"
            .parse()
            .unwrap();
        assert_eq!(cfg.codes.len(), 2);
    }

    #[test]
    fn applied_faults_are_drawn_and_say_the_request_is_carried_out() {
        let always = |spec: &str| Faults::new(spec.parse().unwrap(), 1).draw();
        assert_eq!(always("applied-drop=1"), Some(Fault::AppliedThenDropped));
        assert_eq!(always("applied-503=1"), Some(Fault::AppliedThen503));
        assert!(Fault::AppliedThen503.applies_request());
        assert!(!Fault::Throttle.applies_request());
    }

    #[test]
    fn a_seed_repeats_the_same_faults() {
        let cfg: FaultConfig = "throttle=0.3,error500=0.3".parse().unwrap();
        let run = |seed| {
            let f = Faults::new(cfg.clone(), seed);
            (0..50).map(|_| f.draw()).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        assert!(run(7).contains(&Some(Fault::Throttle)));
        assert!(run(7).contains(&None));
    }
}
