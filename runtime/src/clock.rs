//! The signing clock and nonce source, injectable so that a signature can be reproduced
//! (`dwdi call --dry-run --signature-date --signature-nonce`) and tests are deterministic.
//!
//! Dates are formatted by a small civil-from-days conversion rather than a date crate: the
//! runtime needs exactly one UTC format, and this keeps the dependency tree (and the 2-core
//! build) small.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;

/// A source of the current time for `x-acs-date` / `Timestamp`.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant (dry-run with `--signature-date`, tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// A clock stopped at a `YYYY-MM-DDThh:mm:ssZ` date.
    pub fn parse(date: &str) -> Result<Self, DateParseError> {
        Ok(FixedClock(AcsDate::parse(date)?.to_system_time()))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// A clock that moves only when told to, shared by its clones: tests move time through a
/// credential expiry without sleeping.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: SystemTime) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }

    /// Sets the time.
    pub fn set(&self, to: SystemTime) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A source of signature nonces (`x-acs-signature-nonce` / `SignatureNonce`).
pub trait NonceSource: Send + Sync {
    /// A fresh nonce. Must be unique per request: the service rejects a reused one.
    fn nonce(&self) -> String;
}

/// 32 random lower-case hex characters (128 bits), as the official SDKs send.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomNonce;

impl NonceSource for RandomNonce {
    fn nonce(&self) -> String {
        let bytes: [u8; 16] = rand::rng().random();
        let mut buf = [0u8; 32];
        // Cannot fail: the buffer is exactly twice the input length.
        let _ = hex::encode_to_slice(bytes, &mut buf);
        buf.iter().map(|&b| b as char).collect()
    }
}

/// Always the same nonce (dry-run with `--signature-nonce`, tests). Sending two requests with
/// one nonce makes the service answer `SignatureNonceUsed`.
#[derive(Debug, Clone)]
pub struct FixedNonce(pub String);

impl NonceSource for FixedNonce {
    fn nonce(&self) -> String {
        self.0.clone()
    }
}

/// A UTC date in the wire format `YYYY-MM-DDThh:mm:ssZ`, held on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AcsDate([u8; 20]);

/// A date string that is not `YYYY-MM-DDThh:mm:ssZ`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid signature date {input:?}: {reason}; expected UTC `YYYY-MM-DDThh:mm:ssZ`, e.g. 2023-10-26T10:22:32Z"
)]
pub struct DateParseError {
    /// The rejected input.
    pub input: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl AcsDate {
    /// Formats a point in time (whole seconds, UTC). Times before 1970 clamp to the epoch.
    pub fn from_system_time(t: SystemTime) -> Self {
        let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Self::from_unix(secs)
    }

    /// Formats seconds since the Unix epoch.
    pub fn from_unix(secs: u64) -> Self {
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (rem / 3600, (rem / 60) % 60, rem % 60);
        let mut b = *b"0000-00-00T00:00:00Z";
        let y = y.clamp(0, 9999) as u64;
        put(&mut b[0..4], y);
        put(&mut b[5..7], m as u64);
        put(&mut b[8..10], d as u64);
        put(&mut b[11..13], hh);
        put(&mut b[14..16], mm);
        put(&mut b[17..19], ss);
        AcsDate(b)
    }

    /// Parses `YYYY-MM-DDThh:mm:ssZ` (UTC).
    pub fn parse(s: &str) -> Result<Self, DateParseError> {
        let err = |reason| DateParseError {
            input: s.to_owned(),
            reason,
        };
        let b = s.as_bytes();
        if b.len() != 20 {
            return Err(err("wrong length"));
        }
        let shape_ok = b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z';
        if !shape_ok {
            return Err(err("separators are not `-`, `T`, `:` and a final `Z`"));
        }
        let num = |r: std::ops::Range<usize>| -> Result<u64, DateParseError> {
            let part = &b[r];
            if !part.iter().all(u8::is_ascii_digit) {
                return Err(err("a date or time field is not all digits"));
            }
            Ok(part
                .iter()
                .fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0')))
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y as i64, m as u32) {
            return Err(err("no such calendar day"));
        }
        if hh > 23 || mm > 59 || ss > 59 {
            return Err(err("no such time of day"));
        }
        if y < 1970 {
            return Err(err("before 1970"));
        }
        let days = days_from_civil(y as i64, m as u32, d as u32) as u64;
        Ok(Self::from_unix(days * 86_400 + hh * 3600 + mm * 60 + ss))
    }

    /// The date as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written, so this cannot fail.
        std::str::from_utf8(&self.0).unwrap_or("1970-01-01T00:00:00Z")
    }

    /// The same instant as a `SystemTime`.
    pub fn to_system_time(&self) -> SystemTime {
        let b = &self.0;
        let n = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'))
        };
        let days = days_from_civil(n(0..4) as i64, n(5..7) as u32, n(8..10) as u32).max(0) as u64;
        UNIX_EPOCH
            + Duration::from_secs(days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19))
    }
}

impl fmt::Display for AcsDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AcsDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AcsDate({})", self.as_str())
    }
}

/// Writes `v` as zero-padded decimal filling `dst`.
fn put(dst: &mut [u8], mut v: u64) {
    for slot in dst.iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
/// Works in 400-year eras (146 097 days each) counted from March, so that the leap day is
/// the last day of the shifted year and needs no special case.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // shift the epoch to 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of (March-based) year
    let mp = (5 * doy + 2) / 153; // March-based month, 0..=11
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// (year, month, day) → days since 1970-01-01; the inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(AcsDate::from_unix(0).as_str(), "1970-01-01T00:00:00Z");
        // 2023-10-26T10:22:32Z, the V3 vector's date.
        assert_eq!(
            AcsDate::from_unix(1_698_315_752).as_str(),
            "2023-10-26T10:22:32Z"
        );
        // A leap day.
        assert_eq!(
            AcsDate::from_unix(951_782_400).as_str(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            AcsDate::from_unix(4_102_444_799).as_str(),
            "2099-12-31T23:59:59Z"
        );
    }

    #[test]
    fn parse_round_trips_every_day_for_a_few_centuries() {
        let mut days = 0i64;
        while days < 200 * 366 {
            let secs = days as u64 * 86_400 + 45_296;
            let d = AcsDate::from_unix(secs);
            assert_eq!(AcsDate::parse(d.as_str()), Ok(d));
            assert_eq!(d.to_system_time(), UNIX_EPOCH + Duration::from_secs(secs));
            days += 1;
        }
    }

    #[test]
    fn parse_rejects_bad_dates_with_a_reason() {
        for bad in [
            "2023-10-26 10:22:32Z",
            "2023-02-30T00:00:00Z",
            "2023-10-26T24:00:00Z",
            "2023-10-26T10:22:32",
            "20x3-10-26T10:22:32Z",
        ] {
            let e = AcsDate::parse(bad).unwrap_err();
            assert!(e.to_string().contains("YYYY-MM-DDThh:mm:ssZ"), "{e}");
        }
    }

    #[test]
    fn random_nonce_is_32_hex_and_fresh() {
        let a = RandomNonce.nonce();
        let b = RandomNonce.nonce();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }
}
