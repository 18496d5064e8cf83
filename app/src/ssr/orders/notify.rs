//! `POST /api/pay/notify`: the gateway's payment notifications.
//!
//! A notification is a **trigger, never the proof**. If the gateway signs every merchant's
//! notifications with one platform key, another merchant could pay an order of its own that
//! carries this shop's order number and `notify_url`, and its correctly signed `PAID` would
//! reach us. So a verified notification makes the shop ask the gateway itself, with its own
//! signed `GET /payment` for the order number it placed, and only that answer (for this
//! order, amount, currency and buyer) moves the order. If the gateway cannot be asked, the
//! answer is non-200 and the gateway retries on its schedule; the notification is never
//! trusted instead.
//!
//! Before that, in order: a small body limit, the signature over exactly the fields
//! received, and the age of the signed `Timestamp` (replays). Requests that fail these are
//! not stored against any order: they are counted per day and reason with one truncated
//! sample ([`reject`]), so a flood can neither fill the disk nor show up on an order's page.
//! Verified notifications are stored raw with their verdict, and `success` is answered only
//! after the order's new state is committed.

use super::service::{settle, SettleError, Settled};
use super::store::Applied;
use crate::ssr::context::ShopState;
use crate::ssr::pay::{Notification, NotificationError, PayStatus, PaymentReport};
use crate::ssr::web::now_ms;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Notifications are a dozen short fields; anything larger is not one.
pub const MAX_BODY_BYTES: usize = 8 * 1024;
/// A signed Timestamp may run this far ahead of the shop's clock.
const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// The sample kept of a refused request.
const SAMPLE_CHARS: usize = 512;

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether a signed `Timestamp` (unix seconds) is recent enough at `now_secs`.
pub fn timestamp_is_fresh(timestamp: &str, now_secs: i64, max_age_secs: i64) -> bool {
    match timestamp.trim().parse::<i64>() {
        Ok(t) => t <= now_secs + MAX_CLOCK_SKEW_SECS && now_secs - t <= max_age_secs,
        Err(_) => false,
    }
}

/// What became of a verified notification.
struct Outcome {
    status: StatusCode,
    verdict: &'static str,
    detail: String,
}

fn outcome(status: StatusCode, verdict: &'static str, detail: impl Into<String>) -> Outcome {
    Outcome {
        status,
        verdict,
        detail: detail.into(),
    }
}

pub async fn receive(State(state): State<ShopState>, headers: HeaderMap, body: Body) -> Response {
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        reject(&state, "too_large", b"").await;
        return (StatusCode::PAYLOAD_TOO_LARGE, "too_large").into_response();
    };
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let notification = Notification {
        fields,
        timestamp: header(&headers, "timestamp"),
        signature: header(&headers, "signature"),
    };

    let verified = match state.pay.verify_notification(&notification) {
        Err(NotificationError::MissingHeaders | NotificationError::BadSignature) => {
            reject(&state, "bad_signature", &body).await;
            return (StatusCode::UNAUTHORIZED, "bad_signature").into_response();
        }
        other => other,
    };
    // The signature covers the Timestamp: an old one is a replay of a real notification.
    let max_age = i64::try_from(state.config.gateway.notify_max_age.as_secs()).unwrap_or(i64::MAX);
    let timestamp = notification.timestamp.clone().unwrap_or_default();
    if !timestamp_is_fresh(&timestamp, now_ms() / 1000, max_age) {
        reject(&state, "stale_timestamp", &body).await;
        return (StatusCode::UNAUTHORIZED, "stale_timestamp").into_response();
    }

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

    let result = match verified {
        Err(err) => {
            tracing::warn!(order = ?order_no, %err, "refused a malformed notification");
            outcome(StatusCode::BAD_REQUEST, "malformed", err.to_string())
        }
        Ok(report) => confirm_and_settle(&state, &report).await,
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
    .bind(result.verdict)
    .bind(&result.detail)
    .bind(notification.timestamp.clone())
    .bind(notification.signature.clone())
    .bind(String::from_utf8_lossy(&body).into_owned())
    .execute(state.db.pool())
    .await;
    if let Err(err) = logged {
        tracing::error!(%err, verdict = result.verdict, "could not store a notification");
        if result.status == StatusCode::OK {
            // The order is settled, but the record is not: let the gateway send it again.
            return (StatusCode::SERVICE_UNAVAILABLE, "retry").into_response();
        }
    }
    if result.status == StatusCode::OK {
        (StatusCode::OK, state.pay.notification_ack()).into_response()
    } else {
        (result.status, result.verdict).into_response()
    }
}

/// A verified notification about `report.order_no()`: the shop asks the gateway itself and
/// applies the gateway's answer, never the notification's claim.
async fn confirm_and_settle(state: &ShopState, report: &PaymentReport) -> Outcome {
    if matches!(report.status(), PayStatus::Init | PayStatus::Fail) {
        // Nothing would change: recorded only, no query needed.
        return outcome(
            StatusCode::OK,
            "noted",
            format!("status {:?}", report.status()),
        );
    }
    // The notification itself must match the order before the gateway is even asked.
    if let Err(err) = super::service::matching_order(state, report).await {
        return refused(report, err);
    }
    let answer = match state.pay.query_payment(report.order_no()).await {
        Ok(Some(answer)) => answer,
        Ok(None) => {
            tracing::warn!(order = %report.order_no(), claimed = ?report.status(), "the gateway does not know the order a notification is about; not applied");
            return outcome(
                StatusCode::CONFLICT,
                "unconfirmed",
                "the gateway's payment query does not know this order",
            );
        }
        Err(err) => {
            tracing::warn!(order = %report.order_no(), %err, "notification not confirmed: payment query failed; the gateway will retry");
            return outcome(
                StatusCode::SERVICE_UNAVAILABLE,
                "query_failed",
                err.to_string(),
            );
        }
    };
    if answer.status() != report.status() && answer.status() != PayStatus::Paid {
        // E.g. a signed PAID for a payment the gateway itself reports as unpaid.
        tracing::error!(order = %report.order_no(), claimed = ?report.status(), gateway = ?answer.status(), "a notification's claim is contradicted by the gateway's own answer; not applied");
        return outcome(
            StatusCode::CONFLICT,
            "unconfirmed",
            format!(
                "notification says {:?}, the gateway's query says {:?}",
                report.status(),
                answer.status()
            ),
        );
    }
    match settle(state, &answer, "notification+query").await {
        Ok(Settled::Applied(Applied::Moved { from, to, flagged })) => outcome(
            StatusCode::OK,
            if flagged {
                "applied_flagged"
            } else {
                "applied"
            },
            format!("{} -> {}", from.code(), to.code()),
        ),
        Ok(Settled::Applied(Applied::Unchanged(s))) => {
            outcome(StatusCode::OK, "duplicate", format!("already {}", s.code()))
        }
        Ok(Settled::Noted) => outcome(
            StatusCode::OK,
            "noted",
            format!("status {:?}", answer.status()),
        ),
        Err(err) => refused(&answer, err),
    }
}

/// Why a report was not applied, as the gateway is answered.
fn refused(report: &PaymentReport, err: SettleError) -> Outcome {
    match err {
        SettleError::UnknownOrder => {
            tracing::warn!(order = %report.order_no(), "notification for an unknown order");
            outcome(StatusCode::NOT_FOUND, "unknown_order", "")
        }
        SettleError::Mismatch(why) => {
            tracing::error!(order = %report.order_no(), why, "payment does not match the order; refused");
            outcome(StatusCode::CONFLICT, "mismatch", why)
        }
        // E.g. EXPIRED for an order already paid: acknowledged, order untouched.
        SettleError::Refused => outcome(
            StatusCode::OK,
            "ignored",
            format!("status {:?}", report.status()),
        ),
        SettleError::Storage => outcome(StatusCode::SERVICE_UNAVAILABLE, "storage_error", ""),
    }
}

/// Counts a refused request under today's date (UTC) and `reason`, keeping the first
/// sample of the day. One row per day and reason, whatever the flood.
async fn reject(state: &ShopState, reason: &'static str, body: &[u8]) {
    let now = now_ms();
    let day = crate::time::utc_day(now.div_euclid(1000));
    let sample: String = String::from_utf8_lossy(body)
        .chars()
        .take(SAMPLE_CHARS)
        .collect();
    let counted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO rejected_notifications (day, reason, count, last_at, sample)
         VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (day, reason) DO UPDATE SET
             count = rejected_notifications.count + 1, last_at = $3
         RETURNING count",
    )
    .bind(&day)
    .bind(reason)
    .bind(now)
    .bind(sample)
    .fetch_one(state.db.pool())
    .await;
    match counted {
        // Logged at the 1st, 2nd, 4th, 8th… of the day: a flood cannot flood the log.
        Ok(n) if n > 0 && (n & (n - 1)) == 0 => {
            tracing::warn!(
                reason,
                today = n,
                "refused an unverified payment notification"
            )
        }
        Ok(_) => {}
        Err(err) => tracing::error!(%err, reason, "could not count a refused notification"),
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
}
