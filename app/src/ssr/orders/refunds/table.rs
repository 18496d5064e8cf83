//! The pure table of what the gateway's word does to a refund, and when a refund puts the
//! stock back.

use crate::admin::RefundStatus;
use crate::orders::OrderStatus;

/// What the gateway's answer (or its silence) means for a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The gateway confirmed this very refund.
    Succeeded,
    /// The gateway refused the refund request, or reports this refund failed.
    Failed,
    /// No final word: processing, no answer, a timeout, or an answer about something else.
    Unsettled,
}

impl Event {
    pub const ALL: [Event; 3] = [Event::Succeeded, Event::Failed, Event::Unsettled];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Move(RefundStatus),
    /// Still pending: what the gateway said is noted, nothing is counted.
    Stay,
    /// Already settled this way, or settled and the event no longer matters.
    Already,
    /// A settled refund never changes its mind: one the gateway confirmed is never
    /// "un-refunded", and a refused one is never counted without a new request.
    Forbidden,
}

pub fn decide(from: RefundStatus, event: Event) -> Decision {
    use RefundStatus::{Failed, Pending, Succeeded};
    match (event, from) {
        (Event::Succeeded, Pending) => Decision::Move(Succeeded),
        (Event::Failed, Pending) => Decision::Move(Failed),
        (Event::Unsettled, Pending) => Decision::Stay,
        (Event::Succeeded, Succeeded) | (Event::Failed, Failed) => Decision::Already,
        (Event::Unsettled, Succeeded | Failed) => Decision::Already,
        (Event::Succeeded, Failed) | (Event::Failed, Succeeded) => Decision::Forbidden,
    }
}

/// Whether a succeeded refund puts the order's stock back: only when the merchant asked for
/// it, the refund leaves the order fully refunded, and the order had not shipped with its
/// stock still reserved (`paid`; a `refund_pending` order was paid after its stock was gone
/// and holds none). A partial refund never moves stock: money is not items.
pub fn restocks(asked: bool, order_before: OrderStatus, fully_refunded: bool) -> bool {
    asked && fully_refunded && order_before == OrderStatus::Paid
}

#[cfg(test)]
mod tests {
    use super::*;
    use RefundStatus::{Failed, Pending, Succeeded};

    /// The whole table, every (event, status) pair.
    #[test]
    fn every_refund_transition_allowed_and_forbidden() {
        let table = [
            (Event::Succeeded, Pending, Decision::Move(Succeeded)),
            (Event::Succeeded, Succeeded, Decision::Already),
            (Event::Succeeded, Failed, Decision::Forbidden),
            (Event::Failed, Pending, Decision::Move(Failed)),
            (Event::Failed, Failed, Decision::Already),
            (Event::Failed, Succeeded, Decision::Forbidden),
            (Event::Unsettled, Pending, Decision::Stay),
            (Event::Unsettled, Succeeded, Decision::Already),
            (Event::Unsettled, Failed, Decision::Already),
        ];
        for event in Event::ALL {
            for from in RefundStatus::ALL {
                let expected = table
                    .iter()
                    .find(|(e, f, _)| *e == event && *f == from)
                    .map(|(_, _, d)| *d)
                    .expect("every pair is in the table");
                assert_eq!(decide(from, event), expected, "{event:?} from {from:?}");
            }
        }
        assert_eq!(table.len(), Event::ALL.len() * RefundStatus::ALL.len());
    }

    #[test]
    fn stock_goes_back_only_for_a_full_refund_of_an_unshipped_order_when_asked() {
        assert!(restocks(true, OrderStatus::Paid, true));
        assert!(!restocks(false, OrderStatus::Paid, true), "not asked");
        assert!(!restocks(true, OrderStatus::Paid, false), "partial refund");
        for shipped in [OrderStatus::Shipped, OrderStatus::Completed] {
            assert!(!restocks(true, shipped, true), "{shipped:?}: goods are out");
        }
        assert!(
            !restocks(true, OrderStatus::RefundPending, true),
            "paid after expiry: holds no stock"
        );
    }

    /// The schema's CHECK on `refunds.status` names exactly the enum's codes.
    #[test]
    fn the_schema_allows_exactly_the_refund_statuses() {
        let codes: Vec<String> = RefundStatus::ALL
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect();
        let check = format!("CHECK (status IN ({}))", codes.join(", "));
        for schema in [
            include_str!("../../../../migrations/sqlite/0004_shipping_and_refunds.sql"),
            include_str!("../../../../migrations/postgres/0004_shipping_and_refunds.sql"),
        ] {
            assert!(schema.contains(&check), "{check}");
        }
    }
}
