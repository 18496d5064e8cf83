//! `POST /api/pay/notify`: the gateway's payment notifications.
//!
//! Untrusted until verified: the signature over exactly the fields received, then the
//! order, then amount and currency against the stored order. Only then does the one
//! transition function run, idempotently (duplicates, even concurrent ones, find the order
//! already paid). Every notification is stored raw with its verdict, and `success` is
//! answered only after the order's new state is committed; anything else gets a non-200
//! answer, so the gateway retries on its schedule.

use super::service::{settle, SettleError, Settled};
use super::store::Applied;
use crate::ssr::context::ShopState;
use crate::ssr::db::now_ms;
use crate::ssr::pay::{Notification, NotificationError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub async fn receive(State(state): State<ShopState>, headers: HeaderMap, body: Bytes) -> Response {
    let raw = String::from_utf8_lossy(&body).into_owned();
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let notification = Notification {
        fields,
        timestamp: header(&headers, "timestamp"),
        signature: header(&headers, "signature"),
    };
    let field = |name: &str| {
        notification
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let order_no = field("agent_order_id").or_else(|| field("out_trade_id"));
    let payment_no = field("no").or_else(|| field("payment_no"));
    let status_field = field("status");

    let (status, verdict, detail) = match state.pay.verify_notification(&notification) {
        Err(err @ (NotificationError::MissingHeaders | NotificationError::BadSignature)) => {
            tracing::warn!(order = ?order_no, %err, "refused a notification");
            (StatusCode::UNAUTHORIZED, "bad_signature", err.to_string())
        }
        Err(err) => {
            tracing::warn!(order = ?order_no, %err, "refused a malformed notification");
            (StatusCode::BAD_REQUEST, "malformed", err.to_string())
        }
        Ok(report) => match settle(&state, &report, "notification").await {
            Ok(Settled::Applied(Applied::Moved { from, to, flagged })) => (
                StatusCode::OK,
                if flagged {
                    "applied_flagged"
                } else {
                    "applied"
                },
                format!("{} -> {}", from.code(), to.code()),
            ),
            Ok(Settled::Applied(Applied::Unchanged(s))) => {
                (StatusCode::OK, "duplicate", format!("already {}", s.code()))
            }
            Ok(Settled::Noted) => (
                StatusCode::OK,
                "noted",
                format!("status {:?}", report.status),
            ),
            Err(SettleError::UnknownOrder) => {
                tracing::warn!(order = %report.order_no, "notification for an unknown order");
                (StatusCode::NOT_FOUND, "unknown_order", String::new())
            }
            Err(SettleError::Mismatch(why)) => {
                tracing::error!(order = %report.order_no, why, "notification does not match the order; refused");
                (StatusCode::CONFLICT, "mismatch", why)
            }
            Err(SettleError::Refused) => {
                // E.g. EXPIRED for an order already paid: acknowledged, order untouched.
                (
                    StatusCode::OK,
                    "ignored",
                    format!("status {:?}", report.status),
                )
            }
            Err(SettleError::Storage) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_error",
                String::new(),
            ),
        },
    };

    let logged = sqlx::query(
        "INSERT INTO payment_notifications
             (received_at, order_no, payment_no, status, verdict, detail, timestamp, signature, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms())
    .bind(order_no)
    .bind(payment_no)
    .bind(status_field)
    .bind(verdict)
    .bind(detail)
    .bind(notification.timestamp.clone())
    .bind(notification.signature.clone())
    .bind(raw)
    .execute(state.db.pool())
    .await;
    if let Err(err) = logged {
        tracing::error!(%err, verdict, "could not store a notification");
        if status == StatusCode::OK {
            // The order is settled, but the record is not: let the gateway send it again.
            return (StatusCode::SERVICE_UNAVAILABLE, "retry").into_response();
        }
    }
    if status == StatusCode::OK {
        (StatusCode::OK, state.pay.notification_ack()).into_response()
    } else {
        (status, verdict).into_response()
    }
}
