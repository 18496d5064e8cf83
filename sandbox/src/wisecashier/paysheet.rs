//! The pay sheet behind the `WeixinJSBridge` stand-in (`getBrandWCPayRequest`): what it
//! shows, and its Pay and Fail buttons.

use super::notify;
use super::state::{Gateway, Ledger, Status};
use crate::clock::{china_datetime, now_ms};
use axum::extract::{Query, State};
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

fn by_package(inner: &mut Ledger, package: &str) -> Option<String> {
    let prepay = package.strip_prefix("prepay_id=")?;
    inner.by_prepay.get(prepay).cloned()
}

/// What the pay sheet shows: the merchant's order as the gateway knows it.
pub async fn prepay_details(
    State(gw): State<Arc<Gateway>>,
    Query(q): Query<PrepayQuery>,
) -> Response {
    let mut inner = gw.lock();
    let Some(p) = by_package(&mut inner, &q.package).and_then(|no| inner.payment_mut(&no).cloned())
    else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown prepay_id" })),
        )
            .into_response();
    };
    Json(json!({
        "merchant_no": gw.settings.wisecashier.merchant_no,
        "order_no": p.order_no,
        "amount": p.amount,
        "currency": p.currency,
        "product_info": p.product_info,
        "status": p.status.code(),
    }))
    .into_response()
}

/// The sheet's Pay button. The parameters must be exactly the ones the gateway issued
/// (the page passed `js_param` through untouched), and the prepay still payable.
pub async fn sheet_pay(State(gw): State<Arc<Gateway>>, Json(params): Json<Value>) -> Response {
    let order_no = {
        let mut inner = gw.lock();
        let package = params
            .get("package")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(order_no) = by_package(&mut inner, package) else {
            return Json(json!({ "ok": false, "error": "unknown prepay_id" })).into_response();
        };
        let trade_time = china_datetime(now_ms());
        let Some(p) = inner.payment_mut(&order_no) else {
            return Json(json!({ "ok": false, "error": "unknown payment" })).into_response();
        };
        if p.js_param != params {
            return Json(
                json!({ "ok": false, "error": "pay parameters were altered (paySign mismatch)" }),
            )
            .into_response();
        }
        match p.status {
            Status::Init | Status::Fail => {
                p.status = Status::Paid;
                p.paid_at_ms = Some(now_ms());
                p.trade_time = Some(trade_time);
            }
            Status::Paid => {
                return Json(json!({ "ok": false, "error": "already paid" })).into_response()
            }
            Status::Expired => {
                return Json(json!({ "ok": false, "error": "payment expired" })).into_response()
            }
        }
        order_no
    };
    notify::spawn_deliveries(gw.clone(), order_no);
    Json(json!({ "ok": true })).into_response()
}

/// The sheet's Fail button: the attempt fails; the prepay stays payable, like WeChat's.
pub async fn sheet_fail(State(gw): State<Arc<Gateway>>, Json(params): Json<Value>) -> Response {
    let mut inner = gw.lock();
    let package = params
        .get("package")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(order_no) = by_package(&mut inner, package) else {
        return Json(json!({ "ok": false })).into_response();
    };
    if let Some(p) = inner.payment_mut(&order_no) {
        if p.status == Status::Init {
            p.status = Status::Fail;
        }
    }
    Json(json!({ "ok": true })).into_response()
}
