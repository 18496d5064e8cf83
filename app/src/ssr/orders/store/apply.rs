//! [`apply`] is the one function through which every order state change goes: it locks the
//! order, asks [`machine::decide`](super::super::machine::decide), performs the stock
//! effect, writes the new status and appends the timeline event, all in the caller's
//! transaction.

use super::rows::lock_order;
use crate::error::ShopError;
use crate::ids::{OrderId, ProductId, VariantId};
use crate::orders::OrderStatus;
use crate::ssr::db::{Backend, Tx};
use crate::ssr::orders::machine::{decide, Decision, Effect, Event};
use crate::ssr::stock;
use crate::ssr::web::now_ms;

/// Column updates that travel with a transition (what the gateway told us).
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub js_param: Option<String>,
    pub payment_no: Option<String>,
    pub pay_currency: Option<String>,
    pub pay_amount: Option<String>,
    pub exchange_rate: Option<String>,
    pub trade_time: Option<String>,
    pub trade_type: Option<String>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
}

/// What [`apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Moved {
        from: OrderStatus,
        to: OrderStatus,
        /// The merchant has to look at this order (late payment, refund due).
        flagged: bool,
    },
    /// Already in the state the event leads to: a duplicate, answered without a change.
    Unchanged(OrderStatus),
}

/// The one transition function. Returns `Err(ShopError::OrderClosed)` when the event is
/// forbidden in the order's current status; nothing is changed then.
pub async fn apply(
    tx: &mut Tx,
    backend: Backend,
    order_id: OrderId,
    event: Event,
    source: &str,
    detail: &str,
    changes: &Changes,
) -> Result<Applied, ShopError> {
    let order = lock_order(tx, backend, order_id).await?;
    let from = order.status;
    let (mut to, effect) = match decide(from, event) {
        Decision::Already => return Ok(Applied::Unchanged(from)),
        Decision::Forbidden => {
            tracing::info!(order = %order.order_no, ?event, ?from, source, "refused a forbidden transition");
            return Err(ShopError::OrderClosed);
        }
        Decision::Move { to, effect } => (to, effect),
    };
    let now = now_ms();
    let mut note: Option<String> = None;
    match effect {
        Effect::None => {}
        Effect::ReleaseStock => release_stock(tx, order_id).await?,
        Effect::ReReserveOrRefund => {
            // The order's coupon went back to the buyer when it closed; if another order has
            // used it since, this payment cannot stand: the buyer is refunded in full.
            if !crate::ssr::coupons::still_usable_by(tx, order.buyer_coupon_id, order_id).await? {
                to = OrderStatus::RefundPending;
                note = Some(format!(
                    "paid after the order was {} with a coupon another order has used since — refund the buyer",
                    from.code()
                ));
            } else if reserve_stock(tx, order_id).await? {
                note = Some(format!(
                    "paid after the order was {} — stock reserved again; ship as usual",
                    from.code()
                ));
            } else {
                to = OrderStatus::RefundPending;
                note = Some(format!(
                    "paid after the order was {} and the stock is gone — refund the buyer",
                    from.code()
                ));
            }
        }
    }
    // The order's coupon moves with it: back to the buyer, or used.
    crate::ssr::coupons::follow_order(tx, order_id, order.buyer_coupon_id, from, to).await?;
    let flagged = note.is_some();
    let paid_at = (to == OrderStatus::Paid || to == OrderStatus::RefundPending).then_some(now);
    let placed_at = (event == Event::Placed).then_some(now);
    let updated = sqlx::query(
        "UPDATE orders SET status = $1, updated_at = $2,
             js_param = COALESCE($3, js_param), payment_no = COALESCE($4, payment_no),
             placed_at = COALESCE($5, placed_at), paid_at = COALESCE(paid_at, $6),
             pay_currency = COALESCE($7, pay_currency), pay_amount = COALESCE($8, pay_amount),
             exchange_rate = COALESCE($9, exchange_rate), trade_time = COALESCE($10, trade_time),
             trade_type = COALESCE($11, trade_type),
             needs_attention = CASE WHEN $12 = 1 THEN 1 ELSE needs_attention END,
             attention_note = COALESCE($13, attention_note),
             carrier = COALESCE($16, carrier), tracking_no = COALESCE($17, tracking_no),
             shipped_at = COALESCE($18, shipped_at)
         WHERE id = $14 AND status = $15",
    )
    .bind(to.code())
    .bind(now)
    .bind(changes.js_param.clone())
    .bind(changes.payment_no.clone())
    .bind(placed_at)
    .bind(paid_at)
    .bind(changes.pay_currency.clone())
    .bind(changes.pay_amount.clone())
    .bind(changes.exchange_rate.clone())
    .bind(changes.trade_time.clone())
    .bind(changes.trade_type.clone())
    .bind(i64::from(flagged))
    .bind(note.clone())
    .bind(order_id)
    .bind(from.code())
    .bind(changes.carrier.clone())
    .bind(changes.tracking_no.clone())
    .bind((to == OrderStatus::Shipped).then_some(now))
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        // Impossible under the lock; refuse rather than write a timeline that lies.
        tracing::error!(order = %order.order_no, "order changed under its lock");
        return Err(ShopError::Internal);
    }
    if from.counts_as_sold() != to.counts_as_sold() {
        count_sales(tx, order_id, if to.counts_as_sold() { 1 } else { -1 }).await?;
    }
    let detail = match &note {
        Some(n) if detail.is_empty() => n.clone(),
        Some(n) => format!("{detail}; {n}"),
        None => detail.to_owned(),
    };
    record_event(
        tx,
        order_id,
        Some(from),
        to,
        event.code(),
        source,
        &detail,
        now,
    )
    .await?;
    if event == Event::PaymentConfirmed && to == OrderStatus::Paid {
        // The merchant's new-order alert, in this same transaction: it exists exactly when
        // the payment does (`ssr::alerts` sends it). A payment the shop cannot fulfil
        // (`RefundPending`) is flagged on the dashboard instead: not an order to pack.
        crate::ssr::alerts::enqueue(tx, order_id, crate::ssr::alerts::ORDER_PAID, now).await?;
    }
    crate::ssr::metrics::order_moved(from, to);
    if flagged {
        tracing::warn!(order = %order.order_no, ?from, ?to, "order needs the merchant's attention: {detail}");
    } else {
        tracing::info!(order = %order.order_no, ?from, ?to, source, "order moved");
    }
    Ok(Applied::Moved { from, to, flagged })
}

/// Adds (`sign` 1) or takes back (`sign` -1) the order's units in its products' sales
/// counts, as the order starts or stops counting as sold.
/// One product row at a time, in product order: the order stock is taken and given back in,
/// so two transactions never lock the same products in opposite orders.
async fn count_sales(tx: &mut Tx, order_id: OrderId, sign: i64) -> Result<(), ShopError> {
    let mut per_product: Vec<(ProductId, i64)> = Vec::new();
    for (product, _, quantity) in order_quantities(tx, order_id).await? {
        match per_product.last_mut() {
            Some((p, q)) if *p == product => *q += quantity,
            _ => per_product.push((product, quantity)),
        }
    }
    for (product_id, quantity) in per_product {
        sqlx::query(
            "UPDATE products SET sales = CASE WHEN sales + $1 < 0 THEN 0 ELSE sales + $1 END
             WHERE id = $2",
        )
        .bind(sign * quantity)
        .bind(product_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A timeline entry that changes no status (a partial refund, a resolved flag): the order
/// stays `status`. Status changes are written by [`apply`] only.
pub async fn note_event(
    tx: &mut Tx,
    order_id: OrderId,
    status: OrderStatus,
    event: &str,
    source: &str,
    detail: &str,
) -> Result<(), ShopError> {
    record_event(
        tx,
        order_id,
        Some(status),
        status,
        event,
        source,
        detail,
        now_ms(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn record_event(
    tx: &mut Tx,
    order_id: OrderId,
    from: Option<OrderStatus>,
    to: OrderStatus,
    event: &str,
    source: &str,
    detail: &str,
    now: i64,
) -> Result<(), ShopError> {
    sqlx::query(
        "INSERT INTO order_events (order_id, from_status, to_status, event, source, detail, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(from.map(|s| s.code()))
    .bind(to.code())
    .bind(event)
    .bind(source)
    .bind(detail)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The order's lines as (product, variant, quantity), in the order stock is locked in.
async fn order_quantities(
    tx: &mut Tx,
    order_id: OrderId,
) -> Result<Vec<(ProductId, VariantId, i64)>, ShopError> {
    Ok(sqlx::query_as(
        "SELECT product_id, variant_id, quantity FROM order_lines WHERE order_id = $1
         ORDER BY product_id, variant_id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?)
}

async fn release_stock(tx: &mut Tx, order_id: OrderId) -> Result<(), ShopError> {
    for (product, variant, quantity) in order_quantities(tx, order_id).await? {
        stock::put_back(tx, product, variant, quantity).await?;
    }
    Ok(())
}

/// Takes `quantity` of a variant on sale if at least that much is in stock
/// ([`stock::take_for_sale`]).
pub(super) async fn take_stock(
    tx: &mut Tx,
    product: ProductId,
    variant: VariantId,
    quantity: i64,
) -> Result<bool, ShopError> {
    stock::take_for_sale(tx, product, variant, quantity).await
}

/// Reserves every line again, all or nothing.
async fn reserve_stock(tx: &mut Tx, order_id: OrderId) -> Result<bool, ShopError> {
    let lines = order_quantities(tx, order_id).await?;
    for (i, (product, variant, quantity)) in lines.iter().enumerate() {
        if !stock::take(tx, *product, *variant, *quantity).await? {
            for (p, v, q) in &lines[..i] {
                stock::put_back(tx, *p, *v, *q).await?;
            }
            return Ok(false);
        }
    }
    Ok(true)
}
