//! The sandbox's clock and its random ids.

use time::macros::{format_description, offset};
use time::OffsetDateTime;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Random lower-case hex for sandbox ids and nonces. The sandbox holds no secrets: without
/// randomness it falls back to the clock (ids also carry sequence numbers).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    match getrandom::getrandom(&mut buf) {
        Ok(()) => buf.iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => format!("{:x}", now_ms()),
    }
}

/// `2026-11-25 18:30:00` in China / Hong Kong time (UTC+8), as the gateway reports a
/// payment's `trade_time`.
pub fn china_datetime(unix_ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(unix_ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset!(+8));
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn trade_times_are_china_time() {
        // 2026-11-25 02:00:00 UTC.
        assert_eq!(
            super::china_datetime(1_795_572_000_000),
            "2026-11-25 10:00:00"
        );
        assert_eq!(super::china_datetime(0), "1970-01-01 08:00:00");
    }

    #[test]
    fn random_ids_are_hex_of_the_asked_length() {
        let id = super::random_hex(8);
        assert_eq!(id.len(), 16);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
