//! Durations on the command line: `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds.

use std::time::Duration;

/// The longest duration accepted: a day, far beyond any sensible wait or timeout, and far from
/// the overflow of a deadline computed from it.
const MAX: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses a duration; refuses zero, which would time out at once.
pub fn parse(text: &str) -> Result<Duration, String> {
    let bad =
        |why: &str| format!("invalid duration {text:?}: {why}; expected e.g. 500ms, 30s, 5m or 1h");
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| bad("no number"))?;
    let per_unit = match unit {
        "ms" => Duration::from_millis(1),
        "" | "s" => Duration::from_secs(1),
        "m" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        _ => return Err(bad("unknown unit")),
    };
    let d = per_unit
        .checked_mul(u32::try_from(n).map_err(|_| bad("too long"))?)
        .ok_or_else(|| bad("too long"))?;
    if d.is_zero() {
        return Err(bad("zero"));
    }
    if d > MAX {
        return Err(bad("longer than a day"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_units() {
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
    }

    #[test]
    fn refuses_with_a_reason() {
        for bad in [
            "",
            "s",
            "0s",
            "-1s",
            "1.5s",
            "10 s",
            "10d",
            "25h",
            "99999999999s",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("expected e.g. 500ms"), "{bad}: {e}");
        }
    }
}
