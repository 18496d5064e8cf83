//! Test controls under `/__sandbox/`: the fault knobs, forced expiry, forged notifications,
//! and the gateway's own view of a payment and its refunds.

use super::notify::notification_fields;
use super::refunds::refund_json;
use super::state::{Gateway, Refund};
use crate::clock::now_ms;
use app::ssr::pay::wisecashier::protocol::{
    encode_params, notification_string_to_verify, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct ExpireBody {
    order_no: String,
}

/// Makes a payment's prepay lapse now (an order expiring at the gateway).
pub async fn force_expire(
    State(gw): State<Arc<Gateway>>,
    Json(body): Json<ExpireBody>,
) -> Response {
    let mut inner = gw.lock();
    match inner.payments.get_mut(&body.order_no) {
        Some(p) => {
            p.expires_at_ms = now_ms();
            let _ = inner.payment_mut(&body.order_no);
            Json(json!({ "ok": true })).into_response()
        }
        None => (StatusCode::NOT_FOUND, Json(json!({ "ok": false }))).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ForgedBody {
    order_no: String,
    /// The status the notification claims (default `PAID`), whatever the payment's is.
    status: Option<String>,
    /// How old its Timestamp is, in seconds (default 0).
    timestamp_age_secs: Option<i64>,
}

/// Sends one correctly signed notification for a payment that claims `status` (default
/// PAID) while the gateway's own record stays as it is: what another merchant of the same
/// gateway could produce by paying an order of its own with this shop's order number and
/// notify_url. Answers the shop's HTTP status and body.
pub async fn notify_forged(
    State(gw): State<Arc<Gateway>>,
    Json(body): Json<ForgedBody>,
) -> Response {
    let Some(p) = gw.lock().payments.get(&body.order_no).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response();
    };
    let claimed = body.status.unwrap_or_else(|| "PAID".to_owned());
    let fields: Vec<(String, String)> = notification_fields(&gw, &p)
        .into_iter()
        .map(|(k, v)| {
            if k == "status" {
                (k, claimed.clone())
            } else {
                (k, v)
            }
        })
        .collect();
    let timestamp = (now_ms() / 1000 - body.timestamp_age_secs.unwrap_or(0)).to_string();
    let Ok(signature) = gw
        .settings
        .wisecashier
        .gateway_key
        .sign(&notification_string_to_verify(&fields, &timestamp))
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let sent = gw
        .http
        .post(&p.notify_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header(HEADER_TIMESTAMP, &timestamp)
        .header(HEADER_SIGNATURE, &signature)
        .body(encode_params(&fields))
        .send()
        .await;
    match sent {
        Ok(res) => {
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            Json(json!({ "http_status": status, "body": text })).into_response()
        }
        Err(err) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "error": err.without_url().to_string() })),
        )
            .into_response(),
    }
}

pub async fn payment_state(
    State(gw): State<Arc<Gateway>>,
    Path(order_no): Path<String>,
) -> Response {
    let mut inner = gw.lock();
    match inner.payment_mut(&order_no) {
        Some(p) => Json(p.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response(),
    }
}

/// The notification the gateway would send for a payment right now, signed: its URL, form
/// body and headers. `make bench` fetches these for paid orders (with notifications held back
/// by the `drop` knob) and sends them all at once, measuring how fast the shop settles
/// notifications without counting the gateway's own signing.
pub async fn signed_notification(
    State(gw): State<Arc<Gateway>>,
    Path(order_no): Path<String>,
) -> Response {
    match super::notify::prepare(&gw, &order_no) {
        Some((url, body, timestamp, signature)) => Json(json!({
            "url": url,
            "body": body,
            "headers": { HEADER_TIMESTAMP: timestamp, HEADER_SIGNATURE: signature },
        }))
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order, or no notify URL" })),
        )
            .into_response(),
    }
}

/// The refunds of an order's payment as the gateway holds them, and how many refund requests
/// it received (tests: one refund, asked for once).
pub async fn refunds_of(State(gw): State<Arc<Gateway>>, Path(order_no): Path<String>) -> Response {
    let inner = gw.lock();
    let Some(p) = inner.payments.get(&order_no) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response();
    };
    let mut refunds: Vec<&Refund> = inner
        .refunds
        .values()
        .filter(|r| r.payment_no == p.payment_no)
        .collect();
    refunds.sort_by_key(|r| r.created_at_ms);
    Json(json!({
        "refund_calls": p.refund_calls,
        "refunded_minor": p.refunded_minor,
        "refunds": refunds
            .into_iter()
            .map(|r| refund_json(r, inner.refund_status(r)))
            .collect::<Vec<_>>(),
    }))
    .into_response()
}
