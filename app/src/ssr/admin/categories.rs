//! Categories in the back office: the list with product counts, create and rename (with a
//! slug for shop links), archive and restore; and the options the product form offers.

use super::form::number;
use crate::admin::{AdminCategory, CategoryOption};
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::ssr::db::{flag, Database};
use crate::ssr::web::now_ms;

/// The categories a product may be put in (not archived), in the merchant's order.
pub async fn categories(db: &Database) -> Result<Vec<CategoryOption>, ShopError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM categories WHERE archived = 0 ORDER BY sort_order, id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| CategoryOption { id, name })
        .collect())
}

pub async fn category_list(db: &Database) -> Result<Vec<AdminCategory>, ShopError> {
    let rows: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.slug, c.name, c.sort_order, c.archived,
                (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.archived = 0)
         FROM categories c ORDER BY c.archived, c.sort_order, c.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, slug, name, sort_order, archived, products)| AdminCategory {
                id,
                slug,
                name,
                sort_order,
                archived: flag(archived),
                products,
            },
        )
        .collect())
}

/// Creates (`id = None`) or renames/re-sorts a category. The slug (used in shop links) is
/// lower-case letters, digits and `-`.
pub async fn save_category(
    db: &Database,
    id: Option<i64>,
    name: &str,
    slug: &str,
    sort_order: &str,
) -> Result<i64, ShopError> {
    let a = admin_t();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(ShopError::Invalid(a.err_category_name.to_owned()));
    }
    let slug = slug.trim().to_ascii_lowercase();
    if slug.is_empty()
        || slug.len() > 40
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ShopError::Invalid(a.err_slug.to_owned()));
    }
    let sort_order = number(sort_order, 0, -1_000_000..=1_000_000, a.err_number)?;
    let result = match id {
        Some(id) => sqlx::query_scalar(
            "UPDATE categories SET name = $1, slug = $2, sort_order = $3 WHERE id = $4 RETURNING id",
        )
        .bind(name)
        .bind(&slug)
        .bind(sort_order)
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .map(|r: Option<i64>| r.ok_or(ShopError::NotFound)),
        None => sqlx::query_scalar(
            "INSERT INTO categories (slug, name, sort_order, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&slug)
        .bind(name)
        .bind(sort_order)
        .bind(now_ms())
        .fetch_one(db.pool())
        .await
        .map(Ok),
    };
    match result {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(ShopError::Invalid(a.err_slug_taken.to_owned()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Archives (hides from the shop, with its products) or restores a category.
pub async fn set_category_archived(
    db: &Database,
    id: i64,
    archived: bool,
) -> Result<(), ShopError> {
    let done = sqlx::query("UPDATE categories SET archived = $1 WHERE id = $2")
        .bind(i64::from(archived))
        .bind(id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() != 1 {
        return Err(ShopError::NotFound);
    }
    Ok(())
}
