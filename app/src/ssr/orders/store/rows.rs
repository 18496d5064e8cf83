//! The order row and the queries the pages, the job and the back office read it with, and
//! the order lock every change takes.

use crate::address::ShipTo;
use crate::after_sales::CaseStatus;
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::ids::{OrderId, ProductId};
use crate::money::{Currency, Money};
use crate::orders::{
    OrderDetail, OrderLine, OrderStatus, OrderStep, OrderSummary, Shipping, StepKind,
};
use crate::ssr::db::{flag, Backend, Database, Tx};

/// An order as stored. The buyer, the status and the currency decode straight into their
/// types: a row the shop could not have written is a decoding error, never a value.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: OrderId,
    pub order_no: String,
    #[sqlx(try_from = "String")]
    pub openid: Openid,
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    pub total_minor: i64,
    pub item_count: i64,
    pub product_info: String,
    pub payment_no: Option<String>,
    pub js_param: Option<String>,
    pub placed_at: Option<i64>,
    pub paid_at: Option<i64>,
    pub needs_attention: i64,
    pub attention_note: Option<String>,
    pub next_check_at: i64,
    pub checks: i64,
    pub expires_at: i64,
    pub created_at: i64,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub shipped_at: Option<i64>,
    pub refunded_minor: i64,
    pub pay_currency: Option<String>,
    pub pay_amount: Option<String>,
    pub exchange_rate: Option<String>,
    pub trade_time: Option<String>,
    /// Until when the settlement job keeps asking the gateway about this order, even once
    /// it is cancelled or expired: the end of the gateway's payable window, plus a margin.
    pub watch_until: i64,
    /// Consecutive payment queries the gateway answered "unknown order".
    pub unknown_answers: i64,
    pub ship_recipient: Option<String>,
    pub ship_phone: Option<String>,
    pub ship_region: Option<String>,
    pub ship_detail: Option<String>,
    pub ship_postcode: Option<String>,
    pub remark: String,
    /// The shipping fee charged, part of `total_minor`.
    pub shipping_minor: i64,
    /// What the coupon took off the goods.
    pub discount_minor: i64,
    /// The buyer's coupon the order holds or used.
    pub buyer_coupon_id: Option<i64>,
    pub coupon_name: Option<String>,
    /// The parcel's weight in grams, as checkout weighed it.
    pub weight_g: i64,
}

/// WeChat keeps a prepay order payable for two hours after it is placed.
pub const GATEWAY_PAYABLE_MS: i64 = 2 * 3600 * 1000;
/// Watched a little beyond that, for clocks and late reports.
pub const WATCH_MARGIN_MS: i64 = 10 * 60 * 1000;
/// `next_check_at` of an order nobody needs to ask about again.
pub const NEVER: i64 = i64::MAX / 2;

/// The statuses `pred` picks, as an SQL list (`('paid', 'shipped')`), generated from the
/// enum so SQL can never name a status that does not exist.
pub fn status_list(pred: fn(OrderStatus) -> bool) -> String {
    let codes: Vec<String> = OrderStatus::ALL
        .into_iter()
        .filter(|s| pred(*s))
        .map(|s| format!("'{}'", s.code()))
        .collect();
    format!("({})", codes.join(", "))
}

pub(super) const ORDER_COLUMNS: &str = "id, order_no, openid, status, currency, total_minor, item_count, \
    product_info, payment_no, js_param, placed_at, paid_at, needs_attention, attention_note, \
    next_check_at, checks, expires_at, created_at, carrier, tracking_no, shipped_at, refunded_minor, \
    pay_currency, pay_amount, exchange_rate, trade_time, watch_until, unknown_answers, \
    ship_recipient, ship_phone, ship_region, ship_detail, ship_postcode, remark, shipping_minor, \
    discount_minor, buyer_coupon_id, coupon_name, weight_g";

impl OrderRow {
    pub fn total(&self) -> Money {
        Money::new(self.total_minor, self.currency)
    }

    /// What the goods came to, before the discount and without shipping.
    pub fn goods(&self) -> Money {
        Money::new(
            self.total_minor - self.shipping_minor + self.discount_minor,
            self.currency,
        )
    }

    /// The parcel as shipping saw it at checkout.
    pub fn parcel(&self) -> crate::shipping::Parcel {
        crate::shipping::Parcel {
            goods: self.goods(),
            items: self.item_count,
            weight_g: self.weight_g,
        }
    }

    pub fn needs_attention(&self) -> bool {
        flag(self.needs_attention)
    }

    /// Where the order goes, as copied at checkout (none on orders placed before addresses).
    pub fn ship_to(&self) -> Option<ShipTo> {
        Some(ShipTo {
            recipient: self.ship_recipient.clone()?,
            phone: self.ship_phone.clone()?,
            region: self.ship_region.clone()?,
            detail: self.ship_detail.clone()?,
            postcode: self.ship_postcode.clone().unwrap_or_default(),
        })
    }
}

fn lock_suffix(backend: Backend) -> &'static str {
    match backend {
        // Row lock: concurrent duplicates queue here and then see the new status.
        Backend::Postgres => " FOR UPDATE",
        // The write transaction (BEGIN IMMEDIATE) already holds the database's write lock.
        Backend::Sqlite => "",
    }
}

pub async fn lock_order(
    tx: &mut Tx,
    backend: Backend,
    order_id: OrderId,
) -> Result<OrderRow, ShopError> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1{}",
        lock_suffix(backend)
    );
    sqlx::query_as::<_, OrderRow>(&sql)
        .bind(order_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ShopError::NotFound)
}

pub async fn by_id(db: &Database, id: OrderId) -> Result<Option<OrderRow>, ShopError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// The oldest `limit` orders in `status` (the packing desk's queue).
pub async fn oldest_in(
    db: &Database,
    status: OrderStatus,
    limit: i64,
) -> Result<Vec<OrderRow>, ShopError> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE status = $1 ORDER BY created_at, id LIMIT $2"
    );
    Ok(sqlx::query_as(&sql)
        .bind(status.code())
        .bind(limit)
        .fetch_all(db.pool())
        .await?)
}

pub async fn by_no(db: &Database, order_no: &str) -> Result<Option<OrderRow>, ShopError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_no = $1");
    Ok(sqlx::query_as(&sql)
        .bind(order_no)
        .fetch_optional(db.pool())
        .await?)
}

pub(super) async fn by_checkout_key(
    db: &Database,
    key: &str,
) -> Result<Option<OrderRow>, ShopError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE checkout_key = $1");
    Ok(sqlx::query_as(&sql)
        .bind(key)
        .fetch_optional(db.pool())
        .await?)
}

/// The buyer's own order; someone else's is `NotFound`, exactly like a missing one.
pub async fn for_buyer(
    db: &Database,
    buyer: &Openid,
    order_no: &str,
) -> Result<OrderRow, ShopError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_no = $1 AND openid = $2");
    sqlx::query_as(&sql)
        .bind(order_no)
        .bind(buyer.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(ShopError::NotFound)
}

fn summary(row: &OrderRow, title: String) -> OrderSummary {
    OrderSummary {
        order_no: row.order_no.clone(),
        status: row.status,
        total: row.total(),
        item_count: row.item_count,
        title,
        created_at_ms: row.created_at,
    }
}

/// The buyer's orders, newest first (at most 100).
pub async fn list_for_buyer(db: &Database, buyer: &Openid) -> Result<Vec<OrderSummary>, ShopError> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE openid = $1 ORDER BY created_at DESC, id DESC LIMIT 100"
    );
    let rows: Vec<OrderRow> = sqlx::query_as(&sql)
        .bind(buyer.as_str())
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .iter()
        .map(|r| summary(r, r.product_info.clone()))
        .collect())
}

#[derive(sqlx::FromRow)]
struct LineRow {
    product_id: ProductId,
    title: String,
    option_text: String,
    image_url: Option<String>,
    unit_price_minor: i64,
    quantity: i64,
    line_total_minor: i64,
}

pub async fn detail(db: &Database, row: &OrderRow) -> Result<OrderDetail, ShopError> {
    let currency = row.currency;
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT product_id, title, option_text, image_url, unit_price_minor, quantity,
                line_total_minor
         FROM order_lines WHERE order_id = $1 ORDER BY product_id, variant_id",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    // The buyer's timeline shows status changes; notes beside a status (a partial refund, a
    // failed one, a resolved flag) are the merchant's, in the back office's order log.
    let events: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT to_status, created_at, event FROM order_events
         WHERE order_id = $1
             AND (from_status IS NULL OR from_status <> to_status OR event = $2
                  OR event LIKE $3 ESCAPE '!')
         ORDER BY id",
    )
    .bind(row.id)
    .bind(StepKind::ADDRESS_CHANGED)
    .bind(format!(
        "{}%",
        crate::after_sales::STEP_PREFIX.replace('_', "!_")
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(OrderDetail {
        summary: summary(row, row.product_info.clone()),
        lines: lines
            .into_iter()
            .map(|l| OrderLine {
                product_id: l.product_id,
                title: l.title,
                option_text: l.option_text,
                image_url: l.image_url.as_deref().map(crate::ssr::context::asset_url),
                unit_price: Money::new(l.unit_price_minor, currency),
                quantity: l.quantity,
                line_total: Money::new(l.line_total_minor, currency),
            })
            .collect(),
        timeline: events
            .into_iter()
            .filter_map(|(s, at, event)| {
                OrderStatus::from_code(&s).map(|status| OrderStep {
                    status,
                    at_ms: at,
                    kind: if event == StepKind::ADDRESS_CHANGED {
                        StepKind::AddressChanged
                    } else if let Some(step) = CaseStatus::from_step_event(&event) {
                        StepKind::AfterSale(step)
                    } else {
                        StepKind::Reached
                    },
                })
            })
            .collect(),
        expires_at_ms: row.expires_at,
        paid_at_ms: row.paid_at,
        shipping: match (&row.carrier, &row.tracking_no, row.shipped_at) {
            (Some(carrier), Some(tracking_no), Some(at)) => Some(Shipping {
                carrier: carrier.clone(),
                tracking_no: tracking_no.clone(),
                shipped_at_ms: at,
            }),
            _ => None,
        },
        refunded: (row.refunded_minor > 0).then_some(Money::new(row.refunded_minor, currency)),
        ship_to: row.ship_to(),
        remark: row.remark.clone(),
        after_sales: Vec::new(),
        shipping_fee: Money::new(row.shipping_minor, currency),
        discount: Money::new(row.discount_minor, currency),
        coupon_name: row.coupon_name.clone(),
    })
}

/// Removes from the cart what an accepted order bought.
pub async fn clear_ordered_lines(
    tx: &mut Tx,
    order_id: OrderId,
    buyer: &Openid,
) -> Result<(), ShopError> {
    sqlx::query(
        "DELETE FROM cart_items WHERE openid = $1
             AND variant_id IN (SELECT variant_id FROM order_lines WHERE order_id = $2)",
    )
    .bind(buyer.as_str())
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks order `order_no` for the merchant's attention with `note` (what to look at and
/// why). `false`: no such order.
pub async fn flag_for_attention(
    db: &Database,
    order_no: &str,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE orders SET needs_attention = 1, attention_note = $1 WHERE order_no = $2",
    )
    .bind(note)
    .bind(order_no)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}
