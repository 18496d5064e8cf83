//! Packing slips: what goes in the parcel and where it goes, for one order or for every
//! paid order waiting to ship.

use crate::error::ShopError;
use crate::orders::{OrderDetail, OrderStatus};
use crate::ssr::db::Database;
use crate::ssr::orders::store;

/// Slips printed at once, at most (the oldest waiting orders first).
pub const MAX_SLIPS: i64 = 100;

/// The orders to print: `order_no`'s, or every paid order waiting to ship, oldest first.
pub async fn slips(db: &Database, order_no: Option<&str>) -> Result<Vec<OrderDetail>, ShopError> {
    let rows = match order_no {
        Some(no) => {
            let row = store::by_no(db, no).await?.ok_or(ShopError::NotFound)?;
            // Only an order that is (or was) to be packed has a slip.
            if !matches!(row.status, OrderStatus::Paid | OrderStatus::Shipped) {
                return Err(ShopError::OrderClosed);
            }
            vec![row]
        }
        None => store::oldest_in(db, OrderStatus::Paid, MAX_SLIPS).await?,
    };
    let mut slips = Vec::with_capacity(rows.len());
    for row in &rows {
        slips.push(store::detail(db, row).await?);
    }
    Ok(slips)
}
