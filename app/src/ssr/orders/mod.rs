//! Orders: the state machine, the store with its one transition function, checkout and
//! settlement, the notification endpoint, refunds and the settlement job.

pub mod job;
pub mod machine;
pub mod notify;
pub mod refunds;
pub mod service;
pub mod store;

/// Orders and refunds made through another gateway than `provider` that still need that
/// gateway's answers: orders the settlement job still asks about (open, or closed and
/// watched for a late payment) and pending refunds. The server refuses to start on a new
/// `PAYMENT_PROVIDER` while there are any: the new gateway knows nothing of them, and an
/// order it "does not know" would be closed while its payment could still arrive.
pub async fn other_gateway_work(
    db: &crate::ssr::db::Database,
    provider: &str,
) -> Result<(i64, i64), sqlx::Error> {
    let orders: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM orders
         WHERE provider <> $1 AND status IN {} AND next_check_at < $2",
        store::status_list(job::watched)
    ))
    .bind(provider)
    .bind(store::NEVER)
    .fetch_one(db.pool())
    .await?;
    let refunds: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM refunds r JOIN orders o ON o.id = r.order_id
         WHERE o.provider <> $1 AND r.status = 'pending'",
    )
    .bind(provider)
    .fetch_one(db.pool())
    .await?;
    Ok((orders, refunds))
}
