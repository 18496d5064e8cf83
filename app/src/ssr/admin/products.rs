//! Product management: the filtered, paged list; create and edit with validated input
//! (price as a decimal, stored in minor units); and archive. Stock adjustments are in
//! [`super::stock`], categories in [`super::categories`].

use super::categories::categories;
use super::form::number;
use super::store::CurrentAdmin;
use crate::admin::{
    AdminProduct, AdminProductRow, ProductEditor, ProductFilter, ProductPage, StockMovement,
};
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::ids::ProductId;
use crate::money::{Currency, Money};
use crate::ssr::catalog::Terms;
use crate::ssr::db::{flag, Database};
use crate::ssr::web::now_ms;
use crate::variants::option_text;

// The back office's server functions (`api/admin.rs`) still call these through `products`.
pub use super::categories::{category_list, save_category, set_category_archived};
pub use super::stock::adjust_stock;

pub const PAGE_SIZE: i64 = 20;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    category: String,
    price_minor: i64,
    #[sqlx(try_from = "String")]
    currency: Currency,
    stock: i64,
    /// A live variant is at or under the product's threshold (the dashboard counts them).
    low_stock: i64,
    on_sale: i64,
    archived: i64,
}

pub async fn list(db: &Database, filter: &ProductFilter) -> Result<ProductPage, ShopError> {
    let mut conditions = String::new();
    let mut texts: Vec<String> = Vec::new();
    let mut category: Option<i64> = None;
    match filter.state.as_deref().unwrap_or_default() {
        "on_sale" => conditions.push_str(" AND p.archived = 0 AND p.on_sale = 1"),
        "off_sale" => conditions.push_str(" AND p.archived = 0 AND p.on_sale = 0"),
        "archived" => conditions.push_str(" AND p.archived = 1"),
        _ => conditions.push_str(" AND p.archived = 0"),
    }
    // The buyer's search: title and subtitle, through the search index.
    if let Some(terms) = filter.q.as_deref().and_then(Terms::parse) {
        let (sql, binds) = terms.condition(db.backend(), texts.len() + 1);
        conditions.push_str(" AND ");
        conditions.push_str(&sql);
        texts.extend(binds);
    }
    if let Some(c) = filter
        .category
        .as_deref()
        .and_then(|c| c.parse::<i64>().ok())
    {
        category = Some(c);
        conditions.push_str(&format!(" AND p.category_id = ${}", texts.len() + 1));
    }
    let bind_count = texts.len() + usize::from(category.is_some());
    let count_sql = format!("SELECT COUNT(*) FROM products p WHERE 1 = 1{conditions}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for t in &texts {
        count = count.bind(t.clone());
    }
    if let Some(c) = category {
        count = count.bind(c);
    }
    let total = count.fetch_one(db.pool()).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = filter
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let sql = format!(
        "SELECT p.id, p.title, c.name AS category, p.price_minor, p.currency, p.stock,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM product_variants v
                                       WHERE v.product_id = p.id AND v.archived = 0
                                           AND v.stock <= p.low_stock_threshold)
                          THEN 1 ELSE 0 END AS BIGINT) AS low_stock,
                p.on_sale, p.archived
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE 1 = 1{conditions}
         ORDER BY p.sort_order, p.id LIMIT ${} OFFSET ${}",
        bind_count + 1,
        bind_count + 2
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for t in &texts {
        query = query.bind(t.clone());
    }
    if let Some(c) = category {
        query = query.bind(c);
    }
    let rows = query
        .bind(PAGE_SIZE)
        .bind((page - 1) * PAGE_SIZE)
        .fetch_all(db.pool())
        .await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(AdminProductRow {
                id: r.id,
                price: Money::new(r.price_minor, r.currency),
                title: r.title,
                category: r.category,
                low_stock: flag(r.low_stock),
                stock: r.stock,
                on_sale: flag(r.on_sale),
                archived: flag(r.archived),
            })
        })
        .collect::<Result<Vec<_>, ShopError>>()?;
    Ok(ProductPage { rows, page, pages })
}

#[derive(sqlx::FromRow)]
struct EditRow {
    id: i64,
    title: String,
    subtitle: String,
    description: String,
    category_id: i64,
    price_minor: i64,
    #[sqlx(try_from = "String")]
    currency: Currency,
    stock: i64,
    on_sale: i64,
    archived: i64,
    sort_order: i64,
    low_stock_threshold: i64,
}

#[derive(sqlx::FromRow)]
struct MovementRow {
    option1: Option<String>,
    option2: Option<String>,
    option3: Option<String>,
    delta: i64,
    stock_after: i64,
    reason: String,
    note: String,
    admin: String,
    created_at: i64,
}

pub async fn editor(db: &Database, id: Option<i64>) -> Result<ProductEditor, ShopError> {
    let categories = categories(db).await?;
    let Some(id) = id else {
        return Ok(ProductEditor {
            product: None,
            categories,
        });
    };
    let row: EditRow = sqlx::query_as(
        "SELECT id, title, subtitle, description, category_id, price_minor, currency, stock, on_sale,
                archived, sort_order, low_stock_threshold FROM products WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(ShopError::NotFound)?;
    let movements: Vec<MovementRow> = sqlx::query_as(
        "SELECT v.option1, v.option2, v.option3, m.delta, m.stock_after, m.reason, m.note, m.admin,
                m.created_at
         FROM stock_movements m LEFT JOIN product_variants v ON v.id = m.variant_id
         WHERE m.product_id = $1 ORDER BY m.id DESC LIMIT 50",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let currency = row.currency;
    let (options, variants) = super::variants::load(db, ProductId(id), currency).await?;
    let images: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, COALESCE(thumb_url, url) FROM product_images WHERE product_id = $1 ORDER BY sort_order, id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(ProductEditor {
        categories,
        product: Some(AdminProduct {
            id: row.id,
            title: row.title,
            subtitle: row.subtitle,
            description: row.description,
            category_id: row.category_id,
            price: Money::new(row.price_minor, currency).decimal(),
            currency: currency.code().to_owned(),
            stock: row.stock,
            on_sale: flag(row.on_sale),
            archived: flag(row.archived),
            sort_order: row.sort_order,
            low_stock_threshold: row.low_stock_threshold,
            movements: movements
                .into_iter()
                .map(|m| StockMovement {
                    variant: option_text(&[
                        m.option1.unwrap_or_default(),
                        m.option2.unwrap_or_default(),
                        m.option3.unwrap_or_default(),
                    ]),
                    delta: m.delta,
                    stock_after: m.stock_after,
                    reason: m.reason,
                    note: m.note,
                    admin: m.admin,
                    at_ms: m.created_at,
                })
                .collect(),
            images: images
                .into_iter()
                .map(|(id, url)| crate::admin::AdminImage {
                    id,
                    url: crate::ssr::context::asset_url(&url),
                })
                .collect(),
            options,
            variants,
        }),
    })
}

/// The edit form's fields, as text (a browser can send anything).
pub struct ProductInput<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub description: &'a str,
    pub category_id: &'a str,
    /// A product without options: its one variant's price. A product with options has a
    /// price per variant (the variant table) and its form sends none.
    pub price: Option<&'a str>,
    pub on_sale: bool,
    pub sort_order: &'a str,
    pub low_stock_threshold: &'a str,
    /// New products only: the opening stock (recorded in the ledger).
    pub initial_stock: &'a str,
}

/// Creates (`id = None`) or updates a product; answers its id.
pub async fn save(
    db: &Database,
    admin: &CurrentAdmin,
    currency: Currency,
    id: Option<i64>,
    input: &ProductInput<'_>,
) -> Result<i64, ShopError> {
    let a = admin_t();
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(ShopError::Invalid(a.err_title.to_owned()));
    }
    let price = match input.price {
        Some(raw) => {
            let price = Money::parse_decimal(raw.trim(), currency)
                .filter(|m| m.minor >= 0 && m.minor <= 10_000_000_000)
                .ok_or_else(|| ShopError::Invalid(a.err_price.to_owned()))?;
            // Nothing is given away by a slip of the keyboard (and the gateway refuses 0
            // anyway).
            if price.minor == 0 {
                return Err(ShopError::Invalid(a.err_price_zero.to_owned()));
            }
            Some(price)
        }
        None => None,
    };
    let category_id: i64 = input
        .category_id
        .trim()
        .parse()
        .map_err(|_| ShopError::Invalid(a.err_category.to_owned()))?;
    let known: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM categories WHERE id = $1 AND archived = 0")
            .bind(category_id)
            .fetch_one(db.pool())
            .await?;
    if known != 1 {
        return Err(ShopError::Invalid(a.err_category.to_owned()));
    }
    let sort_order = number(input.sort_order, 0, -1_000_000..=1_000_000, a.err_number)?;
    let threshold = number(input.low_stock_threshold, 5, 0..=1_000_000, a.err_number)?;
    let subtitle: String = input.subtitle.trim().chars().take(200).collect();
    let description: String = input.description.trim().chars().take(5000).collect();
    let now = now_ms();
    let on_sale = i64::from(input.on_sale);
    match id {
        Some(id) => {
            let mut tx = db.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE products SET title = $1, subtitle = $2, description = $3, category_id = $4,
                     on_sale = CASE WHEN archived = 1 THEN 0 ELSE $5 END,
                     sort_order = $6, low_stock_threshold = $7, updated_at = $8
                 WHERE id = $9",
            )
            .bind(title)
            .bind(&subtitle)
            .bind(&description)
            .bind(category_id)
            .bind(on_sale)
            .bind(sort_order)
            .bind(threshold)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() != 1 {
                return Err(ShopError::NotFound);
            }
            // The price of a product without options is its one variant's.
            if let Some(price) = price {
                sqlx::query(
                    "UPDATE product_variants SET price_minor = $1, updated_at = $2
                     WHERE product_id = $3 AND archived = 0 AND option1 = '' AND option2 = ''
                         AND option3 = ''",
                )
                .bind(price.minor)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                super::variants::sync_prices(&mut tx, ProductId(id)).await?;
            }
            tx.commit().await?;
            Ok(id)
        }
        None => {
            let stock = number(input.initial_stock, 0, 0..=1_000_000, a.err_number)?;
            let price = price.ok_or_else(|| ShopError::Invalid(a.err_price.to_owned()))?;
            let mut tx = db.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO products (category_id, title, subtitle, description, price_minor, currency,
                     stock, on_sale, sort_order, low_stock_threshold, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(category_id)
            .bind(title)
            .bind(&subtitle)
            .bind(&description)
            .bind(price.minor)
            .bind(currency.code())
            .bind(stock)
            .bind(on_sale)
            .bind(sort_order)
            .bind(threshold)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let variant =
                crate::ssr::stock::first_variant(&mut tx, ProductId(id), price.minor, stock, now)
                    .await?;
            if stock > 0 {
                sqlx::query(
                    "INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason,
                         note, admin, created_at)
                     VALUES ($1, $2, $3, $3, 'initial', '', $4, $5)",
                )
                .bind(id)
                .bind(variant)
                .bind(stock)
                .bind(&admin.username)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        }
    }
}

/// Takes a product off the shop for good (orders keep their lines and history).
pub async fn archive(db: &Database, id: i64) -> Result<(), ShopError> {
    let done =
        sqlx::query("UPDATE products SET archived = 1, on_sale = 0, updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(db.pool())
            .await?;
    if done.rows_affected() != 1 {
        return Err(ShopError::NotFound);
    }
    Ok(())
}
