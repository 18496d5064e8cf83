//! `POST /api/pay/notify`: the gateway's payment (and, at UseePay, refund) notifications.
//!
//! A notification is a **trigger, never the proof**. If the gateway signs every merchant's
//! notifications with one platform key, another merchant could pay an order of its own that
//! carries this shop's order number and `notify_url`, and its correctly signed `PAID` would
//! reach us. So a verified notification makes the shop ask the gateway itself, with its own
//! signed query for the order number it placed, and only that answer (for this order,
//! amount, currency and buyer) moves the order. If the gateway cannot be asked, the answer is
//! non-200 and the gateway retries on its schedule; the notification is never trusted
//! instead. A refund notification likewise makes the shop ask about the refund
//! ([`refunds::settle`]).
//!
//! Before that, in order: a small body limit, then the gateway's own checks
//! ([`PaymentProvider::verify_notification`](crate::ssr::pay::PaymentProvider)): the
//! signature over exactly the fields received, the signed Timestamp's age where the gateway
//! signs one (Wisecashier), the merchant number where it sends one (UseePay). Requests that
//! fail these are not stored against any order: they are counted per day and reason with one
//! truncated sample ([`reject`]), so a flood can neither fill the disk nor show up on an
//! order's page. Verified notifications are stored raw with their verdict, and the gateway's
//! acknowledgement is answered only after the order's new state is committed.

use super::refunds;
use super::service::{settle, SettleError, Settled};
use super::store::Applied;
use crate::admin::RefundStatus;
use crate::ssr::context::ShopState;
use crate::ssr::pay::{Notification, NotificationError, Notified, PayStatus, PaymentReport};
use crate::ssr::web::now_ms;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Notifications are a dozen short fields; anything larger is not one.
pub const MAX_BODY_BYTES: usize = 8 * 1024;
/// The sample kept of a refused request.
const SAMPLE_CHARS: usize = 512;

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
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
        Err(NotificationError::Stale) => {
            reject(&state, "stale_timestamp", &body).await;
            return (StatusCode::UNAUTHORIZED, "stale_timestamp").into_response();
        }
        Err(NotificationError::WrongMerchant) => {
            reject(&state, "wrong_merchant", &body).await;
            return (StatusCode::BAD_REQUEST, "wrong_merchant").into_response();
        }
        other => other,
    };
    let summary = state.pay.notification_summary(&notification);

    let result = match verified {
        Err(err) => {
            tracing::warn!(order = ?summary.order_no, %err, "refused a malformed notification");
            outcome(StatusCode::BAD_REQUEST, "malformed", err.to_string())
        }
        Ok(Notified::Payment(report)) => confirm_and_settle(&state, &report).await,
        Ok(Notified::Refund {
            refund_no,
            order_no,
        }) => confirm_refund(&state, &refund_no, order_no.as_deref()).await,
        Ok(Notified::Other { kind, order_no }) => {
            let note = format!(
                "the gateway notified a `{kind}` transaction for this order; check it in the gateway's console"
            );
            match flag_order(&state, order_no.as_deref(), &note).await {
                Ok(true) => outcome(StatusCode::OK, "flagged", note),
                Ok(false) => outcome(StatusCode::OK, "noted", format!("transaction type {kind}")),
                Err(()) => outcome(StatusCode::SERVICE_UNAVAILABLE, "storage_error", ""),
            }
        }
    };

    let logged = sqlx::query(
        "INSERT INTO payment_notifications
             (received_at, order_no, payment_no, status, verdict, detail, timestamp, signature, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms())
    .bind(summary.order_no)
    .bind(summary.payment_no)
    .bind(summary.status)
    .bind(result.verdict)
    .bind(&result.detail)
    .bind(notification.timestamp.clone())
    .bind(notification.signature.clone())
    .bind(String::from_utf8_lossy(&body).into_owned())
    .execute(state.db.pool())
    .await;
    crate::ssr::metrics::notification(result.verdict);
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

/// Marks the order `order_no` (if the shop has it) for the merchant's attention with `note`.
/// `Ok(false)`: no such order.
async fn flag_order(state: &ShopState, order_no: Option<&str>, note: &str) -> Result<bool, ()> {
    let Some(order_no) = order_no else {
        return Ok(false);
    };
    super::store::flag_for_attention(&state.db, order_no, note)
        .await
        .map_err(|err| tracing::error!(%err, "could not flag an order"))
}

/// A verified notification about one of the shop's refunds: the shop asks the gateway about
/// it and records the answer, exactly as the settlement job would. A refund the gateway
/// cannot be asked about now stays pending (the job keeps asking); the notification is
/// answered with 503 so the gateway sends it again too. A refund already settled is asked
/// about too: if the gateway now says otherwise (a success after the shop recorded a
/// failure), the merchant is told. A refund the shop never made (one made in the gateway's
/// console) is put before the merchant on its order.
async fn confirm_refund(state: &ShopState, refund_no: &str, order_no: Option<&str>) -> Outcome {
    // The refund, and the order it is really of (not the one the notification names).
    let found: Result<Option<(i64, String)>, sqlx::Error> = sqlx::query_as(
        "SELECT r.id, o.order_no FROM refunds r JOIN orders o ON o.id = r.order_id
         WHERE r.refund_no = $1",
    )
    .bind(refund_no)
    .fetch_optional(state.db.pool())
    .await;
    let (id, ours) = match found {
        Ok(Some(found)) => found,
        Ok(None) => {
            tracing::warn!(refund = refund_no, order = ?order_no, "notification for a refund the shop did not make");
            let note = format!(
                "the gateway notified a refund the shop did not make ({refund_no}); check it in the gateway's console"
            );
            return match flag_order(state, order_no, &note).await {
                Ok(true) => outcome(StatusCode::OK, "unknown_refund", note),
                Ok(false) => outcome(StatusCode::NOT_FOUND, "unknown_refund", ""),
                Err(()) => outcome(StatusCode::SERVICE_UNAVAILABLE, "storage_error", ""),
            };
        }
        Err(err) => {
            tracing::error!(%err, "could not look up a notified refund");
            return outcome(StatusCode::SERVICE_UNAVAILABLE, "storage_error", "");
        }
    };
    match refunds::settle(state, id, "notification+query").await {
        Ok(applied) if applied.from == applied.to && applied.to == RefundStatus::Pending => {
            outcome(
                StatusCode::SERVICE_UNAVAILABLE,
                "refund_unsettled",
                applied.detail,
            )
        }
        Ok(applied) if applied.from == applied.to => {
            contradicted(state, refund_no, applied.to, &ours).await
        }
        Ok(applied) => outcome(
            StatusCode::OK,
            "refund_applied",
            format!("refund {} -> {}", applied.from.code(), applied.to.code()),
        ),
        Err(err) => {
            tracing::error!(%err, refund = refund_no, "could not settle a notified refund");
            outcome(StatusCode::SERVICE_UNAVAILABLE, "storage_error", "")
        }
    }
}

/// A notification about a refund the shop has already settled: the gateway is asked, and a
/// different final word than the shop's record (success after a recorded failure, or the
/// reverse) is put before the merchant, never applied on its own.
async fn contradicted(
    state: &ShopState,
    refund_no: &str,
    recorded: RefundStatus,
    order_no: &str,
) -> Outcome {
    use crate::ssr::pay::RefundState;
    let said = match state.pay.query_refund(refund_no).await {
        Ok(report) => report.status.as_deref().and_then(RefundState::parse),
        Err(err) => {
            tracing::warn!(refund = refund_no, %err, "could not ask about a settled refund");
            return outcome(
                StatusCode::SERVICE_UNAVAILABLE,
                "query_failed",
                err.to_string(),
            );
        }
    };
    let disagrees = matches!(
        (recorded, said),
        (RefundStatus::Failed, Some(RefundState::Success))
            | (RefundStatus::Succeeded, Some(RefundState::Failed))
    );
    if !disagrees {
        return outcome(
            StatusCode::OK,
            "duplicate",
            format!("refund already {}", recorded.code()),
        );
    }
    let note = format!(
        "refund {refund_no} is recorded {} but the gateway now says {:?}; check it in the gateway's console",
        recorded.code(),
        said
    );
    tracing::error!(refund = refund_no, "{note}");
    match flag_order(state, Some(order_no), &note).await {
        Ok(_) => outcome(StatusCode::OK, "contradicted", note),
        Err(()) => outcome(StatusCode::SERVICE_UNAVAILABLE, "storage_error", ""),
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
    let row = match super::service::matching_order(state, report).await {
        Ok(row) => row,
        Err(err) => return refused(report, err),
    };
    if report.status() == PayStatus::Paid && row.status.is_paid() {
        // Already paid: nothing a confirmation could change, so the gateway is not asked
        // again (a replayed notification costs one row, not one more query).
        return outcome(
            StatusCode::OK,
            "duplicate",
            format!("already {}", row.status.code()),
        );
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
    crate::ssr::metrics::notification(reason);
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
