//! The buyer's cart, kept on the server per openid. Quantities are checked against stock
//! inside a write transaction, so two tabs adding at once cannot push a line past stock.
//! (The cart reserves nothing: checkout does, with a conditional update.)

use super::catalog::{cover_images, FOR_SALE_FLAG};
use super::db::{flag, Database, Tx};
use super::web::now_ms;
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::ids::ProductId;
use crate::model::{CartLine, CartView, MAX_CART_LINES, MAX_LINE_QUANTITY};
use crate::money::{Currency, Money};

#[derive(sqlx::FromRow)]
struct LineRow {
    product_id: ProductId,
    category_id: i64,
    quantity: i64,
    title: String,
    price_minor: i64,
    #[sqlx(try_from = "String")]
    currency: Currency,
    stock: i64,
    on_sale: i64,
}

pub async fn view(
    db: &Database,
    buyer: &Openid,
    currency: Currency,
) -> Result<CartView, ShopError> {
    let rows: Vec<LineRow> = sqlx::query_as(&format!(
        "SELECT ci.product_id, p.category_id, ci.quantity, p.title, p.price_minor, p.currency, p.stock,
                {FOR_SALE_FLAG} AS on_sale
         FROM cart_items ci JOIN products p ON p.id = ci.product_id
              JOIN categories c ON c.id = p.category_id
         WHERE ci.openid = $1
         ORDER BY ci.added_at, ci.product_id",
    ))
    .bind(buyer.as_str())
    .fetch_all(db.pool())
    .await?;
    let ids: Vec<ProductId> = rows.iter().map(|r| r.product_id).collect();
    let mut covers = cover_images(db, &ids).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let unit_price = Money::new(r.price_minor, r.currency);
        let line_total = unit_price.times(r.quantity).ok_or(ShopError::Internal)?;
        lines.push(CartLine {
            product_id: r.product_id,
            category_id: r.category_id,
            image: covers.remove(&r.product_id),
            title: r.title,
            unit_price,
            quantity: r.quantity,
            stock: r.stock,
            on_sale: flag(r.on_sale),
            line_total,
        });
    }
    let total = Money::sum(currency, lines.iter().map(|l| l.line_total)).ok_or_else(|| {
        tracing::error!(buyer = %buyer, "cart mixes currencies or overflows");
        ShopError::Internal
    })?;
    let count = lines.iter().map(|l| l.quantity).sum();
    Ok(CartView {
        lines,
        count,
        total,
        shipping: None,
        coupons: Vec::new(),
        coupon: None,
    })
}

/// The number on the cart badge.
pub async fn count(db: &Database, buyer: &Openid) -> Result<i64, ShopError> {
    // SUM over BIGINT is NUMERIC on PostgreSQL; the cast keeps one integer type for both.
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_items WHERE openid = $1",
    )
    .bind(buyer.as_str())
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

fn check_quantity(quantity: i64) -> Result<(), ShopError> {
    if quantity < 1 {
        return Err(ShopError::InvalidQuantity);
    }
    if quantity > MAX_LINE_QUANTITY {
        return Err(ShopError::InsufficientStock {
            available: MAX_LINE_QUANTITY,
        });
    }
    Ok(())
}

/// The stock of a product the buyer may put in the cart ([`FOR_SALE`](super::catalog::FOR_SALE)).
async fn stock_for_sale(tx: &mut Tx, product_id: ProductId) -> Result<i64, ShopError> {
    let row: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT p.stock, {FOR_SALE_FLAG}
         FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1",
    ))
    .bind(product_id)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        None => Err(ShopError::NotFound),
        Some((_, on_sale)) if !flag(on_sale) => Err(ShopError::Unavailable),
        Some((stock, _)) => Ok(stock),
    }
}

async fn current_quantity(
    tx: &mut Tx,
    buyer: &Openid,
    product_id: ProductId,
) -> Result<Option<i64>, ShopError> {
    Ok(
        sqlx::query_scalar("SELECT quantity FROM cart_items WHERE openid = $1 AND product_id = $2")
            .bind(buyer.as_str())
            .bind(product_id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Adds `quantity` of a product; the line's new total must not exceed stock.
///
/// The accumulation is one conditional upsert rather than read-then-write: under
/// PostgreSQL's READ COMMITTED two concurrent adds would both read the old quantity and the
/// second would overwrite the first past stock. `ON CONFLICT DO UPDATE ... WHERE` is
/// evaluated against the latest committed row on both databases.
pub async fn add(
    db: &Database,
    buyer: &Openid,
    product_id: ProductId,
    quantity: i64,
) -> Result<(), ShopError> {
    check_quantity(quantity)?;
    let mut tx = db.begin_write().await?;
    let limit = stock_for_sale(&mut tx, product_id)
        .await?
        .min(MAX_LINE_QUANTITY);
    let existing = current_quantity(&mut tx, buyer, product_id).await?;
    if existing.is_none() {
        let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cart_items WHERE openid = $1")
            .bind(buyer.as_str())
            .fetch_one(&mut *tx)
            .await?;
        if lines >= MAX_CART_LINES {
            return Err(ShopError::CartFull);
        }
    }
    let room = |existing: Option<i64>| ShopError::InsufficientStock {
        available: (limit - existing.unwrap_or(0)).max(0),
    };
    if quantity > limit {
        return Err(room(existing));
    }
    let now = now_ms();
    let stored: Option<i64> = sqlx::query_scalar(
        "INSERT INTO cart_items (openid, product_id, quantity, added_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (openid, product_id) DO UPDATE
             SET quantity = cart_items.quantity + excluded.quantity, updated_at = excluded.updated_at
             WHERE cart_items.quantity + excluded.quantity <= $5
         RETURNING quantity",
    )
    .bind(buyer.as_str())
    .bind(product_id)
    .bind(quantity)
    .bind(now)
    .bind(limit)
    .fetch_optional(&mut *tx)
    .await?;
    if stored.is_none() {
        // The line is already as full as stock allows; say how many more would fit.
        let existing = current_quantity(&mut tx, buyer, product_id).await?;
        return Err(room(existing));
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a line's quantity (1..=stock). The line must already be in the cart.
pub async fn set_quantity(
    db: &Database,
    buyer: &Openid,
    product_id: ProductId,
    quantity: i64,
) -> Result<(), ShopError> {
    check_quantity(quantity)?;
    let mut tx = db.begin_write().await?;
    if current_quantity(&mut tx, buyer, product_id)
        .await?
        .is_none()
    {
        return Err(ShopError::NotFound);
    }
    let stock = stock_for_sale(&mut tx, product_id).await?;
    if quantity > stock {
        return Err(ShopError::InsufficientStock { available: stock });
    }
    sqlx::query(
        "UPDATE cart_items SET quantity = $3, updated_at = $4 WHERE openid = $1 AND product_id = $2",
    )
    .bind(buyer.as_str())
    .bind(product_id)
    .bind(quantity)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a line. Removing what is not there is not an error: the buyer's intent holds.
pub async fn remove(db: &Database, buyer: &Openid, product_id: ProductId) -> Result<(), ShopError> {
    sqlx::query("DELETE FROM cart_items WHERE openid = $1 AND product_id = $2")
        .bind(buyer.as_str())
        .bind(product_id)
        .execute(db.pool())
        .await?;
    Ok(())
}
