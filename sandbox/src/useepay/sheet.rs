//! The pay sheet behind the `WeixinJSBridge` stand-in, and the test controls, under
//! `/useepay/__sandbox/`. There is no payment container at UseePay: the shop's page runs on
//! the merchant's own domain, so the bridge (`/useepay/bridge.js`, which Playwright injects
//! before the page loads, as WeChat's browser would provide it) calls these cross-origin.

use super::api::transaction_info;
use super::notify::{self, Subject};
use super::state::{Gateway, Ledger};
use crate::clock::now_ms;
use app::ssr::pay::useepay::protocol::ResultCode;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Deserialize)]
pub struct PrepayQuery {
    package: String,
}

fn by_package(inner: &Ledger, package: &str) -> Option<String> {
    let prepay = package.strip_prefix("prepay_id=")?;
    inner.by_prepay.get(prepay).cloned()
}

/// What the pay sheet shows: the merchant's transaction as the gateway knows it.
pub async fn prepay_details(
    State(gw): State<Arc<Gateway>>,
    Query(q): Query<PrepayQuery>,
) -> Response {
    let mut inner = gw.lock();
    let Some(id) = by_package(&inner, &q.package) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown prepay_id" })),
        )
            .into_response();
    };
    let Some((p, _)) = inner.payment_mut(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let amount = app::money::Currency::from_code(&p.currency)
        .map(|c| app::money::Money::new(p.amount_minor, c).decimal())
        .unwrap_or_else(|| p.amount_minor.to_string());
    Json(json!({
        "merchant_no": gw.settings.useepay.merchant_no,
        "order_no": p.transaction_id,
        "amount": amount,
        "currency": p.currency,
        "product_info": p.subject,
        "status": p.result.code(),
    }))
    .into_response()
}

/// The sheet's Pay button: the parameters must be exactly the ones issued (the page handed
/// them through untouched; key order aside), and the transaction still open.
pub async fn sheet_pay(State(gw): State<Arc<Gateway>>, body: Bytes) -> Response {
    let params: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let package = params
        .get("package")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let id = {
        let mut inner = gw.lock();
        let Some(id) = by_package(&inner, package) else {
            return Json(json!({ "ok": false, "error": "unknown prepay_id" })).into_response();
        };
        let Some((p, lapsed)) = inner.payment_mut(&id) else {
            return Json(json!({ "ok": false, "error": "unknown payment" })).into_response();
        };
        if p.pay_params != params {
            return Json(
                json!({ "ok": false, "error": "pay parameters were altered (paySign mismatch)" }),
            )
            .into_response();
        }
        if lapsed || p.result.is_final() {
            let result = p.result;
            drop(inner);
            if lapsed {
                notify::spawn(gw.clone(), Subject::Payment(id));
            }
            return Json(
                json!({ "ok": false, "error": format!("transaction is {}", result.code()) }),
            )
            .into_response();
        }
        p.result = ResultCode::Succeed;
        p.paid_at_ms = Some(now_ms());
        id
    };
    notify::spawn(gw, Subject::Payment(id));
    Json(json!({ "ok": true })).into_response()
}

/// The sheet's Fail button: this attempt fails in WeChat; the UseePay transaction stays
/// open (`pending`) until it expires, so the buyer may try again (sandbox-defined).
pub async fn sheet_fail(State(gw): State<Arc<Gateway>>, body: Bytes) -> Response {
    let params: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let package = params
        .get("package")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let known = by_package(&gw.lock(), package).is_some();
    Json(json!({ "ok": known })).into_response()
}

#[derive(Deserialize)]
pub struct ExpireBody {
    order_no: String,
}

/// Makes a transaction's expiration time come now: it closes, and `closed` is notified.
pub async fn force_expire(
    State(gw): State<Arc<Gateway>>,
    Json(body): Json<ExpireBody>,
) -> Response {
    let lapsed = {
        let mut inner = gw.lock();
        match inner.payments.get_mut(&body.order_no) {
            Some(p) => {
                p.expires_at_ms = now_ms();
                inner
                    .payment_mut(&body.order_no)
                    .is_some_and(|(_, lapsed)| lapsed)
            }
            None => return (StatusCode::NOT_FOUND, Json(json!({ "ok": false }))).into_response(),
        }
    };
    if lapsed {
        notify::spawn(gw, Subject::Payment(body.order_no));
    }
    Json(json!({ "ok": true })).into_response()
}

#[derive(Deserialize)]
pub struct ForgedBody {
    order_no: String,
    /// The `resultCode` the notification claims (default `succeed`).
    status: Option<String>,
}

/// One correctly signed notification claiming `status` while the ledger stays as it is.
/// Answers the shop's HTTP status and body.
pub async fn notify_forged(
    State(gw): State<Arc<Gateway>>,
    Json(body): Json<ForgedBody>,
) -> Response {
    let claimed = body.status.unwrap_or_else(|| "succeed".to_owned());
    match notify::forged(&gw, &body.order_no, &claimed).await {
        Some((status, text)) => {
            Json(json!({ "http_status": status, "body": text })).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response(),
    }
}

pub async fn payment_state(State(gw): State<Arc<Gateway>>, Path(id): Path<String>) -> Response {
    let mut inner = gw.lock();
    match inner.payment_mut(&id) {
        Some((p, _)) => Json(p.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response(),
    }
}

/// The refunds of a payment as the gateway holds them, and how many refund requests it got.
pub async fn refunds_of(State(gw): State<Arc<Gateway>>, Path(id): Path<String>) -> Response {
    let inner = gw.lock();
    let Some(p) = inner.payments.get(&id) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response();
    };
    let mut refunds: Vec<_> = inner
        .refunds
        .values()
        .filter(|r| r.original_transaction_id == id)
        .collect();
    refunds.sort_by_key(|r| r.created_at_ms);
    let list: Vec<Value> = refunds
        .into_iter()
        .map(|r| {
            let fields = transaction_info(None, Some((r, inner.refund_result(r))));
            Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            )
        })
        .collect();
    Json(json!({
        "refund_calls": p.refund_calls,
        "refunded_minor": p.refunded_minor,
        "refunds": list,
    }))
    .into_response()
}
