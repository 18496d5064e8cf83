//! The end of an order's road: the buyer confirms the parcel arrived, or the settlement job
//! does it for them some days after shipping (`SHOP_AUTO_COMPLETE_DAYS`). Either way the
//! order moves `shipped` → `completed` through `store::apply`, under the order's lock, so a
//! confirmation racing the job (or two app servers' jobs) completes it once.

use crate::after_sales::CaseStatus;
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::ids::OrderId;
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::orders::machine::Event;
use crate::ssr::orders::store::{self, Applied, Changes};
use crate::ssr::web::now_ms;

async fn complete(state: &ShopState, id: OrderId, source: &str) -> Result<Applied, ShopError> {
    let mut tx = state.db.begin_write().await?;
    let applied = store::apply(
        &mut tx,
        state.db.backend(),
        id,
        Event::Complete,
        source,
        "",
        &Changes::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(applied)
}

/// The buyer says the parcel arrived. Only a shipped order (or one already completed: a
/// repeated click) can be confirmed; anything else is `OrderClosed` (409).
pub async fn confirm_receipt(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    match complete(state, row.id, "buyer").await? {
        Applied::Moved { to, .. } => {
            tracing::info!(order = %row.order_no, "the buyer confirmed receipt");
            Ok(to)
        }
        Applied::Unchanged(status) => Ok(status),
    }
}

/// One pass of the job: completes orders shipped longer ago than `SHOP_AUTO_COMPLETE_DAYS`
/// (at most 100 a pass, oldest first), except while a refund or return request on the
/// order is open (the clock waits for the request, as buyers expect). Answers how many it completed. Safe with several
/// app servers: `apply` decides under the order's lock, and a second server's attempt is
/// `Unchanged`.
pub async fn complete_due(state: &ShopState) -> Result<usize, ShopError> {
    let after = i64::try_from(state.config.orders.auto_complete.as_millis()).unwrap_or(i64::MAX);
    let cutoff = now_ms().saturating_sub(after);
    let due: Vec<OrderId> = sqlx::query_scalar(&format!(
        "SELECT id FROM orders o WHERE status = $1 AND shipped_at <= $2
             AND NOT EXISTS (SELECT 1 FROM after_sales a WHERE a.order_id = o.id AND a.status IN ({}))
         ORDER BY shipped_at LIMIT 100",
        CaseStatus::sql_list(&CaseStatus::OPEN)
    ))
    .bind(OrderStatus::Shipped.code())
    .bind(cutoff)
    .fetch_all(state.db.pool())
    .await?;
    let mut completed = 0;
    for id in due {
        match complete(state, id, "auto").await {
            Ok(Applied::Moved { .. }) => completed += 1,
            Ok(Applied::Unchanged(_)) => {}
            // Refunded (or otherwise moved on) since the query: nothing to complete.
            Err(ShopError::OrderClosed) => {}
            // One order that fails must not hold up the others (it is first every pass).
            Err(other) => tracing::error!(order = %id, ?other, "auto-completion failed"),
        }
    }
    Ok(completed)
}
