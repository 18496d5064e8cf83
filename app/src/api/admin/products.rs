//! The product list and a product's page: its form, stock and images.

// The product form's function has as many arguments as the form has fields.
#![allow(clippy::too_many_arguments)]

use crate::admin::{ProductEditor, ProductFilter, ProductPage};
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::admin_call;
#[cfg(feature = "ssr")]
use crate::ssr::admin::{images, products};

/// A product id from a form: empty (or `new` in the editor's URL) is a new product, anything
/// else that is not a number names no product.
#[cfg(feature = "ssr")]
fn product_id(raw: &str, new: &[&str]) -> Result<Option<i64>, ShopError> {
    match raw.trim() {
        raw if new.contains(&raw) => Ok(None),
        raw => raw
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ShopError::NotFound),
    }
}

/// `POST /api/admin/products`: the filtered, paged product list.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/products")]
pub async fn admin_products(filter: ProductFilter) -> Result<ProductPage, ShopError> {
    admin_call(|call| async move { products::list(&call.state.db, &filter).await }).await
}

/// `POST /api/admin/product`: the edit form's data (`id` empty: a new product).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = ?id), err(level = "info"))
)]
#[server(endpoint = "admin/product")]
pub async fn admin_product(id: String) -> Result<ProductEditor, ShopError> {
    admin_call(|call| async move {
        let id = product_id(&id, &["", "new"])?;
        products::editor(&call.state.db, id).await
    })
    .await
}

/// `POST /api/admin/product_save`: create (`id` empty) or update; the browser then goes to
/// the product's page.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = ?id), err(level = "info"))
)]
#[server(endpoint = "admin/product_save")]
pub async fn admin_save_product(
    id: String,
    title: String,
    subtitle: String,
    description: String,
    category_id: String,
    #[server(default)] price: Option<String>,
    on_sale: Option<String>,
    sort_order: String,
    low_stock_threshold: String,
    initial_stock: Option<String>,
) -> Result<i64, ShopError> {
    admin_call(|call| async move {
        let id = product_id(&id, &[""])?;
        let input = products::ProductInput {
            title: &title,
            subtitle: &subtitle,
            description: &description,
            category_id: &category_id,
            price: price.as_deref(),
            on_sale: on_sale.is_some_and(|v| v == "on" || v == "true"),
            sort_order: &sort_order,
            low_stock_threshold: &low_stock_threshold,
            initial_stock: initial_stock.as_deref().unwrap_or_default(),
        };
        let currency = call.state.config.currency;
        let saved = products::save(&call.state.db, &call.admin, currency, id, &input).await?;
        leptos_axum::redirect(&format!("/admin/products/{saved}"));
        Ok(saved)
    })
    .await
}

/// `POST /api/admin/product_archive`
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = id), err(level = "info"))
)]
#[server(endpoint = "admin/product_archive")]
pub async fn admin_archive_product(id: i64) -> Result<(), ShopError> {
    admin_call(|call| async move { products::archive(&call.state.db, id).await }).await
}

/// `POST /api/admin/stock`: add or remove stock, with a reason, into the ledger.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = id, delta = ?delta, reason = ?reason), err(level = "info"))
)]
#[server(endpoint = "admin/stock")]
pub async fn admin_adjust_stock(
    id: i64,
    #[server(default)] variant: Option<i64>,
    delta: String,
    reason: String,
    note: String,
) -> Result<i64, ShopError> {
    admin_call(|call| async move {
        let db = &call.state.db;
        products::adjust_stock(db, &call.admin, id, variant, &delta, &reason, &note).await
    })
    .await
}

/// `POST /api/admin/product_options`: the product's options (up to three, each a name and
/// its values); its variants follow. The browser then goes back to the product's page.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = id), err(level = "info"))
)]
#[server(endpoint = "admin/product_options")]
pub async fn admin_save_options(
    id: i64,
    #[server(default)] name1: String,
    #[server(default)] values1: String,
    #[server(default)] name2: String,
    #[server(default)] values2: String,
    #[server(default)] name3: String,
    #[server(default)] values3: String,
) -> Result<(), ShopError> {
    admin_call(|call| async move {
        let rows = [
            (name1.as_str(), values1.as_str()),
            (name2.as_str(), values2.as_str()),
            (name3.as_str(), values3.as_str()),
        ];
        let product = crate::ids::ProductId(id);
        let db = &call.state.db;
        crate::ssr::admin::variants::save_options(db, &call.admin, product, &rows).await?;
        leptos_axum::redirect(&format!("/admin/products/{id}"));
        Ok(())
    })
    .await
}

/// `POST /api/admin/image_move`: an image one place earlier (`up=true`) or later.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = id, up = up), err(level = "info"))
)]
#[server(endpoint = "admin/image_move")]
pub async fn admin_move_image(id: i64, up: bool) -> Result<(), ShopError> {
    admin_call(|call| async move { images::move_image(&call.state.db, id, up).await }).await
}

/// `POST /api/admin/image_delete`
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = id), err(level = "info"))
)]
#[server(endpoint = "admin/image_delete")]
pub async fn admin_delete_image(id: i64) -> Result<(), ShopError> {
    admin_call(|call| async move { images::delete_image(&call.state.db, id).await }).await
}
