//! Coupons: what a coupon takes off a cart. Pure rules, shared by the cart's suggestion and
//! checkout (which computes it again on the server, from the database, under its lock).

use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A fixed amount off.
    Fixed,
    /// A percentage off, up to a cap.
    Percent,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Fixed => "fixed",
            Kind::Percent => "percent",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        match code {
            "fixed" => Some(Kind::Fixed),
            "percent" => Some(Kind::Percent),
            _ => None,
        }
    }
}

/// Why a coupon was not claimed or used. Each is said to the buyer in their language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CouponProblem {
    /// No coupon has the code typed.
    NoSuchCode,
    /// All were claimed.
    SoldOut,
    /// The buyer holds as many as one buyer may.
    LimitReached,
    /// Paused by the merchant, not started or over.
    NotAvailable,
    /// The buyer's coupon is used, held by another order, expired, or not theirs.
    NotUsable,
    /// The cart does not meet its minimum spend or holds nothing it covers.
    NotApplicable,
}

/// Which goods a coupon counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    All,
    Categories(Vec<i64>),
    Products(Vec<i64>),
}

impl Scope {
    pub fn code(&self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Categories(_) => "categories",
            Scope::Products(_) => "products",
        }
    }

    /// From the stored `scope` and comma-separated `scope_ids`; `None` if unreadable.
    pub fn read(code: &str, ids: &str) -> Option<Scope> {
        let list = || -> Option<Vec<i64>> {
            ids.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().ok())
                .collect()
        };
        match code {
            "all" => Some(Scope::All),
            "categories" => list().map(Scope::Categories),
            "products" => list().map(Scope::Products),
            _ => None,
        }
    }

    pub fn ids(&self) -> String {
        match self {
            Scope::All => String::new(),
            Scope::Categories(ids) | Scope::Products(ids) => {
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            }
        }
    }

    fn covers(&self, line: &Line) -> bool {
        match self {
            Scope::All => true,
            Scope::Categories(ids) => ids.contains(&line.category_id),
            Scope::Products(ids) => ids.contains(&line.product_id),
        }
    }
}

/// What a coupon gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub kind: Kind,
    /// `Fixed`: the amount off, in minor units.
    pub amount_minor: i64,
    /// `Percent`: 1–100.
    pub percent_off: i64,
    /// `Percent`: at most this much off.
    pub cap_minor: Option<i64>,
    /// The goods in scope must come to at least this.
    pub min_spend_minor: i64,
    pub scope: Scope,
}

/// A cart line as a coupon sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub product_id: i64,
    pub category_id: i64,
    pub total_minor: i64,
}

impl Terms {
    /// What this coupon takes off `lines`, in minor units; `None` when it does not apply
    /// (nothing in scope, or the minimum spend not reached). Never the whole cart: at least
    /// one minor unit is left to pay (a payment of 0 cannot be made).
    pub fn discount(&self, lines: &[Line]) -> Option<i64> {
        let goods: i64 = lines.iter().map(|l| l.total_minor).sum();
        let eligible: i64 = lines
            .iter()
            .filter(|l| self.scope.covers(l))
            .map(|l| l.total_minor)
            .sum();
        if eligible <= 0 || eligible < self.min_spend_minor {
            return None;
        }
        let off = match self.kind {
            Kind::Fixed => self.amount_minor,
            Kind::Percent => {
                let off = i64::try_from(
                    i128::from(eligible) * i128::from(self.percent_off.clamp(0, 100)) / 100,
                )
                .ok()?;
                self.cap_minor.map_or(off, |cap| off.min(cap))
            }
        };
        let off = off.min(eligible).min(goods - 1);
        (off > 0).then_some(off)
    }
}

/// One of the buyer's coupons as the cart offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponChoice {
    /// The buyer's coupon (not the template).
    pub id: i64,
    pub name: String,
    /// What it takes off this cart.
    pub discount: Money,
    pub valid_until_ms: i64,
}

/// Which coupon the cart applies: `?coupon=` absent (the best), `none`, or one by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pick {
    Best,
    None,
    Id(i64),
}

impl Pick {
    pub fn read(raw: Option<&str>) -> Pick {
        match raw.map(str::trim) {
            None | Some("") => Pick::Best,
            Some("none") => Pick::None,
            Some(id) => id.parse().map(Pick::Id).unwrap_or(Pick::Best),
        }
    }

    /// As a form value (`""` for the best).
    pub fn value(self) -> String {
        match self {
            Pick::Best => String::new(),
            Pick::None => "none".to_owned(),
            Pick::Id(id) => id.to_string(),
        }
    }

    /// The coupon this pick applies among `choices`: a chosen one that no longer applies
    /// falls back to the best.
    pub fn apply(self, choices: &[CouponChoice]) -> Option<CouponChoice> {
        match self {
            Pick::None => None,
            Pick::Id(id) => choices
                .iter()
                .find(|c| c.id == id)
                .or_else(|| best(choices))
                .cloned(),
            Pick::Best => best(choices).cloned(),
        }
    }
}

/// The best of the choices: the largest discount, then the one that expires first.
pub fn best(choices: &[CouponChoice]) -> Option<&CouponChoice> {
    choices.iter().max_by(|a, b| {
        a.discount
            .minor
            .cmp(&b.discount.minor)
            .then(b.valid_until_ms.cmp(&a.valid_until_ms))
    })
}

/// Where a buyer's coupon is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Held {
    Available,
    /// Held by an unpaid order; back when the order is cancelled or expires.
    Locked,
    Used,
    Expired,
}

/// A coupon the coupon centre offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub id: i64,
    pub name: String,
    /// What it gives, in the buyer's language (`满 HK$100.00 减 HK$20.00`).
    pub terms: String,
    pub validity: String,
    pub remaining: i64,
    /// How many of it this buyer holds, and may hold.
    pub held: i64,
    pub per_buyer: i64,
}

/// One of the buyer's coupons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mine {
    pub id: i64,
    pub name: String,
    pub terms: String,
    pub held: Held,
    pub valid_until_ms: i64,
}

/// The coupon centre: what can be claimed, and what the buyer holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Centre {
    pub offers: Vec<Offer>,
    pub mine: Vec<Mine>,
}

/// A coupon as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCoupon {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub terms: String,
    pub validity: String,
    pub total: i64,
    pub claimed: i64,
    pub used: i64,
    pub per_buyer: i64,
    pub in_centre: bool,
    pub paused: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;

    fn line(product_id: i64, category_id: i64, total_minor: i64) -> Line {
        Line {
            product_id,
            category_id,
            total_minor,
        }
    }

    fn fixed(amount: i64, min: i64, scope: Scope) -> Terms {
        Terms {
            kind: Kind::Fixed,
            amount_minor: amount,
            percent_off: 0,
            cap_minor: None,
            min_spend_minor: min,
            scope,
        }
    }

    #[test]
    fn fixed_and_percentage_coupons_count_only_their_scope() {
        let cart = [line(1, 10, 12_800), line(2, 20, 4_900)];
        assert_eq!(
            fixed(2_000, 10_000, Scope::All).discount(&cart),
            Some(2_000)
        );
        // In category 20 only HK$49 counts: below the HK$100 minimum.
        assert_eq!(
            fixed(2_000, 10_000, Scope::Categories(vec![20])).discount(&cart),
            None
        );
        assert_eq!(
            fixed(2_000, 0, Scope::Products(vec![2])).discount(&cart),
            Some(2_000)
        );
        // Never more than the goods in scope.
        assert_eq!(
            fixed(9_000, 0, Scope::Products(vec![2])).discount(&cart),
            Some(4_900)
        );
        let pct = Terms {
            kind: Kind::Percent,
            amount_minor: 0,
            percent_off: 15,
            cap_minor: Some(1_000),
            min_spend_minor: 0,
            scope: Scope::Categories(vec![10]),
        };
        assert_eq!(
            pct.discount(&cart),
            Some(1_000),
            "15% of 128 is 19.20, capped at 10"
        );
        let uncapped = Terms {
            cap_minor: None,
            ..pct
        };
        assert_eq!(uncapped.discount(&cart), Some(1_920));
        // Nothing in scope.
        assert_eq!(
            fixed(100, 0, Scope::Products(vec![3])).discount(&cart),
            None
        );
        // A coupon worth the whole cart leaves one cent to pay.
        assert_eq!(
            fixed(1_000_000, 0, Scope::All).discount(&cart),
            Some(17_699)
        );
    }

    #[test]
    fn scopes_round_trip_and_bad_ones_are_refused() {
        for scope in [
            Scope::All,
            Scope::Categories(vec![1, 2]),
            Scope::Products(vec![7]),
        ] {
            assert_eq!(Scope::read(scope.code(), &scope.ids()), Some(scope));
        }
        assert_eq!(Scope::read("products", "1,x"), None);
        assert_eq!(Scope::read("brands", ""), None);
    }

    #[test]
    fn the_best_is_the_largest_then_the_soonest_to_expire() {
        let c = |id, minor, until| CouponChoice {
            id,
            name: String::new(),
            discount: Money::new(minor, Currency::Hkd),
            valid_until_ms: until,
        };
        let choices = [c(1, 500, 10), c(2, 900, 30), c(3, 900, 20)];
        assert_eq!(best(&choices).map(|c| c.id), Some(3));
        assert_eq!(best(&[]).map(|c| c.id), None);
    }

    proptest! {
        #[test]
        fn a_discount_never_exceeds_what_it_covers_and_leaves_something_to_pay(
            totals in proptest::collection::vec(1i64..1_000_000, 1..6),
            amount in 0i64..2_000_000,
            percent in 0i64..=100,
            cap in proptest::option::of(1i64..500_000),
            min in 0i64..2_000_000,
            fixed_kind in any::<bool>(),
            in_scope in 0usize..6,
        ) {
            let lines: Vec<Line> = totals.iter().enumerate()
                .map(|(i, &t)| line(i as i64, (i % 2) as i64, t)).collect();
            let terms = Terms {
                kind: if fixed_kind { Kind::Fixed } else { Kind::Percent },
                amount_minor: amount,
                percent_off: percent,
                cap_minor: cap,
                min_spend_minor: min,
                scope: Scope::Products((0..in_scope as i64).collect()),
            };
            let goods: i64 = totals.iter().sum();
            let eligible: i64 = lines.iter().filter(|l| (l.product_id as usize) < in_scope).map(|l| l.total_minor).sum();
            match terms.discount(&lines) {
                Some(off) => {
                    prop_assert!(off > 0 && off <= eligible && off < goods);
                    prop_assert!(eligible >= min);
                    if let (Kind::Percent, Some(cap)) = (terms.kind, cap) { prop_assert!(off <= cap); }
                }
                None => prop_assert!(eligible == 0 || eligible < min || amount == 0 || percent == 0 || goods == 1
                    || (terms.kind == Kind::Percent && eligible * percent / 100 == 0)),
            }
        }
    }
}
