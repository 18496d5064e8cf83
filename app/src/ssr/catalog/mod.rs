//! Catalog reads. Every query here is on a hot path and uses an index (see the migration).

use super::context::asset_url;
use super::db::{flag, Database};
use crate::error::ShopError;
use crate::ids::{ProductId, VariantId};
use crate::model::{Category, Image, Listing, ListingQuery, ProductCard, ProductDetail, Sort};
use crate::money::{Currency, Money};
use crate::variants::{ProductOption, Variant};
use std::collections::HashMap;

pub mod cache;
mod search;
pub use search::Terms;

macro_rules! for_sale {
    () => {
        "(p.on_sale = 1 AND p.archived = 0 AND c.archived = 0 AND p.price_minor > 0)"
    };
}

/// The one test of "a buyer may buy this product", over `products p JOIN categories c`: on
/// sale, not archived, in a category that is not archived, with a price. The listing, the
/// product page, the cart and checkout all use it, so they never disagree.
pub(crate) const FOR_SALE: &str = for_sale!();
/// [`FOR_SALE`] as a `BIGINT` column (1 or 0), for rows that show unbuyable products too.
pub(crate) const FOR_SALE_FLAG: &str = concat!(
    "CAST(CASE WHEN ",
    for_sale!(),
    " THEN 1 ELSE 0 END AS BIGINT)"
);

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    slug: String,
    name: String,
}

impl From<CategoryRow> for Category {
    fn from(r: CategoryRow) -> Self {
        Category {
            id: r.id,
            slug: r.slug,
            name: r.name,
        }
    }
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: ProductId,
    title: String,
    subtitle: String,
    price_minor: i64,
    max_price_minor: i64,
    #[sqlx(try_from = "String")]
    currency: Currency,
    stock: i64,
    sales: i64,
}

#[derive(sqlx::FromRow)]
struct CoverRow {
    product_id: ProductId,
    url: String,
    thumb_url: Option<String>,
    alt: String,
    width: i64,
    height: i64,
}

/// A stored picture as pages show it: `src` is the 400 px copy (`small`) or the full one,
/// `srcset` offers both with their real widths, so a phone picks the copy its layout needs.
pub(crate) fn picture(
    full: &str,
    thumb: Option<&str>,
    alt: String,
    width: i64,
    height: i64,
    small: bool,
) -> Image {
    let srcset = match thumb {
        Some(thumb) if width > 0 && height > 0 => {
            // The copy fits a 400 px square, aspect kept (`admin::images::process`).
            let edge = i64::from(crate::ssr::admin::images::THUMB_EDGE);
            let thumb_width = if width >= height {
                edge
            } else {
                (edge * width + height / 2) / height
            };
            format!(
                "{} {thumb_width}w, {} {width}w",
                asset_url(thumb),
                asset_url(full)
            )
        }
        _ => String::new(),
    };
    let src = match thumb {
        Some(thumb) if small => thumb,
        _ => full,
    };
    Image {
        url: asset_url(src),
        alt,
        width,
        height,
        srcset,
    }
}

/// Each product's first image as stored (its thumbnail where there is one), in one query
/// (`product_images_by_product` serves it), read with `executor`.
async fn cover_rows<'e, E>(
    executor: E,
    product_ids: &[ProductId],
) -> Result<HashMap<ProductId, CoverRow>, ShopError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders = (1..=product_ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT product_id, url, thumb_url, alt, width, height FROM product_images
         WHERE product_id IN ({placeholders}) ORDER BY product_id, sort_order, id"
    );
    let mut query = sqlx::query_as::<_, CoverRow>(&sql);
    for id in product_ids {
        query = query.bind(*id);
    }
    let mut covers = HashMap::new();
    for row in query.fetch_all(executor).await? {
        covers.entry(row.product_id).or_insert(row);
    }
    Ok(covers)
}

/// The first image of each product, for pages.
pub(crate) async fn cover_images(
    db: &Database,
    product_ids: &[ProductId],
) -> Result<HashMap<ProductId, Image>, ShopError> {
    let rows = cover_rows(db.pool(), product_ids).await?;
    Ok(rows
        .into_iter()
        .map(|(id, row)| {
            let image = picture(
                &row.url,
                row.thumb_url.as_deref(),
                row.alt,
                row.width,
                row.height,
                true,
            );
            (id, image)
        })
        .collect())
}

/// The stored path of each product's first image, for what an order line keeps (read in
/// checkout's transaction).
pub(crate) async fn cover_urls(
    tx: &mut super::db::Tx,
    product_ids: &[ProductId],
) -> Result<HashMap<ProductId, String>, ShopError> {
    let rows = cover_rows(&mut **tx, product_ids).await?;
    Ok(rows
        .into_iter()
        .map(|(id, row)| (id, row.thumb_url.unwrap_or(row.url)))
        .collect())
}

pub async fn categories(db: &Database) -> Result<Vec<Category>, ShopError> {
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "SELECT id, slug, name FROM categories WHERE archived = 0 ORDER BY sort_order, id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Category::from).collect())
}

/// A value to bind to a query put together from parts.
enum Bind {
    Int(i64),
    Text(String),
}

/// One page of the products on sale, as the buyer asked: within one category, matching a
/// search, in one order. An unknown category slug is dropped, not an error: links outlive
/// categories.
pub async fn listing(db: &Database, asked: ListingQuery) -> Result<Listing, ShopError> {
    let asked = asked.normalized();
    let categories = categories(db).await?;
    let selected = asked
        .category
        .as_ref()
        .and_then(|slug| categories.iter().find(|c| &c.slug == slug))
        .cloned();
    let query = ListingQuery {
        category: selected.as_ref().map(|c| c.slug.clone()),
        ..asked
    };
    let mut binds: Vec<Bind> = Vec::new();
    let mut conditions = String::new();
    if let Some(cat) = &selected {
        binds.push(Bind::Int(cat.id));
        conditions.push_str(&format!(" AND p.category_id = ${}", binds.len()));
    }
    let terms = query.q.as_deref().and_then(Terms::parse);
    let mut relevance = String::new();
    if let Some(terms) = &terms {
        let (sql, texts) = terms.condition(db.backend(), binds.len() + 1);
        conditions.push_str(" AND ");
        conditions.push_str(&sql);
        binds.extend(texts.into_iter().map(Bind::Text));
        if query.sort == Sort::Featured {
            let (key, texts) = terms.title_first(db.backend(), binds.len() + 1);
            relevance = format!("{key}, ");
            binds.extend(texts.into_iter().map(Bind::Text));
        }
    }
    // Each order has its index over the products on sale (migrations 0001 and 0014).
    let order = match query.sort {
        Sort::Featured => "p.sort_order, p.id",
        Sort::Newest => "p.created_at DESC, p.id DESC",
        Sort::Sales => "p.sales DESC, p.id DESC",
        Sort::PriceLow => "p.price_minor, p.id",
        Sort::PriceHigh => "p.price_minor DESC, p.id DESC",
    };
    let page_size = i64::from(ListingQuery::PAGE_SIZE);
    let sql = format!(
        "SELECT p.id, p.title, p.subtitle, p.price_minor, p.max_price_minor, p.currency, p.stock,
                p.sales
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE {FOR_SALE}{conditions}
         ORDER BY {relevance}{order}
         LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut select = sqlx::query_as::<_, CardRow>(&sql);
    for bind in binds {
        select = match bind {
            Bind::Int(v) => select.bind(v),
            Bind::Text(v) => select.bind(v),
        };
    }
    // One more than a page: whether there is a next one, without counting them all.
    let mut rows = select
        .bind(page_size + 1)
        .bind(i64::from(query.page.saturating_sub(1)) * page_size)
        .fetch_all(db.pool())
        .await?;
    let has_next = rows.len() > ListingQuery::PAGE_SIZE as usize;
    rows.truncate(ListingQuery::PAGE_SIZE as usize);
    let ids: Vec<ProductId> = rows.iter().map(|r| r.id).collect();
    let mut covers = cover_images(db, &ids).await?;
    let products = rows
        .into_iter()
        .map(|r| ProductCard {
            id: r.id,
            price: Money::new(r.price_minor, r.currency),
            price_varies: r.max_price_minor > r.price_minor,
            title: r.title,
            subtitle: r.subtitle,
            stock: r.stock,
            sales: r.sales,
            image: covers.remove(&r.id),
        })
        .collect();
    Ok(Listing {
        categories,
        query,
        products,
        has_next,
    })
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: ProductId,
    title: String,
    subtitle: String,
    description: String,
    price_minor: i64,
    max_price_minor: i64,
    #[sqlx(try_from = "String")]
    currency: Currency,
    stock: i64,
    on_sale: i64,
    category_id: i64,
    category_slug: String,
    category_name: String,
}

#[derive(sqlx::FromRow)]
struct ImageRow {
    url: String,
    thumb_url: Option<String>,
    alt: String,
    width: i64,
    height: i64,
}

/// A product a buyer may look at: it exists and is on sale, in a category that is not
/// archived. Anything else is `NotFound`.
pub async fn product(db: &Database, id: ProductId) -> Result<ProductDetail, ShopError> {
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        "SELECT p.id, p.title, p.subtitle, p.description, p.price_minor, p.max_price_minor,
                p.currency, p.stock, {FOR_SALE_FLAG} AS on_sale,
                c.id AS category_id, c.slug AS category_slug, c.name AS category_name
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE p.id = $1",
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let row = row.filter(|r| flag(r.on_sale)).ok_or(ShopError::NotFound)?;
    let images: Vec<ImageRow> = sqlx::query_as(
        "SELECT url, thumb_url, alt, width, height FROM product_images WHERE product_id = $1 ORDER BY sort_order, id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let (options, variants) = variants_on_sale(db, id, row.currency).await?;
    Ok(ProductDetail {
        id: row.id,
        price: Money::new(row.price_minor, row.currency),
        max_price: Money::new(row.max_price_minor, row.currency),
        options,
        variants,
        title: row.title,
        subtitle: row.subtitle,
        description: row.description,
        stock: row.stock,
        category: Category {
            id: row.category_id,
            slug: row.category_slug,
            name: row.category_name,
        },
        images: images
            .into_iter()
            .map(|i| {
                picture(
                    &i.url,
                    i.thumb_url.as_deref(),
                    i.alt,
                    i.width,
                    i.height,
                    false,
                )
            })
            .collect(),
    })
}

/// The test of "a buyer may buy this variant", over `product_variants v`, on top of
/// [`FOR_SALE`] for its product: not archived, with a price.
pub(crate) const VARIANT_FOR_SALE: &str = "(v.archived = 0 AND v.price_minor > 0)";

#[derive(sqlx::FromRow)]
struct VariantRow {
    id: VariantId,
    option1: String,
    option2: String,
    option3: String,
    price_minor: i64,
    stock: i64,
    image_url: Option<String>,
    image_alt: Option<String>,
    image_width: Option<i64>,
    image_height: Option<i64>,
}

/// A product's options (in their order) and its variants on sale, each with its image.
pub(crate) async fn variants_on_sale(
    db: &Database,
    product: ProductId,
    currency: Currency,
) -> Result<(Vec<ProductOption>, Vec<Variant>), ShopError> {
    let options = options(db.pool(), product).await?;
    let rows: Vec<VariantRow> = sqlx::query_as(&format!(
        "SELECT v.id, v.option1, v.option2, v.option3, v.price_minor, v.stock,
                COALESCE(i.thumb_url, i.url) AS image_url, i.alt AS image_alt,
                i.width AS image_width, i.height AS image_height
         FROM product_variants v LEFT JOIN product_images i ON i.id = v.image_id
         WHERE v.product_id = $1 AND {VARIANT_FOR_SALE}
         ORDER BY v.id",
    ))
    .bind(product)
    .fetch_all(db.pool())
    .await?;
    let mut variants: Vec<Variant> = rows
        .into_iter()
        .map(|r| Variant {
            id: r.id,
            values: [r.option1, r.option2, r.option3]
                .into_iter()
                .take(options.len())
                .collect(),
            price: Money::new(r.price_minor, currency),
            stock: r.stock,
            image: r.image_url.map(|url| Image {
                url: asset_url(&url),
                alt: r.image_alt.unwrap_or_default(),
                width: r.image_width.unwrap_or(0),
                height: r.image_height.unwrap_or(0),
                srcset: String::new(),
            }),
        })
        .collect();
    // The options' order, not the rows' (a value added later sorts where the merchant put
    // it).
    let rank = |v: &Variant| -> Vec<usize> {
        v.values
            .iter()
            .zip(&options)
            .map(|(value, o)| {
                o.values
                    .iter()
                    .position(|x| x == value)
                    .unwrap_or(usize::MAX)
            })
            .collect()
    };
    variants.sort_by_cached_key(rank);
    Ok((options, variants))
}

/// A product's options, in their order (`choices` holds the values one per line).
pub(crate) async fn options<'e, E>(
    db: E,
    product: ProductId,
) -> Result<Vec<ProductOption>, ShopError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, choices FROM product_options WHERE product_id = $1 ORDER BY position",
    )
    .bind(product)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, choices)| ProductOption {
            name,
            values: choices.lines().map(str::to_owned).collect(),
        })
        .collect())
}
