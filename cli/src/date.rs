//! `--signature-date`: RFC 3339 in, the wire's `YYYY-MM-DDThh:mm:ssZ` (UTC) out.

use std::time::Duration;

use dwdi_runtime::AcsDate;

const EXPECTED: &str =
    "expected RFC 3339 with whole seconds, e.g. 2024-01-02T03:04:05Z or 2024-01-02T11:04:05+08:00";

/// Parses an RFC 3339 date-time: `T`, `t` or a space between date and time; `Z`, `z` or a
/// `±hh:mm` offset, converted to UTC. Fractional seconds are refused: the signed date has
/// whole seconds, and dropping a fraction silently would sign a different instant.
pub fn parse_signature_date(text: &str) -> Result<AcsDate, String> {
    let bad = |reason: &str| format!("invalid --signature-date {text:?}: {reason}; {EXPECTED}");
    if !text.is_ascii() || text.len() < 20 {
        return Err(bad("too short or not ASCII"));
    }
    let (local, zone) = text.split_at(19);
    let mut local = local.as_bytes().to_vec();
    if matches!(local[10], b't' | b' ') {
        local[10] = b'T';
    }
    if zone.starts_with('.') {
        return Err(bad("fractional seconds are not supported"));
    }
    let offset_secs: i64 = match zone {
        "Z" | "z" => 0,
        _ => parse_offset(zone).ok_or_else(|| bad("the time zone is not Z or ±hh:mm"))?,
    };
    let mut wire = String::from_utf8_lossy(&local).into_owned();
    wire.push('Z');
    let date = AcsDate::parse(&wire).map_err(|e| bad(e.reason))?;
    // local = UTC + offset, so UTC = local - offset.
    let local_time = date.to_system_time();
    let utc = if offset_secs >= 0 {
        local_time.checked_sub(Duration::from_secs(offset_secs.unsigned_abs()))
    } else {
        local_time.checked_add(Duration::from_secs(offset_secs.unsigned_abs()))
    }
    .ok_or_else(|| bad("out of range"))?;
    if utc < std::time::UNIX_EPOCH {
        return Err(bad("before 1970"));
    }
    Ok(AcsDate::from_system_time(utc))
}

/// `+hh:mm` / `-hh:mm` → seconds east of UTC.
fn parse_offset(zone: &str) -> Option<i64> {
    let b = zone.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hh: i64 = zone.get(1..3)?.parse().ok()?;
    let mm: i64 = zone.get(4..6)?.parse().ok()?;
    if !zone[1..3].bytes().all(|c| c.is_ascii_digit())
        || !zone[4..6].bytes().all(|c| c.is_ascii_digit())
        || hh > 23
        || mm > 59
    {
        return None;
    }
    Some(sign * (hh * 3600 + mm * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> String {
        parse_signature_date(text)
            .map(|d| d.to_string())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn accepts_utc_and_offsets() {
        assert_eq!(ok("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05Z");
        assert_eq!(ok("2024-01-02t03:04:05z"), "2024-01-02T03:04:05Z");
        assert_eq!(ok("2024-01-02 03:04:05Z"), "2024-01-02T03:04:05Z");
        assert_eq!(ok("2024-01-02T11:04:05+08:00"), "2024-01-02T03:04:05Z");
        assert_eq!(ok("2024-01-01T22:04:05-05:00"), "2024-01-02T03:04:05Z");
        assert_eq!(ok("2024-01-02T03:04:05+00:00"), "2024-01-02T03:04:05Z");
    }

    #[test]
    fn refuses_with_a_reason() {
        for bad in [
            "",
            "2024-01-02",
            "2024-01-02T03:04:05",
            "2024-01-02T03:04:05.5Z",
            "2024-13-02T03:04:05Z",
            "2024-01-02T03:04:05+8:00",
            "2024-01-02T03:04:05+aa:00",
            "2024-01-02T03:04:05Zjunk",
            "1970-01-01T00:00:00+01:00",
            "2024-01-02T03:04:05—Z",
        ] {
            let e = parse_signature_date(bad).unwrap_err();
            assert!(
                e.contains("--signature-date") && e.contains("RFC 3339"),
                "{e}"
            );
        }
    }
}
