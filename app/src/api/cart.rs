//! The cart's server functions. Every one takes the buyer's form `token` (see
//! `ssr::session`): it names the buyer and proves the call came from the shop's own page.
//! Quantities arrive as text, because a form without JavaScript can send anything, and a
//! buyer should read "数量至少为 1", not a decoding error.

use crate::address::AddressId;
#[cfg(feature = "ssr")]
use crate::coupons::Pick;
use crate::error::ShopError;
use crate::ids::{ProductId, VariantId};
use crate::model::CartView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::call::buyer_call;
#[cfg(feature = "ssr")]
use crate::ssr::{cart, coupons, shipping};

#[cfg(feature = "ssr")]
fn parse_quantity(raw: &str) -> Result<i64, ShopError> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| ShopError::InvalidQuantity)
}

/// The cart with its coupon and its shipping fee, for the page's address and coupon choice.
#[cfg(feature = "ssr")]
async fn priced(
    state: &crate::ssr::context::ShopState,
    buyer: &crate::buyer::Openid,
    cart: CartView,
    address: Option<AddressId>,
    coupon: Option<&str>,
) -> Result<CartView, ShopError> {
    let db = &state.db;
    let cart =
        coupons::for_cart(db, buyer, cart, Pick::read(coupon), state.config.currency).await?;
    shipping::for_cart(db, buyer, cart, address).await
}

/// `POST /api/cart/view`
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "cart/view")]
pub async fn get_cart(
    token: String,
    #[server(default)] address: Option<AddressId>,
    #[server(default)] coupon: Option<String>,
) -> Result<CartView, ShopError> {
    buyer_call(&token, |call| async move {
        let (db, buyer) = (&call.state.db, &call.buyer);
        let cart = cart::view(db, buyer, call.state.config.currency).await?;
        priced(&call.state, buyer, cart, address, coupon.as_deref()).await
    })
    .await
}

/// `POST /api/cart/count`: the number on the cart badge.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "cart/count")]
pub async fn get_cart_count(token: String) -> Result<i64, ShopError> {
    buyer_call(&token, |call| async move {
        cart::count(&call.state.db, &call.buyer).await
    })
    .await
}

/// `POST /api/cart/add`: answers the cart's new item count, for the badge.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(product_id = %product_id, quantity = ?quantity), err(level = "info"))
)]
#[server(endpoint = "cart/add")]
pub async fn add_to_cart(
    token: String,
    product_id: ProductId,
    // Which of the product's variants; none: its only one.
    #[server(default)] variant_id: Option<VariantId>,
    quantity: String,
) -> Result<i64, ShopError> {
    buyer_call(&token, |call| async move {
        let (db, buyer) = (&call.state.db, &call.buyer);
        let quantity = parse_quantity(&quantity)?;
        cart::add(db, buyer, product_id, variant_id, quantity).await?;
        cart::count(db, buyer).await
    })
    .await
}

/// `POST /api/cart/update`: set a line's quantity; answers the cart as it now is.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(product_id = %product_id, quantity = ?quantity), err(level = "info"))
)]
#[server(endpoint = "cart/update")]
pub async fn update_cart_line(
    token: String,
    product_id: ProductId,
    // Which line of the product; none: the buyer's only one.
    #[server(default)] variant_id: Option<VariantId>,
    quantity: String,
    #[server(default)] address: Option<AddressId>,
    #[server(default)] coupon: Option<String>,
) -> Result<CartView, ShopError> {
    buyer_call(&token, |call| async move {
        let (db, buyer) = (&call.state.db, &call.buyer);
        let quantity = parse_quantity(&quantity)?;
        cart::set_quantity(db, buyer, product_id, variant_id, quantity).await?;
        let cart = cart::view(db, buyer, call.state.config.currency).await?;
        priced(&call.state, buyer, cart, address, coupon.as_deref()).await
    })
    .await
}

/// `POST /api/cart/remove`: answers the cart as it now is.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(product_id = %product_id), err(level = "info"))
)]
#[server(endpoint = "cart/remove")]
pub async fn remove_cart_line(
    token: String,
    product_id: ProductId,
    #[server(default)] variant_id: Option<VariantId>,
    #[server(default)] address: Option<AddressId>,
    #[server(default)] coupon: Option<String>,
) -> Result<CartView, ShopError> {
    buyer_call(&token, |call| async move {
        let (db, buyer) = (&call.state.db, &call.buyer);
        cart::remove(db, buyer, product_id, variant_id).await?;
        let cart = cart::view(db, buyer, call.state.config.currency).await?;
        priced(&call.state, buyer, cart, address, coupon.as_deref()).await
    })
    .await
}
