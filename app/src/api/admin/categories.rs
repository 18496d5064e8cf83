//! The categories page.

use crate::admin::AdminCategory;
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::admin_call;
#[cfg(feature = "ssr")]
use crate::ssr::admin::products;

/// `POST /api/admin/categories`
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/categories")]
pub async fn admin_categories() -> Result<Vec<AdminCategory>, ShopError> {
    admin_call(|call| async move { products::category_list(&call.state.db).await }).await
}

/// `POST /api/admin/category_save`: create (`id` empty) or edit a category.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = ?id, slug = ?slug), err(level = "info"))
)]
#[server(endpoint = "admin/category_save")]
pub async fn admin_save_category(
    id: String,
    name: String,
    slug: String,
    sort_order: String,
) -> Result<i64, ShopError> {
    admin_call(|call| async move {
        let id = match id.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| ShopError::NotFound)?),
        };
        products::save_category(&call.state.db, id, &name, &slug, &sort_order).await
    })
    .await
}

/// `POST /api/admin/category_archive`: archive (`archived=true`) or restore a category.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = id, archived = archived), err(level = "info"))
)]
#[server(endpoint = "admin/category_archive")]
pub async fn admin_archive_category(id: i64, archived: bool) -> Result<(), ShopError> {
    admin_call(
        |call| async move { products::set_category_archived(&call.state.db, id, archived).await },
    )
    .await
}
