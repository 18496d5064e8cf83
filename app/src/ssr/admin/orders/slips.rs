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
        None => {
            let numbers: Vec<String> = sqlx::query_scalar(
                "SELECT order_no FROM orders WHERE status = $1 ORDER BY created_at, id LIMIT $2",
            )
            .bind(OrderStatus::Paid.code())
            .bind(MAX_SLIPS)
            .fetch_all(db.pool())
            .await?;
            let mut rows = Vec::with_capacity(numbers.len());
            for no in numbers {
                if let Some(row) = store::by_no(db, &no).await? {
                    rows.push(row);
                }
            }
            rows
        }
    };
    let mut slips = Vec::with_capacity(rows.len());
    for row in &rows {
        slips.push(store::detail(db, row).await?);
    }
    Ok(slips)
}
