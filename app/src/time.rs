//! Calendar arithmetic for the few places that need a civil date (order numbers, the
//! gateway's `trade_time`, times on the buyer's pages), without a date library.

/// `(year, month, day, hour, minute, second)` in UTC for unix seconds.
pub fn utc_parts(unix_secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (secs / 3600) as u32,
        ((secs % 3600) / 60) as u32,
        (secs % 60) as u32,
    )
}

/// `YYYY-MM-DD HH:MM:SS` at a UTC offset in seconds (the gateway's trade_time has no zone;
/// it is Hong Kong / China time, UTC+8).
pub fn format_datetime(unix_secs: i64, offset_secs: i64) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(unix_secs + offset_secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// China / Hong Kong time (UTC+8), in which buyers read times and the gateway reports them.
pub const CHINA_OFFSET_SECS: i64 = 8 * 3600;

/// A unix-milliseconds time for a buyer's page: `2026-11-25 18:30`.
pub fn display_ms(unix_ms: i64) -> String {
    let (y, mo, d, h, mi, _) = utc_parts(unix_ms.div_euclid(1000) + CHINA_OFFSET_SECS);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
}

/// Unix seconds of midnight starting `YYYY-MM-DD` at a UTC offset, or `None` if malformed.
pub fn parse_date(raw: &str, offset_secs: i64) -> Option<i64> {
    let mut parts = raw.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 - offset_secs;
    // Refuse dates that do not exist (2026-02-30 would round-trip to March).
    let (ry, rm, rd, ..) = utc_parts(secs + offset_secs);
    (ry == y && i64::from(rm) == m && i64::from(rd) == d).then_some(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(utc_parts(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(utc_parts(951_782_400), (2000, 2, 29, 0, 0, 0));
        assert_eq!(utc_parts(1_795_651_199), (2026, 11, 25, 23, 59, 59));
        assert_eq!(
            format_datetime(1_795_651_199, 8 * 3600),
            "2026-11-26 07:59:59"
        );
    }
}
