//! Money is an integer count of the currency's minor unit plus the currency. It is never a
//! float: prices come from the database as minor units and are only turned into text for
//! display (and, in the gateway client, into the gateway's decimal strings).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency the shop can price in. The gateway settles in these; the exponent
/// (digits after the decimal point) matters because JPY and KRW have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    Hkd,
    Cny,
    Usd,
    Jpy,
    Krw,
    Eur,
    Gbp,
    Sgd,
    Aud,
    Mop,
}

impl Currency {
    pub const ALL: [Currency; 10] = [
        Currency::Hkd,
        Currency::Cny,
        Currency::Usd,
        Currency::Jpy,
        Currency::Krw,
        Currency::Eur,
        Currency::Gbp,
        Currency::Sgd,
        Currency::Aud,
        Currency::Mop,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Hkd => "HKD",
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Jpy => "JPY",
            Currency::Krw => "KRW",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Sgd => "SGD",
            Currency::Aud => "AUD",
            Currency::Mop => "MOP",
        }
    }

    /// Digits after the decimal point in the currency's major unit.
    pub fn exponent(self) -> u32 {
        match self {
            Currency::Jpy | Currency::Krw => 0,
            _ => 2,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Hkd => "HK$",
            Currency::Cny => "¥",
            Currency::Usd => "US$",
            Currency::Jpy => "JP¥",
            Currency::Krw => "₩",
            Currency::Eur => "€",
            Currency::Gbp => "£",
            Currency::Sgd => "S$",
            Currency::Aud => "A$",
            Currency::Mop => "MOP$",
        }
    }

    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }
}

/// A currency code the shop does not price in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency `{0}`")]
pub struct UnknownCurrency(pub String);

/// Rows decode their `currency` column straight into the enum (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for Currency {
    type Error = UnknownCurrency;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Currency::from_code(&code).ok_or(UnknownCurrency(code))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in minor units (cents, fen) of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// `unit × quantity`, or `None` on overflow (a quantity is user input).
    pub fn times(self, quantity: i64) -> Option<Money> {
        self.minor
            .checked_mul(quantity)
            .map(|minor| Money::new(minor, self.currency))
    }

    /// Sum of amounts in the same currency; `None` on a currency mix or overflow.
    pub fn sum(currency: Currency, amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money::new(0, currency), |acc, m| {
                (m.currency == acc.currency)
                    .then(|| acc.minor.checked_add(m.minor))
                    .flatten()
                    .map(|minor| Money::new(minor, currency))
            })
    }

    /// The major-unit decimal string, e.g. `"12.50"` for 1250 HKD, `"1200"` for 1200 JPY.
    pub fn decimal(self) -> String {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(exp);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = exp as usize
        )
    }
}

impl Money {
    /// Parses a gateway decimal string (`"12.50"`, `"12.5"`, `"1200"`) in `currency`'s major
    /// unit. Refuses signs, exponents, and more precision than the currency has (beyond
    /// trailing zeros), so a tampered or malformed amount never rounds into a match.
    pub fn parse_decimal(raw: &str, currency: Currency) -> Option<Money> {
        let (whole, frac) = match raw.split_once('.') {
            Some((w, f)) => (w, f),
            None => (raw, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || (raw.contains('.') && frac.is_empty()) {
            return None;
        }
        let exp = currency.exponent() as usize;
        let (kept, extra) = frac.split_at(frac.len().min(exp));
        if extra.bytes().any(|b| b != b'0') {
            return None;
        }
        let scale = 10i64.checked_pow(exp as u32)?;
        let whole: i64 = whole.parse().ok()?;
        let kept_value: i64 = if kept.is_empty() {
            0
        } else {
            kept.parse().ok()?
        };
        let kept_scale = 10i64.checked_pow((exp - kept.len()) as u32)?;
        let minor = whole
            .checked_mul(scale)?
            .checked_add(kept_value.checked_mul(kept_scale)?)?;
        Some(Money::new(minor, currency))
    }
}

impl fmt::Display for Money {
    /// Display for buyers: currency symbol and major units, `HK$12.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.currency.symbol(), self.decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_uses_the_currency_exponent() {
        assert_eq!(Money::new(1250, Currency::Hkd).decimal(), "12.50");
        assert_eq!(Money::new(5, Currency::Hkd).decimal(), "0.05");
        assert_eq!(Money::new(0, Currency::Cny).decimal(), "0.00");
        assert_eq!(Money::new(1200, Currency::Jpy).decimal(), "1200");
        assert_eq!(Money::new(-199, Currency::Usd).decimal(), "-1.99");
    }

    #[test]
    fn gateway_decimals_parse_exactly() {
        let hkd = |m| Some(Money::new(m, Currency::Hkd));
        assert_eq!(Money::parse_decimal("12.50", Currency::Hkd), hkd(1250));
        assert_eq!(Money::parse_decimal("12.5", Currency::Hkd), hkd(1250));
        assert_eq!(Money::parse_decimal("12", Currency::Hkd), hkd(1200));
        assert_eq!(Money::parse_decimal("0.05", Currency::Hkd), hkd(5));
        assert_eq!(Money::parse_decimal("12.500", Currency::Hkd), hkd(1250));
        assert_eq!(Money::parse_decimal("12.501", Currency::Hkd), None);
        assert_eq!(
            Money::parse_decimal("1200", Currency::Jpy),
            Some(Money::new(1200, Currency::Jpy))
        );
        assert_eq!(Money::parse_decimal("1200.5", Currency::Jpy), None);
        for bad in [
            "",
            "-1.00",
            "+1",
            "1e3",
            "1.",
            ".5",
            "1,00",
            " 1.00",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(Money::parse_decimal(bad, Currency::Hkd), None, "{bad}");
        }
        for m in [0, 1, 99, 100, 123456] {
            let money = Money::new(m, Currency::Cny);
            assert_eq!(
                Money::parse_decimal(&money.decimal(), Currency::Cny),
                Some(money)
            );
        }
    }

    #[test]
    fn display_prefixes_the_symbol() {
        assert_eq!(Money::new(3800, Currency::Hkd).to_string(), "HK$38.00");
        assert_eq!(Money::new(990, Currency::Cny).to_string(), "¥9.90");
    }

    #[test]
    fn times_and_sum_refuse_overflow_and_currency_mixes() {
        let unit = Money::new(1250, Currency::Hkd);
        assert_eq!(unit.times(3), Some(Money::new(3750, Currency::Hkd)));
        assert_eq!(unit.times(i64::MAX), None);
        let total = Money::sum(Currency::Hkd, [unit, Money::new(50, Currency::Hkd)]);
        assert_eq!(total, Some(Money::new(1300, Currency::Hkd)));
        assert_eq!(
            Money::sum(Currency::Hkd, [unit, Money::new(1, Currency::Cny)]),
            None
        );
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in Currency::ALL {
            assert_eq!(Currency::from_code(c.code()), Some(c));
        }
        assert_eq!(Currency::from_code("hkd"), Some(Currency::Hkd));
        assert_eq!(Currency::from_code("XXX"), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn currency() -> impl Strategy<Value = Currency> {
            proptest::sample::select(Currency::ALL.to_vec())
        }

        proptest! {
            /// What the shop sends (`decimal`) is what it reads back, for every currency.
            #[test]
            fn decimal_then_parse_is_the_identity(minor in 0i64..=i64::MAX / 10, c in currency()) {
                let m = Money::new(minor, c);
                prop_assert_eq!(Money::parse_decimal(&m.decimal(), c), Some(m));
            }

            /// Trailing zeros never change an amount; one more significant digit is refused.
            #[test]
            fn trailing_zeros_parse_and_extra_precision_is_refused(
                minor in 0i64..1_000_000_000, zeros in 1usize..4, digit in 1u8..=9, c in currency()
            ) {
                let text = Money::new(minor, c).decimal();
                let dotted = if text.contains('.') { text.clone() } else { format!("{text}.") };
                let padded = format!("{dotted}{}", "0".repeat(zeros));
                prop_assert_eq!(Money::parse_decimal(&padded, c), Some(Money::new(minor, c)));
                let precise = format!("{dotted}{}{digit}", "0".repeat(zeros - 1));
                prop_assert_eq!(Money::parse_decimal(&precise, c), None);
            }

            /// Whatever the text, parsing never panics and never yields a negative amount.
            #[test]
            fn parsing_arbitrary_text_is_safe(raw in ".{0,24}", c in currency()) {
                if let Some(m) = Money::parse_decimal(&raw, c) {
                    prop_assert!(m.minor >= 0);
                    prop_assert_eq!(Money::parse_decimal(&m.decimal(), c), Some(m));
                }
            }

            /// Display is the symbol followed by the decimal, so buyers and the gateway agree.
            #[test]
            fn display_is_symbol_and_decimal(minor in 0i64..=i64::MAX, c in currency()) {
                let m = Money::new(minor, c);
                prop_assert_eq!(m.to_string(), format!("{}{}", c.symbol(), m.decimal()));
            }
        }
    }
}
