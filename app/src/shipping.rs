//! Shipping fees: what a parcel to a region costs the buyer.
//!
//! The merchant keeps one rule for the whole shop (region code `""`) and, where it differs,
//! rules for provinces, cities or districts of the region table. A parcel goes by the most
//! specific rule over its district (district, then city, then province, then the shop's
//! rule). A rule says whether the shop delivers there, the fee for the first item and for
//! each further one (or, charged by weight, for the first weight and each further step of
//! it), and the amount of goods from which shipping is free.

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
    /// Charged by weight instead of by item: `first_minor` covers the first weight and
    /// `additional_minor` each further step of it, or part of one.
    #[serde(default)]
    pub by_weight: Option<WeightSteps>,
}

/// The weights a rule charged by weight counts in, in grams (each at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightSteps {
    pub first_g: i64,
    pub step_g: i64,
}

/// What a parcel holds, as shipping sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parcel {
    /// What the goods come to.
    pub goods: Money,
    pub items: i64,
    /// The variants' weights times their quantities.
    pub weight_g: i64,
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
            by_weight: None,
        }
    }

    /// What shipping the parcel costs under this rule; `None` when the shop does not
    /// deliver there, or the fee would overflow.
    pub fn fee(&self, parcel: Parcel) -> Option<Money> {
        let Parcel {
            goods,
            items,
            weight_g,
        } = parcel;
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
        let further = match self.by_weight {
            None => items - 1,
            Some(w) => {
                let over = weight_g.saturating_sub(w.first_g.max(1)).max(0);
                let step = w.step_g.max(1);
                over / step + i64::from(over % step != 0)
            }
        };
        let more = self.additional_minor.checked_mul(further)?;
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

/// The quote for a parcel going to `district`.
pub fn quote(rules: &[Rule], district: &str, parcel: Parcel) -> Quote {
    let free = Rule::free_everywhere();
    let rule = rule_for(rules, district).unwrap_or(&free);
    let goods = parcel.goods;
    match rule.fee(parcel) {
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
            by_weight: None,
        }
    }

    fn hkd(minor: i64) -> Money {
        Money::new(minor, HKD)
    }

    fn parcel(goods: i64, items: i64) -> Parcel {
        Parcel {
            goods: hkd(goods),
            items,
            weight_g: 0,
        }
    }

    #[test]
    fn by_weight_the_first_weight_then_each_started_step() {
        let r = Rule {
            by_weight: Some(WeightSteps {
                first_g: 1000,
                step_g: 500,
            }),
            ..rule("", true, 1200, 400, Some(50_000))
        };
        let at = |weight_g: i64| {
            r.fee(Parcel {
                goods: hkd(10_000),
                items: 3,
                weight_g,
            })
            .map(|m| m.minor)
        };
        // Up to 1 kg: the first fee; each started 500 g after it: 4.00 more.
        assert_eq!(at(0), Some(1200));
        assert_eq!(at(1000), Some(1200));
        assert_eq!(at(1001), Some(1600));
        assert_eq!(at(1500), Some(1600));
        assert_eq!(at(2600), Some(2800));
        // Free shipping still applies from its amount, whatever the weight.
        let rich = Parcel {
            goods: hkd(50_000),
            items: 1,
            weight_g: 9_000,
        };
        assert_eq!(r.fee(rich).map(|m| m.minor), Some(0));
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
        assert_eq!(quote(&rules, "650102", parcel(100, 1)), Quote::NotDelivered);
        assert_eq!(
            rule_for(&rules, "810001").map(|r| r.region_code.as_str()),
            Some("")
        );
        assert_eq!(
            quote(&rules, "440305", parcel(5000, 3)),
            Quote::Fee {
                fee: hkd(700),
                free_above: None
            }
        );
        assert_eq!(
            quote(&rules, "810001", parcel(5000, 3)),
            Quote::Fee {
                fee: hkd(1000),
                free_above: Some(hkd(19900))
            }
        );
        // At the threshold it is free, and the threshold is no longer news.
        assert_eq!(
            quote(&rules, "810001", parcel(19900, 3)),
            Quote::Fee {
                fee: hkd(0),
                free_above: None
            }
        );
    }

    #[test]
    fn without_any_rule_shipping_is_free() {
        assert_eq!(
            quote(&[], "440305", parcel(100, 2)),
            Quote::Fee {
                fee: hkd(0),
                free_above: None
            }
        );
    }

    #[test]
    fn a_fee_that_would_overflow_is_no_fee() {
        let r = rule("", true, i64::MAX, i64::MAX, None);
        assert_eq!(r.fee(parcel(1, 2)), None);
        assert_eq!(r.fee(parcel(1, 1)), Some(hkd(i64::MAX)));
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
            let fee = r.fee(parcel(goods, items)).expect("no overflow in range").minor;
            if free.is_some_and(|f| goods >= f) {
                prop_assert_eq!(fee, 0);
            } else {
                prop_assert_eq!(fee, first + additional * (items - 1));
                // One more item never costs less to ship.
                let more = r.fee(parcel(goods, items + 1)).expect("no overflow").minor;
                prop_assert!(more >= fee);
            }
            let closed = Rule { delivers: false, ..r };
            prop_assert_eq!(closed.fee(parcel(goods, items)), None);
        }

        /// By weight, a heavier parcel never costs less, and the fee is the first fee plus
        /// whole steps of the additional one.
        #[test]
        fn weight_fees_grow_with_the_weight(
            first_g in 1i64..5_000,
            step_g in 1i64..2_000,
            weight in 0i64..100_000,
            extra in 0i64..5_000,
        ) {
            let r = Rule {
                by_weight: Some(WeightSteps { first_g, step_g }),
                ..rule("", true, 1000, 300, None)
            };
            let fee = |w: i64| r.fee(Parcel { goods: hkd(1), items: 1, weight_g: w }).expect("fee").minor;
            prop_assert!(fee(weight + extra) >= fee(weight));
            prop_assert_eq!((fee(weight) - 1000) % 300, 0);
            let steps = (fee(weight) - 1000) / 300;
            prop_assert!(steps >= 0, "never less than the first fee");
            prop_assert_eq!(steps == 0, weight <= first_g);
            prop_assert!(first_g + steps * step_g >= weight, "the steps cover the weight");
            if steps > 0 {
                prop_assert!(first_g + (steps - 1) * step_g < weight, "and no step too many");
            }
        }
    }
}
