//! What the gateway said about a refund, judged against the refund the shop asked for.

use super::table::Event;
use crate::money::Money;
use crate::ssr::pay::{RefundReport, RefundState};

/// What the gateway said about a refund, judged against the refund the shop asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub event: Event,
    /// For the merchant: the gateway's words or why they were not taken.
    pub detail: String,
    /// The gateway's own refund number, from an answer about this refund.
    pub gateway_refund_no: Option<String>,
    /// The answer was about another refund, payment or amount: the merchant should look.
    pub mismatch: bool,
}

impl Said {
    pub(super) fn unsettled(detail: String) -> Said {
        Said {
            event: Event::Unsettled,
            detail,
            gateway_refund_no: None,
            mismatch: false,
        }
    }

    fn mismatch(detail: String) -> Said {
        Said {
            mismatch: true,
            ..Said::unsettled(detail)
        }
    }
}

/// The refund the shop asked for: its number, its payment and order, and its amount.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub refund_no: &'a str,
    pub payment_no: &'a str,
    pub order_no: &'a str,
    pub amount: Money,
}

/// Reads a gateway answer against the refund the shop asked for. Only an answer that names
/// this refund (and, where it names them, this payment, order and amount) and says SUCCESS
/// settles it as succeeded.
pub fn judge(report: &RefundReport, asked: &Asked<'_>) -> Said {
    let Asked {
        refund_no,
        payment_no,
        order_no,
        amount,
    } = *asked;
    match report.out_refund_id.as_deref() {
        Some(named) if named == refund_no => {}
        Some(other) => {
            return Said::mismatch(format!(
                "the gateway's answer is for another refund ({other}); not taken"
            ))
        }
        None => {
            return Said::mismatch("the gateway's answer names no refund; not taken".to_owned())
        }
    }
    if let Some(other) = report.payment_no.as_deref().filter(|p| *p != payment_no) {
        return Said::mismatch(format!(
            "the gateway's answer is for another payment ({other}); not taken"
        ));
    }
    if let Some(other) = report.order_no.as_deref().filter(|o| *o != order_no) {
        return Said::mismatch(format!(
            "the gateway's answer is for another order ({other}); not taken"
        ));
    }
    if let Some(other) = report
        .currency
        .as_deref()
        .filter(|c| !c.trim().eq_ignore_ascii_case(amount.currency.code()))
    {
        return Said::mismatch(format!(
            "the gateway reports this refund in {other}, not {}; not taken",
            amount.currency.code()
        ));
    }
    if let Some(raw) = report.amount.as_deref() {
        if Money::parse_decimal(raw, amount.currency) != Some(amount) {
            return Said::mismatch(format!(
                "the gateway reports {raw} for this refund, not {}; not taken",
                amount.decimal()
            ));
        }
    }
    let raw = report.status.as_deref().unwrap_or_default();
    let (event, detail) = match RefundState::parse(raw) {
        Some(RefundState::Success) => (Event::Succeeded, format!("gateway: {raw}")),
        Some(RefundState::Failed) => (Event::Failed, format!("gateway: {raw}")),
        Some(RefundState::Processing) => (
            Event::Unsettled,
            format!("gateway: {raw}; the settlement job will ask again"),
        ),
        None if raw.is_empty() => (
            Event::Unsettled,
            "the gateway's answer has no status; the settlement job will ask again".to_owned(),
        ),
        None => (
            Event::Unsettled,
            format!("unknown gateway status `{raw}`; the settlement job will ask again"),
        ),
    };
    Said {
        event,
        detail,
        gateway_refund_no: report.refund_no.clone(),
        mismatch: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn report(fields: &[(&str, &str)]) -> RefundReport {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        };
        RefundReport {
            refund_no: get("refund_no"),
            out_refund_id: get("out_refund_id"),
            status: get("status"),
            amount: get("refund_amount"),
            payment_no: get("payment_no"),
            order_no: get("order_no"),
            currency: get("currency"),
            fields: Vec::new(),
        }
    }

    const ASKED: Asked<'static> = Asked {
        refund_no: "S1R1",
        payment_no: "P1",
        order_no: "S1",
        amount: HK20,
    };

    const HK20: Money = Money {
        minor: 2000,
        currency: Currency::Hkd,
    };

    #[test]
    fn only_a_success_about_this_refund_settles_it() {
        let ours = report(&[
            ("refund_no", "G1"),
            ("out_refund_id", "S1R1"),
            ("payment_no", "P1"),
            ("refund_amount", "20.00"),
            ("status", "SUCCESS"),
        ]);
        let said = judge(&ours, &ASKED);
        assert_eq!(said.event, Event::Succeeded);
        assert_eq!(said.gateway_refund_no.as_deref(), Some("G1"));

        for (what, fields) in [
            (
                "another refund",
                vec![("out_refund_id", "S1R2"), ("status", "SUCCESS")],
            ),
            ("no refund named", vec![("status", "SUCCESS")]),
            (
                "another payment",
                vec![
                    ("out_refund_id", "S1R1"),
                    ("payment_no", "P2"),
                    ("status", "SUCCESS"),
                ],
            ),
            (
                "another currency",
                vec![
                    ("out_refund_id", "S1R1"),
                    ("refund_amount", "20.00"),
                    ("currency", "USD"),
                    ("status", "SUCCESS"),
                ],
            ),
            (
                "another order",
                vec![
                    ("out_refund_id", "S1R1"),
                    ("order_no", "S2"),
                    ("status", "SUCCESS"),
                ],
            ),
            (
                "another amount",
                vec![
                    ("out_refund_id", "S1R1"),
                    ("refund_amount", "200.00"),
                    ("status", "SUCCESS"),
                ],
            ),
        ] {
            let said = judge(&report(&fields), &ASKED);
            assert_eq!(said.event, Event::Unsettled, "{what}");
            assert!(said.mismatch, "{what}");
            assert_eq!(said.gateway_refund_no, None, "{what}");
        }
    }

    #[test]
    fn processing_unknown_and_failed_answers_are_read_tolerantly() {
        let with = |status: &str| {
            judge(
                &report(&[("out_refund_id", "S1R1"), ("status", status)]),
                &ASKED,
            )
            .event
        };
        assert_eq!(with("PROCESSING"), Event::Unsettled);
        assert_eq!(with("processing"), Event::Unsettled);
        assert_eq!(with("SOMETHING_NEW"), Event::Unsettled);
        assert_eq!(with(""), Event::Unsettled);
        assert_eq!(with("REFUNDED"), Event::Succeeded);
        assert_eq!(with("FAIL"), Event::Failed);
        // UseePay's resultCodes.
        assert_eq!(with("received"), Event::Unsettled);
        assert_eq!(with("succeed"), Event::Succeeded);
        assert_eq!(with("cancelled"), Event::Failed);
        assert!(
            !judge(
                &report(&[("out_refund_id", "S1R1"), ("status", "PROCESSING")]),
                &ASKED
            )
            .mismatch
        );
    }
}
