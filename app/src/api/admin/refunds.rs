//! Refunds, from an order's page.

use crate::admin::RefundOutcome;
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::admin_call;
#[cfg(feature = "ssr")]
use crate::ssr::admin::actions;

/// A refund still pending at the gateway answers 202 Accepted: the settlement job asks again
/// and the order's page shows the outcome. (A refusal answers with its own status, like
/// every server function; a plain form post keeps its redirect back to the page.)
#[cfg(feature = "ssr")]
fn accepted_while_pending(outcome: &RefundOutcome) {
    if outcome.status == crate::admin::RefundStatus::Pending {
        crate::ssr::web::set_call_status(http::StatusCode::ACCEPTED);
    }
}

/// `POST /api/admin/refund`: refund `amount` (empty: all that is left) through the gateway.
/// `refund_key` is the form's idempotency key and `refunds_seen` the number of refunds the
/// page showed; `restock` (a checkbox) puts the stock of an unshipped order back when the
/// refund leaves it fully refunded.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(
        skip_all,
        fields(order_no = ?order_no, amount = ?amount, refunds_seen = refunds_seen),
        err(level = "info")
    )
)]
#[server(endpoint = "admin/refund")]
pub async fn admin_refund(
    order_no: String,
    amount: String,
    reason: String,
    refund_key: String,
    refunds_seen: i64,
    restock: Option<String>,
) -> Result<RefundOutcome, ShopError> {
    admin_call(|call| async move {
        let form = actions::RefundForm {
            order_no: &order_no,
            amount: &amount,
            reason: &reason,
            key: &refund_key,
            refunds_seen,
            restock: restock.is_some_and(|v| v == "on" || v == "true"),
        };
        actions::refund(&call.state, &call.admin, &form).await
    })
    .await
    .inspect(accepted_while_pending)
}

/// `POST /api/admin/refund_retry`: ask the gateway now about a pending refund (the
/// settlement job asks on its own).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(refund_no = ?refund_no), err(level = "info"))
)]
#[server(endpoint = "admin/refund_retry")]
pub async fn admin_refund_retry(refund_no: String) -> Result<RefundOutcome, ShopError> {
    admin_call(
        |call| async move { actions::retry_refund(&call.state, &call.admin, &refund_no).await },
    )
    .await
    .inspect(accepted_while_pending)
}
