//! The catalogue's server functions: anyone may call them.

use crate::error::ShopError;
use crate::model::{Listing, ListingQuery, ProductDetail};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::call::shop_call;

/// `POST /api/catalog/listing`: one page of the products on sale, searched, filtered and
/// sorted as asked.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(query = ?query), err(level = "info"))
)]
#[server(endpoint = "catalog/listing")]
pub async fn get_listing(query: ListingQuery) -> Result<Listing, ShopError> {
    shop_call(|state| async move { state.catalog.listing(&state.db, query).await }).await
}

/// `POST /api/catalog/product`: one product on sale, or `NotFound`.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = %id), err(level = "info"))
)]
#[server(endpoint = "catalog/product")]
pub async fn get_product(id: crate::ids::ProductId) -> Result<ProductDetail, ShopError> {
    shop_call(|state| async move { state.catalog.product(&state.db, id).await }).await
}
