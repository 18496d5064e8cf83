//! The after-sales state machine: which event moves a request from which status to which.
//! Pure; `store::apply` is the one function that executes a decision against the database.

use crate::after_sales::CaseKind;
use crate::after_sales::CaseStatus::{self, *};

/// Something that happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The merchant said yes: a refund goes out, or (a return) the buyer is told to send the
    /// goods back.
    Approve,
    /// The merchant said no, with a reason.
    Refuse,
    /// The buyer took the request back.
    Withdraw,
    /// The buyer sent the goods back (carrier and tracking number).
    SendBack,
    /// The merchant has the goods back: the refund goes out.
    GoodsBack,
    /// The gateway confirmed the refund.
    RefundSucceeded,
    /// The gateway refused the refund.
    RefundFailed,
    /// The merchant sends a refused refund again.
    Retry,
    /// An approved return was not sent back within `SHOP_RETURN_DAYS`: the shop closes it.
    ReturnLapsed,
}

impl Event {
    pub const ALL: [Event; 9] = [
        Event::Approve,
        Event::Refuse,
        Event::Withdraw,
        Event::SendBack,
        Event::GoodsBack,
        Event::RefundSucceeded,
        Event::RefundFailed,
        Event::Retry,
        Event::ReturnLapsed,
    ];

    /// Whether this move asks the gateway for the money (a refund is created with it).
    pub fn sends_refund(kind: CaseKind, from: CaseStatus, event: Event) -> bool {
        decide(kind, from, event) == Decision::Move(Refunding)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Move(CaseStatus),
    /// Already where this event leads (a double click, a second approval): nothing to do,
    /// and not an error.
    Already,
    /// The event makes no sense now; nothing changes.
    Forbidden,
}

/// The whole table.
pub fn decide(kind: CaseKind, from: CaseStatus, event: Event) -> Decision {
    use CaseKind::*;
    use Decision::{Already, Forbidden, Move};
    match (kind, from, event) {
        (RefundOnly, Requested, Event::Approve) => Move(Refunding),
        (ReturnRefund, Requested, Event::Approve) => Move(AwaitingReturn),
        (_, Refunding | Refunded | RefundFailed, Event::Approve) => Already,
        (ReturnRefund, AwaitingReturn | Returning, Event::Approve) => Already,

        (_, Requested, Event::Refuse) => Move(Refused),
        // The goods came back, but not as they left (or not at all), or were never sent: the
        // merchant may still say no, with a reason the buyer reads.
        (ReturnRefund, AwaitingReturn | Returning, Event::Refuse) => Move(Refused),
        // The gateway refused the refund and the merchant settled it otherwise (the order's
        // refund form): the request closes with the merchant's word.
        (_, RefundFailed, Event::Refuse) => Move(Refused),
        (_, Refused, Event::Refuse) => Already,

        // Before anything was sent (money or goods), the buyer may change their mind.
        (_, Requested, Event::Withdraw) => Move(Withdrawn),
        (ReturnRefund, AwaitingReturn, Event::Withdraw) => Move(Withdrawn),
        (_, Withdrawn, Event::Withdraw) => Already,

        (ReturnRefund, AwaitingReturn, Event::SendBack) => Move(Returning),
        (ReturnRefund, Returning, Event::SendBack) => Already,

        (ReturnRefund, Returning, Event::GoodsBack) => Move(Refunding),
        (ReturnRefund, Refunding | Refunded | RefundFailed, Event::GoodsBack) => Already,

        (_, Refunding, Event::RefundSucceeded) => Move(Refunded),
        (_, Refunded, Event::RefundSucceeded) => Already,
        (_, Refunding, Event::RefundFailed) => Move(RefundFailed),
        (_, RefundFailed, Event::RefundFailed) => Already,

        (ReturnRefund, AwaitingReturn, Event::ReturnLapsed) => Move(Refused),
        (_, Refused, Event::ReturnLapsed) => Already,

        (_, RefundFailed, Event::Retry) => Move(Refunding),
        (_, Refunding | Refunded, Event::Retry) => Already,

        _ => Forbidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kind() -> impl Strategy<Value = CaseKind> {
        prop::sample::select(CaseKind::ALL.to_vec())
    }

    fn event() -> impl Strategy<Value = Event> {
        prop::sample::select(Event::ALL.to_vec())
    }

    fn walk(kind: CaseKind, events: &[Event]) -> Vec<CaseStatus> {
        let mut status = Requested;
        let mut seen = vec![status];
        for &e in events {
            if let Decision::Move(to) = decide(kind, status, e) {
                status = to;
                seen.push(to);
            }
        }
        seen
    }

    #[test]
    fn a_refund_only_request_is_refunded_on_approval() {
        assert_eq!(
            walk(
                CaseKind::RefundOnly,
                &[Event::Approve, Event::RefundSucceeded]
            ),
            vec![Requested, Refunding, Refunded]
        );
        // Nothing to send back.
        assert_eq!(
            decide(CaseKind::RefundOnly, Requested, Event::SendBack),
            Decision::Forbidden
        );
    }

    #[test]
    fn a_return_is_refunded_only_once_the_goods_are_back() {
        let k = CaseKind::ReturnRefund;
        assert_eq!(
            walk(
                k,
                &[
                    Event::Approve,
                    Event::GoodsBack, // not yet sent: ignored
                    Event::SendBack,
                    Event::Withdraw, // sent: too late to withdraw
                    Event::GoodsBack,
                    Event::RefundFailed,
                    Event::Retry,
                    Event::RefundSucceeded,
                ]
            ),
            vec![
                Requested,
                AwaitingReturn,
                Returning,
                Refunding,
                RefundFailed,
                Refunding,
                Refunded
            ]
        );
    }

    #[test]
    fn the_merchant_can_close_a_request_stuck_waiting() {
        // The buyer never sends the goods back; the gateway refused and the merchant paid
        // another way.
        let k = CaseKind::ReturnRefund;
        assert_eq!(
            decide(k, AwaitingReturn, Event::Refuse),
            Decision::Move(Refused)
        );
        assert_eq!(
            decide(k, RefundFailed, Event::Refuse),
            Decision::Move(Refused)
        );
        // Or the shop closes it when the time to send it back has passed, not once sent.
        assert_eq!(
            decide(k, AwaitingReturn, Event::ReturnLapsed),
            Decision::Move(Refused)
        );
        assert_eq!(
            decide(k, Returning, Event::ReturnLapsed),
            Decision::Forbidden
        );
        // Not while the money is on its way.
        assert_eq!(decide(k, Refunding, Event::Refuse), Decision::Forbidden);
    }

    #[test]
    fn a_second_approval_is_already_done_not_a_second_refund() {
        for kind in CaseKind::ALL {
            let Decision::Move(after) = decide(kind, Requested, Event::Approve) else {
                panic!("approval moves a request");
            };
            assert_eq!(decide(kind, after, Event::Approve), Decision::Already);
            assert!(!Event::sends_refund(kind, after, Event::Approve));
        }
    }

    proptest! {
        /// Whatever happens, in any order: closed requests stay closed, money is asked for
        /// only by approval (refund only), goods back or a retry, and a refund is reached
        /// only through `Refunding`.
        #[test]
        fn closed_requests_stay_closed_and_refunds_pass_through_refunding(
            kind in kind(),
            events in prop::collection::vec(event(), 0..24),
        ) {
            let seen = walk(kind, &events);
            for pair in seen.windows(2) {
                let (from, to) = (pair[0], pair[1]);
                prop_assert!(from.is_open(), "moved out of closed {from:?}");
                if to == Refunded {
                    prop_assert_eq!(from, Refunding);
                }
                if to == Refunding {
                    prop_assert!(matches!(from, Requested | Returning | RefundFailed));
                }
                if kind == CaseKind::RefundOnly {
                    prop_assert!(!matches!(to, AwaitingReturn | Returning));
                }
            }
            let refunds = seen.iter().filter(|s| **s == Refunded).count();
            prop_assert!(refunds <= 1);
        }

        #[test]
        fn repeating_an_event_changes_nothing_more(kind in kind(), e in event(),
            status in prop::sample::select(CaseStatus::ALL.to_vec())) {
            if let Decision::Move(to) = decide(kind, status, e) {
                prop_assert!(!matches!(decide(kind, to, e), Decision::Move(_)),
                    "{:?} twice from {:?} moved twice", e, status);
            }
        }
    }
}
