//! Refunds: `POST /payment_refund` and `GET /payment_refund`, with the refund faults.

use super::api::{envelope, param, parse_form, refuse, verify};
use super::state::{Gateway, Ledger, Refund, RefundFault, Status};
use crate::clock::now_ms;
use app::money::{Currency, Money};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// `POST /payment_refund`: idempotent on `out_refund_id`. A new refund is `PROCESSING` and
/// becomes `SUCCESS` after `refund_settle_ms` (scaled); the refund faults change that.
pub async fn refund(State(gw): State<Arc<Gateway>>, headers: HeaderMap, body: Bytes) -> Response {
    let params = parse_form(&body);
    if let Err(res) = verify(&gw, &headers, &params) {
        return res;
    }
    let (Some(payment_no), Some(out_refund_id)) = (
        param(&params, &["payment_no"]),
        param(&params, &["out_refund_id"]),
    ) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            40002,
            "payment_no and out_refund_id are required",
        );
    };
    let (answer, fault) = {
        let mut inner = gw.lock();
        let Some(order_no) = inner.by_payment_no.get(payment_no).cloned() else {
            return refuse(StatusCode::NOT_FOUND, 404, "payment not found");
        };
        let openid = match inner.payments.get_mut(&order_no) {
            Some(p) => {
                p.refund_calls += 1;
                p.openid.clone()
            }
            None => return refuse(StatusCode::NOT_FOUND, 404, "payment not found"),
        };
        let fault = inner.refund_fault(&openid);
        if fault == RefundFault::Refuse {
            let message = inner.faults.refuse_message.clone();
            drop(inner);
            return refuse(StatusCode::BAD_REQUEST, 40022, &message);
        }
        if let Some(existing) = inner.refunds.get(out_refund_id) {
            if existing.payment_no != payment_no {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    40023,
                    "out_refund_id already used for another payment",
                );
            }
            (refund_answer(&inner, existing, fault), fault)
        } else {
            let seq = inner.next_seq();
            let settle_in = gw
                .settings
                .scaled(Duration::from_millis(inner.faults.refund_settle_ms));
            let Some(p) = inner.payment_mut(&order_no) else {
                return refuse(StatusCode::NOT_FOUND, 404, "payment not found");
            };
            if p.status != Status::Paid {
                return refuse(StatusCode::BAD_REQUEST, 40020, "payment is not paid");
            }
            let Some(currency) = Currency::from_code(&p.currency) else {
                return refuse(StatusCode::BAD_REQUEST, 40004, "unsupported currency");
            };
            let minor = match param(&params, &["refund_amount"]) {
                None => p.amount_minor - p.refunded_minor,
                Some(raw) => match Money::parse_decimal(raw, currency) {
                    Some(m) if m.minor > 0 => m.minor,
                    _ => return refuse(StatusCode::BAD_REQUEST, 40005, "invalid refund_amount"),
                },
            };
            if minor <= 0 || p.refunded_minor + minor > p.amount_minor {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    40021,
                    "refunds would exceed the payment",
                );
            }
            p.refunded_minor += minor;
            let now = now_ms();
            let refund = Refund {
                refund_no: format!("R{now}{seq:04}"),
                out_refund_id: out_refund_id.to_owned(),
                payment_no: payment_no.to_owned(),
                amount: Money::new(minor, currency).decimal(),
                status: "SUCCESS",
                created_at_ms: now,
                settle_at_ms: now + i64::try_from(settle_in.as_millis()).unwrap_or(i64::MAX),
                openid,
            };
            let answer = refund_answer(&inner, &refund, fault);
            inner.refunds.insert(out_refund_id.to_owned(), refund);
            (answer, fault)
        }
    };
    if fault == RefundFault::Timeout {
        // The gateway acted but the answer never arrives in time.
        tokio::time::sleep(Duration::from_secs(120)).await;
    }
    envelope(StatusCode::OK, 200, "success", answer)
}

pub fn refund_json(r: &Refund, status: &str) -> Value {
    json!({
        "refund_no": r.refund_no,
        "out_refund_id": r.out_refund_id,
        "payment_no": r.payment_no,
        "refund_amount": r.amount,
        "status": status,
    })
}

/// The answer about refund `r`, or (fault `other_refund`) about another refund of the same
/// payment that has succeeded, or one made up.
fn refund_answer(inner: &Ledger, r: &Refund, fault: RefundFault) -> Value {
    if fault != RefundFault::OtherRefund {
        return refund_json(r, inner.refund_status(r));
    }
    match inner
        .refunds
        .values()
        .find(|o| o.payment_no == r.payment_no && o.out_refund_id != r.out_refund_id)
    {
        Some(other) => refund_json(other, "SUCCESS"),
        None => json!({
            "refund_no": format!("{}9", r.refund_no),
            "out_refund_id": format!("{}-OTHER", r.out_refund_id),
            "payment_no": r.payment_no,
            "refund_amount": r.amount,
            "status": "SUCCESS",
        }),
    }
}

/// `GET /payment_refund?out_refund_id=…` (or `refund_no`).
pub async fn query_refund(
    State(gw): State<Arc<Gateway>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let params = parse_form(q.unwrap_or_default().as_bytes());
    if let Err(res) = verify(&gw, &headers, &params) {
        return res;
    }
    let inner = gw.lock();
    let found = match (
        param(&params, &["out_refund_id"]),
        param(&params, &["refund_no"]),
    ) {
        (Some(id), _) => inner.refunds.get(id),
        (None, Some(no)) => inner.refunds.values().find(|r| r.refund_no == no),
        (None, None) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                40002,
                "refund_no or out_refund_id is required",
            )
        }
    };
    match found {
        Some(r) => {
            let answer = refund_answer(&inner, r, inner.refund_fault(&r.openid));
            envelope(StatusCode::OK, 200, "success", answer)
        }
        None => refuse(StatusCode::NOT_FOUND, 404, "refund not found"),
    }
}
