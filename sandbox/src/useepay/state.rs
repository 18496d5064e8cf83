//! The UseePay stand-in's memory: transactions (payments and refunds, both named by the
//! merchant's `transactionId`) and the fault knobs. One mutex, never held across an await.

use crate::clock::now_ms;
use crate::faults::{Faults, RefundFault};
use app::ssr::pay::useepay::protocol::{ResultCode, SignType, Signer, Verifier};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub attempt: u32,
    pub at_ms: i64,
    pub http_status: Option<u16>,
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Payment {
    pub transaction_id: String,
    pub reference: String,
    pub amount_minor: i64,
    pub currency: String,
    pub sub_appid: String,
    pub openid: String,
    pub subject: String,
    pub notify_url: String,
    #[serde(serialize_with = "code")]
    pub result: ResultCode,
    /// The merchant's signature type: answers and notifications use the same.
    #[serde(serialize_with = "sign_type")]
    pub sign_type: SignType,
    pub prepay_id: String,
    /// The WeChat pay parameters as issued (canonical spelling), for the pay sheet's check.
    pub pay_params: serde_json::Value,
    pub created_at_ms: i64,
    /// `transactionExpirationTime` after placement (scaled): then `closed` if unpaid.
    pub expires_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    pub refunded_minor: i64,
    pub deliveries: Vec<Delivery>,
    pub acknowledged: bool,
    pub refund_calls: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Refund {
    pub transaction_id: String,
    pub original_transaction_id: String,
    pub reference: String,
    pub amount_minor: i64,
    pub currency: String,
    pub notify_url: String,
    #[serde(serialize_with = "sign_type")]
    pub sign_type: SignType,
    pub created_at_ms: i64,
    /// Until then `pending`; afterwards `succeed` (unless held by a fault).
    pub settle_at_ms: i64,
    pub openid: String,
    pub deliveries: Vec<Delivery>,
}

fn code<S: serde::Serializer>(c: &ResultCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.code())
}

fn sign_type<S: serde::Serializer>(t: &SignType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.code())
}

#[derive(Default)]
pub struct Ledger {
    pub payments: HashMap<String, Payment>,
    pub by_prepay: HashMap<String, String>,
    pub refunds: HashMap<String, Refund>,
    pub faults: Faults,
    pub seq: u64,
}

impl Ledger {
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The payment, with an open one past its expiration time closed first. Answers whether
    /// it was closed just now (the caller notifies).
    pub fn payment_mut(&mut self, id: &str) -> Option<(&mut Payment, bool)> {
        let now = now_ms();
        let p = self.payments.get_mut(id)?;
        let lapsed = !p.result.is_final() && now >= p.expires_at_ms;
        if lapsed {
            p.result = ResultCode::Closed;
        }
        Some((p, lapsed))
    }

    /// The refund fault for a payment of `openid`.
    pub fn refund_fault(&self, openid: &str) -> RefundFault {
        self.faults.refund_for(openid)
    }

    /// A refund's `resultCode` now: `pending` until it settles (or while a fault holds it).
    pub fn refund_result(&self, r: &Refund) -> ResultCode {
        if self.refund_fault(&r.openid) == RefundFault::Processing || now_ms() < r.settle_at_ms {
            ResultCode::Pending
        } else {
            ResultCode::Succeed
        }
    }
}

/// The UseePay stand-in: the merchant's settings, an HTTP client for notifications, and the
/// ledger.
pub type Gateway = crate::stand_in::StandIn<Ledger>;

impl crate::stand_in::Ledger for Ledger {
    fn faults(&mut self) -> &mut Faults {
        &mut self.faults
    }
}

impl Gateway {
    /// What verifies a merchant request of `sign_type`.
    pub fn verifier(&self, sign_type: SignType) -> Verifier {
        let u = &self.settings.useepay;
        match sign_type {
            SignType::Rsa => Verifier::Rsa(u.merchant_key.clone()),
            SignType::Md5 => Verifier::Md5(u.md5_key.clone().into()),
        }
    }

    /// What signs the gateway's answers to a merchant of `sign_type`.
    pub fn signer(&self, sign_type: SignType) -> Signer {
        let u = &self.settings.useepay;
        match sign_type {
            SignType::Rsa => Signer::Rsa(u.gateway_key.clone()),
            SignType::Md5 => Signer::Md5(u.md5_key.clone().into()),
        }
    }
}
