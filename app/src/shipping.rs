//! Shipping fees: what a parcel to a region costs the buyer.
//!
//! The merchant keeps one rule for the whole shop (region code `""`) and, where it differs,
//! rules for provinces, cities or districts of the region table. A parcel goes by the most
//! specific rule over its district (district, then city, then province, then the shop's
//! rule). A rule says whether the shop delivers there, the fee for the first item and for
//! each further one, and the amount of goods from which shipping is free.

use crate::address::parent_code;
use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// One region's rule, amounts in the shop currency's minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// A province, city or district code of the region table; `""` for the whole shop.
    pub region_code: String,
    pub delivers: bool,
    /// The fee for the first item.
    pub first_minor: i64,
    /// The fee for each item after the first.
    pub additional_minor: i64,
    /// Shipping is free when the goods come to this much or more.
    pub free_above_minor: Option<i64>,
}

impl Rule {
    /// The whole shop's rule as a new shop has it: delivers everywhere, free.
    pub fn free_everywhere() -> Rule {
        Rule {
            region_code: String::new(),
            delivers: true,
            first_minor: 0,
            additional_minor: 0,
            free_above_minor: None,
        }
    }

    /// What shipping `items` pieces worth `goods` costs under this rule; `None` when the shop
    /// does not deliver there, or the fee would overflow.
    pub fn fee(&self, goods: Money, items: i64) -> Option<Money> {
        if !self.delivers {
            return None;
        }
        if items <= 0
            || self
                .free_above_minor
                .is_some_and(|free| goods.minor >= free)
        {
            return Some(Money::new(0, goods.currency));
        }
        let more = self.additional_minor.checked_mul(items - 1)?;
        Some(Money::new(
            self.first_minor.checked_add(more)?,
            goods.currency,
        ))
    }
}

/// What the buyer is told before paying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quote {
    /// The fee, and the amount of goods from which it would be free (if any).
    Fee {
        fee: Money,
        free_above: Option<Money>,
    },
    /// The shop does not deliver to that region.
    NotDelivered,
}

impl Quote {
    pub fn fee(self) -> Option<Money> {
        match self {
            Quote::Fee { fee, .. } => Some(fee),
            Quote::NotDelivered => None,
        }
    }
}

/// The rule for a parcel to `district`: the most specific one over it. `rules` should hold
/// the shop's rule (`""`); without one, the shop delivers free.
pub fn rule_for<'a>(rules: &'a [Rule], district: &str) -> Option<&'a Rule> {
    let mut at = district;
    loop {
        if let Some(rule) = rules.iter().find(|r| r.region_code == at) {
            return Some(rule);
        }
        if at.is_empty() {
            return None;
        }
        at = parent_code(at);
        if at.is_empty() {
            // From a province (or an unknown code) straight to the shop's rule.
            return rules.iter().find(|r| r.region_code.is_empty());
        }
    }
}

/// The quote for `items` pieces worth `goods` going to `district`.
pub fn quote(rules: &[Rule], district: &str, goods: Money, items: i64) -> Quote {
    let free = Rule::free_everywhere();
    let rule = rule_for(rules, district).unwrap_or(&free);
    match rule.fee(goods, items) {
        Some(fee) => Quote::Fee {
            fee,
            free_above: rule
                .free_above_minor
                .filter(|_| fee.minor > 0)
                .map(|m| Money::new(m, goods.currency)),
        },
        None => Quote::NotDelivered,
    }
}

/// Largest fee or threshold the back office takes: a typo's guard, in major units.
pub const MAX_AMOUNT_MAJOR: i64 = 100_000;

/// The largest amount in minor units for `currency` ([`MAX_AMOUNT_MAJOR`]).
pub fn max_amount(currency: Currency) -> i64 {
    MAX_AMOUNT_MAJOR * 10i64.pow(currency.exponent())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HKD: Currency = Currency::Hkd;

    fn rule(code: &str, delivers: bool, first: i64, additional: i64, free: Option<i64>) -> Rule {
        Rule {
            region_code: code.to_owned(),
            delivers,
            first_minor: first,
            additional_minor: additional,
            free_above_minor: free,
        }
    }

    fn hkd(minor: i64) -> Money {
        Money::new(minor, HKD)
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let rules = vec![
            rule("", true, 1000, 0, Some(19900)),
            rule("44", true, 800, 200, None),
            rule("4403", true, 500, 100, None),
            rule("65", false, 0, 0, None),
        ];
        // A district of Shenzhen (4403), of Guangzhou (4401, only Guangdong's rule), of
        // Xinjiang (not delivered), of Hong Kong (the shop's rule).
        assert_eq!(
            rule_for(&rules, "440305").map(|r| r.region_code.as_str()),
            Some("4403")
        );
        assert_eq!(
            rule_for(&rules, "440106").map(|r| r.region_code.as_str()),
            Some("44")
        );
        assert_eq!(quote(&rules, "650102", hkd(100), 1), Quote::NotDelivered);
        assert_eq!(
            rule_for(&rules, "810001").map(|r| r.region_code.as_str()),
            Some("")
        );
        assert_eq!(
            quote(&rules, "440305", hkd(5000), 3),
            Quote::Fee {
                fee: hkd(700),
                free_above: None
            }
        );
        assert_eq!(
            quote(&rules, "810001", hkd(5000), 3),
            Quote::Fee {
                fee: hkd(1000),
                free_above: Some(hkd(19900))
            }
        );
        // At the threshold it is free, and the threshold is no longer news.
        assert_eq!(
            quote(&rules, "810001", hkd(19900), 3),
            Quote::Fee {
                fee: hkd(0),
                free_above: None
            }
        );
    }

    #[test]
    fn without_any_rule_shipping_is_free() {
        assert_eq!(
            quote(&[], "440305", hkd(100), 2),
            Quote::Fee {
                fee: hkd(0),
                free_above: None
            }
        );
    }

    #[test]
    fn a_fee_that_would_overflow_is_no_fee() {
        let r = rule("", true, i64::MAX, i64::MAX, None);
        assert_eq!(r.fee(hkd(1), 2), None);
        assert_eq!(r.fee(hkd(1), 1), Some(hkd(i64::MAX)));
    }

    proptest! {
        #[test]
        fn fees_follow_the_rule(
            first in 0i64..1_000_000,
            additional in 0i64..1_000_000,
            free in proptest::option::of(0i64..10_000_000),
            goods in 0i64..20_000_000,
            items in 1i64..1000,
        ) {
            let r = rule("", true, first, additional, free);
            let fee = r.fee(hkd(goods), items).expect("no overflow in range").minor;
            if free.is_some_and(|f| goods >= f) {
                prop_assert_eq!(fee, 0);
            } else {
                prop_assert_eq!(fee, first + additional * (items - 1));
                // One more item never costs less to ship.
                let more = r.fee(hkd(goods), items + 1).expect("no overflow").minor;
                prop_assert!(more >= fee);
            }
            let closed = Rule { delivers: false, ..r };
            prop_assert_eq!(closed.fee(hkd(goods), items), None);
        }
    }
}
