//! Payment providers. The shop talks to a gateway only through [`PaymentProvider`]:
//! [`wisecashier`] (the payment container, seed 000) or [`useepay`] (the merchant's own
//! official account, seed 002). Nothing outside this module knows which one is configured,
//! beyond the configuration and the pay parameters the browser hands to `WeixinJSBridge`.

pub mod signing;
pub mod useepay;
pub mod wisecashier;

use crate::money::{Currency, Money};
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a gateway call did not give an answer the shop can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The gateway answered and said no; `message` is its own words.
    #[error("gateway refused ({code}): {message}")]
    Refused { code: String, message: String },
    /// No answer at all: connection refused, DNS, TLS, or a 5xx from the gateway.
    #[error("gateway unreachable: {0}")]
    Unreachable(String),
    /// The gateway did not answer within the timeout (it may or may not have acted).
    #[error("gateway timed out")]
    Timeout,
    /// The gateway answered something that is not its documented envelope.
    #[error("gateway answered garbage: {0}")]
    Garbage(String),
}

/// Sends a gateway request and reads its answer as text. A timeout (connecting, sending or
/// reading) is [`GatewayError::Timeout`]; any other failure on the way, and a 5xx answer, is
/// [`GatewayError::Unreachable`], described without the URL (a GET's query carries signed
/// parameters).
///
/// Every call's duration goes to `/metrics` by `gateway`, `operation` and outcome.
pub(crate) async fn send_for_text(
    req: reqwest::RequestBuilder,
    gateway: &'static str,
    operation: String,
) -> Result<(reqwest::StatusCode, String), GatewayError> {
    let started = std::time::Instant::now();
    let answer = send(req).await;
    let outcome = match &answer {
        Ok(_) => "answered",
        Err(GatewayError::Timeout) => "timeout",
        Err(_) => "unreachable",
    };
    crate::ssr::metrics::gateway_call(gateway, operation, outcome, started.elapsed());
    answer
}

async fn send(req: reqwest::RequestBuilder) -> Result<(reqwest::StatusCode, String), GatewayError> {
    fn failed(err: reqwest::Error) -> GatewayError {
        if err.is_timeout() {
            GatewayError::Timeout
        } else if err.is_connect() {
            GatewayError::Unreachable("connection failed".to_owned())
        } else if err.is_request() {
            GatewayError::Unreachable("request failed".to_owned())
        } else {
            GatewayError::Unreachable("transport error".to_owned())
        }
    }
    let res = req.send().await.map_err(failed)?;
    let status = res.status();
    let body = res.text().await.map_err(failed)?;
    if status.is_server_error() {
        return Err(GatewayError::Unreachable(format!("HTTP {status}")));
    }
    Ok((status, body))
}

/// A JSAPI order to place with the gateway.
#[derive(Debug, Clone)]
pub struct PlaceOrder {
    /// The shop's order number (`agent_order_id` / `out_trade_id`).
    pub order_no: String,
    pub amount: Money,
    pub openid: String,
    pub product_info: String,
    pub notify_url: String,
    pub client_ip: String,
    /// When the shop expires the order if unpaid (unix ms): a gateway with its own payable
    /// window (UseePay's `transactionExpirationTime`) closes the payment no later.
    pub expires_at_ms: i64,
}

/// The gateway's answer to a placed order.
#[derive(Debug, Clone)]
pub struct Placed {
    /// `js_param` exactly as the gateway sent it (JSON object text), for
    /// `WeixinJSBridge.invoke('getBrandWCPayRequest', js_param, …)`. Never re-keyed: the
    /// names are case-sensitive and `paySign` covers them.
    pub js_param: String,
    /// The gateway's payment number, when it tells us at placement.
    pub payment_no: Option<String>,
}

/// What the gateway says about a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayStatus {
    /// Waiting to be paid.
    Init,
    Paid,
    Fail,
    Expired,
}

impl PayStatus {
    pub fn parse(raw: &str) -> Option<PayStatus> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "INIT" | "WAITING" | "NOTPAY" => Some(PayStatus::Init),
            "PAID" | "SUCCESS" => Some(PayStatus::Paid),
            "FAIL" | "FAILED" | "CLOSED" => Some(PayStatus::Fail),
            "EXPIRED" => Some(PayStatus::Expired),
            _ => None,
        }
    }
}

/// A payment as reported by a verified notification or the gateway's own answer to a query,
/// with every field it carried. Only the gateway clients in this module make one (the
/// private field), so a report in hand has passed its gateway's checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReport {
    status: PayStatus,
    order_no: String,
    payment_no: Option<String>,
    amount: Result<Money, UnreadableAmount>,
    pay_currency: Option<String>,
    pay_amount: Option<String>,
    exchange_rate: Option<String>,
    trade_time: Option<String>,
    trade_type: Option<String>,
    openid: Option<String>,
    /// Private to this module: nothing else can make a report.
    _verified: Verified,
}

/// Read-only: a report is what the gateway said, and nothing outside this module changes it.
impl PaymentReport {
    pub fn status(&self) -> PayStatus {
        self.status
    }
    /// The shop's order number (`agent_order_id`, later `out_trade_id`).
    pub fn order_no(&self) -> &str {
        &self.order_no
    }
    /// The gateway's payment number (`no`, later `payment_no`).
    pub fn payment_no(&self) -> Option<&str> {
        self.payment_no.as_deref()
    }
    /// What was paid (`amount` in `currency`), read as money by [`read_amount`].
    pub fn amount(&self) -> &Result<Money, UnreadableAmount> {
        &self.amount
    }
    /// The buyer the gateway says paid, when it says.
    pub fn openid(&self) -> Option<&str> {
        self.openid.as_deref()
    }
    /// The wallet's side of a cross-currency payment: currency, amount and rate.
    pub fn pay_currency(&self) -> Option<&str> {
        self.pay_currency.as_deref()
    }
    pub fn pay_amount(&self) -> Option<&str> {
        self.pay_amount.as_deref()
    }
    pub fn exchange_rate(&self) -> Option<&str> {
        self.exchange_rate.as_deref()
    }
    pub fn trade_time(&self) -> Option<&str> {
        self.trade_time.as_deref()
    }
    pub fn trade_type(&self) -> Option<&str> {
        self.trade_type.as_deref()
    }
}

/// The mark of a report made in this module.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verified;

/// An amount a gateway reported that is not money the shop can read: a currency it does not
/// price in, or not a decimal in the currency's unit. A report carrying one never matches an
/// order, so it is never applied (the merchant is told).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnreadableAmount {
    UnknownCurrency(String),
    Malformed { amount: String, currency: Currency },
}

/// The gateway's decimal `amount` (major unit) in `currency`, read as money exactly
/// ([`Money::parse_decimal`]: no rounding, no sign, no excess precision).
pub fn read_amount(amount: &str, currency: &str) -> Result<Money, UnreadableAmount> {
    let code = Currency::from_code(currency.trim())
        .ok_or_else(|| UnreadableAmount::UnknownCurrency(currency.to_owned()))?;
    Money::parse_decimal(amount.trim(), code).ok_or_else(|| UnreadableAmount::Malformed {
        amount: amount.to_owned(),
        currency: code,
    })
}

/// A gateway amount in integer minor units (UseePay's `"1211"` for USD 12.11) in
/// `currency`, read exactly: digits only.
pub fn read_minor_amount(amount: &str, currency: &str) -> Result<Money, UnreadableAmount> {
    let code = Currency::from_code(currency.trim())
        .ok_or_else(|| UnreadableAmount::UnknownCurrency(currency.to_owned()))?;
    useepay::protocol::parse_minor(amount)
        .map(|minor| Money::new(minor, code))
        .ok_or_else(|| UnreadableAmount::Malformed {
            amount: amount.to_owned(),
            currency: code,
        })
}

/// A received notification: its fields exactly as posted and the two signature headers.
#[derive(Debug, Clone)]
pub struct Notification {
    pub fields: Vec<(String, String)>,
    pub timestamp: Option<String>,
    pub signature: Option<String>,
}

/// What a verified notification is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notified {
    /// A payment: the report to confirm with the shop's own query.
    Payment(Box<PaymentReport>),
    /// A refund, named by the shop's refund number (and the order it belongs to, when the
    /// notification names it): the shop asks the gateway about it.
    Refund {
        refund_no: String,
        order_no: Option<String>,
    },
    /// Another kind of transaction (a chargeback, say) about `order_no`: recorded, and the
    /// merchant told.
    Other {
        kind: String,
        order_no: Option<String>,
    },
}

/// The identifying fields of a notification, for the shop's record of it (also of one that
/// failed its checks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationSummary {
    pub order_no: Option<String>,
    pub payment_no: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationError {
    #[error("missing Timestamp or Signature header")]
    MissingHeaders,
    #[error("signature does not verify")]
    BadSignature,
    /// Correctly signed, but its signed time is outside the replay window.
    #[error("signed timestamp too old or in the future")]
    Stale,
    /// Correctly signed, for another merchant of the gateway.
    #[error("notification for another merchant")]
    WrongMerchant,
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("unknown payment status `{0}`")]
    UnknownStatus(String),
}

#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// The gateway's payment number.
    pub payment_no: String,
    /// The shop's order number (the payment's own number at gateways that refund by it).
    pub order_no: String,
    /// The shop's refund number (the gateway is idempotent on it).
    pub refund_no: String,
    pub amount: Money,
    /// Where the gateway may notify the refund's outcome.
    pub notify_url: String,
}

/// A refund as the gateway reports it (fields beyond these are not documented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReport {
    pub refund_no: Option<String>,
    pub out_refund_id: Option<String>,
    pub status: Option<String>,
    pub amount: Option<String>,
    pub fields: Vec<(String, String)>,
    /// The payment the refund belongs to, when the answer names it.
    pub payment_no: Option<String>,
    /// The shop's order number the refund belongs to, when the answer names it.
    pub order_no: Option<String>,
    /// The currency of `amount`, when the answer names it.
    pub currency: Option<String>,
}

/// A refund's state in the gateway's words. Wisecashier's refund answer is not documented
/// publicly: its sandbox answers `PROCESSING` and later `SUCCESS`; the usual spellings of
/// WeChat Pay and other aggregators are accepted too, and UseePay's `resultCode`s
/// (`received`… open, `succeed`, `failed`/`cancelled`/`closed`). Anything else is no final
/// word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundState {
    Processing,
    Success,
    Failed,
}

impl RefundState {
    pub fn parse(raw: &str) -> Option<RefundState> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "PROCESSING" | "PENDING" | "REFUNDING" | "INIT" | "ACCEPTED" | "RECEIVED"
            | "GATHER" | "CHALLENGE" | "PENDING_REVIEW" => Some(RefundState::Processing),
            "SUCCESS" | "SUCCEEDED" | "SUCCEED" | "REFUNDED" => Some(RefundState::Success),
            "FAIL" | "FAILED" | "CLOSED" | "ABNORMAL" | "REJECTED" | "CANCELLED" => {
                Some(RefundState::Failed)
            }
            _ => None,
        }
    }
}

/// A payment gateway as the shop uses it.
pub trait PaymentProvider: Send + Sync {
    /// Stable name stored with each order (`wisecashier`).
    fn name(&self) -> &'static str;
    fn place_order<'a>(
        &'a self,
        order: &'a PlaceOrder,
    ) -> BoxFuture<'a, Result<Placed, GatewayError>>;
    /// `Ok(None)` when the gateway does not know the order.
    fn query_payment<'a>(
        &'a self,
        order_no: &'a str,
    ) -> BoxFuture<'a, Result<Option<PaymentReport>, GatewayError>>;
    fn refund<'a>(
        &'a self,
        refund: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>>;
    fn query_refund<'a>(
        &'a self,
        refund_no: &'a str,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>>;
    /// Checks a notification's signature (and, where the gateway signs one, its age) and
    /// reads it.
    fn verify_notification(&self, n: &Notification) -> Result<Notified, NotificationError>;
    /// The order number, payment number and status a notification carries, as sent.
    fn notification_summary(&self, n: &Notification) -> NotificationSummary;
    /// The body that acknowledges a durably recorded notification.
    fn notification_ack(&self) -> &'static str;
}
