//! Checkout in the database: the buyer's cart becomes a pending order with its stock
//! reserved, in one transaction.

use super::apply::{record_event, take_stock};
use super::rows::{
    by_checkout_key, by_id, OrderRow, GATEWAY_PAYABLE_MS, ORDER_COLUMNS, WATCH_MARGIN_MS,
};
use crate::address::{AddressProblem, ShipTo};
use crate::buyer::Openid;
use crate::coupons::Line as CouponLine;
use crate::error::ShopError;
use crate::ids::{OrderId, ProductId, VariantId};
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;
use crate::shipping::{quote, Parcel, Quote};
use crate::ssr::cart::lines_sql;
use crate::ssr::coupons;
use crate::ssr::db::{flag, lock_key, Database, Tx};
use crate::ssr::shipping;
use crate::ssr::web::now_ms;
use crate::variants::option_text;

/// A new order from the buyer's cart, or the one this checkout already created.
#[derive(Debug)]
pub enum Created {
    New(OrderRow),
    Existing(OrderRow),
}

#[derive(sqlx::FromRow)]
struct CartRow {
    product_id: ProductId,
    variant_id: VariantId,
    category_id: i64,
    quantity: i64,
    title: String,
    option1: String,
    option2: String,
    option3: String,
    price_minor: i64,
    #[sqlx(try_from = "String")]
    currency: Currency,
    stock: i64,
    on_sale: i64,
    image_url: Option<String>,
    weight_g: i64,
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
    /// Where it goes: a copy of the buyer's chosen address, kept with the order.
    pub ship_to: &'a ShipTo,
    /// The address's district: the shipping fee follows it.
    pub region_code: &'a str,
    /// The buyer's coupon to use (one of theirs, available): the order holds it.
    pub coupon: Option<i64>,
    /// The total the buyer's page showed, if it said: anything else is refused.
    pub seen_total: Option<i64>,
    /// The buyer's note to the merchant (checked: [`crate::address::check_remark`]).
    pub remark: &'a str,
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
    // One buyer's checkouts one at a time, so concurrent ones cannot pass the unpaid cap.
    lock_key(
        &mut tx,
        db.backend(),
        &format!("unpaid-orders:{}", new.buyer.as_str()),
    )
    .await?;
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
    // The same lines, prices and test of "for sale" as the cart page's; in product then
    // variant order, the order stock is taken in.
    let rows: Vec<CartRow> = sqlx::query_as(&lines_sql("ci.product_id, ci.variant_id"))
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
        let unit = Money::new(r.price_minor, r.currency);
        let line_total = unit.times(r.quantity).ok_or(ShopError::Internal)?;
        lines.push((r, unit, line_total));
    }
    let goods = Money::sum(new.currency, lines.iter().map(|(_, _, t)| *t)).ok_or_else(|| {
        tracing::error!("cart mixes currencies or overflows");
        ShopError::Internal
    })?;
    let item_count: i64 = rows.iter().map(|r| r.quantity).sum();
    // Shipping by the rules as they are now, read in this transaction; the order keeps the
    // fee, so later changes to the rules never change it.
    let rules = shipping::rules_over(&mut *tx, new.region_code).await?;
    let weight_g = rows
        .iter()
        .map(|r| r.weight_g.saturating_mul(r.quantity))
        .fold(0, i64::saturating_add);
    let parcel = Parcel {
        goods,
        items: item_count,
        weight_g,
    };
    let shipping_fee = match quote(&rules, new.region_code, parcel) {
        Quote::Fee { fee, .. } => fee,
        Quote::NotDelivered => {
            tracing::info!(
                region = new.region_code,
                "checkout refused: no delivery there"
            );
            return Err(ShopError::Address(AddressProblem::NotDelivered));
        }
    };
    // The coupon, checked again here and computed from the database's prices.
    let (discount, coupon_name) = match new.coupon {
        Some(id) => {
            let lines: Vec<CouponLine> = lines
                .iter()
                .map(|(r, _, total)| CouponLine {
                    product_id: r.product_id.0,
                    category_id: r.category_id,
                    total_minor: total.minor,
                })
                .collect();
            let (off, name) = coupons::discount_for(&mut tx, new.buyer, id, &lines).await?;
            (off, Some(name))
        }
        None => (0, None),
    };
    let total = goods
        .minor
        .checked_sub(discount)
        .and_then(|m| m.checked_add(shipping_fee.minor))
        .map(|m| Money::new(m, new.currency))
        .ok_or_else(|| {
            tracing::error!("goods, discount and shipping overflow");
            ShopError::Internal
        })?;
    if new.seen_total.is_some_and(|seen| seen != total.minor) {
        tracing::info!(seen = ?new.seen_total, total = total.minor, "checkout refused: the page showed another amount");
        return Err(ShopError::PriceChanged);
    }
    let product_info = product_info(
        &rows
            .iter()
            .map(|r| (r.title.as_str(), r.quantity))
            .collect::<Vec<_>>(),
    );
    // Order lines keep the product's cover where the variant has no picture of its own.
    let covers = crate::ssr::catalog::cover_urls(
        &mut tx,
        &rows.iter().map(|r| r.product_id).collect::<Vec<_>>(),
    )
    .await?;
    let now = now_ms();
    let order_no = new_order_no(now)?;

    let inserted: Result<OrderId, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO orders (order_no, openid, checkout_key, status, currency, total_minor,
             item_count, product_info, provider, next_check_at, expires_at, created_at, updated_at,
             watch_until, ship_recipient, ship_phone, ship_region, ship_detail, ship_postcode,
             remark, shipping_minor, discount_minor, buyer_coupon_id, coupon_name, weight_g)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17,
                 $18, $19, $20, $21, $22, $23, $24)
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
    .bind(&new.ship_to.recipient)
    .bind(&new.ship_to.phone)
    .bind(&new.ship_to.region)
    .bind(&new.ship_to.detail)
    .bind(&new.ship_to.postcode)
    .bind(new.remark)
    .bind(shipping_fee.minor)
    .bind(discount)
    .bind(new.coupon)
    .bind(coupon_name)
    .bind(weight_g)
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
    if let Some(id) = new.coupon {
        coupons::hold(&mut tx, id, order_id).await?;
    }
    for (r, unit, line_total) in &lines {
        if !take_stock(&mut tx, r.product_id, r.variant_id, r.quantity).await? {
            // Someone else took it since the read above; the transaction rolls back.
            let available: i64 =
                sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
                    .bind(r.variant_id)
                    .fetch_one(&mut *tx)
                    .await?;
            return Err(ShopError::InsufficientStock { available });
        }
        let image = r
            .image_url
            .clone()
            .or_else(|| covers.get(&r.product_id).cloned());
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, variant_id, title, option_text, image_url,
                 unit_price_minor, quantity, line_total_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(order_id)
        .bind(r.product_id)
        .bind(r.variant_id)
        .bind(&r.title)
        .bind(option_text(&[&r.option1, &r.option2, &r.option3]))
        .bind(image)
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
