//! What a merchant does to an order: ship it, cancel it while unpaid, refund it (in full or
//! in part, through the gateway), and resolve a flag. Order state changes go through
//! `orders::store::apply`, refund state changes through `orders::refunds::apply`.

use super::store::{CurrentAdmin, Role};
use crate::address::ShipTo;
use crate::admin::{RefundOutcome, RefundStatus};
use crate::carriers::Carrier;
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::orders::machine::Event;
use crate::ssr::orders::refunds;
use crate::ssr::orders::store::{self, Changes, OrderRow};
use crate::ssr::web::now_ms;

pub fn source(admin: &CurrentAdmin) -> String {
    format!("admin:{}", admin.username)
}

async fn order(state: &ShopState, order_no: &str) -> Result<OrderRow, ShopError> {
    store::by_no(&state.db, order_no)
        .await?
        .ok_or(ShopError::NotFound)
}

/// What the ship form posts.
pub struct Parcel<'a> {
    /// A [`Carrier::code`].
    pub carrier: &'a str,
    pub tracking_no: &'a str,
    /// The delivery address the merchant's page showed (`ShipTo::label_of`). Missing or
    /// empty: a form from before this check, refused (reload the page).
    pub ship_to_seen: Option<&'a str>,
}

/// Marks a paid order shipped, with the carrier and tracking number the buyer will see.
/// Refused (409) if the buyer changed the delivery address after the merchant's page
/// showed it: checked under the order's lock, which the buyer's change takes too.
pub async fn ship(
    state: &ShopState,
    admin: &CurrentAdmin,
    order_no: &str,
    parcel: Parcel<'_>,
) -> Result<OrderStatus, ShopError> {
    let a = admin_t();
    let carrier = Carrier::from_code(parcel.carrier)
        .ok_or_else(|| ShopError::Invalid(a.err_carrier.to_owned()))?
        .code()
        .to_owned();
    let tracking_no = crate::carriers::tracking_no(parcel.tracking_no)
        .ok_or_else(|| ShopError::Invalid(a.err_tracking.to_owned()))?;
    let row = order(state, order_no).await?;
    // Under the order's lock: a second ship (another tab) or the buyer's address change
    // waits here and then sees what the first one did.
    let mut tx = state.db.begin_write().await?;
    let locked = store::lock_order(&mut tx, state.db.backend(), row.id).await?;
    if locked.status == OrderStatus::Shipped {
        // A repeated submission is fine; a different parcel is not a silent no-op.
        let same = locked.carrier.as_deref() == Some(carrier.as_str())
            && locked.tracking_no.as_deref() == Some(tracking_no.as_str());
        return if same {
            Ok(OrderStatus::Shipped)
        } else {
            Err(ShopError::Invalid((a.err_already_shipped)(
                locked.tracking_no.as_deref().unwrap_or_default(),
            )))
        };
    }
    let seen = parcel.ship_to_seen.map(str::trim).unwrap_or_default();
    if seen.is_empty() {
        return Err(ShopError::Invalid(a.err_ship_form_stale.to_owned()));
    }
    if ShipTo::label_of(locked.ship_to().as_ref()) != seen {
        tracing::info!(order = %locked.order_no, "ship refused: the buyer changed the address");
        return Err(ShopError::Conflict(a.err_ship_to_changed.to_owned()));
    }
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
    let status = row.status;
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
         WHERE order_id = $1 AND status IN ($2, $3)",
    )
    .bind(row.id)
    .bind(RefundStatus::Pending.code())
    .bind(RefundStatus::Succeeded.code())
    .fetch_one(state.db.pool())
    .await?;
    let total = row.total();
    let paid = row.status.is_paid() && row.status != OrderStatus::Refunded;
    Ok(Money::new(
        if paid {
            (total.minor - spoken).max(0)
        } else {
            0
        },
        total.currency,
    ))
}

/// The start of the idempotency keys of refunds sent by after-sales requests; never a
/// refund form's.
pub const AFTER_SALE_KEY_PREFIX: &str = "after-sale-";

/// A new key for one rendered refund form (32 hex characters).
pub fn new_refund_key() -> Result<String, ShopError> {
    Ok(crate::ssr::web::random_hex(16)?)
}

fn valid_key(key: &str) -> bool {
    // `after-sale-…` keys belong to the refunds after-sales requests send.
    (16..=64).contains(&key.len())
        && !key.starts_with(AFTER_SALE_KEY_PREFIX)
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The refund form as posted.
#[derive(Debug, Clone, Copy)]
pub struct RefundForm<'a> {
    pub order_no: &'a str,
    /// A decimal in the order's currency; empty: everything still refundable.
    pub amount: &'a str,
    pub reason: &'a str,
    /// The form's idempotency key.
    pub key: &'a str,
    /// How many refunds the order had when the form was rendered.
    pub refunds_seen: i64,
    /// Put the stock back (a full refund of an unshipped order).
    pub restock: bool,
}

/// Refunds part or all of a paid order through the gateway.
///
/// The refund is recorded `pending` under the order's lock first, with the form's key, so a
/// double submit or a retried request finds the refund the first one made (one refund, one
/// gateway request), a form from a page that is out of date (another tab refunded
/// meanwhile) is refused, and concurrent refunds cannot exceed what was paid. Staff may bring
/// an order's refunds up to `SHOP_STAFF_REFUND_LIMIT`; beyond it only the owner. Then the
/// gateway is asked; only its SUCCESS for this refund makes it `succeeded` (see
/// `orders::refunds`), otherwise it stays pending and the settlement job settles it.
pub async fn refund(
    state: &ShopState,
    admin: &CurrentAdmin,
    form: &RefundForm<'_>,
) -> Result<RefundOutcome, ShopError> {
    let a = admin_t();
    if !valid_key(form.key) {
        return Err(ShopError::Invalid(a.err_refund_form.to_owned()));
    }
    let row = order(state, form.order_no).await?;
    let total = row.total();
    let requested = match form.amount.trim() {
        "" => None,
        raw => Some(
            Money::parse_decimal(raw, total.currency)
                .filter(|m| m.minor > 0)
                .ok_or_else(|| ShopError::Invalid(a.err_refund_amount.to_owned()))?,
        ),
    };
    let reason = form.reason.trim().chars().take(200).collect::<String>();

    let mut tx = state.db.begin_write().await?;
    let locked = store::lock_order(&mut tx, state.db.backend(), row.id).await?;
    // The same form again: answer with the refund it made.
    if let Some(existing) = refunds::by_key(&mut tx, form.key).await? {
        drop(tx);
        return repeated(state, &row, &existing, requested).await;
    }
    let status = locked.status;
    if !status.is_paid() || status == OrderStatus::Refunded {
        return Err(ShopError::OrderClosed);
    }
    if locked.payment_no.is_none() {
        return Err(ShopError::Invalid(a.err_no_payment_no.to_owned()));
    }
    let refunds::Claimed {
        minor: spoken,
        count,
    } = refunds::claimed(&mut tx, row.id).await?;
    if count != form.refunds_seen {
        // Another tab (or another admin) refunded since this page was rendered.
        return Err(ShopError::Conflict(a.err_refund_changed.to_owned()));
    }
    let remaining = total.minor - spoken;
    let minor = requested.map(|m| m.minor).unwrap_or(remaining);
    if minor <= 0 || minor > remaining {
        return Err(ShopError::Invalid((a.err_refund_too_much)(
            &Money::new(remaining.max(0), total.currency).to_string(),
        )));
    }
    if form.restock {
        if status != OrderStatus::Paid {
            return Err(ShopError::Invalid(a.err_restock_not_held.to_owned()));
        }
        if minor != remaining {
            return Err(ShopError::Invalid(a.err_restock_partial.to_owned()));
        }
    }
    staff_may_refund(
        state,
        admin,
        &row.order_no,
        Money::new(spoken + minor, total.currency),
    )?;
    let refund_no = format!("{}R{}", row.order_no, count + 1);
    let created = refunds::create(
        &mut tx,
        &refunds::NewRefund {
            order_id: row.id,
            refund_no: &refund_no,
            amount_minor: minor,
            reason: &reason,
            admin: &admin.username,
            idempotency_key: form.key,
            restock: form.restock,
            first_check_at: refunds::first_check_at(state, now_ms()),
        },
    )
    .await?;
    let Some(refund_id) = created else {
        // The key belongs to a refund of another order.
        return Err(ShopError::Conflict(a.err_refund_form.to_owned()));
    };
    tx.commit().await?;
    tracing::info!(admin = %admin.username, refund = %refund_no, amount = %Money::new(minor, total.currency), "refund requested");

    let applied = refunds::request(state, refund_id, &source(admin)).await?;
    answer(&applied)
}

/// Staff may bring an order's refunds up to `SHOP_STAFF_REFUND_LIMIT` (`after`: what the
/// order's refunds would come to); beyond it only the owner.
pub fn staff_may_refund(
    state: &ShopState,
    admin: &CurrentAdmin,
    order_no: &str,
    after: Money,
) -> Result<(), ShopError> {
    if admin.role != Role::Staff {
        return Ok(());
    }
    let limit = state.config.staff_refund_limit;
    if limit.currency != after.currency || after.minor > limit.minor {
        tracing::info!(admin = %admin.username, order = %order_no, %after, %limit, "staff refund above the limit refused");
        return Err(ShopError::Forbidden((admin_t().err_staff_refund_limit)(
            &limit.to_string(),
            &after.to_string(),
        )));
    }
    Ok(())
}

/// What a settled or pending refund answers: a refused one is an error the merchant reads.
pub fn answer(applied: &refunds::Applied) -> Result<RefundOutcome, ShopError> {
    match applied.to {
        RefundStatus::Failed => Err(ShopError::Conflict((admin_t().err_refund_refused)(
            &applied.detail,
        ))),
        RefundStatus::Pending | RefundStatus::Succeeded => Ok(applied.outcome()),
    }
}

/// A refund form posted again (a double submit, a retried request): the refund the first
/// post made, as it is now; nothing is asked of the gateway again. The same key with another
/// order or amount is not a repeat but a mistake.
async fn repeated(
    state: &ShopState,
    row: &OrderRow,
    existing: &refunds::KeyedRefund,
    requested: Option<Money>,
) -> Result<RefundOutcome, ShopError> {
    let a = admin_t();
    let currency = row.total().currency;
    if existing.order_id != row.id || requested.is_some_and(|m| m.minor != existing.amount_minor) {
        return Err(ShopError::Conflict((a.err_refund_form_used)(
            &existing.refund_no,
            &Money::new(existing.amount_minor, currency).to_string(),
        )));
    }
    let order_status = store::by_id(&state.db, row.id)
        .await?
        .ok_or(ShopError::NotFound)?
        .status;
    let status = existing.status;
    tracing::info!(refund = %existing.refund_no, ?status, "repeated refund form answered with its refund");
    answer(&refunds::Applied {
        refund_no: existing.refund_no.clone(),
        from: status,
        to: status,
        order_status,
        detail: existing.detail.clone(),
    })
}

/// Asks the gateway again about a pending refund and records the answer (the settlement job
/// does this on its own; the button is for a merchant who does not want to wait).
pub async fn retry_refund(
    state: &ShopState,
    admin: &CurrentAdmin,
    refund_no: &str,
) -> Result<RefundOutcome, ShopError> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM refunds WHERE refund_no = $1")
        .bind(refund_no)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(ShopError::NotFound)?;
    let applied = refunds::settle(state, id, &source(admin)).await?;
    answer(&applied)
}
