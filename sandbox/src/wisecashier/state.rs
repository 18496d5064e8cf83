//! The Wisecashier stand-in's memory: payments, refunds and the fault knobs. Kept in one
//! mutex (never held across an await), so `GET /payment` always answers truthfully.

use crate::clock::now_ms;
pub use crate::faults::{Faults, MpPayFault, NotifyFault, QueryFault, RefundFault};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    #[serde(rename = "INIT")]
    Init,
    #[serde(rename = "PAID")]
    Paid,
    #[serde(rename = "FAIL")]
    Fail,
    #[serde(rename = "EXPIRED")]
    Expired,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Init => "INIT",
            Status::Paid => "PAID",
            Status::Fail => "FAIL",
            Status::Expired => "EXPIRED",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub attempt: u32,
    pub at_ms: i64,
    pub http_status: Option<u16>,
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Payment {
    pub payment_no: String,
    pub order_no: String,
    pub amount: String,
    pub amount_minor: i64,
    pub currency: String,
    pub openid: String,
    pub product_info: String,
    pub notify_url: String,
    pub is_rmb: bool,
    pub wallet: &'static str,
    pub status: Status,
    pub prepay_id: String,
    pub js_param: serde_json::Value,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    pub trade_time: Option<String>,
    pub refunded_minor: i64,
    pub deliveries: Vec<Delivery>,
    /// Set once a delivery got `200 success`.
    pub acknowledged: bool,
    /// `POST /payment_refund` calls for this payment (repeats of one refund included).
    pub refund_calls: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Refund {
    pub refund_no: String,
    pub out_refund_id: String,
    pub payment_no: String,
    pub amount: String,
    pub status: &'static str,
    pub created_at_ms: i64,
    /// Until then the refund is `PROCESSING`; afterwards `status` (unless held by a fault).
    pub settle_at_ms: i64,
    /// The payment's buyer, so `only_openid` scopes refund faults too.
    pub openid: String,
}

#[derive(Default)]
pub struct Ledger {
    pub payments: HashMap<String, Payment>,
    pub by_prepay: HashMap<String, String>,
    pub by_payment_no: HashMap<String, String>,
    pub refunds: HashMap<String, Refund>,
    pub faults: Faults,
    pub seq: u64,
}

impl Ledger {
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The payment, with a lapsed unpaid prepay turned EXPIRED first.
    pub fn payment_mut(&mut self, order_no: &str) -> Option<&mut Payment> {
        let now = now_ms();
        let p = self.payments.get_mut(order_no)?;
        if matches!(p.status, Status::Init | Status::Fail) && now >= p.expires_at_ms {
            p.status = Status::Expired;
        }
        Some(p)
    }

    /// The refund fault for a payment of `openid`.
    pub fn refund_fault(&self, openid: &str) -> RefundFault {
        self.faults.refund_for(openid)
    }

    /// A refund's status now: `PROCESSING` until it settles (or while a fault holds it).
    pub fn refund_status(&self, r: &Refund) -> &'static str {
        if self.refund_fault(&r.openid) == RefundFault::Processing || now_ms() < r.settle_at_ms {
            "PROCESSING"
        } else {
            r.status
        }
    }
}

/// The Wisecashier stand-in: the merchant's settings, an HTTP client for notifications, and
/// the ledger.
pub type Gateway = crate::stand_in::StandIn<Ledger>;

impl crate::stand_in::Ledger for Ledger {
    fn faults(&mut self) -> &mut Faults {
        &mut self.faults
    }
}
