//! Orders in the database. [`apply`] is the one function through which every order state
//! change goes: it locks the order, asks [`machine::decide`], performs the stock effect,
//! writes the new status and appends the timeline event, all in the caller's transaction.

use super::machine::{decide, Decision, Effect, Event};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::money::{Currency, Money};
use crate::orders::{OrderDetail, OrderLine, OrderStatus, OrderStep, OrderSummary, Shipping};
use crate::ssr::catalog::currency_of;
use crate::ssr::db::{flag, now_ms, Backend, Database, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub order_no: String,
    pub openid: String,
    pub status: String,
    pub currency: String,
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

const ORDER_COLUMNS: &str = "id, order_no, openid, status, currency, total_minor, item_count, \
    product_info, payment_no, js_param, placed_at, paid_at, needs_attention, attention_note, \
    next_check_at, checks, expires_at, created_at, carrier, tracking_no, shipped_at, refunded_minor, \
    pay_currency, pay_amount, exchange_rate, trade_time, watch_until, unknown_answers";

impl OrderRow {
    pub fn status(&self) -> Result<OrderStatus, ShopError> {
        OrderStatus::from_code(&self.status).ok_or_else(|| {
            tracing::error!(order = %self.order_no, status = %self.status, "unknown stored order status");
            ShopError::Internal
        })
    }

    pub fn total(&self) -> Result<Money, ShopError> {
        Ok(Money::new(self.total_minor, currency_of(&self.currency)?))
    }

    pub fn needs_attention(&self) -> bool {
        flag(self.needs_attention)
    }
}

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
    order_id: i64,
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

/// The one transition function. Returns `Err(ShopError::OrderClosed)` when the event is
/// forbidden in the order's current status; nothing is changed then.
pub async fn apply(
    tx: &mut Tx,
    backend: Backend,
    order_id: i64,
    event: Event,
    source: &str,
    detail: &str,
    changes: &Changes,
) -> Result<Applied, ShopError> {
    let order = lock_order(tx, backend, order_id).await?;
    let from = order.status()?;
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
            if reserve_stock(tx, order_id).await? {
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
    if flagged {
        tracing::warn!(order = %order.order_no, ?from, ?to, "order needs the merchant's attention: {detail}");
    } else {
        tracing::info!(order = %order.order_no, ?from, ?to, source, "order moved");
    }
    Ok(Applied::Moved { from, to, flagged })
}

/// A timeline entry that changes no status (a partial refund, a resolved flag): the order
/// stays `status`. Status changes are written by [`apply`] only.
pub async fn note_event(
    tx: &mut Tx,
    order_id: i64,
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
async fn record_event(
    tx: &mut Tx,
    order_id: i64,
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

async fn order_quantities(tx: &mut Tx, order_id: i64) -> Result<Vec<(i64, i64)>, ShopError> {
    Ok(sqlx::query_as(
        "SELECT product_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?)
}

async fn release_stock(tx: &mut Tx, order_id: i64) -> Result<(), ShopError> {
    for (product_id, quantity) in order_quantities(tx, order_id).await? {
        sqlx::query("UPDATE products SET stock = stock + $1, updated_at = $2 WHERE id = $3")
            .bind(quantity)
            .bind(now_ms())
            .bind(product_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Takes `quantity` of a product if at least that much is in stock. The condition is part
/// of the UPDATE, so two concurrent reservations cannot both take the last unit.
async fn take_stock(tx: &mut Tx, product_id: i64, quantity: i64) -> Result<bool, ShopError> {
    let done = sqlx::query(
        "UPDATE products SET stock = stock - $1, updated_at = $2 WHERE id = $3 AND stock >= $1",
    )
    .bind(quantity)
    .bind(now_ms())
    .bind(product_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reserves every line again, all or nothing.
async fn reserve_stock(tx: &mut Tx, order_id: i64) -> Result<bool, ShopError> {
    let lines = order_quantities(tx, order_id).await?;
    for (i, (product_id, quantity)) in lines.iter().enumerate() {
        if !take_stock(tx, *product_id, *quantity).await? {
            for (p, q) in &lines[..i] {
                sqlx::query("UPDATE products SET stock = stock + $1 WHERE id = $2")
                    .bind(q)
                    .bind(p)
                    .execute(&mut **tx)
                    .await?;
            }
            return Ok(false);
        }
    }
    Ok(true)
}

/// A new order from the buyer's cart, or the one this checkout already created.
#[derive(Debug)]
pub enum Created {
    New(OrderRow),
    Existing(OrderRow),
}

#[derive(sqlx::FromRow)]
struct CartRow {
    product_id: i64,
    quantity: i64,
    title: String,
    price_minor: i64,
    currency: String,
    stock: i64,
    on_sale: i64,
}

pub struct NewOrder<'a> {
    pub buyer: &'a Openid,
    pub checkout_key: &'a str,
    pub currency: Currency,
    pub provider: &'a str,
    pub expires_in_ms: i64,
    pub first_check_in_ms: i64,
    /// Unpaid orders the buyer may hold at once (`SHOP_MAX_UNPAID_ORDERS`).
    pub max_unpaid: i64,
}

/// Serialises one buyer's checkouts for the rest of the transaction. SQLite's write
/// transaction (BEGIN IMMEDIATE) already serialises every writer; PostgreSQL takes a
/// transaction-scoped advisory lock on a number derived from the openid (two buyers sharing
/// a number only wait for each other).
async fn lock_buyer(tx: &mut Tx, backend: Backend, buyer: &Openid) -> Result<(), ShopError> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("unpaid-orders:{}", buyer.as_str()).as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // `pg_advisory_xact_lock` returns void, which the portable driver cannot decode.
    sqlx::query("SELECT CAST(1 AS BIGINT) FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
        .bind(i64::from_le_bytes(first))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The buyer's orders that still hold stock and wait for payment.
async fn unpaid_count(tx: &mut Tx, buyer: &Openid) -> Result<i64, ShopError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE openid = $1 AND status IN ($2, $3)")
            .bind(buyer.as_str())
            .bind(OrderStatus::Pending.code())
            .bind(OrderStatus::AwaitingPayment.code())
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Turns the cart into an order in one transaction: prices from the database, stock
/// reserved with conditional updates (never oversold), timeline started. The cart itself
/// is left alone until the gateway accepts the order, so a failed payment loses nothing.
/// A buyer already holding `max_unpaid` unpaid orders is refused, counted under a lock per
/// buyer, so concurrent checkouts cannot slip past the limit.
pub async fn create_from_cart(db: &Database, new: &NewOrder<'_>) -> Result<Created, ShopError> {
    if let Some(existing) = by_checkout_key(db, new.checkout_key).await? {
        return Ok(Created::Existing(existing));
    }
    let mut tx = db.begin_write().await?;
    lock_buyer(&mut tx, db.backend(), new.buyer).await?;
    // The same checkout may have committed while this one waited for the lock.
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE checkout_key = $1");
    let same_key: Option<OrderRow> = sqlx::query_as(&sql)
        .bind(new.checkout_key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(existing) = same_key {
        return Ok(Created::Existing(existing));
    }
    if unpaid_count(&mut tx, new.buyer).await? >= new.max_unpaid {
        tracing::info!(buyer = %new.buyer, max = new.max_unpaid, "checkout refused: too many unpaid orders");
        return Err(ShopError::TooManyUnpaid {
            max: new.max_unpaid,
        });
    }
    // A product is for sale only while it and its category are.
    let rows: Vec<CartRow> = sqlx::query_as(
        "SELECT ci.product_id, ci.quantity, p.title, p.price_minor, p.currency, p.stock,
                CAST(CASE WHEN p.on_sale = 1 AND p.archived = 0 AND c.archived = 0
                               AND p.price_minor > 0 THEN 1 ELSE 0 END AS BIGINT) AS on_sale
         FROM cart_items ci JOIN products p ON p.id = ci.product_id
              JOIN categories c ON c.id = p.category_id
         WHERE ci.openid = $1
         ORDER BY ci.product_id",
    )
    .bind(new.buyer.as_str())
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Err(ShopError::CartEmpty);
    }
    let mut lines = Vec::with_capacity(rows.len());
    for r in &rows {
        if !flag(r.on_sale) {
            return Err(ShopError::Unavailable);
        }
        if r.quantity > r.stock {
            return Err(ShopError::InsufficientStock { available: r.stock });
        }
        let unit = Money::new(r.price_minor, currency_of(&r.currency)?);
        let line_total = unit.times(r.quantity).ok_or(ShopError::Internal)?;
        lines.push((r, unit, line_total));
    }
    let total = Money::sum(new.currency, lines.iter().map(|(_, _, t)| *t)).ok_or_else(|| {
        tracing::error!("cart mixes currencies or overflows");
        ShopError::Internal
    })?;
    let item_count: i64 = rows.iter().map(|r| r.quantity).sum();
    let product_info = product_info(
        &rows
            .iter()
            .map(|r| (r.title.as_str(), r.quantity))
            .collect::<Vec<_>>(),
    );
    let now = now_ms();
    let order_no = new_order_no(now)?;

    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO orders (order_no, openid, checkout_key, status, currency, total_minor,
             item_count, product_info, provider, next_check_at, expires_at, created_at, updated_at,
             watch_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
         RETURNING id",
    )
    .bind(&order_no)
    .bind(new.buyer.as_str())
    .bind(new.checkout_key)
    .bind(OrderStatus::Pending.code())
    .bind(new.currency.code())
    .bind(total.minor)
    .bind(item_count)
    .bind(&product_info)
    .bind(new.provider)
    .bind(now + new.first_check_in_ms)
    .bind(now + new.expires_in_ms)
    .bind(now)
    .bind(now + GATEWAY_PAYABLE_MS + WATCH_MARGIN_MS)
    .fetch_one(&mut *tx)
    .await;
    let order_id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            // The same checkout won a race on another connection (PostgreSQL): answer its
            // order.
            drop(tx);
            return by_checkout_key(db, new.checkout_key)
                .await?
                .map(Created::Existing)
                .ok_or(ShopError::Internal);
        }
        Err(e) => return Err(e.into()),
    };
    for (r, unit, line_total) in &lines {
        if !take_stock(&mut tx, r.product_id, r.quantity).await? {
            // Someone else took it since the read above; the transaction rolls back.
            let available: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
                .bind(r.product_id)
                .fetch_one(&mut *tx)
                .await?;
            return Err(ShopError::InsufficientStock { available });
        }
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, title, unit_price_minor, quantity, line_total_minor)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(order_id)
        .bind(r.product_id)
        .bind(&r.title)
        .bind(unit.minor)
        .bind(r.quantity)
        .bind(line_total.minor)
        .execute(&mut *tx)
        .await?;
    }
    record_event(
        &mut tx,
        order_id,
        None,
        OrderStatus::Pending,
        "created",
        "checkout",
        "",
        now,
    )
    .await?;
    tx.commit().await?;
    by_id(db, order_id)
        .await?
        .map(Created::New)
        .ok_or(ShopError::Internal)
}

/// `S` + UTC `yyMMddHHmmss` + 8 random digits: sortable, unguessable, 21 characters (the
/// gateway's limit is unknown; WeChat's out_trade_no allows 32).
fn new_order_no(now_ms: i64) -> Result<String, ShopError> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        tracing::error!(%e, "no randomness for an order number");
        ShopError::Internal
    })?;
    let random = u64::from_le_bytes(bytes) % 100_000_000;
    let stamp = crate::time::utc_stamp(now_ms.div_euclid(1000));
    Ok(format!("S{stamp}{random:08}"))
}

/// What the buyer sees on the pay sheet: `龙井茶 ×2 等3件`, at most 120 characters.
fn product_info(lines: &[(&str, i64)]) -> String {
    let Some((first, qty)) = lines.first() else {
        return String::new();
    };
    let mut text: String = first.chars().take(100).collect();
    if *qty > 1 {
        text.push_str(&format!(" ×{qty}"));
    }
    if lines.len() > 1 {
        text.push_str(&format!(" 等{}件", lines.len()));
    }
    text
}

pub async fn by_id(db: &Database, id: i64) -> Result<Option<OrderRow>, ShopError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

pub async fn by_no(db: &Database, order_no: &str) -> Result<Option<OrderRow>, ShopError> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_no = $1");
    Ok(sqlx::query_as(&sql)
        .bind(order_no)
        .fetch_optional(db.pool())
        .await?)
}

async fn by_checkout_key(db: &Database, key: &str) -> Result<Option<OrderRow>, ShopError> {
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

fn summary(row: &OrderRow, title: String) -> Result<OrderSummary, ShopError> {
    Ok(OrderSummary {
        order_no: row.order_no.clone(),
        status: row.status()?,
        total: row.total()?,
        item_count: row.item_count,
        title,
        created_at_ms: row.created_at,
    })
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
    rows.iter()
        .map(|r| summary(r, r.product_info.clone()))
        .collect()
}

#[derive(sqlx::FromRow)]
struct LineRow {
    product_id: i64,
    title: String,
    unit_price_minor: i64,
    quantity: i64,
    line_total_minor: i64,
}

pub async fn detail(db: &Database, row: &OrderRow) -> Result<OrderDetail, ShopError> {
    let currency = currency_of(&row.currency)?;
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT product_id, title, unit_price_minor, quantity, line_total_minor
         FROM order_lines WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    // The buyer's timeline shows status changes; notes beside a status (a partial refund, a
    // failed one, a resolved flag) are the merchant's, in the back office's order log.
    let events: Vec<(String, i64)> = sqlx::query_as(
        "SELECT to_status, created_at FROM order_events
         WHERE order_id = $1 AND (from_status IS NULL OR from_status <> to_status) ORDER BY id",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    Ok(OrderDetail {
        summary: summary(row, row.product_info.clone())?,
        lines: lines
            .into_iter()
            .map(|l| OrderLine {
                product_id: l.product_id,
                title: l.title,
                unit_price: Money::new(l.unit_price_minor, currency),
                quantity: l.quantity,
                line_total: Money::new(l.line_total_minor, currency),
            })
            .collect(),
        timeline: events
            .into_iter()
            .filter_map(|(s, at)| {
                OrderStatus::from_code(&s).map(|status| OrderStep { status, at_ms: at })
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
    })
}

/// Removes from the cart what an accepted order bought.
pub async fn clear_ordered_lines(tx: &mut Tx, order_id: i64, buyer: &str) -> Result<(), ShopError> {
    sqlx::query(
        "DELETE FROM cart_items WHERE openid = $1
             AND product_id IN (SELECT product_id FROM order_lines WHERE order_id = $2)",
    )
    .bind(buyer)
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
