//! Where an order goes, changed by the buyer before it ships. Not a status change (the
//! order keeps its status), but on the timeline, and under the order's lock so it cannot
//! cross the merchant shipping it.

use super::apply::note_event;
use super::rows::lock_order;
use crate::address::ShipTo;
use crate::error::ShopError;
use crate::ids::OrderId;
use crate::orders::StepKind;
use crate::ssr::db::{Backend, Tx};
use crate::ssr::web::now_ms;

/// Replaces the order's copy of its address. Refused (`OrderClosed`) once it has shipped or
/// closed.
pub async fn change_ship_to(
    tx: &mut Tx,
    backend: Backend,
    order_id: OrderId,
    ship_to: &ShipTo,
    source: &str,
) -> Result<(), ShopError> {
    let order = lock_order(tx, backend, order_id).await?;
    if !order.status.address_changeable() {
        return Err(ShopError::OrderClosed);
    }
    sqlx::query(
        "UPDATE orders SET ship_recipient = $1, ship_phone = $2, ship_region = $3,
                ship_detail = $4, ship_postcode = $5, updated_at = $6
         WHERE id = $7",
    )
    .bind(&ship_to.recipient)
    .bind(&ship_to.phone)
    .bind(&ship_to.region)
    .bind(&ship_to.detail)
    .bind(&ship_to.postcode)
    .bind(now_ms())
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    let detail = format!(
        "{} {} {}",
        ship_to.recipient,
        ship_to.phone,
        ship_to.one_line()
    );
    note_event(
        tx,
        order_id,
        order.status,
        StepKind::ADDRESS_CHANGED,
        source,
        &detail,
    )
    .await?;
    tracing::info!(order = %order.order_no, "delivery address changed");
    Ok(())
}
