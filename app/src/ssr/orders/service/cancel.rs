//! Cancelling an unpaid order, for the buyer or the merchant: never blind, the gateway is
//! asked first.

use super::settle::{current_status, settle};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::orders::machine::Event;
use crate::ssr::orders::store::{self, Changes, OrderRow};
use crate::ssr::pay::PayStatus;

/// The buyer gives up an unpaid order; its stock goes back on sale. The gateway is asked
/// first, so an order paid a moment ago is settled as paid instead of cancelled.
pub async fn cancel(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    cancel_row(state, &row, "buyer").await
}

/// Cancels an unpaid order for the buyer or the merchant (`source`).
pub async fn cancel_row(
    state: &ShopState,
    row: &OrderRow,
    source: &str,
) -> Result<OrderStatus, ShopError> {
    if !row.status.is_payable() {
        return Err(ShopError::OrderClosed);
    }
    // Never cancel blind: an order the gateway cannot be asked about may have just been
    // paid. (Orders the gateway does not know can be cancelled: nothing can be paid on
    // them, and the settlement job keeps watching closed orders for late payments anyway.)
    match state.pay.query_payment(&row.order_no).await {
        Err(err) => {
            tracing::warn!(order = %row.order_no, %err, source, "cancel refused: the gateway could not be asked");
            return Err(ShopError::PaymentUncheckable);
        }
        Ok(Some(report)) if report.status() == PayStatus::Paid => {
            settle(state, &report, "query").await.map_err(|e| {
                tracing::error!(order = %row.order_no, ?e, "a paid query result did not settle");
                ShopError::Internal
            })?;
            return current_status(state, &row.order_no).await;
        }
        Ok(_) => {}
    }
    let mut tx = state.db.begin_write().await?;
    store::apply(
        &mut tx,
        state.db.backend(),
        row.id,
        Event::Cancel,
        source,
        "",
        &Changes::default(),
    )
    .await?;
    tx.commit().await?;
    current_status(state, &row.order_no).await
}
