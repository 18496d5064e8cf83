//! Stock adjustments by the merchant, each recorded in the stock ledger with its reason, and
//! the dashboard's low-stock count.

use super::store::CurrentAdmin;
use super::variants::record_movement;
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::ids::{ProductId, VariantId};
use crate::ssr::db::Database;
use crate::ssr::stock;

/// Reasons a merchant may give (the edit page offers the same list).
pub const REASONS: [&str; 4] = ["restock", "damaged", "correction", "returned"];
/// Adds `delta` (negative to remove) to a variant's stock (`variant` none: the product's only
/// live one), never below zero, and records it in the ledger with its reason, in one
/// transaction. Answers the variant's stock after.
pub async fn adjust_stock(
    db: &Database,
    admin: &CurrentAdmin,
    id: i64,
    variant: Option<i64>,
    delta: &str,
    reason: &str,
    note: &str,
) -> Result<i64, ShopError> {
    let a = admin_t();
    let delta: i64 = delta
        .trim()
        .trim_start_matches('+')
        .parse()
        .ok()
        .filter(|d: &i64| *d != 0 && d.abs() <= 1_000_000)
        .ok_or_else(|| ShopError::Invalid(a.err_delta.to_owned()))?;
    if !REASONS.contains(&reason) {
        return Err(ShopError::Invalid(a.err_reason.to_owned()));
    }
    let note: String = note.trim().chars().take(200).collect();
    let product = ProductId(id);
    let mut tx = db.begin_write().await?;
    let variants: Vec<VariantId> = sqlx::query_scalar(
        "SELECT id FROM product_variants
         WHERE product_id = $1 AND archived = 0 AND ($2 = 0 OR id = $2) ORDER BY id LIMIT 2",
    )
    .bind(product)
    .bind(variant.unwrap_or(0))
    .fetch_all(&mut *tx)
    .await?;
    let variant = match variants.as_slice() {
        [one] => *one,
        [] if variant.is_none() => return Err(ShopError::NotFound),
        _ => return Err(ShopError::Invalid(a.err_pick_variant.to_owned())),
    };
    let Some(after) = stock::add(&mut tx, product, variant, delta).await? else {
        return Err(ShopError::Invalid(a.err_below_zero.to_owned()));
    };
    record_movement(
        &mut tx, product, variant, delta, after, reason, &note, admin,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Variants of live products at or under their product's low-stock threshold (for the
/// dashboard).
pub async fn low_stock_count(db: &Database) -> Result<i64, ShopError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE p.archived = 0 AND v.archived = 0 AND v.stock <= p.low_stock_threshold",
    )
    .fetch_one(db.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::REASONS;

    /// The schema's CHECK on the ledger's reason names the merchant's reasons plus the
    /// shop's own (`initial` for a new product's opening stock; `returned` is also written by
    /// a refund that puts stock back).
    #[test]
    fn the_schema_allows_exactly_the_stock_reasons() {
        let codes: Vec<String> = REASONS
            .iter()
            .chain(&["initial"])
            .map(|r| format!("'{r}'"))
            .collect();
        let check = format!("CHECK (reason IN ({}))", codes.join(", "));
        for schema in [
            include_str!("../../../migrations/sqlite/0005_product_admin.sql"),
            include_str!("../../../migrations/postgres/0005_product_admin.sql"),
        ] {
            assert!(schema.contains(&check), "{check}");
        }
    }
}
