//! Wisecashier (HipoPay): the JSAPI `mp_pay` flow, payment queries, refunds, and signed
//! notifications. Protocol notes: `shared/docs/wisecashier.md`.

use super::signing::{
    notification_string_to_verify, percent_encode, request_string_to_sign, PrivateKey, PublicKey,
};
use super::{
    read_amount, BoxFuture, GatewayError, Notification, NotificationError, PayStatus,
    PaymentProvider, PaymentReport, PlaceOrder, Placed, RefundReport, RefundRequest, Verified,
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
}

pub struct Wisecashier {
    config: WisecashierConfig,
    http: reqwest::Client,
}

/// Fields the notification and the query answer share; first spelling is the old one.
const ORDER_NO_FIELDS: [&str; 2] = ["agent_order_id", "out_trade_id"];
const PAYMENT_NO_FIELDS: [&str; 2] = ["no", "payment_no"];

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
            ("MerchantNO", self.config.merchant_no.clone()),
            ("Version", "1.0".to_owned()),
            ("Timestamp", timestamp.to_owned()),
            ("Signature", signature),
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
        let res = req.send().await.map_err(|e| {
            if e.is_timeout() {
                GatewayError::Timeout
            } else {
                GatewayError::Unreachable(without_url(&e))
            }
        })?;
        let status = res.status();
        let body = res.text().await.map_err(|e| {
            if e.is_timeout() {
                GatewayError::Timeout
            } else {
                GatewayError::Unreachable(without_url(&e))
            }
        })?;
        if status.is_server_error() {
            return Err(GatewayError::Unreachable(format!("HTTP {status}")));
        }
        parse_envelope(status.as_u16(), &body)
    }
}

fn without_url(err: &reqwest::Error) -> String {
    // reqwest's message includes the URL, which carries signed query parameters on GETs.
    let kind = if err.is_connect() {
        "connection failed"
    } else if err.is_request() {
        "request failed"
    } else {
        "transport error"
    };
    kind.to_owned()
}

fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `k=v&…` in key order with RFC 3986 encoding: the exact text that was signed.
pub fn encode_params(params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `{"meta": {"success", "status_code", "message"}, "data": {…}}` → `data`.
pub fn parse_envelope(
    http_status: u16,
    body: &str,
) -> Result<serde_json::Map<String, Value>, GatewayError> {
    let value: Value = serde_json::from_str(body).map_err(|_| {
        GatewayError::Garbage(format!(
            "HTTP {http_status}, not JSON: {}",
            body.chars().take(120).collect::<String>()
        ))
    })?;
    let meta = value
        .get("meta")
        .and_then(Value::as_object)
        .ok_or_else(|| GatewayError::Garbage(format!("HTTP {http_status}, no `meta`")))?;
    let success = meta
        .get("success")
        .and_then(Value::as_bool)
        .ok_or_else(|| GatewayError::Garbage("`meta.success` is not a boolean".to_owned()))?;
    if !success {
        let code = meta
            .get("status_code")
            .map(scalar_text)
            .unwrap_or_else(|| http_status.to_string());
        let message = meta.get("message").map(scalar_text).unwrap_or_default();
        return Err(GatewayError::Refused { code, message });
    }
    match value.get("data") {
        Some(Value::Object(data)) => Ok(data.clone()),
        Some(Value::Null) | None => Ok(serde_json::Map::new()),
        Some(_) => Err(GatewayError::Garbage("`data` is not an object".to_owned())),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Flattens a JSON object of scalars into fields (nested values become JSON text).
fn fields_of(data: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    data.iter()
        .map(|(k, v)| (k.clone(), scalar_text(v)))
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|name| {
        fields
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    })
}

/// Reads a payment from notification or query fields, accepting both spellings of the
/// renamed fields and ignoring fields it does not know.
fn report_from_fields(fields: &[(String, String)]) -> Result<PaymentReport, NotificationError> {
    let get = |names: &[&str]| field(fields, names).map(str::to_owned);
    let status_raw = get(&["status"]).ok_or(NotificationError::MissingField("status"))?;
    let status = PayStatus::parse(&status_raw)
        .ok_or_else(|| NotificationError::UnknownStatus(status_raw.clone()))?;
    Ok(PaymentReport {
        status,
        order_no: get(&ORDER_NO_FIELDS).ok_or(NotificationError::MissingField("agent_order_id"))?,
        payment_no: get(&PAYMENT_NO_FIELDS),
        amount: read_amount(
            &get(&["amount"]).ok_or(NotificationError::MissingField("amount"))?,
            &get(&["currency"]).ok_or(NotificationError::MissingField("currency"))?,
        ),
        pay_currency: get(&["pay_currency"]),
        pay_amount: get(&["pay_amount"]),
        exchange_rate: get(&["exchange_rate"]),
        trade_time: get(&["trade_time"]),
        trade_type: get(&["trade_type"]),
        openid: get(&["openid"]),
        _verified: Verified,
    })
}

fn refund_from_fields(fields: Vec<(String, String)>) -> RefundReport {
    let get = |names: &[&str]| field(&fields, names).map(str::to_owned);
    RefundReport {
        refund_no: get(&["refund_no", "no"]),
        // The refund answer's fields are undocumented: WeChat Pay's spellings are accepted too.
        out_refund_id: get(&["out_refund_id", "out_refund_no"]),
        status: get(&["status", "refund_status"]),
        amount: get(&["refund_amount", "amount"]),
        // Not `no`: in a refund answer that spelling is taken by the refund number.
        payment_no: get(&["payment_no"]),
        fields: fields.clone(),
    }
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
            let mut params = vec![
                s("payment_no", &refund.payment_no),
                s("out_refund_id", &refund.refund_no),
            ];
            if let Some(amount) = refund.amount {
                params.push(s("refund_amount", amount.decimal()));
            }
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

    fn verify_notification(&self, n: &Notification) -> Result<PaymentReport, NotificationError> {
        let (Some(timestamp), Some(signature)) = (&n.timestamp, &n.signature) else {
            return Err(NotificationError::MissingHeaders);
        };
        let message = notification_string_to_verify(&n.fields, timestamp);
        if !self.config.gateway_public_key.verify(&message, signature) {
            return Err(NotificationError::BadSignature);
        }
        report_from_fields(&n.fields)
    }

    fn notification_ack(&self) -> &'static str {
        "success"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| s(k, *v)).collect()
    }

    #[test]
    fn reports_accept_both_spellings_and_ignore_unknown_fields() {
        let old = report_from_fields(&f(&[
            ("status", "PAID"),
            ("no", "P1"),
            ("agent_order_id", "S1"),
            ("amount", "12.50"),
            ("currency", "HKD"),
            ("pay_currency", "CNY"),
            ("pay_amount", "11.30"),
            ("exchange_rate", "0.9043"),
            ("trade_time", "2026-11-25 10:00:00"),
            ("trade_type", "JSAPI"),
            ("openid", "o_1"),
            ("brand_new_field", "x"),
        ]))
        .expect("old spelling");
        let new = report_from_fields(&f(&[
            ("status", "PAID"),
            ("payment_no", "P1"),
            ("out_trade_id", "S1"),
            ("amount", "12.50"),
            ("currency", "HKD"),
            ("pay_currency", "CNY"),
            ("pay_amount", "11.30"),
            ("exchange_rate", "0.9043"),
            ("trade_time", "2026-11-25 10:00:00"),
            ("trade_type", "JSAPI"),
            ("openid", "o_1"),
            ("settle_currency", "HKD"),
            ("finish_time", "2026-11-25 10:00:01"),
        ]))
        .expect("new spelling");
        assert_eq!(old, new);
        assert_eq!(old.status, PayStatus::Paid);
        assert_eq!(old.payment_no.as_deref(), Some("P1"));
        assert_eq!(old.exchange_rate.as_deref(), Some("0.9043"));
    }

    #[test]
    fn reports_name_what_is_missing() {
        assert_eq!(
            report_from_fields(&f(&[("status", "PAID")])),
            Err(NotificationError::MissingField("agent_order_id"))
        );
        assert_eq!(
            report_from_fields(&f(&[("status", "WHATEVER")])),
            Err(NotificationError::UnknownStatus("WHATEVER".into()))
        );
        assert_eq!(
            report_from_fields(&f(&[("agent_order_id", "S1")])),
            Err(NotificationError::MissingField("status"))
        );
    }

    #[test]
    fn envelopes_are_typed() {
        let ok = parse_envelope(
            200,
            r#"{"meta":{"success":true,"status_code":200,"message":"ok"},"data":{"a":1}}"#,
        )
        .expect("ok");
        assert_eq!(ok.get("a"), Some(&Value::from(1)));
        assert_eq!(
            parse_envelope(
                400,
                r#"{"meta":{"success":false,"status_code":4001,"message":"余额不足"}}"#
            ),
            Err(GatewayError::Refused {
                code: "4001".into(),
                message: "余额不足".into()
            })
        );
        assert!(matches!(
            parse_envelope(200, "<html>proxy error</html>"),
            Err(GatewayError::Garbage(_))
        ));
        assert!(matches!(
            parse_envelope(200, r#"{"data":{}}"#),
            Err(GatewayError::Garbage(_))
        ));
    }

    #[test]
    fn params_are_encoded_in_key_order() {
        assert_eq!(
            encode_params(&f(&[("b", "x y"), ("a", "1/2")])),
            "a=1%2F2&b=x%20y"
        );
    }

    #[test]
    fn wallets_parse() {
        assert_eq!(Wallet::parse("mainland"), Some(Wallet::Mainland));
        assert_eq!(Wallet::parse("HK"), Some(Wallet::HongKong));
        assert_eq!(Wallet::parse("moon"), None);
    }
}
