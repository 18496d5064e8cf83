//! After-sales in the back office: the list, and approving, refusing, confirming a return
//! and sending a refund again. Plain form posts go back to the order's page.

use crate::after_sales::{CaseRow, CaseStatus};
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::admin_call;
#[cfg(feature = "ssr")]
use crate::ssr::after_sales::{merchant, store};

/// `POST /api/admin/after-sales`: the requests waiting for the merchant (`all` empty), or
/// every request.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/after-sales")]
pub async fn admin_after_sales(#[server(default)] all: bool) -> Result<Vec<CaseRow>, ShopError> {
    admin_call(|call| async move { store::list(&call.state.db, !all).await }).await
}

/// `POST /api/admin/after-sales/approve`: a refund-only request is refunded now; a return
/// is approved with the address to send it to.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(case_no = ?case_no), err(level = "info"))
)]
#[server(endpoint = "admin/after-sales/approve")]
pub async fn admin_after_sale_approve(
    case_no: String,
    #[server(default)] return_to: String,
) -> Result<CaseStatus, ShopError> {
    admin_call(|call| async move {
        merchant::approve(&call.state, &call.admin, &case_no, &return_to).await
    })
    .await
}

/// `POST /api/admin/after-sales/refuse`: with a reason the buyer reads.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(case_no = ?case_no), err(level = "info"))
)]
#[server(endpoint = "admin/after-sales/refuse")]
pub async fn admin_after_sale_refuse(
    case_no: String,
    reason: String,
) -> Result<CaseStatus, ShopError> {
    admin_call(
        |call| async move { merchant::refuse(&call.state, &call.admin, &case_no, &reason).await },
    )
    .await
}

/// `POST /api/admin/after-sales/received`: the returned goods arrived; the refund goes out.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(case_no = ?case_no), err(level = "info"))
)]
#[server(endpoint = "admin/after-sales/received")]
pub async fn admin_after_sale_received(case_no: String) -> Result<CaseStatus, ShopError> {
    admin_call(|call| async move { merchant::goods_back(&call.state, &call.admin, &case_no).await })
        .await
}

/// `POST /api/admin/after-sales/retry`: send a refused refund again.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(case_no = ?case_no), err(level = "info"))
)]
#[server(endpoint = "admin/after-sales/retry")]
pub async fn admin_after_sale_retry(case_no: String) -> Result<CaseStatus, ShopError> {
    admin_call(|call| async move { merchant::retry(&call.state, &call.admin, &case_no).await })
        .await
}
