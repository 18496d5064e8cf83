//! The order state machine: which event moves an order from which status to which, and
//! what else must happen with it. Pure; `store::apply` is the one function that executes a
//! decision against the database.

use crate::orders::OrderStatus::{self, *};

/// Something that happened to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The gateway accepted the order and returned the pay parameters.
    Placed,
    /// The gateway refused the order, failed, or timed out before the buyer could pay.
    PlacementFailed,
    Cancel,
    /// A verified notification or a query says the money arrived.
    PaymentConfirmed,
    /// Unpaid past its deadline, after the gateway was asked.
    Expire,
    Ship,
    /// The buyer confirmed the parcel arrived, or the settlement job did for them
    /// `SHOP_AUTO_COMPLETE_DAYS` after shipping (`service::receipt`).
    Complete,
    /// The merchant refunded the payment.
    Refunded,
}

impl Event {
    pub const ALL: [Event; 8] = [
        Event::Placed,
        Event::PlacementFailed,
        Event::Cancel,
        Event::PaymentConfirmed,
        Event::Expire,
        Event::Ship,
        Event::Complete,
        Event::Refunded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Event::Placed => "placed",
            Event::PlacementFailed => "placement_failed",
            Event::Cancel => "cancel",
            Event::PaymentConfirmed => "payment_confirmed",
            Event::Expire => "expire",
            Event::Ship => "ship",
            Event::Complete => "complete",
            Event::Refunded => "refunded",
        }
    }
}

/// What must happen to stock alongside the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    /// Give the reserved units back.
    ReleaseStock,
    /// Money arrived for an order whose stock was already released: reserve it again, and
    /// if that is impossible the order becomes `RefundPending` instead. Either way the
    /// merchant is told.
    ReReserveOrRefund,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Move {
        to: OrderStatus,
        effect: Effect,
    },
    /// The order is already where this event would take it (a duplicate notification, a
    /// second query): nothing to do, and not an error.
    Already,
    /// The event makes no sense in this status; nothing changes.
    Forbidden,
}

pub fn decide(from: OrderStatus, event: Event) -> Decision {
    use Decision::{Already, Forbidden};
    let go = |to| Decision::Move {
        to,
        effect: Effect::None,
    };
    let release = |to| Decision::Move {
        to,
        effect: Effect::ReleaseStock,
    };
    match (event, from) {
        (Event::Placed, Pending) => go(AwaitingPayment),
        (Event::Placed, AwaitingPayment) => Already,

        (Event::PlacementFailed, Pending) => release(Cancelled),

        (Event::Cancel, Pending | AwaitingPayment) => release(Cancelled),
        (Event::Cancel, Cancelled) => Already,

        (Event::PaymentConfirmed, Pending | AwaitingPayment) => go(Paid),
        (Event::PaymentConfirmed, Cancelled | Expired) => Decision::Move {
            to: Paid,
            effect: Effect::ReReserveOrRefund,
        },
        // Once paid, a repeated confirmation never moves the order (litemall#271: a
        // duplicate notification flipped a shipped order back to paid).
        (Event::PaymentConfirmed, Paid | Shipped | Completed | RefundPending | Refunded) => Already,

        (Event::Expire, Pending | AwaitingPayment) => release(Expired),
        (Event::Expire, Expired) => Already,

        (Event::Ship, Paid) => go(Shipped),
        (Event::Ship, Shipped) => Already,
        (Event::Complete, Shipped) => go(Completed),
        (Event::Complete, Completed) => Already,

        (Event::Refunded, Paid | Shipped | Completed | RefundPending) => go(OrderStatus::Refunded),
        (Event::Refunded, OrderStatus::Refunded) => Already,

        _ => Forbidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{Already, Forbidden};

    fn mv(to: OrderStatus) -> Decision {
        Decision::Move {
            to,
            effect: Effect::None,
        }
    }
    fn rel(to: OrderStatus) -> Decision {
        Decision::Move {
            to,
            effect: Effect::ReleaseStock,
        }
    }

    /// The whole table, every (event, status) pair: anything not listed is forbidden.
    #[test]
    fn every_transition_allowed_and_forbidden() {
        let late = Decision::Move {
            to: Paid,
            effect: Effect::ReReserveOrRefund,
        };
        let allowed: Vec<(Event, OrderStatus, Decision)> = vec![
            (Event::Placed, Pending, mv(AwaitingPayment)),
            (Event::Placed, AwaitingPayment, Already),
            (Event::PlacementFailed, Pending, rel(Cancelled)),
            (Event::Cancel, Pending, rel(Cancelled)),
            (Event::Cancel, AwaitingPayment, rel(Cancelled)),
            (Event::Cancel, Cancelled, Already),
            (Event::PaymentConfirmed, Pending, mv(Paid)),
            (Event::PaymentConfirmed, AwaitingPayment, mv(Paid)),
            (Event::PaymentConfirmed, Cancelled, late),
            (Event::PaymentConfirmed, Expired, late),
            (Event::PaymentConfirmed, Paid, Already),
            (Event::PaymentConfirmed, Shipped, Already),
            (Event::PaymentConfirmed, Completed, Already),
            (Event::PaymentConfirmed, RefundPending, Already),
            (Event::PaymentConfirmed, Refunded, Already),
            (Event::Expire, Pending, rel(Expired)),
            (Event::Expire, AwaitingPayment, rel(Expired)),
            (Event::Expire, Expired, Already),
            (Event::Ship, Paid, mv(Shipped)),
            (Event::Ship, Shipped, Already),
            (Event::Complete, Shipped, mv(Completed)),
            (Event::Complete, Completed, Already),
            (Event::Refunded, Paid, mv(Refunded)),
            (Event::Refunded, Shipped, mv(Refunded)),
            (Event::Refunded, Completed, mv(Refunded)),
            (Event::Refunded, RefundPending, mv(Refunded)),
            (Event::Refunded, Refunded, Already),
        ];
        let mut checked = 0;
        for event in Event::ALL {
            for from in OrderStatus::ALL {
                let expected = allowed
                    .iter()
                    .find(|(e, f, _)| *e == event && *f == from)
                    .map(|(_, _, d)| *d)
                    .unwrap_or(Forbidden);
                assert_eq!(decide(from, event), expected, "{event:?} from {from:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, Event::ALL.len() * OrderStatus::ALL.len());
    }

    #[test]
    fn paid_orders_never_lose_their_payment() {
        for from in OrderStatus::ALL.into_iter().filter(|s| s.is_paid()) {
            for event in [
                Event::Expire,
                Event::Cancel,
                Event::PlacementFailed,
                Event::Placed,
            ] {
                assert_eq!(decide(from, event), Forbidden, "{event:?} from {from:?}");
            }
        }
    }

    /// Only the buyer's confirmation (or the job's, days after shipping) completes an
    /// order, and only once it has shipped.
    #[test]
    fn only_a_completion_after_shipping_reaches_completed() {
        for event in Event::ALL {
            for from in OrderStatus::ALL {
                if let Decision::Move { to: Completed, .. } = decide(from, event) {
                    assert_eq!((event, from), (Event::Complete, Shipped));
                }
            }
        }
    }

    #[test]
    fn status_codes_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(OrderStatus::from_code("nope"), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn event() -> impl Strategy<Value = Event> {
            proptest::sample::select(Event::ALL.to_vec())
        }

        proptest! {
            /// Any sequence of events, in any order, duplicated or not (notifications, queries,
            /// the job, buyers and merchants all racing), from a fresh order:
            /// - once paid, an order never becomes unpaid (never expired or cancelled);
            /// - stock is released only while reserved and reserved again only while released,
            ///   so units are never given back twice or taken twice;
            /// - an order holds its stock exactly when it is open or its money is kept.
            #[test]
            fn paid_orders_stay_paid_and_stock_moves_balance(
                events in proptest::collection::vec(event(), 0..40),
                restock_possible in proptest::collection::vec(any::<bool>(), 40),
            ) {
                let mut status = Pending;
                let mut reserved = true;
                let mut ever_paid = false;
                for (i, e) in events.into_iter().enumerate() {
                    let Decision::Move { to, effect } = decide(status, e) else {
                        continue;
                    };
                    let mut to = to;
                    match effect {
                        Effect::None => {}
                        Effect::ReleaseStock => {
                            prop_assert!(reserved, "{e:?} from {status:?} released twice");
                            reserved = false;
                        }
                        Effect::ReReserveOrRefund => {
                            prop_assert!(!reserved, "{e:?} from {status:?} reserved twice");
                            // `store::apply`: reserved again if the stock is there, else a refund.
                            if restock_possible[i] {
                                reserved = true;
                            } else {
                                to = RefundPending;
                            }
                        }
                    }
                    if ever_paid {
                        prop_assert!(to.is_paid(), "{e:?} took a paid order to {to:?}");
                    }
                    ever_paid |= to.is_paid();
                    status = to;
                }
                let holds_stock = match status {
                    Pending | AwaitingPayment | Paid | Shipped | Completed => true,
                    Cancelled | Expired | RefundPending => false,
                    // Refunded keeps what it had: a paid order refunded after a late re-reserve
                    // holds stock, one refunded from RefundPending does not.
                    Refunded => reserved,
                };
                prop_assert_eq!(reserved, holds_stock, "ended {:?}", status);
            }
        }
    }
}
