//! What a merchant does to an order: ship it, cancel it while unpaid, refund it (in full or
//! in part, through the gateway), and resolve a flag. State changes go through
//! `orders::store::apply`, like every other.

use super::store::CurrentAdmin;
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::db::now_ms;
use crate::ssr::orders::machine::Event;
use crate::ssr::orders::store::{self, Changes, OrderRow};
use crate::ssr::pay::{GatewayError, RefundRequest};

fn source(admin: &CurrentAdmin) -> String {
    format!("admin:{}", admin.username)
}

async fn order(state: &ShopState, order_no: &str) -> Result<OrderRow, ShopError> {
    store::by_no(&state.db, order_no)
        .await?
        .ok_or(ShopError::NotFound)
}

fn plain(value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    (!value.is_empty() && value.chars().count() <= max && !value.chars().any(char::is_control))
        .then(|| value.to_owned())
}

/// Marks a paid order shipped, with the carrier and tracking number the buyer will see.
pub async fn ship(
    state: &ShopState,
    admin: &CurrentAdmin,
    order_no: &str,
    carrier: &str,
    tracking_no: &str,
) -> Result<OrderStatus, ShopError> {
    let a = admin_t();
    let carrier = plain(carrier, 40).ok_or_else(|| ShopError::Invalid(a.err_carrier.to_owned()))?;
    let tracking_no = plain(tracking_no, 64)
        .filter(|t| t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .ok_or_else(|| ShopError::Invalid(a.err_tracking.to_owned()))?;
    let row = order(state, order_no).await?;
    if row.status()? == OrderStatus::Shipped {
        // A repeated submission is fine; a different parcel is not a silent no-op.
        let same = row.carrier.as_deref() == Some(carrier.as_str())
            && row.tracking_no.as_deref() == Some(tracking_no.as_str());
        return if same {
            Ok(OrderStatus::Shipped)
        } else {
            Err(ShopError::Invalid((a.err_already_shipped)(
                row.tracking_no.as_deref().unwrap_or_default(),
            )))
        };
    }
    let mut tx = state.db.begin_write().await?;
    let changes = Changes {
        carrier: Some(carrier.clone()),
        tracking_no: Some(tracking_no.clone()),
        ..Changes::default()
    };
    let detail = format!("{carrier} {tracking_no}");
    store::apply(
        &mut tx,
        state.db.backend(),
        row.id,
        Event::Ship,
        &source(admin),
        &detail,
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(OrderStatus::Shipped)
}

/// Cancels an unpaid order (stock released), after asking the gateway.
pub async fn cancel(
    state: &ShopState,
    admin: &CurrentAdmin,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    let row = order(state, order_no).await?;
    crate::ssr::orders::service::cancel_row(state, &row, &source(admin)).await
}

/// Acknowledges a flagged order (paid after expiry, stock re-reserved): the flag clears and
/// the timeline says who resolved it.
pub async fn resolve(
    state: &ShopState,
    admin: &CurrentAdmin,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    let row = order(state, order_no).await?;
    let status = row.status()?;
    if status == OrderStatus::RefundPending {
        // Money the shop cannot fulfil is resolved by refunding it, not by a click.
        return Err(ShopError::Invalid(admin_t().err_resolve_refund.to_owned()));
    }
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE orders SET needs_attention = 0, updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
    let note = row.attention_note.clone().unwrap_or_default();
    store::note_event(&mut tx, row.id, status, "resolved", &source(admin), &note).await?;
    tx.commit().await?;
    Ok(status)
}

/// What can still be refunded: paid, minus succeeded and pending refunds.
pub async fn refundable(state: &ShopState, row: &OrderRow) -> Result<Money, ShopError> {
    let spoken: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM refunds
         WHERE order_id = $1 AND status IN ('pending', 'succeeded')",
    )
    .bind(row.id)
    .fetch_one(state.db.pool())
    .await?;
    let total = row.total()?;
    let paid = row.status()?.is_paid() && row.status()? != OrderStatus::Refunded;
    Ok(Money::new(
        if paid {
            (total.minor - spoken).max(0)
        } else {
            0
        },
        total.currency,
    ))
}

/// Refunds `amount` (a decimal in the order's currency; empty: everything refundable)
/// through the gateway. The refund is recorded as `pending` under the order's lock first,
/// so concurrent refunds cannot exceed what was paid; the gateway's answer settles it. A
/// refund that took the whole payment moves the order to `refunded`.
pub async fn refund(
    state: &ShopState,
    admin: &CurrentAdmin,
    order_no: &str,
    amount: &str,
    reason: &str,
) -> Result<OrderStatus, ShopError> {
    let a = admin_t();
    let row = order(state, order_no).await?;
    let total = row.total()?;
    let status = row.status()?;
    if !status.is_paid() || status == OrderStatus::Refunded {
        return Err(ShopError::OrderClosed);
    }
    let payment_no = row
        .payment_no
        .clone()
        .ok_or_else(|| ShopError::Invalid(a.err_no_payment_no.to_owned()))?;
    let requested = match amount.trim() {
        "" => None,
        raw => Some(
            Money::parse_decimal(raw, total.currency)
                .filter(|m| m.minor > 0)
                .ok_or_else(|| ShopError::Invalid(a.err_refund_amount.to_owned()))?,
        ),
    };
    let reason = reason.trim().chars().take(200).collect::<String>();

    // Reserve the amount under the order's lock.
    let mut tx = state.db.begin_write().await?;
    store::lock_order(&mut tx, state.db.backend(), row.id).await?;
    let (spoken, count): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN status IN ('pending', 'succeeded') THEN amount_minor ELSE 0 END), 0) AS BIGINT),
                COUNT(*)
         FROM refunds WHERE order_id = $1",
    )
    .bind(row.id)
    .fetch_one(&mut *tx)
    .await?;
    let remaining = total.minor - spoken;
    let minor = requested.map(|m| m.minor).unwrap_or(remaining);
    if minor <= 0 || minor > remaining {
        return Err(ShopError::Invalid((a.err_refund_too_much)(
            &Money::new(remaining.max(0), total.currency).to_string(),
        )));
    }
    let refund_no = format!("{}R{}", row.order_no, count + 1);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO refunds (order_id, refund_no, amount_minor, status, reason, admin, created_at, updated_at)
         VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6)",
    )
    .bind(row.id)
    .bind(&refund_no)
    .bind(minor)
    .bind(&reason)
    .bind(&admin.username)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    settle_refund(
        state,
        admin,
        &row,
        &refund_no,
        &payment_no,
        Money::new(minor, total.currency),
    )
    .await
}

/// Asks the gateway for a pending refund (again: it is idempotent on the refund number)
/// and records the answer.
pub async fn retry_refund(
    state: &ShopState,
    admin: &CurrentAdmin,
    refund_no: &str,
) -> Result<OrderStatus, ShopError> {
    let found: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT order_id, amount_minor, status FROM refunds WHERE refund_no = $1")
            .bind(refund_no)
            .fetch_optional(state.db.pool())
            .await?;
    let (order_id, minor, status) = found.ok_or(ShopError::NotFound)?;
    let row = store::by_id(&state.db, order_id)
        .await?
        .ok_or(ShopError::NotFound)?;
    if status != "pending" {
        return row.status();
    }
    let payment_no = row.payment_no.clone().ok_or(ShopError::Internal)?;
    let amount = Money::new(minor, row.total()?.currency);
    settle_refund(state, admin, &row, refund_no, &payment_no, amount).await
}

async fn settle_refund(
    state: &ShopState,
    admin: &CurrentAdmin,
    row: &OrderRow,
    refund_no: &str,
    payment_no: &str,
    amount: Money,
) -> Result<OrderStatus, ShopError> {
    let answer = state
        .pay
        .refund(&RefundRequest {
            payment_no: payment_no.to_owned(),
            refund_no: refund_no.to_owned(),
            amount: Some(amount),
        })
        .await;
    let mut tx = state.db.begin_write().await?;
    let locked = store::lock_order(&mut tx, state.db.backend(), row.id).await?;
    let now = now_ms();
    match answer {
        Ok(report) => {
            // Only the first settlement counts (a retry may race a slow first answer).
            let updated = sqlx::query(
                "UPDATE refunds SET status = 'succeeded', gateway_refund_no = $1, detail = $2, updated_at = $3
                 WHERE refund_no = $4 AND status = 'pending'",
            )
            .bind(report.refund_no.clone())
            .bind(report.status.clone().unwrap_or_default())
            .bind(now)
            .bind(refund_no)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 1 {
                let refunded: i64 = sqlx::query_scalar(
                    "UPDATE orders SET refunded_minor = refunded_minor + $1, updated_at = $2
                     WHERE id = $3 RETURNING refunded_minor",
                )
                .bind(amount.minor)
                .bind(now)
                .bind(row.id)
                .fetch_one(&mut *tx)
                .await?;
                let detail = format!("{refund_no} {}", amount);
                if refunded >= row.total_minor {
                    store::apply(
                        &mut tx,
                        state.db.backend(),
                        row.id,
                        Event::Refunded,
                        &source(admin),
                        &detail,
                        &Changes::default(),
                    )
                    .await?;
                } else {
                    let status = locked.status()?;
                    store::note_event(
                        &mut tx,
                        row.id,
                        status,
                        "partial_refund",
                        &source(admin),
                        &detail,
                    )
                    .await?;
                }
            }
            tx.commit().await?;
            store::by_id(&state.db, row.id)
                .await?
                .ok_or(ShopError::Internal)?
                .status()
        }
        Err(GatewayError::Refused { message, .. }) => {
            sqlx::query("UPDATE refunds SET status = 'failed', detail = $1, updated_at = $2 WHERE refund_no = $3 AND status = 'pending'")
                .bind(&message)
                .bind(now)
                .bind(refund_no)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Err(ShopError::PaymentRefused(message))
        }
        Err(err) => {
            // Unknown outcome: stays pending (and counted) until retried.
            tracing::warn!(refund_no, %err, "refund outcome unknown; left pending");
            sqlx::query("UPDATE refunds SET detail = $1, updated_at = $2 WHERE refund_no = $3")
                .bind(err.to_string())
                .bind(now)
                .bind(refund_no)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Err(ShopError::PaymentUnavailable)
        }
    }
}
