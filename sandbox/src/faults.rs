//! The fault knobs both gateway stand-ins share (`POST /__sandbox/faults`,
//! `POST /useepay/__sandbox/faults`): what placing a payment, its notifications, queries and
//! refunds do for the payments they apply to. The names are Wisecashier's (`mp_pay` is the
//! call that places a payment: UseePay's `transactionType=pay`).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// What a gateway in trouble answers: a load balancer's 503 page (`server_error`), or an
/// HTML page with 200 (`garbage`).
pub fn broken_answer(server_error: bool) -> Response {
    let (status, body) = if server_error {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
        )
    } else {
        (StatusCode::OK, "<html>upstream error</html>")
    };
    (status, [(header::CONTENT_TYPE, "text/html")], body).into_response()
}

/// What `/mp_pay` does to the next calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MpPayFault {
    #[default]
    None,
    /// HTTP 503 with an HTML body, like a load balancer in trouble.
    ServerError,
    /// Records the order, then answers only after the caller has given up.
    Timeout,
    /// A refusal in the gateway's envelope, with a message.
    Refuse,
    /// HTTP 200 with a body that is not the envelope.
    Garbage,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyFault {
    #[default]
    Normal,
    /// No notification at all: the shop has to query.
    Drop,
}

/// What `GET /payment` answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryFault {
    #[default]
    Truthful,
    /// The answer describes another payment (the newest other one): a confused or hostile
    /// gateway, or a man in the middle replaying an answer.
    OtherOrder,
    /// HTTP 503: the gateway cannot be asked.
    ServerError,
    /// 404 "payment not found" even for a payment it knows.
    NotFound,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    pub mp_pay: MpPayFault,
    /// How many `/mp_pay` calls the fault applies to (`None`: until changed).
    pub mp_pay_times: Option<u32>,
    pub notify: NotifyFault,
    /// Delay before the first notification, in ms (before time scaling).
    pub notify_delay_ms: u64,
    /// Copies sent concurrently at every attempt (duplicates).
    pub notify_copies: u32,
    /// The refusal message for `MpPayFault::Refuse`.
    pub refuse_message: String,
    /// Apply the faults only to this buyer's payments, so tests running side by side do
    /// not trip over each other's faults.
    pub only_openid: Option<String>,
    /// What `/payment_refund` does (POST and GET).
    pub refund: RefundFault,
    /// How long a refund stays `PROCESSING` before it is `SUCCESS`, in ms (before time
    /// scaling); 0 answers `SUCCESS` at once.
    pub refund_settle_ms: u64,
    /// How `GET /payment` answers for the payments the faults apply to.
    pub query: QueryFault,
    /// How long a payment placed now stays payable, in ms (before time scaling), instead of
    /// the gateway's own window: a gateway whose closing lags behind the shop's expiry.
    pub pay_window_ms: Option<u64>,
}

impl Faults {
    pub fn applies_to(&self, openid: &str) -> bool {
        self.only_openid.as_deref().is_none_or(|o| o == openid)
    }

    /// Takes one use of the placement fault (`mp_pay`) for a payment of `openid`: none for
    /// other buyers when `only_openid` is set, and none once `mp_pay_times` is used up.
    pub fn take_placement(&mut self, openid: &str) -> MpPayFault {
        let fault = self.mp_pay;
        if fault == MpPayFault::None || !self.applies_to(openid) {
            return MpPayFault::None;
        }
        if let Some(n) = self.mp_pay_times.as_mut() {
            if *n == 0 {
                return MpPayFault::None;
            }
            *n -= 1;
        }
        fault
    }

    /// The refund fault for a payment of `openid`.
    pub fn refund_for(&self, openid: &str) -> RefundFault {
        if self.applies_to(openid) {
            self.refund
        } else {
            RefundFault::None
        }
    }

    /// The payable window of a payment `openid` places now: `own` unless a fault says.
    pub fn pay_window(&self, openid: &str, own: std::time::Duration) -> std::time::Duration {
        match self.pay_window_ms {
            Some(ms) if self.applies_to(openid) => std::time::Duration::from_millis(ms),
            _ => own,
        }
    }
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            mp_pay: MpPayFault::None,
            mp_pay_times: None,
            notify: NotifyFault::Normal,
            notify_delay_ms: 0,
            notify_copies: 1,
            refuse_message: "商户状态异常 (sandbox refusal)".to_owned(),
            only_openid: None,
            refund: RefundFault::None,
            refund_settle_ms: 2000,
            query: QueryFault::Truthful,
            pay_window_ms: None,
        }
    }
}

/// What `/payment_refund` does to refunds (of `only_openid`'s payments, when set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundFault {
    #[default]
    None,
    /// Refunds are recorded but stay `PROCESSING` (POST and GET) while the fault is set.
    Processing,
    /// Records the refund, then answers only after the caller has given up.
    Timeout,
    /// A refusal in the gateway's envelope (`refuse_message`); nothing is recorded.
    Refuse,
    /// Records the refund but answers (POST and GET) with another refund's record, which
    /// says `SUCCESS`: the shop must not take it for its own.
    OtherRefund,
}
