//! Stock moves, per variant. Every change of a variant's stock goes through here, in the
//! caller's transaction, and keeps `products.stock` the sum of the product's live
//! variants' stock (the listing's "sold out" tags read it).
//!
//! Lock order: the product row first, then the variant row. Checkout, cancellations and
//! refunds walk an order's lines in (product, variant) order, so two transactions never
//! wait on each other's rows in opposite orders.

use crate::error::ShopError;
use crate::ids::{ProductId, VariantId};
use crate::ssr::db::Tx;
use crate::ssr::web::now_ms;

/// Locks the product's row for this transaction (PostgreSQL; SQLite has one writer).
async fn lock_product(tx: &mut Tx, product: ProductId, now: i64) -> Result<(), ShopError> {
    sqlx::query("UPDATE products SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(product)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `products.stock` again from its live variants.
pub async fn sync_product(tx: &mut Tx, product: ProductId) -> Result<(), ShopError> {
    sqlx::query(
        "UPDATE products SET stock = (
             SELECT CAST(COALESCE(SUM(v.stock), 0) AS BIGINT) FROM product_variants v
             WHERE v.product_id = $1 AND v.archived = 0)
         WHERE id = $1",
    )
    .bind(product)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds `delta` to a variant's stock (negative takes), if the result is not below zero: the
/// condition is part of the UPDATE, so two concurrent takes cannot both have the last unit.
/// Returns the variant's stock after, or `None` when there was not enough (nothing
/// changed).
pub async fn add(
    tx: &mut Tx,
    product: ProductId,
    variant: VariantId,
    delta: i64,
) -> Result<Option<i64>, ShopError> {
    change(tx, product, variant, delta, false).await
}

/// [`add`], and with `live_only` only while the variant is not archived.
async fn change(
    tx: &mut Tx,
    product: ProductId,
    variant: VariantId,
    delta: i64,
    live_only: bool,
) -> Result<Option<i64>, ShopError> {
    let now = now_ms();
    lock_product(tx, product, now).await?;
    let after: Option<i64> = sqlx::query_scalar(
        "UPDATE product_variants SET stock = stock + $1, updated_at = $2
         WHERE id = $3 AND product_id = $4 AND stock + $1 >= 0 AND ($5 = 0 OR archived = 0)
         RETURNING stock",
    )
    .bind(delta)
    .bind(now)
    .bind(variant)
    .bind(product)
    .bind(i64::from(live_only))
    .fetch_optional(&mut **tx)
    .await?;
    if after.is_some() {
        sync_product(tx, product).await?;
    }
    Ok(after)
}

/// Takes `quantity` of a variant for a new order: only while it is on sale (not archived
/// since the cart was read) and at least that much is in stock.
pub async fn take_for_sale(
    tx: &mut Tx,
    product: ProductId,
    variant: VariantId,
    quantity: i64,
) -> Result<bool, ShopError> {
    Ok(change(tx, product, variant, -quantity, true)
        .await?
        .is_some())
}

/// Takes `quantity` of a variant if at least that much is in stock, archived or not (a
/// late payment takes back what its order held).
pub async fn take(
    tx: &mut Tx,
    product: ProductId,
    variant: VariantId,
    quantity: i64,
) -> Result<bool, ShopError> {
    Ok(add(tx, product, variant, -quantity).await?.is_some())
}

/// Puts `quantity` back; returns the variant's stock after.
pub async fn put_back(
    tx: &mut Tx,
    product: ProductId,
    variant: VariantId,
    quantity: i64,
) -> Result<i64, ShopError> {
    add(tx, product, variant, quantity)
        .await?
        .ok_or(ShopError::Internal)
}

/// A new product's one implicit variant (no options) with its price and opening stock;
/// the product's prices follow it.
pub async fn first_variant(
    tx: &mut Tx,
    product: ProductId,
    price_minor: i64,
    stock: i64,
    now: i64,
) -> Result<VariantId, sqlx::Error> {
    let id: VariantId = sqlx::query_scalar(
        "INSERT INTO product_variants (product_id, price_minor, stock, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(product)
    .bind(price_minor)
    .bind(stock)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE products SET price_minor = $1, max_price_minor = $1, stock = $2 WHERE id = $3",
    )
    .bind(price_minor)
    .bind(stock)
    .bind(product)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
