//! The back office's server functions (`/api/admin/…`). The admin guard refuses a request
//! without a live admin session before it gets here; each function checks again, so none can
//! be reached by mistake through another route.

use crate::admin::{AdminOrderDetail, AdminOrderRow, Dashboard, OrderFilter};
use crate::error::ShopError;
use crate::orders::OrderStatus;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn admin_state() -> Result<crate::ssr::context::ShopState, ShopError> {
    crate::ssr::admin::http::current_admin().ok_or(ShopError::AdminOnly)?;
    crate::ssr::context::state()
}

/// `POST /api/admin/dashboard`
#[server(endpoint = "admin/dashboard")]
pub async fn admin_dashboard() -> Result<Dashboard, ShopError> {
    let state = admin_state()?;
    crate::ssr::admin::orders::dashboard(&state.db).await
}

/// `POST /api/admin/orders`: newest first, at most 200.
#[server(endpoint = "admin/orders")]
pub async fn admin_orders(filter: OrderFilter) -> Result<Vec<AdminOrderRow>, ShopError> {
    let state = admin_state()?;
    crate::ssr::admin::orders::list(&state.db, &filter, 200).await
}

/// `POST /api/admin/order`
#[server(endpoint = "admin/order")]
pub async fn admin_order(order_no: String) -> Result<AdminOrderDetail, ShopError> {
    let state = admin_state()?;
    crate::ssr::admin::orders::detail(&state, &order_no).await
}

#[cfg(feature = "ssr")]
fn admin() -> Result<
    (
        crate::ssr::context::ShopState,
        crate::ssr::admin::store::CurrentAdmin,
    ),
    ShopError,
> {
    let admin = crate::ssr::admin::http::current_admin().ok_or(ShopError::AdminOnly)?;
    Ok((crate::ssr::context::state()?, admin))
}

/// `POST /api/admin/ship`: a paid order leaves with a carrier and tracking number.
#[server(endpoint = "admin/ship")]
pub async fn admin_ship(
    order_no: String,
    carrier: String,
    tracking_no: String,
) -> Result<OrderStatus, ShopError> {
    let (state, admin) = admin()?;
    crate::ssr::admin::actions::ship(&state, &admin, &order_no, &carrier, &tracking_no).await
}

/// `POST /api/admin/cancel`: cancel an unpaid order (the gateway is asked first).
#[server(endpoint = "admin/cancel")]
pub async fn admin_cancel(order_no: String) -> Result<OrderStatus, ShopError> {
    let (state, admin) = admin()?;
    crate::ssr::admin::actions::cancel(&state, &admin, &order_no).await
}

/// `POST /api/admin/refund`: refund `amount` (empty: all that is left) through the gateway.
#[server(endpoint = "admin/refund")]
pub async fn admin_refund(
    order_no: String,
    amount: String,
    reason: String,
) -> Result<OrderStatus, ShopError> {
    let (state, admin) = admin()?;
    crate::ssr::admin::actions::refund(&state, &admin, &order_no, &amount, &reason).await
}

/// `POST /api/admin/refund_retry`: ask the gateway again about a pending refund.
#[server(endpoint = "admin/refund_retry")]
pub async fn admin_refund_retry(refund_no: String) -> Result<OrderStatus, ShopError> {
    let (state, admin) = admin()?;
    crate::ssr::admin::actions::retry_refund(&state, &admin, &refund_no).await
}

/// `POST /api/admin/resolve`: clear a "paid after expiry" flag.
#[server(endpoint = "admin/resolve")]
pub async fn admin_resolve(order_no: String) -> Result<OrderStatus, ShopError> {
    let (state, admin) = admin()?;
    crate::ssr::admin::actions::resolve(&state, &admin, &order_no).await
}
