//! Wisecashier (HipoPay): the JSAPI `mp_pay` flow, payment queries, refunds, and signed
//! notifications. Protocol notes: `shared/docs/wisecashier.md`.
//!
//! - this file: the client's calls (signed HTTP requests) and [`PaymentProvider`];
//! - [`protocol`]: the signing strings and wire encoding, shared with the sandbox gateway;
//! - `report`: reading the gateway's envelope and its payment and refund fields.

pub mod protocol;
mod report;

use super::{
    BoxFuture, GatewayError, Notification, NotificationError, NotificationSummary, Notified,
    PaymentProvider, PaymentReport, PlaceOrder, Placed, RefundReport, RefundRequest,
};
use protocol::{
    encode_params, notification_string_to_verify, request_string_to_sign, PrivateKey, PublicKey,
};
use report::{
    field, fields_of, parse_envelope, refund_from_fields, report_from_fields, PAYMENT_NO_FIELDS,
};
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// Which WeChat wallet the merchant's account is set up for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wallet {
    /// Mainland wallet (seed 000): `POST /mp_pay`.
    Mainland,
    /// Hong Kong wallet: `POST /wechatpay/hk/online/mp/payment`.
    HongKong,
}

impl Wallet {
    pub fn parse(raw: &str) -> Option<Wallet> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "mainland" | "cn" => Some(Wallet::Mainland),
            "hk" | "hongkong" | "hong_kong" => Some(Wallet::HongKong),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct WisecashierConfig {
    pub base_url: Url,
    pub merchant_no: String,
    pub private_key: PrivateKey,
    pub gateway_public_key: PublicKey,
    /// `is_rmb=TRUE`: the amounts are priced in CNY.
    pub is_rmb: bool,
    pub wallet: Wallet,
    pub timeout: Duration,
    /// Notifications whose signed `Timestamp` is older than this are refused as replays.
    pub notify_max_age: Duration,
}

pub struct Wisecashier {
    config: WisecashierConfig,
    http: reqwest::Client,
}

impl Wisecashier {
    pub fn new(config: WisecashierConfig) -> Result<Wisecashier, GatewayError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .timeout(config.timeout)
            .build()
            .map_err(|e| GatewayError::Unreachable(format!("HTTP client: {e}")))?;
        Ok(Wisecashier { config, http })
    }

    fn url(&self, path: &str) -> Result<Url, GatewayError> {
        self.config
            .base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| GatewayError::Unreachable(format!("bad gateway URL: {e}")))
    }

    /// The four signing headers for `params` at `timestamp`.
    pub fn signed_headers(
        &self,
        params: &[(String, String)],
        timestamp: &str,
    ) -> Result<[(&'static str, String); 4], GatewayError> {
        let signature = self
            .config
            .private_key
            .sign(&request_string_to_sign(params, timestamp))
            .map_err(|e| GatewayError::Unreachable(format!("signing failed: {e}")))?;
        Ok([
            (
                protocol::HEADER_MERCHANT_NO,
                self.config.merchant_no.clone(),
            ),
            (protocol::HEADER_VERSION, protocol::API_VERSION.to_owned()),
            (protocol::HEADER_TIMESTAMP, timestamp.to_owned()),
            (protocol::HEADER_SIGNATURE, signature),
        ])
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        params: Vec<(String, String)>,
    ) -> Result<serde_json::Map<String, Value>, GatewayError> {
        let timestamp = unix_secs().to_string();
        let headers = self.signed_headers(&params, &timestamp)?;
        let encoded = encode_params(&params);
        let mut url = self.url(path)?;
        let operation = format!("{method} {path}");
        let mut req = if method == reqwest::Method::GET {
            url.set_query(Some(&encoded));
            self.http.get(url)
        } else {
            self.http
                .request(method, url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encoded)
        };
        for (name, value) in headers {
            req = req.header(name, value);
        }
        let (status, body) = super::send_for_text(req, "wisecashier", operation).await?;
        parse_envelope(status.as_u16(), &body)
    }
}

fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn s(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_owned(), v.into())
}

impl PaymentProvider for Wisecashier {
    fn name(&self) -> &'static str {
        "wisecashier"
    }

    fn place_order<'a>(
        &'a self,
        order: &'a PlaceOrder,
    ) -> BoxFuture<'a, Result<Placed, GatewayError>> {
        Box::pin(async move {
            let c = &self.config;
            let (path, params) = match c.wallet {
                Wallet::Mainland => (
                    "mp_pay",
                    vec![
                        s("merchant_no", &c.merchant_no),
                        s("amount", order.amount.decimal()),
                        s("openid", &order.openid),
                        s("currency", order.amount.currency.code()),
                        s("product_info", &order.product_info),
                        s("agent_order_id", &order.order_no),
                        s("notify_url", &order.notify_url),
                        s("is_rmb", if c.is_rmb { "TRUE" } else { "FALSE" }),
                    ],
                ),
                Wallet::HongKong => (
                    "wechatpay/hk/online/mp/payment",
                    vec![
                        s("merchant_no", &c.merchant_no),
                        s("amount", order.amount.decimal()),
                        s("openid", &order.openid),
                        s("currency", order.amount.currency.code()),
                        s("out_trade_id", &order.order_no),
                        s("product_info", &order.product_info),
                        s("client_ip", &order.client_ip),
                        s("notify_url", &order.notify_url),
                    ],
                ),
            };
            let data = self.call(reqwest::Method::POST, path, params).await?;
            let js_param = match data.get("js_param") {
                Some(Value::Object(obj)) => Value::Object(obj.clone()).to_string(),
                // Tolerate a JSON object sent as a string.
                Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(obj)) => Value::Object(obj).to_string(),
                    _ => return Err(GatewayError::Garbage("`js_param` is not an object".into())),
                },
                _ => return Err(GatewayError::Garbage("no `js_param` in the answer".into())),
            };
            if !js_param.contains("paySign") || !js_param.contains("package") {
                return Err(GatewayError::Garbage(
                    "`js_param` lacks package or paySign".into(),
                ));
            }
            let fields = fields_of(&data);
            Ok(Placed {
                js_param,
                payment_no: field(&fields, &PAYMENT_NO_FIELDS).map(str::to_owned),
            })
        })
    }

    fn query_payment<'a>(
        &'a self,
        order_no: &'a str,
    ) -> BoxFuture<'a, Result<Option<PaymentReport>, GatewayError>> {
        Box::pin(async move {
            let result = self
                .call(
                    reqwest::Method::GET,
                    "payment",
                    vec![s("out_trade_id", order_no)],
                )
                .await;
            let data = match result {
                Ok(data) => data,
                Err(GatewayError::Refused { code, .. }) if code == "404" => return Ok(None),
                Err(err) => return Err(err),
            };
            let fields = fields_of(&data);
            let report = report_from_fields(&fields)
                .map_err(|e| GatewayError::Garbage(format!("payment query: {e}")))?;
            // An answer about another order proves nothing about this one.
            if report.order_no != order_no {
                tracing::error!(
                    asked = order_no,
                    answered = %report.order_no,
                    "the gateway answered a payment query with another order"
                );
                return Err(GatewayError::Garbage(
                    "payment query answered for another order".to_owned(),
                ));
            }
            Ok(Some(report))
        })
    }

    fn refund<'a>(
        &'a self,
        refund: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>> {
        Box::pin(async move {
            let params = vec![
                s("payment_no", &refund.payment_no),
                s("out_refund_id", &refund.refund_no),
                s("refund_amount", refund.amount.decimal()),
            ];
            let data = self
                .call(reqwest::Method::POST, "payment_refund", params)
                .await?;
            Ok(refund_from_fields(fields_of(&data)))
        })
    }

    fn query_refund<'a>(
        &'a self,
        refund_no: &'a str,
    ) -> BoxFuture<'a, Result<RefundReport, GatewayError>> {
        Box::pin(async move {
            let data = self
                .call(
                    reqwest::Method::GET,
                    "payment_refund",
                    vec![s("out_refund_id", refund_no)],
                )
                .await?;
            Ok(refund_from_fields(fields_of(&data)))
        })
    }

    fn verify_notification(&self, n: &Notification) -> Result<Notified, NotificationError> {
        let (Some(timestamp), Some(signature)) = (&n.timestamp, &n.signature) else {
            return Err(NotificationError::MissingHeaders);
        };
        let message = notification_string_to_verify(&n.fields, timestamp);
        if !self.config.gateway_public_key.verify(&message, signature) {
            return Err(NotificationError::BadSignature);
        }
        // The signature covers the Timestamp: an old one is a replay of a real notification.
        let max_age = i64::try_from(self.config.notify_max_age.as_secs()).unwrap_or(i64::MAX);
        if !timestamp_is_fresh(timestamp, crate::ssr::web::now_ms() / 1000, max_age) {
            return Err(NotificationError::Stale);
        }
        report_from_fields(&n.fields).map(|r| Notified::Payment(Box::new(r)))
    }

    fn notification_summary(&self, n: &Notification) -> NotificationSummary {
        let get = |names: &[&str]| field(&n.fields, names).map(str::to_owned);
        NotificationSummary {
            order_no: get(&["agent_order_id", "out_trade_id"]),
            payment_no: get(&PAYMENT_NO_FIELDS),
            status: get(&["status"]),
        }
    }

    fn notification_ack(&self) -> &'static str {
        protocol::NOTIFICATION_ACK
    }
}

/// A signed `Timestamp` may run this far ahead of the shop's clock.
const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Whether a signed `Timestamp` (unix seconds) is recent enough at `now_secs`.
pub fn timestamp_is_fresh(timestamp: &str, now_secs: i64, max_age_secs: i64) -> bool {
    match timestamp.trim().parse::<i64>() {
        Ok(t) => t <= now_secs + MAX_CLOCK_SKEW_SECS && now_secs - t <= max_age_secs,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_fresh_within_the_window_and_a_little_skew() {
        let now = 1_800_000_000;
        assert!(timestamp_is_fresh("1800000000", now, 4200));
        assert!(
            timestamp_is_fresh(" 1799995800 ", now, 4200),
            "70 minutes old"
        );
        assert!(!timestamp_is_fresh("1799995799", now, 4200));
        assert!(
            timestamp_is_fresh("1800000300", now, 4200),
            "5 minutes ahead"
        );
        assert!(!timestamp_is_fresh("1800000301", now, 4200));
        for junk in ["", "abc", "1.8e9", "-", "99999999999999999999999"] {
            assert!(!timestamp_is_fresh(junk, now, 4200), "{junk}");
        }
    }

    #[test]
    fn wallets_parse() {
        assert_eq!(Wallet::parse("mainland"), Some(Wallet::Mainland));
        assert_eq!(Wallet::parse("HK"), Some(Wallet::HongKong));
        assert_eq!(Wallet::parse("moon"), None);
    }
}
