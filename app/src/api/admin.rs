//! The back office's server functions (`/api/admin/…`). The admin guard refuses a request
//! without a live admin session before it gets here; each function checks again, so none can
//! be reached by mistake through another route.

use crate::admin::{AdminOrderDetail, AdminOrderRow, Dashboard, OrderFilter};
use crate::error::ShopError;
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
    crate::ssr::admin::orders::detail(&state.db, &order_no).await
}
