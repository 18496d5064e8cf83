//! The dashboard, the order list and an order's page: what they show, and shipping,
//! cancelling and clearing a flag.

use crate::admin::{AdminOrderDetail, AdminOrderRow, Dashboard, OrderFilter};
use crate::error::ShopError;
use crate::orders::{OrderDetail, OrderStatus};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::admin_call;
#[cfg(feature = "ssr")]
use crate::ssr::admin::{actions, orders};

/// `POST /api/admin/dashboard`
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/dashboard")]
pub async fn admin_dashboard() -> Result<Dashboard, ShopError> {
    admin_call(
        |call| async move { orders::dashboard(&call.state.db, call.state.config.currency).await },
    )
    .await
}

/// `POST /api/admin/orders`: newest first, at most 200.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/orders")]
pub async fn admin_orders(filter: OrderFilter) -> Result<Vec<AdminOrderRow>, ShopError> {
    admin_call(|call| async move { orders::list(&call.state.db, &filter, 200).await }).await
}

/// `POST /api/admin/slips`: packing slips for `order_no`, or (empty) for every paid order
/// waiting to ship, oldest first (at most 100).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/slips")]
pub async fn admin_slips(order_no: String) -> Result<Vec<OrderDetail>, ShopError> {
    admin_call(|call| async move {
        let one = Some(order_no.trim()).filter(|no| !no.is_empty());
        orders::slips(&call.state.db, one).await
    })
    .await
}

/// `POST /api/admin/order`
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "admin/order")]
pub async fn admin_order(order_no: String) -> Result<AdminOrderDetail, ShopError> {
    admin_call(|call| async move { orders::detail(&call.state, &order_no).await }).await
}

/// `POST /api/admin/ship`: a paid order leaves with a carrier and tracking number.
/// `ship_to_seen` is the delivery address the merchant's page showed (`ShipTo::label`);
/// if the buyer has changed it since, shipping is refused (409) with the new address.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "admin/ship")]
pub async fn admin_ship(
    order_no: String,
    carrier: String,
    tracking_no: String,
    #[server(default)] ship_to_seen: Option<String>,
) -> Result<OrderStatus, ShopError> {
    admin_call(|call| async move {
        let parcel = actions::Parcel {
            carrier: &carrier,
            tracking_no: &tracking_no,
            ship_to_seen: ship_to_seen.as_deref(),
        };
        actions::ship(&call.state, &call.admin, &order_no, parcel).await
    })
    .await
}

/// `POST /api/admin/cancel`: cancel an unpaid order (the gateway is asked first).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "admin/cancel")]
pub async fn admin_cancel(order_no: String) -> Result<OrderStatus, ShopError> {
    admin_call(|call| async move { actions::cancel(&call.state, &call.admin, &order_no).await })
        .await
}

/// `POST /api/admin/resolve`: clear a "paid after expiry" flag.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "admin/resolve")]
pub async fn admin_resolve(order_no: String) -> Result<OrderStatus, ShopError> {
    admin_call(|call| async move { actions::resolve(&call.state, &call.admin, &order_no).await })
        .await
}
