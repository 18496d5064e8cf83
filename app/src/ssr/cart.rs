//! The buyer's cart, kept on the server per openid, one line per variant. Quantities are
//! checked against the variant's stock inside a write transaction, so two tabs adding at
//! once cannot push a line past stock. (The cart reserves nothing: checkout does, with a
//! conditional update.)

use super::catalog::{cover_images, FOR_SALE_FLAG, VARIANT_FOR_SALE};
use super::context::asset_url;
use super::db::{flag, Database, Tx};
use super::web::now_ms;
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::ids::{ProductId, VariantId};
use crate::model::{CartLine, CartView, Image, MAX_CART_LINES, MAX_LINE_QUANTITY};
use crate::money::{Currency, Money};
use crate::variants::option_text;

#[derive(sqlx::FromRow)]
struct LineRow {
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
    image_alt: Option<String>,
    weight_g: i64,
}

/// The cart's lines with their products and variants, the same for the page and checkout:
/// the variant's price and stock, and "for sale" for the product and the variant together.
pub(crate) fn lines_sql(order: &str) -> String {
    format!(
        "SELECT ci.product_id, ci.variant_id, p.category_id, ci.quantity, p.title,
                v.option1, v.option2, v.option3, v.price_minor, p.currency, v.stock,
                CAST(CASE WHEN {FOR_SALE_FLAG} = 1 AND {VARIANT_FOR_SALE} THEN 1 ELSE 0 END AS BIGINT)
                    AS on_sale,
                COALESCE(i.thumb_url, i.url) AS image_url, i.alt AS image_alt, v.weight_g
         FROM cart_items ci JOIN products p ON p.id = ci.product_id
              JOIN categories c ON c.id = p.category_id
              JOIN product_variants v ON v.id = ci.variant_id
              LEFT JOIN product_images i ON i.id = v.image_id
         WHERE ci.openid = $1
         ORDER BY {order}"
    )
}

impl LineRow {
    fn option_text(&self) -> String {
        option_text(&[&self.option1, &self.option2, &self.option3])
    }
}

pub async fn view(
    db: &Database,
    buyer: &Openid,
    currency: Currency,
) -> Result<CartView, ShopError> {
    let rows: Vec<LineRow> = sqlx::query_as(&lines_sql("ci.added_at, ci.variant_id"))
        .bind(buyer.as_str())
        .fetch_all(db.pool())
        .await?;
    let ids: Vec<ProductId> = rows.iter().map(|r| r.product_id).collect();
    let covers = cover_images(db, &ids).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let unit_price = Money::new(r.price_minor, r.currency);
        let line_total = unit_price.times(r.quantity).ok_or(ShopError::Internal)?;
        let option_text = r.option_text();
        // The variant's own picture, else the product's cover.
        let image = match r.image_url {
            Some(url) => Some(Image {
                url: asset_url(&url),
                alt: r.image_alt.unwrap_or_default(),
                width: 0,
                height: 0,
                srcset: String::new(),
            }),
            None => covers.get(&r.product_id).cloned(),
        };
        lines.push(CartLine {
            product_id: r.product_id,
            variant_id: r.variant_id,
            option_text,
            weight_g: r.weight_g,
            category_id: r.category_id,
            image,
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

/// The variant a request names: `variant` if given (it must be the product's), else the
/// product's only variant on sale; with its stock. A variant or product not for sale is
/// `Unavailable`; an unknown one `NotFound`.
async fn variant_for_sale(
    tx: &mut Tx,
    product_id: ProductId,
    variant: Option<VariantId>,
) -> Result<(VariantId, i64), ShopError> {
    let rows: Vec<(VariantId, i64, i64)> = sqlx::query_as(&format!(
        "SELECT v.id, v.stock,
                CAST(CASE WHEN {FOR_SALE_FLAG} = 1 AND {VARIANT_FOR_SALE} THEN 1 ELSE 0 END AS BIGINT)
         FROM product_variants v JOIN products p ON p.id = v.product_id
              JOIN categories c ON c.id = p.category_id
         WHERE v.product_id = $1 AND ($2 = 0 OR v.id = $2) AND ($2 <> 0 OR v.archived = 0)
         ORDER BY v.id LIMIT 2",
    ))
    .bind(product_id)
    .bind(variant.map_or(0, |v| v.0))
    .fetch_all(&mut **tx)
    .await?;
    match rows.as_slice() {
        [] if variant.is_some() => Err(ShopError::ChooseVariant),
        [] => {
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE id = $1")
                .bind(product_id)
                .fetch_one(&mut **tx)
                .await?;
            Err(if exists == 1 {
                ShopError::Unavailable
            } else {
                ShopError::NotFound
            })
        }
        [(_, _, on_sale)] if !flag(*on_sale) => Err(ShopError::Unavailable),
        [(id, stock, _)] => Ok((*id, *stock)),
        _ => Err(ShopError::ChooseVariant),
    }
}

/// The buyer's line a request names: `variant` if given, else their only line of the
/// product.
async fn line_of(
    tx: &mut Tx,
    buyer: &Openid,
    product_id: ProductId,
    variant: Option<VariantId>,
) -> Result<Option<(VariantId, i64)>, ShopError> {
    let rows: Vec<(VariantId, i64)> = sqlx::query_as(
        "SELECT variant_id, quantity FROM cart_items
         WHERE openid = $1 AND product_id = $2 AND ($3 = 0 OR variant_id = $3)
         ORDER BY variant_id LIMIT 2",
    )
    .bind(buyer.as_str())
    .bind(product_id)
    .bind(variant.map_or(0, |v| v.0))
    .fetch_all(&mut **tx)
    .await?;
    match rows.as_slice() {
        [] => Ok(None),
        [line] => Ok(Some(*line)),
        _ => Err(ShopError::ChooseVariant),
    }
}

async fn current_quantity(
    tx: &mut Tx,
    buyer: &Openid,
    variant: VariantId,
) -> Result<Option<i64>, ShopError> {
    Ok(
        sqlx::query_scalar("SELECT quantity FROM cart_items WHERE openid = $1 AND variant_id = $2")
            .bind(buyer.as_str())
            .bind(variant)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Adds `quantity` of a variant (`None`: the product's only one); the line's new total
/// must not exceed its stock.
///
/// The accumulation is one conditional upsert rather than read-then-write: under
/// PostgreSQL's READ COMMITTED two concurrent adds would both read the old quantity and the
/// second would overwrite the first past stock. `ON CONFLICT DO UPDATE ... WHERE` is
/// evaluated against the latest committed row on both databases.
pub async fn add(
    db: &Database,
    buyer: &Openid,
    product_id: ProductId,
    variant: Option<VariantId>,
    quantity: i64,
) -> Result<(), ShopError> {
    check_quantity(quantity)?;
    let mut tx = db.begin_write().await?;
    let (variant, stock) = variant_for_sale(&mut tx, product_id, variant).await?;
    let limit = stock.min(MAX_LINE_QUANTITY);
    let existing = current_quantity(&mut tx, buyer, variant).await?;
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
        "INSERT INTO cart_items (openid, product_id, variant_id, quantity, added_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (openid, variant_id) DO UPDATE
             SET quantity = cart_items.quantity + excluded.quantity, updated_at = excluded.updated_at
             WHERE cart_items.quantity + excluded.quantity <= $6
         RETURNING quantity",
    )
    .bind(buyer.as_str())
    .bind(product_id)
    .bind(variant)
    .bind(quantity)
    .bind(now)
    .bind(limit)
    .fetch_optional(&mut *tx)
    .await?;
    if stored.is_none() {
        // The line is already as full as stock allows; say how many more would fit.
        let existing = current_quantity(&mut tx, buyer, variant).await?;
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
    variant: Option<VariantId>,
    quantity: i64,
) -> Result<(), ShopError> {
    check_quantity(quantity)?;
    let mut tx = db.begin_write().await?;
    let Some((variant, _)) = line_of(&mut tx, buyer, product_id, variant).await? else {
        return Err(ShopError::NotFound);
    };
    let (_, stock) = variant_for_sale(&mut tx, product_id, Some(variant)).await?;
    if quantity > stock {
        return Err(ShopError::InsufficientStock { available: stock });
    }
    sqlx::query(
        "UPDATE cart_items SET quantity = $3, updated_at = $4 WHERE openid = $1 AND variant_id = $2",
    )
    .bind(buyer.as_str())
    .bind(variant)
    .bind(quantity)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a line (`variant` none: every line of the product). Removing what is not there
/// is not an error: the buyer's intent holds.
pub async fn remove(
    db: &Database,
    buyer: &Openid,
    product_id: ProductId,
    variant: Option<VariantId>,
) -> Result<(), ShopError> {
    sqlx::query(
        "DELETE FROM cart_items WHERE openid = $1 AND product_id = $2 AND ($3 = 0 OR variant_id = $3)",
    )
    .bind(buyer.as_str())
    .bind(product_id)
    .bind(variant.map_or(0, |v| v.0))
    .execute(db.pool())
    .await?;
    Ok(())
}
