//! After-sales: a refund or a return the buyer asks for, as both sides' pages see it. The
//! table of what moves a request where lives on the server (`ssr::after_sales::machine`);
//! this is the vocabulary both sides share.

use crate::money::Money;
use serde::{Deserialize, Serialize};

/// At most this many photos with a request.
pub const MAX_PHOTOS: usize = 3;
/// The longest description, in characters.
pub const MAX_DESCRIPTION: usize = 500;
/// The longest reason the merchant gives (a refusal, the return address).
pub const MAX_MERCHANT_NOTE: usize = 200;

/// What the buyer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseKind {
    /// The money back, nothing sent back: the order has not shipped, or the parcel never
    /// arrived.
    RefundOnly,
    /// The goods go back to the merchant, then the money comes back.
    ReturnRefund,
}

impl CaseKind {
    pub const ALL: [CaseKind; 2] = [CaseKind::RefundOnly, CaseKind::ReturnRefund];

    pub fn code(self) -> &'static str {
        match self {
            CaseKind::RefundOnly => "refund_only",
            CaseKind::ReturnRefund => "return_refund",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Where a request is. Stored as [`CaseStatus::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseStatus {
    /// The buyer asked; the merchant decides.
    Requested,
    /// A return was approved: the buyer sends the goods back.
    AwaitingReturn,
    /// The buyer sent them (carrier and tracking number); the merchant confirms they came.
    Returning,
    /// The refund is with the gateway.
    Refunding,
    /// The gateway refused the refund; the merchant can send it again.
    RefundFailed,
    /// The money is back with the buyer.
    Refunded,
    /// The merchant said no, with a reason.
    Refused,
    /// The buyer took it back.
    Withdrawn,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 8] = [
        CaseStatus::Requested,
        CaseStatus::AwaitingReturn,
        CaseStatus::Returning,
        CaseStatus::Refunding,
        CaseStatus::RefundFailed,
        CaseStatus::Refunded,
        CaseStatus::Refused,
        CaseStatus::Withdrawn,
    ];

    /// The statuses of an open request: an order has at most one.
    pub const OPEN: [CaseStatus; 5] = [
        CaseStatus::Requested,
        CaseStatus::AwaitingReturn,
        CaseStatus::Returning,
        CaseStatus::Refunding,
        CaseStatus::RefundFailed,
    ];

    /// The statuses in which the merchant has something to do.
    pub const FOR_MERCHANT: [CaseStatus; 3] = [
        CaseStatus::Requested,
        CaseStatus::Returning,
        CaseStatus::RefundFailed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Requested => "requested",
            CaseStatus::AwaitingReturn => "awaiting_return",
            CaseStatus::Returning => "returning",
            CaseStatus::Refunding => "refunding",
            CaseStatus::RefundFailed => "refund_failed",
            CaseStatus::Refunded => "refunded",
            CaseStatus::Refused => "refused",
            CaseStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// `'requested', 'awaiting_return', …`: a SQL list of these statuses' codes (constant
    /// text of the shop's own, never input).
    pub fn sql_list(statuses: &[CaseStatus]) -> String {
        statuses
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_open(self) -> bool {
        CaseStatus::OPEN.contains(&self)
    }

    /// The `order_events.event` a request reaching this status is recorded as, so the step
    /// is on the order's timeline (`after_sale:refunded`).
    pub fn step_event(self) -> String {
        format!("{STEP_PREFIX}{}", self.code())
    }

    /// The status an order event records, if it is a request's step.
    pub fn from_step_event(event: &str) -> Option<CaseStatus> {
        CaseStatus::from_code(event.strip_prefix(STEP_PREFIX)?)
    }
}

/// The prefix of a request's steps among the order's events.
pub const STEP_PREFIX: &str = "after_sale:";

/// A stored status that is not one of [`CaseStatus::code`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown after-sales status `{0}`")]
pub struct UnknownCaseStatus(pub String);

impl TryFrom<String> for CaseStatus {
    type Error = UnknownCaseStatus;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        CaseStatus::from_code(&code).ok_or(UnknownCaseStatus(code))
    }
}

impl TryFrom<String> for CaseKind {
    type Error = UnknownCaseStatus;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        CaseKind::from_code(&code).ok_or(UnknownCaseStatus(code))
    }
}

/// Why the buyer asks. Stored as [`Reason::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reason {
    NoLongerWanted,
    NotShipped,
    NotReceived,
    Damaged,
    WrongItem,
    Quality,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 7] = [
        Reason::NoLongerWanted,
        Reason::NotShipped,
        Reason::NotReceived,
        Reason::Damaged,
        Reason::WrongItem,
        Reason::Quality,
        Reason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::NoLongerWanted => "no_longer_wanted",
            Reason::NotShipped => "not_shipped",
            Reason::NotReceived => "not_received",
            Reason::Damaged => "damaged",
            Reason::WrongItem => "wrong_item",
            Reason::Quality => "quality",
            Reason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A photo the buyer sent, re-encoded by the shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePhoto {
    pub url: String,
    pub thumb_url: String,
}

/// One request, as the buyer's order page and the merchant's see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub case_no: String,
    pub order_no: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub reason: Reason,
    pub description: String,
    /// What the buyer asked for.
    pub amount: Money,
    pub photos: Vec<CasePhoto>,
    /// The merchant's reason for a refusal.
    pub refusal: String,
    /// Where the merchant wants a return sent.
    pub return_to: String,
    pub return_carrier: Option<String>,
    pub return_tracking_no: Option<String>,
    pub refund_no: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What the buyer may ask for on an order now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseOffer {
    pub order_no: String,
    pub kinds: Vec<CaseKind>,
    /// The most that can be asked for: what was paid and not yet refunded.
    pub max_amount: Money,
}

/// A row of the back office's after-sales list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    pub case_no: String,
    pub order_no: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub reason: Reason,
    pub amount: Money,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::from_code(s.code()), Some(s));
        }
        for k in CaseKind::ALL {
            assert_eq!(CaseKind::from_code(k.code()), Some(k));
        }
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
        }
        assert_eq!(CaseStatus::from_code("approved"), None);
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::from_step_event(&s.step_event()), Some(s));
        }
        assert_eq!(CaseStatus::from_step_event("refunded"), None);
    }

    #[test]
    fn the_merchant_acts_only_on_open_requests() {
        for s in CaseStatus::FOR_MERCHANT {
            assert!(s.is_open());
        }
    }
}
