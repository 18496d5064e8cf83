//! A new refund, recorded `pending` before the gateway is asked, and the refund a repeated
//! form finds by its idempotency key.

use crate::admin::RefundStatus;
use crate::error::ShopError;
use crate::ids::OrderId;
use crate::ssr::db::Tx;
use crate::ssr::web::now_ms;

/// A new refund, recorded `pending` under the order's lock (the caller holds it).
pub struct NewRefund<'a> {
    pub order_id: OrderId,
    pub refund_no: &'a str,
    pub amount_minor: i64,
    pub reason: &'a str,
    pub admin: &'a str,
    pub idempotency_key: &'a str,
    pub restock: bool,
    /// When the settlement job first asks about it, should the request's answer not settle it.
    pub first_check_at: i64,
}

/// Records a pending refund. `Ok(None)`: the idempotency key is already taken (by a refund
/// of another order: the caller has already looked for one of this order under its lock).
pub async fn create(tx: &mut Tx, new: &NewRefund<'_>) -> Result<Option<i64>, ShopError> {
    let now = now_ms();
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO refunds (order_id, refund_no, amount_minor, status, reason, admin,
             idempotency_key, restock, next_check_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(new.order_id)
    .bind(new.refund_no)
    .bind(new.amount_minor)
    .bind(RefundStatus::Pending.code())
    .bind(new.reason)
    .bind(new.admin)
    .bind(new.idempotency_key)
    .bind(i64::from(new.restock))
    .bind(new.first_check_at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A refund as a repeated form finds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyedRefund {
    pub id: i64,
    pub order_id: OrderId,
    pub refund_no: String,
    pub amount_minor: i64,
    #[sqlx(try_from = "String")]
    pub status: RefundStatus,
    pub detail: String,
}

pub async fn by_key(tx: &mut Tx, key: &str) -> Result<Option<KeyedRefund>, ShopError> {
    Ok(sqlx::query_as(
        "SELECT id, order_id, refund_no, amount_minor, status, detail FROM refunds
         WHERE idempotency_key = $1",
    )
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?)
}

/// What an order's refunds already claim (pending and succeeded, in minor units) and how
/// many refunds it has (the next one's number is `{order_no}R{count + 1}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimed {
    pub minor: i64,
    pub count: i64,
}

/// [`Claimed`] for an order, read under the caller's lock on it.
pub async fn claimed(tx: &mut Tx, order_id: OrderId) -> Result<Claimed, ShopError> {
    let (minor, count): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN status IN ($2, $3) THEN amount_minor ELSE 0 END), 0) AS BIGINT),
                COUNT(*)
         FROM refunds WHERE order_id = $1",
    )
    .bind(order_id)
    .bind(RefundStatus::Pending.code())
    .bind(RefundStatus::Succeeded.code())
    .fetch_one(&mut **tx)
    .await?;
    Ok(Claimed { minor, count })
}
