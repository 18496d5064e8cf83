//! [`apply`], the one function through which every refund state change goes, with what
//! goes with it: the money counted on the order, the order moved to `refunded` through
//! `store::apply`, stock put back, and the order's timeline.

use super::judge::Said;
use super::table::{decide, restocks, Decision};
use crate::admin::{RefundOutcome, RefundStatus};
use crate::error::ShopError;
use crate::ids::{OrderId, ProductId, VariantId};
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::db::{flag, Backend, Tx};
use crate::ssr::orders::machine::Event as OrderEvent;
use crate::ssr::orders::store::{self, Applied as OrderApplied, Changes};
use crate::ssr::stock;
use crate::ssr::web::now_ms;

#[derive(sqlx::FromRow)]
struct RefundDbRow {
    id: i64,
    refund_no: String,
    amount_minor: i64,
    #[sqlx(try_from = "String")]
    status: RefundStatus,
    admin: String,
    restock: i64,
}

const REFUND_COLUMNS: &str = "id, refund_no, amount_minor, status, admin, restock";

/// What [`apply`] came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub refund_no: String,
    pub from: RefundStatus,
    pub to: RefundStatus,
    pub order_status: OrderStatus,
    /// What the gateway said (or why it was not taken).
    pub detail: String,
}

impl Applied {
    pub fn outcome(&self) -> RefundOutcome {
        RefundOutcome {
            refund_no: self.refund_no.clone(),
            status: self.to,
            order_status: self.order_status,
        }
    }
}

/// The one refund transition function: locks the refund's order, asks [`decide`], and writes
/// the decision with everything that goes with it, in the caller's transaction.
pub async fn apply(
    tx: &mut Tx,
    backend: Backend,
    refund_id: i64,
    said: &Said,
    source: &str,
) -> Result<Applied, ShopError> {
    let order_id: OrderId = sqlx::query_scalar("SELECT order_id FROM refunds WHERE id = $1")
        .bind(refund_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ShopError::NotFound)?;
    // Every change to an order's refunds happens under the order's lock.
    let order = store::lock_order(tx, backend, order_id).await?;
    let r: RefundDbRow = sqlx::query_as(&format!(
        "SELECT {REFUND_COLUMNS} FROM refunds WHERE id = $1"
    ))
    .bind(refund_id)
    .fetch_one(&mut **tx)
    .await?;
    let from = r.status;
    let order_before = order.status;
    let amount = Money::new(r.amount_minor, order.currency);
    let now = now_ms();
    let mut applied = Applied {
        refund_no: r.refund_no.clone(),
        from,
        to: from,
        order_status: order_before,
        detail: said.detail.clone(),
    };
    let to = match decide(from, said.event) {
        Decision::Already => return Ok(applied),
        Decision::Forbidden => {
            tracing::error!(refund = %r.refund_no, ?from, event = ?said.event, detail = %said.detail,
                "the gateway contradicts a settled refund; left as it is");
            return Ok(applied);
        }
        Decision::Stay => {
            write(tx, &r, from, from, said, now).await?;
            if said.mismatch {
                tracing::error!(refund = %r.refund_no, detail = %said.detail, "refund answer does not match; left pending");
                sqlx::query(
                    "UPDATE orders SET needs_attention = 1, attention_note = $1, updated_at = $2
                     WHERE id = $3",
                )
                .bind(format!("refund {}: {}", r.refund_no, said.detail))
                .bind(now)
                .bind(order_id)
                .execute(&mut **tx)
                .await?;
            }
            return Ok(applied);
        }
        Decision::Move(to) => to,
    };
    if !write(tx, &r, from, to, said, now).await? {
        tracing::error!(refund = %r.refund_no, "refund changed under its order's lock");
        return Err(ShopError::Internal);
    }
    applied.to = to;
    match to {
        RefundStatus::Succeeded => {
            let refunded: i64 = sqlx::query_scalar(
                "UPDATE orders SET refunded_minor = refunded_minor + $1, updated_at = $2
                 WHERE id = $3 RETURNING refunded_minor",
            )
            .bind(amount.minor)
            .bind(now)
            .bind(order_id)
            .fetch_one(&mut **tx)
            .await?;
            let full = refunded >= order.total_minor;
            let mut detail = format!("{} {amount}", r.refund_no);
            if restocks(flag(r.restock), order_before, full) {
                let note = format!("refund {} of order {}", r.refund_no, order.order_no);
                let returned = return_stock(tx, order_id, &r.admin, &note).await?;
                sqlx::query("UPDATE refunds SET restocked = 1 WHERE id = $1")
                    .bind(r.id)
                    .execute(&mut **tx)
                    .await?;
                detail.push_str(&format!("; stock returned: {returned}"));
            } else if flag(r.restock) {
                detail.push_str(&format!(
                    "; stock not returned: the order is {} and {}",
                    order_before.code(),
                    if full {
                        "fully refunded"
                    } else {
                        "not fully refunded"
                    }
                ));
            }
            if full {
                let moved = store::apply(
                    tx,
                    backend,
                    order_id,
                    OrderEvent::Refunded,
                    source,
                    &detail,
                    &Changes::default(),
                )
                .await?;
                applied.order_status = match moved {
                    OrderApplied::Moved { to, .. } => to,
                    OrderApplied::Unchanged(status) => status,
                };
            } else {
                store::note_event(
                    tx,
                    order_id,
                    order_before,
                    "partial_refund",
                    source,
                    &detail,
                )
                .await?;
            }
            tracing::info!(refund = %r.refund_no, %amount, source, "refund succeeded");
        }
        RefundStatus::Failed => {
            let detail = format!("{} {amount}: {}", r.refund_no, said.detail);
            store::note_event(tx, order_id, order_before, "refund_failed", source, &detail).await?;
            tracing::warn!(refund = %r.refund_no, detail = %said.detail, "refund failed");
        }
        RefundStatus::Pending => {}
    }
    // The buyer's request that sent this refund, if any, follows it (same lock, same
    // transaction).
    if to != RefundStatus::Pending {
        crate::ssr::after_sales::store::refund_settled(
            tx,
            refund_id,
            to == RefundStatus::Succeeded,
            applied.order_status,
            source,
        )
        .await?;
    }
    Ok(applied)
}

/// Puts every line of the order back in stock, each with its entry in the stock ledger.
/// Returns what went back, for the timeline (`冻顶乌龙茶 ×1, …`).
async fn return_stock(
    tx: &mut Tx,
    order_id: OrderId,
    admin: &str,
    note: &str,
) -> Result<String, ShopError> {
    let lines: Vec<(ProductId, VariantId, String, String, i64)> = sqlx::query_as(
        "SELECT product_id, variant_id, title, option_text, quantity FROM order_lines
         WHERE order_id = $1 ORDER BY product_id, variant_id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?;
    let now = now_ms();
    let mut returned = Vec::with_capacity(lines.len());
    for (product_id, variant_id, title, option_text, quantity) in lines {
        let after = stock::put_back(tx, product_id, variant_id, quantity).await?;
        sqlx::query(
            "INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason, note,
                 admin, created_at)
             VALUES ($1, $2, $3, $4, 'returned', $5, $6, $7)",
        )
        .bind(product_id)
        .bind(variant_id)
        .bind(quantity)
        .bind(after)
        .bind(note)
        .bind(admin)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let title = match option_text.as_str() {
            "" => title,
            options => format!("{title} ({options})"),
        };
        returned.push(format!("{title} ×{quantity}"));
    }
    Ok(returned.join(", "))
}

/// Records what the gateway said on the refund, moving it `from` → `to` (the same status:
/// only the detail and the gateway's number change). A move also stamps `settled_at`.
/// False when the refund was no longer `from`.
async fn write(
    tx: &mut Tx,
    r: &RefundDbRow,
    from: RefundStatus,
    to: RefundStatus,
    said: &Said,
    now: i64,
) -> Result<bool, ShopError> {
    let done = sqlx::query(
        "UPDATE refunds SET status = $1, detail = $2, gateway_refund_no = COALESCE($3, gateway_refund_no),
             settled_at = COALESCE($4, settled_at), updated_at = $5
         WHERE id = $6 AND status = $7",
    )
    .bind(to.code())
    .bind(&said.detail)
    .bind(said.gateway_refund_no.clone())
    .bind((to != from).then_some(now))
    .bind(now)
    .bind(r.id)
    .bind(from.code())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
