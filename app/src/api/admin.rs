//! The back office's server functions (`/api/admin/…`). The admin guard refuses a request
//! without a live admin session before it gets here; each function checks again, so none can
//! be reached by mistake through another route.

// Server-function arguments mirror the HTML form's fields one to one (the forms post without
// JavaScript), so the product form's function has as many arguments as the form has fields.
#![allow(clippy::too_many_arguments)]

use crate::admin::{
    AdminAccount, AdminCategory, AdminOrderDetail, AdminOrderRow, Dashboard, OrderFilter,
    ProductEditor, ProductFilter, ProductPage, RefundOutcome,
};
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
    crate::ssr::admin::orders::dashboard(&state.db, state.config.currency).await
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

/// A refund's answer with its HTTP status for API callers: 202 while the refund is pending,
/// the error's own status when refused. A plain form post keeps the redirect back to its page
/// (leptos_axum answers it with 302 to the Referer, the error in the URL).
#[cfg(feature = "ssr")]
fn refund_answer(result: Result<RefundOutcome, ShopError>) -> Result<RefundOutcome, ShopError> {
    use crate::admin::RefundStatus;
    let form_post = leptos::prelude::use_context::<http::request::Parts>().is_some_and(|p| {
        let html = p
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        html && p.headers.contains_key(http::header::REFERER)
    });
    let status = match &result {
        Ok(outcome) if outcome.status == RefundStatus::Pending => Some(202),
        Ok(_) => None,
        Err(err) => Some(err.status()),
    };
    if let (false, Some(status)) = (form_post, status) {
        crate::pages::set_status(status);
    }
    result
}

/// `POST /api/admin/refund`: refund `amount` (empty: all that is left) through the gateway.
/// `refund_key` is the form's idempotency key and `refunds_seen` the number of refunds the
/// page showed; `restock` (a checkbox) puts the stock of an unshipped order back when the
/// refund leaves it fully refunded.
#[server(endpoint = "admin/refund")]
pub async fn admin_refund(
    order_no: String,
    amount: String,
    reason: String,
    refund_key: String,
    refunds_seen: i64,
    restock: Option<String>,
) -> Result<RefundOutcome, ShopError> {
    let (state, admin) = admin()?;
    let form = crate::ssr::admin::actions::RefundForm {
        order_no: &order_no,
        amount: &amount,
        reason: &reason,
        key: &refund_key,
        refunds_seen,
        restock: restock.is_some_and(|v| v == "on" || v == "true"),
    };
    refund_answer(crate::ssr::admin::actions::refund(&state, &admin, &form).await)
}

/// `POST /api/admin/refund_retry`: ask the gateway now about a pending refund (the
/// settlement job asks on its own).
#[server(endpoint = "admin/refund_retry")]
pub async fn admin_refund_retry(refund_no: String) -> Result<RefundOutcome, ShopError> {
    let (state, admin) = admin()?;
    refund_answer(crate::ssr::admin::actions::retry_refund(&state, &admin, &refund_no).await)
}

/// `POST /api/admin/resolve`: clear a "paid after expiry" flag.
#[server(endpoint = "admin/resolve")]
pub async fn admin_resolve(order_no: String) -> Result<OrderStatus, ShopError> {
    let (state, admin) = admin()?;
    crate::ssr::admin::actions::resolve(&state, &admin, &order_no).await
}

/// `POST /api/admin/products`: the filtered, paged product list.
#[server(endpoint = "admin/products")]
pub async fn admin_products(filter: ProductFilter) -> Result<ProductPage, ShopError> {
    let state = admin_state()?;
    crate::ssr::admin::products::list(&state.db, &filter).await
}

/// `POST /api/admin/product`: the edit form's data (`id` empty: a new product).
#[server(endpoint = "admin/product")]
pub async fn admin_product(id: String) -> Result<ProductEditor, ShopError> {
    let state = admin_state()?;
    let id = match id.trim() {
        "" | "new" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| ShopError::NotFound)?),
    };
    crate::ssr::admin::products::editor(&state.db, id).await
}

/// `POST /api/admin/product_save`: create (`id` empty) or update; the browser then goes to
/// the product's page.
#[server(endpoint = "admin/product_save")]
pub async fn admin_save_product(
    id: String,
    title: String,
    subtitle: String,
    description: String,
    category_id: String,
    price: String,
    on_sale: Option<String>,
    sort_order: String,
    low_stock_threshold: String,
    initial_stock: Option<String>,
) -> Result<i64, ShopError> {
    let (state, admin) = admin()?;
    let id = match id.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| ShopError::NotFound)?),
    };
    let input = crate::ssr::admin::products::ProductInput {
        title: &title,
        subtitle: &subtitle,
        description: &description,
        category_id: &category_id,
        price: &price,
        on_sale: on_sale.is_some_and(|v| v == "on" || v == "true"),
        sort_order: &sort_order,
        low_stock_threshold: &low_stock_threshold,
        initial_stock: initial_stock.as_deref().unwrap_or_default(),
    };
    let saved =
        crate::ssr::admin::products::save(&state.db, &admin, state.config.currency, id, &input)
            .await?;
    leptos_axum::redirect(&format!("/admin/products/{saved}"));
    Ok(saved)
}

/// `POST /api/admin/product_archive`
#[server(endpoint = "admin/product_archive")]
pub async fn admin_archive_product(id: i64) -> Result<(), ShopError> {
    let (state, _admin) = admin()?;
    crate::ssr::admin::products::archive(&state.db, id).await
}

/// `POST /api/admin/stock`: add or remove stock, with a reason, into the ledger.
#[server(endpoint = "admin/stock")]
pub async fn admin_adjust_stock(
    id: i64,
    delta: String,
    reason: String,
    note: String,
) -> Result<i64, ShopError> {
    let (state, admin) = admin()?;
    crate::ssr::admin::products::adjust_stock(&state.db, &admin, id, &delta, &reason, &note).await
}

#[cfg(feature = "ssr")]
fn owner() -> Result<
    (
        crate::ssr::context::ShopState,
        crate::ssr::admin::store::CurrentAdmin,
    ),
    ShopError,
> {
    let (state, admin) = admin()?;
    if admin.role != crate::ssr::admin::store::Role::Owner {
        return Err(ShopError::OwnerOnly);
    }
    Ok((state, admin))
}

/// `POST /api/admin/accounts`: the admin accounts (owner only).
#[server(endpoint = "admin/accounts")]
pub async fn admin_accounts() -> Result<Vec<AdminAccount>, ShopError> {
    let (state, _) = owner()?;
    crate::ssr::admin::store::accounts(&state.db).await
}

/// `POST /api/admin/account_create`: a new owner or staff account (owner only).
#[server(endpoint = "admin/account_create")]
pub async fn admin_create_account(
    username: String,
    password: String,
    role: String,
) -> Result<(), ShopError> {
    use crate::ssr::admin::store::{create, CreateError, Role};
    let (state, _) = owner()?;
    let role = Role::parse(&role).ok_or_else(|| ShopError::Invalid("role".into()))?;
    create(&state.db, username.trim(), &password, role)
        .await
        .map(|_| ())
        .map_err(|e| match e {
            CreateError::Database(err) => ShopError::from(err),
            other => ShopError::Invalid(other.to_string()),
        })
}

/// `POST /api/admin/account_disable`: disable (`disabled=true`, ending its sessions) or
/// enable an account (owner only; never one's own).
#[server(endpoint = "admin/account_disable")]
pub async fn admin_set_disabled(id: i64, disabled: bool) -> Result<(), ShopError> {
    let (state, me) = owner()?;
    if me.id == id {
        return Err(ShopError::Invalid(
            crate::i18n::admin_t().err_self_disable.to_owned(),
        ));
    }
    crate::ssr::admin::store::set_disabled(&state.db, id, disabled).await
}

/// `POST /api/admin/categories`
#[server(endpoint = "admin/categories")]
pub async fn admin_categories() -> Result<Vec<AdminCategory>, ShopError> {
    let state = admin_state()?;
    crate::ssr::admin::products::category_list(&state.db).await
}

/// `POST /api/admin/category_save`: create (`id` empty) or edit a category.
#[server(endpoint = "admin/category_save")]
pub async fn admin_save_category(
    id: String,
    name: String,
    slug: String,
    sort_order: String,
) -> Result<i64, ShopError> {
    let (state, _) = admin()?;
    let id = match id.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| ShopError::NotFound)?),
    };
    crate::ssr::admin::products::save_category(&state.db, id, &name, &slug, &sort_order).await
}

/// `POST /api/admin/category_archive`: archive (`archived=true`) or restore a category.
#[server(endpoint = "admin/category_archive")]
pub async fn admin_archive_category(id: i64, archived: bool) -> Result<(), ShopError> {
    let (state, _) = admin()?;
    crate::ssr::admin::products::set_category_archived(&state.db, id, archived).await
}

/// `POST /api/admin/image_move`: an image one place earlier (`up=true`) or later.
#[server(endpoint = "admin/image_move")]
pub async fn admin_move_image(id: i64, up: bool) -> Result<(), ShopError> {
    let (state, _) = admin()?;
    crate::ssr::admin::images::move_image(&state.db, id, up).await
}

/// `POST /api/admin/image_delete`
#[server(endpoint = "admin/image_delete")]
pub async fn admin_delete_image(id: i64) -> Result<(), ShopError> {
    let (state, _) = admin()?;
    crate::ssr::admin::images::delete_image(&state.db, id).await
}
