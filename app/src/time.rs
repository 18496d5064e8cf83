//! Civil dates and the shop's time zone, in one place. Buyers read times, the gateway reports
//! `trade_time`, and the dashboard counts days in China / Hong Kong time (UTC+8); order
//! numbers and the count of refused notifications use UTC. The calendar is the `time`
//! crate's, on the server only: the browser build does not carry it (see [`display_ms`]).

/// China / Hong Kong time (UTC+8), in which buyers read times and the gateway reports them.
pub const CHINA_OFFSET_SECS: i64 = 8 * 3600;

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::CHINA_OFFSET_SECS;
    use time::{Date, Month, OffsetDateTime, UtcOffset};

    /// UTC+8 (China has no daylight saving time).
    pub const CHINA: UtcOffset = match UtcOffset::from_whole_seconds(CHINA_OFFSET_SECS as i32) {
        Ok(offset) => offset,
        Err(_) => panic!("UTC+8 is a valid offset"),
    };

    /// The instant at unix seconds, seen at `offset`. Only instants beyond the year 9999,
    /// which the shop never stores, fall back to the epoch.
    fn at(unix_secs: i64, offset: UtcOffset) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix_secs)
            .ok()
            .and_then(|t| t.checked_to_offset(offset))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    fn offset(offset_secs: i64) -> UtcOffset {
        i32::try_from(offset_secs)
            .ok()
            .and_then(|s| UtcOffset::from_whole_seconds(s).ok())
            .unwrap_or(UtcOffset::UTC)
    }

    fn ymd(t: OffsetDateTime) -> String {
        format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
    }

    /// `YYYY-MM-DD HH:MM:SS` at a UTC offset in seconds (the gateway's trade_time has no
    /// zone; it is Hong Kong / China time, UTC+8).
    pub fn format_datetime(unix_secs: i64, offset_secs: i64) -> String {
        let t = at(unix_secs, offset(offset_secs));
        format!(
            "{} {:02}:{:02}:{:02}",
            ymd(t),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    /// A unix-milliseconds time for a buyer's page: `2026-11-25 18:30`, China time.
    pub fn display_ms(unix_ms: i64) -> String {
        let t = at(unix_ms.div_euclid(1000), CHINA);
        format!("{} {:02}:{:02}", ymd(t), t.hour(), t.minute())
    }

    /// The UTC day of unix seconds: `2026-11-25`.
    pub fn utc_day(unix_secs: i64) -> String {
        ymd(at(unix_secs, UtcOffset::UTC))
    }

    /// `yyMMddHHmmss` in UTC, the sortable stamp in an order number.
    pub fn utc_stamp(unix_secs: i64) -> String {
        let t = at(unix_secs, UtcOffset::UTC);
        format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}",
            t.year().rem_euclid(100),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    /// The China day of unix milliseconds, as the dashboard's chart labels it: `11-25`.
    pub fn china_month_day(unix_ms: i64) -> String {
        let t = at(unix_ms.div_euclid(1000), CHINA);
        format!("{:02}-{:02}", u8::from(t.month()), t.day())
    }

    /// Midnight starting the China day of `unix_ms`, in unix milliseconds.
    pub fn china_midnight_ms(unix_ms: i64) -> i64 {
        let t = at(unix_ms.div_euclid(1000), CHINA);
        t.replace_time(time::Time::MIDNIGHT).unix_timestamp() * 1000
    }

    /// Unix seconds of midnight starting `YYYY-MM-DD` at a UTC offset, or `None` if
    /// malformed or a date that does not exist (2026-02-30).
    pub fn parse_date(raw: &str, offset_secs: i64) -> Option<i64> {
        let mut parts = raw.trim().splitn(3, '-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m: i64 = parts.next()?.parse().ok()?;
        let d: i64 = parts.next()?.parse().ok()?;
        if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
        let date =
            Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()?;
        Some(
            date.midnight()
                .assume_offset(offset(offset_secs))
                .unix_timestamp(),
        )
    }
}

/// The browser build's [`display_ms`]. Pages render on the server and only islands hydrate,
/// so this never runs today; it exists because page components compile for the browser too,
/// and it uses the browser's own calendar (`Date`) rather than shipping a date library.
#[cfg(not(feature = "ssr"))]
pub fn display_ms(unix_ms: i64) -> String {
    let d = js_sys::Date::new_0();
    d.set_time((unix_ms + CHINA_OFFSET_SECS * 1000) as f64);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date(),
        d.get_utc_hours(),
        d.get_utc_minutes()
    )
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(utc_day(0), "1970-01-01");
        assert_eq!(utc_day(951_782_400), "2000-02-29");
        assert_eq!(format_datetime(1_795_651_199, 0), "2026-11-25 23:59:59");
        assert_eq!(
            format_datetime(1_795_651_199, 8 * 3600),
            "2026-11-26 07:59:59"
        );
        assert_eq!(utc_stamp(1_795_651_199), "261125235959");
        assert_eq!(display_ms(1_795_651_199_999), "2026-11-26 07:59");
        assert_eq!(china_month_day(1_795_651_199_000), "11-26");
    }

    #[test]
    fn dates_parse_at_an_offset_and_only_if_they_exist() {
        assert_eq!(parse_date("2026-11-26", 0), Some(1_795_651_200));
        assert_eq!(
            parse_date(" 2026-11-26 ", CHINA_OFFSET_SECS),
            Some(1_795_651_200 - 8 * 3600)
        );
        assert_eq!(parse_date("2024-02-29", 0), Some(1_709_164_800));
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "1969-12-31",
            "2026-13-01",
            "2026-11",
            "x",
        ] {
            assert_eq!(parse_date(bad, 0), None, "{bad}");
        }
    }

    /// The hand-written calendar this module replaced (Howard Hinnant's civil_from_days),
    /// kept as the oracle: the `time` crate gives the same text for every instant.
    fn reference_parts(unix_secs: i64) -> (i64, i64, i64, i64, i64, i64) {
        let days = unix_secs.div_euclid(86_400);
        let secs = unix_secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day, secs / 3600, (secs % 3600) / 60, secs % 60)
    }

    proptest::proptest! {
        #[test]
        fn the_same_text_as_the_hand_written_calendar(secs in 0i64..253_402_300_799 - 8 * 3600) {
            let (y, mo, d, h, mi, s) = reference_parts(secs + CHINA_OFFSET_SECS);
            proptest::prop_assert_eq!(
                format_datetime(secs, CHINA_OFFSET_SECS),
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            );
            proptest::prop_assert_eq!(
                display_ms(secs * 1000 + 999),
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
            );
            proptest::prop_assert_eq!(china_month_day(secs * 1000), format!("{mo:02}-{d:02}"));
            let midnight = secs + CHINA_OFFSET_SECS - (secs + CHINA_OFFSET_SECS).rem_euclid(86_400);
            proptest::prop_assert_eq!(china_midnight_ms(secs * 1000), (midnight - CHINA_OFFSET_SECS) * 1000);
            proptest::prop_assert_eq!(
                parse_date(&format!("{y}-{mo}-{d}"), CHINA_OFFSET_SECS),
                Some(midnight - CHINA_OFFSET_SECS)
            );
            let (y, mo, d, h, mi, s) = reference_parts(secs);
            proptest::prop_assert_eq!(utc_day(secs), format!("{y:04}-{mo:02}-{d:02}"));
            proptest::prop_assert_eq!(
                utc_stamp(secs),
                format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}", y % 100)
            );
        }
    }
}
