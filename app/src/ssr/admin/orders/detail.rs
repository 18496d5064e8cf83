//! One order as the merchant sees it: the buyer's view plus the payment's details, every
//! notification received, the refunds, and the full timeline with who did what.

use crate::admin::{AdminEvent, AdminOrderDetail, NotificationRow, RefundRow, RefundStatus};
use crate::error::ShopError;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::admin::actions;
use crate::ssr::context::ShopState;
use crate::ssr::db::flag;
use crate::ssr::orders::store;

#[derive(sqlx::FromRow)]
struct NotificationDbRow {
    received_at: i64,
    status: Option<String>,
    verdict: String,
    detail: String,
    payment_no: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RefundDbRow {
    refund_no: String,
    amount_minor: i64,
    #[sqlx(try_from = "String")]
    status: RefundStatus,
    detail: String,
    admin: String,
    created_at: i64,
    restock: i64,
    restocked: i64,
}

#[derive(sqlx::FromRow)]
struct EventDbRow {
    to_status: String,
    event: String,
    source: String,
    detail: String,
    created_at: i64,
}

pub async fn detail(state: &ShopState, order_no: &str) -> Result<AdminOrderDetail, ShopError> {
    let db = &state.db;
    let row = store::by_no(db, order_no)
        .await?
        .ok_or(ShopError::NotFound)?;
    let currency = row.currency;
    let refunds: Vec<RefundDbRow> = sqlx::query_as(
        "SELECT refund_no, amount_minor, status, detail, admin, created_at, restock, restocked
         FROM refunds WHERE order_id = $1 ORDER BY id",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    let events: Vec<EventDbRow> = sqlx::query_as(
        "SELECT to_status, event, source, detail, created_at FROM order_events
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    let refundable = actions::refundable(state, &row).await?;
    let mut order = store::detail(db, &row).await?;
    order.after_sales =
        crate::ssr::after_sales::store::for_order(db, row.id, &row.order_no, currency).await?;
    let notifications: Vec<NotificationDbRow> = sqlx::query_as(
        "SELECT received_at, status, verdict, detail, payment_no FROM payment_notifications
         WHERE order_no = $1 ORDER BY id",
    )
    .bind(order_no)
    .fetch_all(db.pool())
    .await?;
    Ok(AdminOrderDetail {
        order,
        openid: row.openid.to_string(),
        payment_no: row.payment_no.clone(),
        pay_currency: row.pay_currency.clone(),
        pay_amount: row.pay_amount.clone(),
        exchange_rate: row.exchange_rate.clone(),
        trade_time: row.trade_time.clone(),
        needs_attention: row.needs_attention(),
        refundable,
        refund_key: actions::new_refund_key()?,
        refunds: refunds
            .into_iter()
            .map(|r| RefundRow {
                status: r.status,
                refund_no: r.refund_no,
                amount: Money::new(r.amount_minor, currency),
                detail: r.detail,
                admin: r.admin,
                created_at_ms: r.created_at,
                restock: flag(r.restock),
                restocked: flag(r.restocked),
            })
            .collect(),
        events: events
            .into_iter()
            .filter_map(|e| {
                OrderStatus::from_code(&e.to_status).map(|status| AdminEvent {
                    status,
                    event: e.event,
                    source: e.source,
                    detail: e.detail,
                    at_ms: e.created_at,
                })
            })
            .collect(),
        return_address: state.config.orders.return_address.clone(),
        attention_note: row
            .needs_attention()
            .then(|| row.attention_note.clone())
            .flatten(),
        notifications: notifications
            .into_iter()
            .map(|n| NotificationRow {
                received_at_ms: n.received_at,
                status: n.status,
                verdict: n.verdict,
                detail: n.detail,
                payment_no: n.payment_no,
            })
            .collect(),
    })
}
