//! Reading the back office's form fields: the browser can send any text.

use crate::error::ShopError;

/// A whole number in `range`; empty is `default`; anything else is the invalid-input error
/// `err` (the merchant's message).
pub(super) fn number(
    raw: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    err: &str,
) -> Result<i64, ShopError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(default);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| ShopError::Invalid(err.to_owned()))
}
