use crate::error::ShopError;
use crate::model::{Listing, ProductDetail};
use leptos::prelude::*;

/// `POST /api/catalog/listing`: products on sale, optionally in one category.
#[server(endpoint = "catalog/listing")]
pub async fn get_listing(category: Option<String>) -> Result<Listing, ShopError> {
    let state = crate::ssr::context::state()?;
    crate::ssr::catalog::listing(&state.db, category).await
}

/// `POST /api/catalog/product`: one product on sale, or `NotFound`.
#[server(endpoint = "catalog/product")]
pub async fn get_product(id: i64) -> Result<ProductDetail, ShopError> {
    let state = crate::ssr::context::state()?;
    crate::ssr::catalog::product(&state.db, id).await
}
