//! The cart's server functions. Every one takes the buyer's form `token` (see
//! `ssr::session`): it names the buyer and proves the call came from the shop's own page.
//! Quantities arrive as text, because a form without JavaScript can send anything, and a
//! buyer should read "数量至少为 1", not a decoding error.

use crate::error::ShopError;
use crate::model::CartView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn parse_quantity(raw: &str) -> Result<i64, ShopError> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| ShopError::InvalidQuantity)
}

/// `POST /api/cart/view`
#[server(endpoint = "cart/view")]
pub async fn get_cart(token: String) -> Result<CartView, ShopError> {
    let state = crate::ssr::context::state()?;
    let buyer = crate::ssr::context::buyer_from_token(&state, &token)?;
    crate::ssr::cart::view(&state.db, &buyer, state.config.currency).await
}

/// `POST /api/cart/count`: the number on the cart badge.
#[server(endpoint = "cart/count")]
pub async fn get_cart_count(token: String) -> Result<i64, ShopError> {
    let state = crate::ssr::context::state()?;
    let buyer = crate::ssr::context::buyer_from_token(&state, &token)?;
    crate::ssr::cart::count(&state.db, &buyer).await
}

/// `POST /api/cart/add`: answers the cart's new item count, for the badge.
#[server(endpoint = "cart/add")]
pub async fn add_to_cart(
    token: String,
    product_id: i64,
    quantity: String,
) -> Result<i64, ShopError> {
    let state = crate::ssr::context::state()?;
    let buyer = crate::ssr::context::buyer_from_token(&state, &token)?;
    crate::ssr::cart::add(&state.db, &buyer, product_id, parse_quantity(&quantity)?).await?;
    crate::ssr::cart::count(&state.db, &buyer).await
}

/// `POST /api/cart/update`: set a line's quantity; answers the cart as it now is.
#[server(endpoint = "cart/update")]
pub async fn update_cart_line(
    token: String,
    product_id: i64,
    quantity: String,
) -> Result<CartView, ShopError> {
    let state = crate::ssr::context::state()?;
    let buyer = crate::ssr::context::buyer_from_token(&state, &token)?;
    let quantity = parse_quantity(&quantity)?;
    crate::ssr::cart::set_quantity(&state.db, &buyer, product_id, quantity).await?;
    crate::ssr::cart::view(&state.db, &buyer, state.config.currency).await
}

/// `POST /api/cart/remove`: answers the cart as it now is.
#[server(endpoint = "cart/remove")]
pub async fn remove_cart_line(token: String, product_id: i64) -> Result<CartView, ShopError> {
    let state = crate::ssr::context::state()?;
    let buyer = crate::ssr::context::buyer_from_token(&state, &token)?;
    crate::ssr::cart::remove(&state.db, &buyer, product_id).await?;
    crate::ssr::cart::view(&state.db, &buyer, state.config.currency).await
}
