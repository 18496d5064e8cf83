//! Reading the gateway's answers: its JSON envelope, and payments and refunds from the
//! fields of a notification or a query answer, in either spelling of renamed fields.

use crate::ssr::pay::{
    read_amount, GatewayError, NotificationError, PayStatus, PaymentReport, RefundReport, Verified,
};
use serde_json::Value;

/// Fields the notification and the query answer share; first spelling is the old one.
const ORDER_NO_FIELDS: [&str; 2] = ["agent_order_id", "out_trade_id"];
pub(super) const PAYMENT_NO_FIELDS: [&str; 2] = ["no", "payment_no"];

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
pub(super) fn fields_of(data: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    data.iter()
        .map(|(k, v)| (k.clone(), scalar_text(v)))
        .collect()
}

pub(super) fn field<'a>(fields: &'a [(String, String)], names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|name| {
        fields
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    })
}

/// Reads a payment from notification or query fields, accepting both spellings of the
/// renamed fields and ignoring fields it does not know.
pub fn report_from_fields(fields: &[(String, String)]) -> Result<PaymentReport, NotificationError> {
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

pub(super) fn refund_from_fields(fields: Vec<(String, String)>) -> RefundReport {
    let get = |names: &[&str]| field(&fields, names).map(str::to_owned);
    RefundReport {
        refund_no: get(&["refund_no", "no"]),
        // The refund answer's fields are undocumented: WeChat Pay's spellings are accepted too.
        out_refund_id: get(&["out_refund_id", "out_refund_no"]),
        status: get(&["status", "refund_status"]),
        amount: get(&["refund_amount", "amount"]),
        // Not `no`: in a refund answer that spelling is taken by the refund number.
        payment_no: get(&["payment_no"]),
        order_no: None,
        // Undocumented in the refund answer (and `currency` may name the wallet's side).
        currency: None,
        fields: fields.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
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
}
