//! A product's options and variants in the back office: the options form (which makes one
//! variant per combination) and the variant table (price, stock change, barcode, weight
//! and image per variant, in one transaction).

use super::store::CurrentAdmin;
use crate::admin::AdminVariant;
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::ids::{ProductId, VariantId};
use crate::money::{Currency, Money};
use crate::ssr::catalog::options;
use crate::ssr::db::{flag, Database, Tx};
use crate::ssr::stock;
use crate::ssr::web::now_ms;
use crate::variants::{
    combinations, option_text, parse_options, OptionsProblem, ProductOption, MAX_OPTIONS,
};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    option1: String,
    option2: String,
    option3: String,
    price_minor: i64,
    stock: i64,
    barcode: String,
    weight_g: i64,
    image_id: Option<i64>,
    archived: i64,
}

impl Row {
    fn values(&self) -> [&str; MAX_OPTIONS] {
        [&self.option1, &self.option2, &self.option3]
    }
}

async fn rows(tx: &mut Tx, product: ProductId) -> Result<Vec<Row>, ShopError> {
    Ok(sqlx::query_as(
        "SELECT id, option1, option2, option3, price_minor, stock, barcode, weight_g, image_id,
                archived
         FROM product_variants WHERE product_id = $1 ORDER BY archived, id",
    )
    .bind(product)
    .fetch_all(&mut **tx)
    .await?)
}

/// The product's options and its variants (live ones first, in the options' order).
pub async fn load(
    db: &Database,
    product: ProductId,
    currency: Currency,
) -> Result<(Vec<ProductOption>, Vec<AdminVariant>), ShopError> {
    let mut tx = db.pool().begin().await?;
    let options = options(&mut *tx, product).await?;
    let mut rows = rows(&mut tx, product).await?;
    tx.commit().await?;
    let rank = |r: &Row| -> (i64, Vec<usize>) {
        let ranks = r
            .values()
            .iter()
            .zip(&options)
            .map(|(v, o)| o.values.iter().position(|x| x == v).unwrap_or(usize::MAX))
            .collect();
        (r.archived, ranks)
    };
    rows.sort_by_cached_key(rank);
    let variants = rows
        .into_iter()
        .map(|r| AdminVariant {
            id: r.id,
            option_text: option_text(&r.values()),
            price: Money::new(r.price_minor, currency).decimal(),
            stock: r.stock,
            barcode: r.barcode,
            weight_g: r.weight_g,
            image_id: r.image_id,
            archived: flag(r.archived),
        })
        .collect();
    Ok((options, variants))
}

/// `products.price_minor` and `max_price_minor` again from its live variants (the listing
/// sorts by the first and shows "from" when they differ).
pub async fn sync_prices(tx: &mut Tx, product: ProductId) -> Result<(), ShopError> {
    sqlx::query(
        "UPDATE products SET
             price_minor = COALESCE((SELECT MIN(v.price_minor) FROM product_variants v
                                     WHERE v.product_id = $1 AND v.archived = 0), price_minor),
             max_price_minor = COALESCE((SELECT MAX(v.price_minor) FROM product_variants v
                                         WHERE v.product_id = $1 AND v.archived = 0), max_price_minor)
         WHERE id = $1",
    )
    .bind(product)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn options_message(problem: OptionsProblem) -> String {
    let a = admin_t();
    match problem {
        OptionsProblem::TooMany => (a.err_option_incomplete)(MAX_OPTIONS + 1),
        OptionsProblem::Incomplete(n) => (a.err_option_incomplete)(n),
        OptionsProblem::TooLong(n) => (a.err_option_too_long)(n),
        OptionsProblem::TooManyValues(n) => (a.err_option_values)(n),
        OptionsProblem::DuplicateName(n) => (a.err_option_duplicate)(n),
        OptionsProblem::TooManyVariants(n) => (a.err_too_many_variants)(n),
    }
}

/// Saves the product's options (name and values text per row) and makes its variants
/// match: one live variant per combination. A combination that exists keeps its price,
/// stock and history (an archived one comes back); a variant an added option extends
/// becomes its first extension (a product without options hands its one variant to the
/// first combination, `150g` becomes `150g / 罐装`); any other new combination starts at the
/// product's lowest price with no stock. A variant no longer in the options is archived,
/// and what it had in stock is written off in the ledger, so it never comes back as stock
/// the shop may no longer have.
pub async fn save_options(
    db: &Database,
    admin: &CurrentAdmin,
    product: ProductId,
    rows_in: &[(&str, &str); MAX_OPTIONS],
) -> Result<(), ShopError> {
    let options = parse_options(rows_in).map_err(|p| ShopError::Invalid(options_message(p)))?;
    let combos = combinations(&options);
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    // The product's row first, as every stock change takes it.
    let price: Option<i64> = sqlx::query_scalar(
        "UPDATE products SET updated_at = $1 WHERE id = $2 RETURNING price_minor",
    )
    .bind(now)
    .bind(product)
    .fetch_optional(&mut *tx)
    .await?;
    let price = price.ok_or(ShopError::NotFound)?;
    sqlx::query("DELETE FROM product_options WHERE product_id = $1")
        .bind(product)
        .execute(&mut *tx)
        .await?;
    for (i, option) in options.iter().enumerate() {
        sqlx::query(
            "INSERT INTO product_options (product_id, position, name, choices) VALUES ($1, $2, $3, $4)",
        )
        .bind(product)
        .bind(i as i64 + 1)
        .bind(&option.name)
        .bind(option.values.join("\n"))
        .execute(&mut *tx)
        .await?;
    }
    let existing = rows(&mut tx, product).await?;
    let mut by_values: HashMap<[String; MAX_OPTIONS], (i64, bool)> = existing
        .iter()
        .map(|r| (r.values().map(str::to_owned), (r.id, flag(r.archived))))
        .collect();
    // A live variant the new options no longer name, but extend (an option was added):
    // it becomes the first new combination that keeps its values.
    for row in existing.iter().filter(|r| !flag(r.archived)) {
        let values = row.values().map(str::to_owned);
        if combos.contains(&values) {
            continue;
        }
        let extends = |combo: &&[String; MAX_OPTIONS]| {
            !by_values.contains_key(*combo)
                && values
                    .iter()
                    .zip(combo.iter())
                    .all(|(old, new)| old.is_empty() || old == new)
        };
        let Some(target) = combos.iter().find(extends).cloned() else {
            continue;
        };
        sqlx::query(
            "UPDATE product_variants SET option1 = $1, option2 = $2, option3 = $3, updated_at = $4
             WHERE id = $5",
        )
        .bind(&target[0])
        .bind(&target[1])
        .bind(&target[2])
        .bind(now)
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
        by_values.remove(&values);
        by_values.insert(target, (row.id, false));
    }
    let mut keep: Vec<i64> = Vec::with_capacity(combos.len());
    for combo in &combos {
        match by_values.get(combo) {
            Some((id, archived)) => {
                if *archived {
                    sqlx::query(
                        "UPDATE product_variants SET archived = 0, updated_at = $1 WHERE id = $2",
                    )
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                keep.push(*id);
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO product_variants (product_id, option1, option2, option3, price_minor,
                         stock, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, 0, $6, $6) RETURNING id",
                )
                .bind(product)
                .bind(&combo[0])
                .bind(&combo[1])
                .bind(&combo[2])
                .bind(price)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                keep.push(id);
            }
        }
    }
    let note = admin_t().variant_dropped;
    for (id, archived) in by_values.values() {
        if !archived && !keep.contains(id) {
            // The product's row is locked: no checkout moves this stock meanwhile.
            let had: i64 = sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE product_variants SET archived = 1, stock = 0, updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if had > 0 {
                let variant = VariantId(*id);
                record_movement(
                    &mut tx,
                    product,
                    variant,
                    -had,
                    0,
                    "correction",
                    note,
                    admin,
                )
                .await?;
            }
        }
    }
    stock::sync_product(&mut tx, product).await?;
    sync_prices(&mut tx, product).await?;
    tx.commit().await?;
    tracing::info!(product = %product, options = options.len(), variants = combos.len(), "options saved");
    Ok(())
}

/// One variant's row of the table, as posted: fields named `price.{id}`, `delta.{id}`,
/// `barcode.{id}`, `weight.{id}` and `image.{id}`.
struct Posted<'a> {
    price: &'a str,
    delta: &'a str,
    barcode: &'a str,
    weight: &'a str,
    image: &'a str,
}

/// Saves the variant table: every live variant's price, barcode, weight and image, and its
/// stock change (recorded in the ledger with `reason` and `note`), all or nothing.
pub async fn save_table(
    db: &Database,
    admin: &CurrentAdmin,
    product: ProductId,
    currency: Currency,
    fields: &[(String, String)],
) -> Result<(), ShopError> {
    let a = admin_t();
    // Five fields per variant and a few more: anything far beyond is not the table.
    if fields.len() > 5 * crate::variants::MAX_VARIANTS + 10 {
        return Err(ShopError::Invalid((a.err_too_many_variants)(
            fields.len() / 5,
        )));
    }
    let posted: HashMap<&str, &str> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let field = |name: &str, id: i64| -> &str {
        posted
            .get(format!("{name}.{id}").as_str())
            .copied()
            .unwrap_or("")
    };
    let named = |name: &str| -> &str { posted.get(name).copied().unwrap_or("") };
    let reason = named("reason");
    if !super::stock::REASONS.contains(&reason) {
        return Err(ShopError::Invalid(a.err_reason.to_owned()));
    }
    let note: String = named("note").trim().chars().take(200).collect();
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    let exists: Option<i64> =
        sqlx::query_scalar("UPDATE products SET updated_at = $1 WHERE id = $2 RETURNING id")
            .bind(now)
            .bind(product)
            .fetch_optional(&mut *tx)
            .await?;
    exists.ok_or(ShopError::NotFound)?;
    let images: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM product_images WHERE product_id = $1")
            .bind(product)
            .fetch_all(&mut *tx)
            .await?;
    for row in rows(&mut tx, product).await? {
        if flag(row.archived) {
            continue;
        }
        let name = match option_text(&row.values()) {
            t if t.is_empty() => a.default_variant.to_owned(),
            t => t,
        };
        let posted = Posted {
            price: field("price", row.id),
            delta: field("delta", row.id),
            barcode: field("barcode", row.id),
            weight: field("weight", row.id),
            image: field("image", row.id),
        };
        let price = Money::parse_decimal(posted.price.trim(), currency)
            .filter(|m| m.minor > 0 && m.minor <= 10_000_000_000)
            .ok_or_else(|| ShopError::Invalid((a.err_variant_price)(&name)))?;
        let weight = super::form::number(
            posted.weight,
            0,
            0..=1_000_000,
            &(a.err_variant_weight)(&name),
        )?;
        let barcode = posted.barcode.trim();
        if barcode.chars().count() > 40 {
            return Err(ShopError::Invalid((a.err_variant_barcode)(&name)));
        }
        let image = match posted.image.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|id| images.contains(id))
                    .ok_or_else(|| ShopError::Invalid((a.err_variant_image)(&name)))?,
            ),
        };
        let delta = super::form::number(
            posted.delta,
            0,
            -1_000_000..=1_000_000,
            &(a.err_variant_delta)(&name),
        )?;
        sqlx::query(
            "UPDATE product_variants SET price_minor = $1, barcode = $2, weight_g = $3, image_id = $4,
                 updated_at = $5
             WHERE id = $6",
        )
        .bind(price.minor)
        .bind(barcode)
        .bind(weight)
        .bind(image)
        .bind(now)
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
        if delta != 0 {
            let variant = VariantId(row.id);
            let after = stock::add(&mut tx, product, variant, delta)
                .await?
                .ok_or_else(|| ShopError::Invalid((a.err_variant_delta)(&name)))?;
            record_movement(
                &mut tx, product, variant, delta, after, reason, &note, admin,
            )
            .await?;
        }
    }
    sync_prices(&mut tx, product).await?;
    tx.commit().await?;
    Ok(())
}

/// One line of the stock ledger.
#[allow(clippy::too_many_arguments)]
pub async fn record_movement(
    tx: &mut Tx,
    product: ProductId,
    variant: VariantId,
    delta: i64,
    after: i64,
    reason: &str,
    note: &str,
    admin: &CurrentAdmin,
) -> Result<(), ShopError> {
    sqlx::query(
        "INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason, note,
             admin, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(product)
    .bind(variant)
    .bind(delta)
    .bind(after)
    .bind(reason)
    .bind(note)
    .bind(&admin.username)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
