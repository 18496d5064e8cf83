//! UseePay: WeChat Pay inside the merchant's own official account (seed 002), through
//! UseePay's V1 gateway. Protocol notes: `shared/docs/useepay.md`.
//!
//! - this file: the signed calls (`pay`, `query`, `refund`) and [`PaymentProvider`];
//! - [`protocol`]: the signing string, both signature types and the wire formats, shared
//!   with the sandbox's UseePay stand-in;
//! - `report`: reading answers and notifications into the shop's payment and refund
//!   reports.
//!
//! Unlike Wisecashier, the buyer's openid comes from the merchant's own official account
//! (`SHOP_OAUTH=official_account`), the page runs on the merchant's domain, and amounts are
//! integer minor units.

pub mod protocol;
mod report;

use super::{
    BoxFuture, GatewayError, Notification, NotificationError, NotificationSummary, Notified,
    PaymentProvider, PaymentReport, PlaceOrder, Placed, RefundReport, RefundRequest,
};
use protocol::{
    field, fields_of, minor_units, order_info, payer_info, wechat_pay_params, Signer, Verifier,
    API_PATH, MAX_EXPIRATION_MINUTES, VERSION,
};
use report::{payment_report, refund_report, TransactionInfo};
use serde_json::Value;
use std::time::Duration;
use url::Url;

#[derive(Clone, Debug)]
pub struct UseePayConfig {
    /// `https://pay-gateway.useepay.com` in production; the sandbox in development. Calls go
    /// to `{base}/api`.
    pub base_url: Url,
    pub merchant_no: String,
    /// The site domain approved in UseePay's console (`appId`), not the WeChat appid.
    pub app_id: String,
    /// The official account's appid (`payerInfo.sub_appid`).
    pub wechat_appid: String,
    pub signer: Signer,
    pub verifier: Verifier,
    pub timeout: Duration,
}

pub struct UseePay {
    config: UseePayConfig,
    http: reqwest::Client,
}

fn s(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_owned(), v.into())
}

/// Error codes with which the sandbox (and, tolerantly, UseePay) says it does not know a
/// transaction. UseePay's own code is not documented publicly.
const NOT_FOUND_CODES: [&str; 4] = [
    "ORDER_NOT_EXIST",
    "TRANSACTION_NOT_EXIST",
    "TRANSACTION_NOT_FOUND",
    "NOT_FOUND",
];

/// `transactionExpirationTime` for an order the shop expires at `expires_at_ms`: the whole
/// minutes left, within UseePay's 1–20, so the gateway closes the payment no later than the
/// shop gives up on the order (and the shop's expiry, which asks first, finds it closed).
pub fn expiration_minutes(expires_at_ms: i64, now_ms: i64) -> u64 {
    let left = u64::try_from(expires_at_ms.saturating_sub(now_ms)).unwrap_or(0);
    (left / 60_000).clamp(1, MAX_EXPIRATION_MINUTES)
}

impl UseePay {
    pub fn new(config: UseePayConfig) -> Result<UseePay, GatewayError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .timeout(config.timeout)
            .build()
            .map_err(|e| GatewayError::Unreachable(format!("HTTP client: {e}")))?;
        Ok(UseePay { config, http })
    }

    /// Signs `fields`, posts them to `{base}/api`, and answers the verified fields of the
    /// reply. A reply without a valid signature is garbage, except a refusal to place a
    /// payment (`unsigned_refusal_ok`): believing that one can only stop the shop from going
    /// ahead, whereas an unsigned "not found" or "refused" about a query or a refund could
    /// close an order or fail a refund the gateway did not.
    async fn call(
        &self,
        fields: Vec<(String, String)>,
        unsigned_refusal_ok: bool,
    ) -> Result<Vec<(String, String)>, GatewayError> {
        let signed = self
            .config
            .signer
            .signed(fields)
            .map_err(|e| GatewayError::Unreachable(format!("signing failed: {e}")))?;
        let url = self
            .config
            .base_url
            .join(API_PATH)
            .map_err(|e| GatewayError::Unreachable(format!("bad gateway URL: {e}")))?;
        let operation = field(&signed, "transactionType").unwrap_or("?").to_owned();
        let (status, body) =
            super::send_for_text(self.http.post(url).form(&signed), "useepay", operation).await?;
        let fields = match serde_json::from_str::<Value>(&body) {
            Ok(Value::Object(obj)) => fields_of(&obj),
            _ => {
                return Err(GatewayError::Garbage(format!(
                    "HTTP {status}, not a JSON object: {}",
                    body.chars().take(120).collect::<String>()
                )))
            }
        };
        if !self.config.verifier.verify(&fields) {
            // A refusal may come unsigned (a malformed request, a bad signature of ours).
            if let Some(refused) = refusal(&fields).filter(|_| unsigned_refusal_ok) {
                return Err(refused);
            }
            return Err(GatewayError::Garbage(
                "the answer's signature does not verify".to_owned(),
            ));
        }
        if let Some(no) = field(&fields, "merchantNo") {
            if no != self.config.merchant_no {
                return Err(GatewayError::Garbage(format!(
                    "answer for another merchant ({no})"
                )));
            }
        }
        Ok(fields)
    }

    /// `transactionType=query` for the shop's `transaction_id` (an order or a refund number):
    /// the transaction, or `None` when the gateway does not know it.
    async fn query(&self, transaction_id: &str) -> Result<Option<TransactionInfo>, GatewayError> {
        let c = &self.config;
        let fields = self
            .call(
                vec![
                    s("transactionType", "query"),
                    s("version", VERSION),
                    s("merchantNo", &c.merchant_no),
                    s("transactionId", transaction_id),
                ],
                false,
            )
            .await;
        // A signed refusal arrives as fields (`failed` with its `errorCode`), read below.
        let fields = fields?;
        let Some(raw) = field(&fields, "transactionInfo") else {
            let code = field(&fields, "errorCode").unwrap_or_default();
            if NOT_FOUND_CODES.iter().any(|c| code.eq_ignore_ascii_case(c)) {
                return Ok(None);
            }
            return Err(GatewayError::Garbage(
                "query answer without transactionInfo".to_owned(),
            ));
        };
        let info = TransactionInfo::parse(raw)
            .map_err(|e| GatewayError::Garbage(format!("transactionInfo: {e}")))?;
        if info.transaction_id != transaction_id {
            tracing::error!(
                asked = transaction_id,
                answered = %info.transaction_id,
                "UseePay answered a query with another transaction"
            );
            return Err(GatewayError::Garbage(
                "query answered for another transaction".to_owned(),
            ));
        }
        Ok(Some(info))
    }
}

/// A pay or refund answer that refuses: a final `failed`, `cancelled` or `closed`, with
/// UseePay's reason (`errorCode`, `errorMsg`).
fn refusal(fields: &[(String, String)]) -> Option<GatewayError> {
    let code = field(fields, "resultCode").unwrap_or_default();
    let refused = matches!(
        protocol::ResultCode::parse(code),
        Some(
            protocol::ResultCode::Failed
                | protocol::ResultCode::Cancelled
                | protocol::ResultCode::Closed
        )
    );
    refused.then(|| GatewayError::Refused {
        code: field(fields, "errorCode").unwrap_or(code).to_owned(),
        message: field(fields, "errorMsg").unwrap_or_default().to_owned(),
    })
}

impl PaymentProvider for UseePay {
    fn name(&self) -> &'static str {
        "useepay"
    }

    fn place_order<'a>(
        &'a self,
        order: &'a PlaceOrder,
    ) -> BoxFuture<'a, Result<Placed, GatewayError>> {
        Box::pin(async move {
            let c = &self.config;
            let minutes = expiration_minutes(order.expires_at_ms, crate::ssr::web::now_ms());
            let fields = self
                .call(
                    vec![
                        s("transactionType", "pay"),
                        s("version", VERSION),
                        s("merchantNo", &c.merchant_no),
                        s("transactionId", &order.order_no),
                        s("transactionExpirationTime", minutes.to_string()),
                        s("appId", &c.app_id),
                        s("amount", minor_units(order.amount)),
                        s("currency", order.amount.currency.code()),
                        s("notifyUrl", &order.notify_url),
                        s("payerInfo", payer_info(&c.wechat_appid, &order.openid)),
                        s("orderInfo", order_info(&order.product_info)),
                    ],
                    true,
                )
                .await?;
            if let Some(refused) = refusal(&fields) {
                return Err(refused);
            }
            if field(&fields, "transactionId") != Some(order.order_no.as_str()) {
                return Err(GatewayError::Garbage(
                    "pay answer for another transaction".to_owned(),
                ));
            }
            let raw = field(&fields, "redirectParam")
                .ok_or_else(|| GatewayError::Garbage("no `redirectParam` in the answer".into()))?;
            let js_param = wechat_pay_params(raw)
                .map_err(|e| GatewayError::Garbage(format!("`redirectParam`: {e}")))?;
            Ok(Placed {
                js_param,
                payment_no: field(&fields, "reference").map(str::to_owned),
            })
        })
    }

    fn query_payment<'a>(
        &'a self,
        order_no: &'a str,
    ) -> BoxFuture<'a, Result<Option<PaymentReport>, GatewayError>> {
        Box::pin(async move {
            let Some(info) = self.query(order_no).await? else {
                return Ok(None);
            };
            if !info.transaction_type.eq_ignore_ascii_case("pay") {
                return Err(GatewayError::Garbage(format!(
                    "{order_no} is a {} transaction, not a payment",
                    info.transaction_type
                )));
            }
            payment_report(&info.fields)
                .map(Some)
                .map_err(|e| GatewayError::Garbage(format!("payment query: {e}")))
        })
    }

    fn refund<'a>(
        &'a self,
        refund: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>> {
        Box::pin(async move {
            let c = &self.config;
            let fields = self
                .call(
                    vec![
                        s("transactionType", "refund"),
                        s("version", VERSION),
                        s("merchantNo", &c.merchant_no),
                        s("transactionId", &refund.refund_no),
                        s("originalTransactionId", &refund.order_no),
                        s("amount", minor_units(refund.amount)),
                        s("currency", refund.amount.currency.code()),
                        s("notifyUrl", &refund.notify_url),
                    ],
                    false,
                )
                .await?;
            match refusal(&fields) {
                Some(refused) => Err(refused),
                None => Ok(refund_report(fields)),
            }
        })
    }

    fn query_refund<'a>(
        &'a self,
        refund_no: &'a str,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>> {
        Box::pin(async move {
            match self.query(refund_no).await? {
                Some(info) if info.transaction_type.eq_ignore_ascii_case("refund") => {
                    Ok(refund_report(info.fields))
                }
                Some(info) => Err(GatewayError::Garbage(format!(
                    "{refund_no} is a {} transaction, not a refund",
                    info.transaction_type
                ))),
                // The refund request never arrived: the caller asks for it again.
                None => Err(GatewayError::Refused {
                    code: "404".to_owned(),
                    message: "refund not found".to_owned(),
                }),
            }
        })
    }

    fn verify_notification(&self, n: &Notification) -> Result<Notified, NotificationError> {
        if !self.config.verifier.verify(&n.fields) {
            return Err(NotificationError::BadSignature);
        }
        if field(&n.fields, "merchantNo") != Some(self.config.merchant_no.as_str()) {
            return Err(NotificationError::WrongMerchant);
        }
        let kind = field(&n.fields, "transactionType")
            .ok_or(NotificationError::MissingField("transactionType"))?;
        match kind.to_ascii_lowercase().as_str() {
            "pay" => payment_report(&n.fields).map(|r| Notified::Payment(Box::new(r))),
            "refund" => Ok(Notified::Refund {
                refund_no: field(&n.fields, "transactionId")
                    .ok_or(NotificationError::MissingField("transactionId"))?
                    .to_owned(),
                order_no: field(&n.fields, "originalTransactionId").map(str::to_owned),
            }),
            other => Ok(Notified::Other {
                kind: other.to_owned(),
                order_no: field(&n.fields, "originalTransactionId")
                    .or_else(|| field(&n.fields, "transactionId"))
                    .map(str::to_owned),
            }),
        }
    }

    fn notification_summary(&self, n: &Notification) -> NotificationSummary {
        let get = |name: &str| field(&n.fields, name).map(str::to_owned);
        let refund = get("transactionType").is_some_and(|t| t.eq_ignore_ascii_case("refund"));
        NotificationSummary {
            // A refund's own number is in transactionId; its order's in originalTransactionId.
            order_no: if refund {
                get("originalTransactionId")
            } else {
                get("transactionId")
            },
            payment_no: get("reference"),
            status: get("resultCode").map(|c| if refund { format!("refund:{c}") } else { c }),
        }
    }

    fn notification_ack(&self) -> &'static str {
        protocol::NOTIFICATION_ACK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payable_window_is_whole_minutes_within_one_to_twenty() {
        let now = 1_800_000_000_000;
        assert_eq!(expiration_minutes(now + 15 * 60_000, now), 15);
        assert_eq!(expiration_minutes(now + 15 * 60_000 - 1, now), 14);
        assert_eq!(expiration_minutes(now + 30_000, now), 1);
        assert_eq!(expiration_minutes(now - 5, now), 1);
        assert_eq!(expiration_minutes(now + 60 * 60_000, now), 20);
    }
}
