//! The buyer's order server functions. Like the cart's, each takes the buyer's form
//! `token`; an order that is not the token's buyer's is `NotFound`.

use crate::error::ShopError;
use crate::orders::{OrderDetail, OrderStatus, OrderSummary, PayParams};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn buyer(token: &str) -> Result<(crate::ssr::context::ShopState, crate::buyer::Openid), ShopError> {
    let state = crate::ssr::context::state()?;
    let buyer = crate::ssr::context::buyer_from_token(&state, token)?;
    Ok((state, buyer))
}

/// The caller's address for the HK wallet's `client_ip` (the same rule as login limits).
#[cfg(feature = "ssr")]
fn client_ip(state: &crate::ssr::context::ShopState) -> String {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return "127.0.0.1".to_owned();
    };
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    state.client_address(peer, &parts.headers)
}

/// `POST /api/orders/checkout`: turns the cart into an order, places it with the gateway
/// and answers the pay parameters. `checkout_key` comes from the page, so a double click
/// (or a retried request) answers the same order.
#[server(endpoint = "orders/checkout")]
pub async fn checkout(token: String, checkout_key: String) -> Result<PayParams, ShopError> {
    let (state, buyer) = buyer(&token)?;
    crate::ssr::orders::service::checkout(&state, &buyer, &checkout_key, &client_ip(&state))
        .await
        .inspect_err(|err| {
            // Too many unpaid orders is a conflict the buyer resolves (409); other refusals
            // keep the server functions' usual status.
            if matches!(err, ShopError::TooManyUnpaid { .. }) {
                crate::pages::set_status(err.status());
            }
        })
}

/// `POST /api/orders/pay`: pay an open order again (same order, same gateway order).
#[server(endpoint = "orders/pay")]
pub async fn pay_order(token: String, order_no: String) -> Result<PayParams, ShopError> {
    let (state, buyer) = buyer(&token)?;
    crate::ssr::orders::service::pay_again(&state, &buyer, &order_no).await
}

/// `POST /api/orders/cancel`: cancel an unpaid order, releasing its stock.
#[server(endpoint = "orders/cancel")]
pub async fn cancel_order(token: String, order_no: String) -> Result<OrderStatus, ShopError> {
    let (state, buyer) = buyer(&token)?;
    crate::ssr::orders::service::cancel(&state, &buyer, &order_no).await
}

/// `POST /api/orders/status`: the order's status; while it awaits payment the gateway is
/// asked too (at most every two seconds per order).
#[server(endpoint = "orders/status")]
pub async fn refresh_order(token: String, order_no: String) -> Result<OrderStatus, ShopError> {
    let (state, buyer) = buyer(&token)?;
    crate::ssr::orders::service::refresh(&state, &buyer, &order_no).await
}

/// `POST /api/orders/list`: the buyer's orders, newest first.
#[server(endpoint = "orders/list")]
pub async fn list_orders(token: String) -> Result<Vec<OrderSummary>, ShopError> {
    let (state, buyer) = buyer(&token)?;
    crate::ssr::orders::store::list_for_buyer(&state.db, &buyer).await
}

/// `POST /api/orders/detail`: one of the buyer's orders.
#[server(endpoint = "orders/detail")]
pub async fn get_order(token: String, order_no: String) -> Result<OrderDetail, ShopError> {
    let (state, buyer) = buyer(&token)?;
    let row = crate::ssr::orders::store::for_buyer(&state.db, &buyer, &order_no).await?;
    crate::ssr::orders::store::detail(&state.db, &row).await
}
