//! Reading UseePay's transactions (a notification's fields, or a query answer's
//! `transactionInfo`) into the shop's payment and refund reports.

use super::protocol::{field, fields_of, ResultCode};
use crate::ssr::pay::{
    read_minor_amount, NotificationError, PayStatus, PaymentReport, RefundReport, Verified,
};
use serde_json::Value;

/// `transactionInfo` of a query answer: a JSON string inside the signed answer.
#[derive(Debug, Clone)]
pub(super) struct TransactionInfo {
    pub transaction_id: String,
    pub transaction_type: String,
    pub fields: Vec<(String, String)>,
}

impl TransactionInfo {
    pub fn parse(raw: &str) -> Result<TransactionInfo, String> {
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(raw.trim()) else {
            return Err("not a JSON object".to_owned());
        };
        let fields = fields_of(&obj);
        let get = |name: &str| {
            field(&fields, name)
                .map(str::to_owned)
                .ok_or_else(|| format!("no `{name}`"))
        };
        Ok(TransactionInfo {
            transaction_id: get("transactionId")?,
            transaction_type: get("transactionType")?,
            fields,
        })
    }
}

/// The shop's reading of a payment's `resultCode`: `succeed` is paid; `failed`,
/// `cancelled` and `closed` are final at UseePay (the transaction can never be paid), so the
/// order closes as expired and its stock goes back (the buyer may order again); every other
/// code is still open.
pub fn pay_status(code: ResultCode) -> PayStatus {
    match code {
        ResultCode::Succeed => PayStatus::Paid,
        ResultCode::Failed | ResultCode::Cancelled | ResultCode::Closed => PayStatus::Expired,
        ResultCode::Received
        | ResultCode::Pending
        | ResultCode::Gather
        | ResultCode::Challenge
        | ResultCode::PendingReview => PayStatus::Init,
    }
}

/// A payment from a notification's or a `transactionInfo`'s fields.
pub(super) fn payment_report(
    fields: &[(String, String)],
) -> Result<PaymentReport, NotificationError> {
    let get = |name: &str| field(fields, name).map(str::to_owned);
    let raw = get("resultCode").ok_or(NotificationError::MissingField("resultCode"))?;
    let Some(code) = ResultCode::parse(&raw) else {
        return Err(NotificationError::UnknownStatus(raw));
    };
    Ok(PaymentReport {
        status: pay_status(code),
        order_no: get("transactionId").ok_or(NotificationError::MissingField("transactionId"))?,
        payment_no: get("reference"),
        amount: read_minor_amount(
            &get("amount").ok_or(NotificationError::MissingField("amount"))?,
            &get("currency").ok_or(NotificationError::MissingField("currency"))?,
        ),
        pay_currency: None,
        pay_amount: None,
        exchange_rate: None,
        trade_time: get("finishTime").or_else(|| get("transactionTime")),
        trade_type: Some("JSAPI".to_owned()),
        openid: None,
        _verified: Verified,
    })
}

/// A refund from a refund answer's or a `transactionInfo`'s fields, in the shop's terms:
/// the amount as a decimal of the currency's major unit (what the refund judge compares),
/// with its currency, the shop's refund number as `out_refund_id`, UseePay's `reference` as
/// its own number. An amount that cannot be read as money (no currency, an unknown one, not
/// minor units) is handed on marked unreadable, so the judge never matches it.
pub(super) fn refund_report(fields: Vec<(String, String)>) -> RefundReport {
    let get = |name: &str| field(&fields, name).map(str::to_owned);
    let amount = get("amount").map(|raw| {
        match read_minor_amount(&raw, &get("currency").unwrap_or_default()) {
            Ok(money) => money.decimal(),
            Err(_) => format!("unreadable minor units `{raw}`"),
        }
    });
    RefundReport {
        currency: get("currency"),
        refund_no: get("reference"),
        out_refund_id: get("transactionId"),
        status: get("resultCode"),
        amount,
        payment_no: None,
        order_no: get("originalTransactionId"),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};

    fn f(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn payments_read_minor_units_and_map_result_codes() {
        let report = payment_report(&f(&[
            ("transactionType", "pay"),
            ("transactionId", "S1"),
            ("reference", "U1"),
            ("amount", "1211"),
            ("currency", "USD"),
            ("resultCode", "succeed"),
            ("brandNew", "x"),
        ]))
        .expect("report");
        assert_eq!(report.status(), PayStatus::Paid);
        assert_eq!(report.order_no(), "S1");
        assert_eq!(report.payment_no(), Some("U1"));
        assert_eq!(report.amount(), &Ok(Money::new(1211, Currency::Usd)));
        for (code, status) in [
            ("received", PayStatus::Init),
            ("gather", PayStatus::Init),
            ("failed", PayStatus::Expired),
            ("cancelled", PayStatus::Expired),
            ("closed", PayStatus::Expired),
        ] {
            let r = payment_report(&f(&[
                ("transactionId", "S1"),
                ("amount", "1"),
                ("currency", "HKD"),
                ("resultCode", code),
            ]))
            .expect(code);
            assert_eq!(r.status(), status, "{code}");
        }
        // A decimal amount is not UseePay's: it never matches an order.
        let decimal = payment_report(&f(&[
            ("transactionId", "S1"),
            ("amount", "12.11"),
            ("currency", "USD"),
            ("resultCode", "succeed"),
        ]))
        .expect("report");
        assert!(decimal.amount().is_err());
        assert_eq!(
            payment_report(&f(&[("transactionId", "S1"), ("resultCode", "paid")])),
            Err(NotificationError::UnknownStatus("paid".into()))
        );
    }

    #[test]
    fn refunds_are_read_in_the_shops_terms() {
        let r = refund_report(f(&[
            ("transactionId", "R1"),
            ("originalTransactionId", "S1"),
            ("reference", "UR1"),
            ("amount", "500"),
            ("currency", "HKD"),
            ("resultCode", "succeed"),
        ]));
        assert_eq!(r.out_refund_id.as_deref(), Some("R1"));
        assert_eq!(r.order_no.as_deref(), Some("S1"));
        assert_eq!(r.refund_no.as_deref(), Some("UR1"));
        assert_eq!(r.amount.as_deref(), Some("5.00"));
        assert_eq!(r.currency.as_deref(), Some("HKD"));
        // Without a currency, minor units are not money: never read as a decimal.
        let bare = refund_report(f(&[("transactionId", "R1"), ("amount", "2000")]));
        assert!(
            crate::money::Money::parse_decimal(
                bare.amount.as_deref().unwrap_or_default(),
                Currency::Hkd
            )
            .is_none(),
            "{bare:?}"
        );
        assert_eq!(
            crate::ssr::pay::RefundState::parse(r.status.as_deref().unwrap_or_default()),
            Some(crate::ssr::pay::RefundState::Success)
        );
    }

    #[test]
    fn transaction_info_needs_its_id_and_type() {
        let info = TransactionInfo::parse(
            r#"{"transactionId":"S1","transactionType":"pay","amount":"100","settlement":[]}"#,
        )
        .expect("info");
        assert_eq!(info.transaction_id, "S1");
        assert!(TransactionInfo::parse(r#"{"transactionType":"pay"}"#).is_err());
        assert!(TransactionInfo::parse("[]").is_err());
    }
}
