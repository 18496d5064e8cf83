//! Stock adjustments by the merchant, each recorded in the stock ledger with its reason, and
//! the dashboard's low-stock count.

use super::store::CurrentAdmin;
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::ssr::db::Database;
use crate::ssr::web::now_ms;

/// Reasons a merchant may give (the edit page offers the same list).
pub const REASONS: [&str; 4] = ["restock", "damaged", "correction", "returned"];
/// Adds `delta` (negative to remove) to the stock, never below zero, and records it in the
/// ledger with its reason, in one transaction.
pub async fn adjust_stock(
    db: &Database,
    admin: &CurrentAdmin,
    id: i64,
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
    let mut tx = db.begin_write().await?;
    let after: Option<i64> = sqlx::query_scalar(
        "UPDATE products SET stock = stock + $1, updated_at = $2
         WHERE id = $3 AND stock + $1 >= 0 RETURNING stock",
    )
    .bind(delta)
    .bind(now_ms())
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(after) = after else {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        return Err(if exists == 1 {
            ShopError::Invalid(a.err_below_zero.to_owned())
        } else {
            ShopError::NotFound
        });
    };
    sqlx::query(
        "INSERT INTO stock_movements (product_id, delta, stock_after, reason, note, admin, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(delta)
    .bind(after)
    .bind(reason)
    .bind(&note)
    .bind(&admin.username)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Products at or under their low-stock threshold (for the dashboard).
pub async fn low_stock_count(db: &Database) -> Result<i64, ShopError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM products WHERE archived = 0 AND stock <= low_stock_threshold",
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
