//! The buyer's order server functions. Like the cart's, each takes the buyer's form
//! `token`; an order that is not the token's buyer's is `NotFound`.

use crate::address::AddressId;
use crate::error::ShopError;
use crate::orders::{OrderDetail, OrderStatus, OrderSummary, PayParams};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::call::buyer_call;
#[cfg(feature = "ssr")]
use crate::ssr::orders::{service, store};

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
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "orders/checkout")]
pub async fn checkout(
    token: String,
    checkout_key: String,
    #[server(default)] address: Option<AddressId>,
    #[server(default)] coupon: Option<i64>,
    #[server(default)] seen_total: Option<i64>,
    #[server(default)] remark: String,
) -> Result<PayParams, ShopError> {
    buyer_call(&token, |call| async move {
        let ip = client_ip(&call.state);
        let input = service::CheckoutInput {
            checkout_key: &checkout_key,
            address,
            coupon,
            seen_total,
            remark: &remark,
            client_ip: &ip,
        };
        service::checkout(&call.state, &call.buyer, &input).await
    })
    .await
}

/// `POST /api/orders/address`: send an order that has not shipped to another of the
/// buyer's addresses (409 once it has shipped). A plain form post goes back to the order.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no, address = %address), err(level = "info"))
)]
#[server(endpoint = "orders/address")]
pub async fn change_order_address(
    token: String,
    order_no: String,
    address: AddressId,
) -> Result<(), ShopError> {
    buyer_call(&token, |call| async move {
        service::change_address(&call.state, &call.buyer, &order_no, address).await?;
        leptos_axum::redirect(&format!(
            "/orders/{}?address=changed",
            crate::ssr::web::encode_component(&order_no)
        ));
        Ok(())
    })
    .await
}

/// `POST /api/orders/pay`: pay an open order again (same order, same gateway order).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "orders/pay")]
pub async fn pay_order(token: String, order_no: String) -> Result<PayParams, ShopError> {
    buyer_call(&token, |call| async move {
        service::pay_again(&call.state, &call.buyer, &order_no).await
    })
    .await
}

/// `POST /api/orders/cancel`: cancel an unpaid order, releasing its stock.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "orders/cancel")]
pub async fn cancel_order(token: String, order_no: String) -> Result<OrderStatus, ShopError> {
    buyer_call(&token, |call| async move {
        service::cancel(&call.state, &call.buyer, &order_no).await
    })
    .await
}

/// `POST /api/orders/received`: the buyer confirms the parcel arrived (shipped → completed),
/// then back to the order page (a plain form post without JavaScript).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "orders/received")]
pub async fn confirm_receipt(token: String, order_no: String) -> Result<OrderStatus, ShopError> {
    buyer_call(&token, |call| async move {
        let status = service::confirm_receipt(&call.state, &call.buyer, &order_no).await?;
        leptos_axum::redirect(&format!(
            "/orders/{}",
            crate::ssr::web::encode_component(&order_no)
        ));
        Ok(status)
    })
    .await
}

/// `POST /api/orders/status`: the order's status; while it awaits payment the gateway is
/// asked too (at most every two seconds per order).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "orders/status")]
pub async fn refresh_order(token: String, order_no: String) -> Result<OrderStatus, ShopError> {
    buyer_call(&token, |call| async move {
        service::refresh(&call.state, &call.buyer, &order_no).await
    })
    .await
}

/// `POST /api/orders/list`: the buyer's orders, newest first.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "orders/list")]
pub async fn list_orders(token: String) -> Result<Vec<OrderSummary>, ShopError> {
    buyer_call(&token, |call| async move {
        store::list_for_buyer(&call.state.db, &call.buyer).await
    })
    .await
}

/// `POST /api/orders/detail`: one of the buyer's orders.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "orders/detail")]
pub async fn get_order(token: String, order_no: String) -> Result<OrderDetail, ShopError> {
    buyer_call(&token, |call| async move {
        let db = &call.state.db;
        let row = store::for_buyer(db, &call.buyer, &order_no).await?;
        let mut detail = store::detail(db, &row).await?;
        detail.after_sales =
            crate::ssr::after_sales::store::for_order(db, row.id, &row.order_no, row.currency)
                .await?;
        Ok(detail)
    })
    .await
}
