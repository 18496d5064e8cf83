//! Asking the gateway about refunds: the request itself, the merchant's "ask again", and the
//! settlement job's passes over pending refunds with backoff. Answers are read by
//! [`judge`](super::judge) and written by [`apply`](super::apply).

use super::apply::{apply, Applied};
use super::judge::{judge, Asked, Said};
use super::table::Event;
use crate::admin::RefundStatus;
use crate::error::ShopError;
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::pay::{GatewayError, RefundRequest};
use crate::ssr::web::now_ms;
use std::time::Duration;

/// Sends a refund request (again: the gateway is idempotent on the refund number). A
/// refusal of the first request fails the refund; a refusal of a request sent again (the
/// query did not find the first) proves nothing, since the first may still be on its way
/// or the gateway may refuse the number as already used: the refund stays pending and is
/// asked about again, and the merchant sees why.
async fn send(state: &ShopState, r: &Pending, again: bool) -> Said {
    if r.provider != state.pay.name() {
        // Paid through a gateway the shop no longer uses: that gateway must refund it.
        return Said {
            event: Event::Failed,
            detail: format!(
                "paid through {}, but the shop now uses {}: refund it in {}'s console",
                r.provider,
                state.pay.name(),
                r.provider
            ),
            gateway_refund_no: None,
            mismatch: false,
        };
    }
    let answer = state
        .pay
        .refund(&RefundRequest {
            payment_no: r.payment_no.clone(),
            order_no: r.order_no.clone(),
            refund_no: r.refund_no.clone(),
            amount: r.amount,
            notify_url: state.config.notify_url(),
        })
        .await;
    match answer {
        Ok(report) => judge(&report, &r.asked()),
        Err(GatewayError::Refused { code, message }) if again => {
            tracing::warn!(refund = %r.refund_no, %code, %message, "a refund sent again was refused; left pending");
            Said::unsettled(format!(
                "the gateway does not find this refund, and refused it when asked again ({code}): {message}; the settlement job will ask again — check the refund in the gateway's console"
            ))
        }
        Err(GatewayError::Refused { code, message }) => Said {
            event: Event::Failed,
            detail: format!("gateway refused ({code}): {message}"),
            gateway_refund_no: None,
            mismatch: false,
        },
        Err(err) => {
            tracing::warn!(refund = %r.refund_no, %err, "refund outcome unknown; left pending");
            Said::unsettled(format!("{err}; the settlement job will ask again"))
        }
    }
}

/// Asks the gateway about a refund; one it has never heard of (the request was lost on the
/// way) is asked for again, which is safe for the same reason.
async fn query(state: &ShopState, r: &Pending) -> Said {
    match state.pay.query_refund(&r.refund_no).await {
        Ok(report) => judge(&report, &r.asked()),
        Err(GatewayError::Refused { code, .. }) if code == "404" => send(state, r, true).await,
        Err(err) => {
            tracing::warn!(refund = %r.refund_no, %err, "refund query failed; will ask again");
            Said::unsettled(format!("{err}; the settlement job will ask again"))
        }
    }
}
/// A refund to ask the gateway about, with what the request needs.
struct Pending {
    id: i64,
    refund_no: String,
    payment_no: String,
    order_no: String,
    /// The gateway the order was paid through.
    provider: String,
    amount: Money,
    status: RefundStatus,
}

impl Pending {
    fn asked(&self) -> Asked<'_> {
        Asked {
            refund_no: &self.refund_no,
            payment_no: &self.payment_no,
            order_no: &self.order_no,
            amount: self.amount,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    refund_no: String,
    amount_minor: i64,
    #[sqlx(try_from = "String")]
    status: RefundStatus,
    payment_no: Option<String>,
    order_no: String,
    provider: String,
    #[sqlx(try_from = "String")]
    currency: Currency,
}

async fn pending(state: &ShopState, refund_id: i64) -> Result<Pending, ShopError> {
    let found: Option<PendingRow> = sqlx::query_as(
        "SELECT r.refund_no, r.amount_minor, r.status, o.payment_no, o.order_no, o.provider, o.currency
         FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = $1",
    )
    .bind(refund_id)
    .fetch_optional(state.db.pool())
    .await?;
    let r = found.ok_or(ShopError::NotFound)?;
    let payment_no = r.payment_no.ok_or_else(|| {
        tracing::error!(refund = %r.refund_no, "a refund of an order without a payment number");
        ShopError::Internal
    })?;
    Ok(Pending {
        id: refund_id,
        refund_no: r.refund_no,
        payment_no,
        order_no: r.order_no,
        provider: r.provider,
        amount: Money::new(r.amount_minor, r.currency),
        status: r.status,
    })
}

async fn record(
    state: &ShopState,
    refund_id: i64,
    said: &Said,
    source: &str,
) -> Result<Applied, ShopError> {
    let mut tx = state.db.begin_write().await?;
    let applied = apply(&mut tx, state.db.backend(), refund_id, said, source).await?;
    tx.commit().await?;
    Ok(applied)
}

/// What a settled refund (or one not asked about) looks like now, without the gateway.
async fn as_it_is(state: &ShopState, r: &Pending) -> Result<Applied, ShopError> {
    #[derive(sqlx::FromRow)]
    struct Now {
        #[sqlx(try_from = "String")]
        status: OrderStatus,
        detail: String,
    }
    let now: Now = sqlx::query_as(
        "SELECT o.status, r.detail FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = $1",
    )
    .bind(r.id)
    .fetch_one(state.db.pool())
    .await?;
    Ok(Applied {
        refund_no: r.refund_no.clone(),
        from: r.status,
        to: r.status,
        order_status: now.status,
        detail: now.detail,
    })
}

/// Asks the gateway for a refund just recorded as pending, and records its answer.
pub async fn request(
    state: &ShopState,
    refund_id: i64,
    source: &str,
) -> Result<Applied, ShopError> {
    let r = pending(state, refund_id).await?;
    if r.status != RefundStatus::Pending {
        return as_it_is(state, &r).await;
    }
    let said = send(state, &r, false).await;
    let applied = record(state, refund_id, &said, source).await?;
    if applied.to == RefundStatus::Pending {
        // The request is over (answered or given up on): the job may ask from its next pass.
        let next = now_ms() + backoff(state.config.orders.job_interval, 0);
        sqlx::query("UPDATE refunds SET next_check_at = $1 WHERE id = $2 AND checks = 0")
            .bind(next)
            .bind(refund_id)
            .execute(state.db.pool())
            .await?;
    }
    Ok(applied)
}

/// Asks the gateway about a pending refund and records its answer (the settlement job, and
/// the merchant's "ask again" button). A settled refund is answered as it is.
pub async fn settle(state: &ShopState, refund_id: i64, source: &str) -> Result<Applied, ShopError> {
    let r = pending(state, refund_id).await?;
    if r.status != RefundStatus::Pending {
        return as_it_is(state, &r).await;
    }
    let said = query(state, &r).await;
    record(state, refund_id, &said, source).await
}
/// What one pass over pending refunds did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub checked: usize,
    pub succeeded: usize,
    pub failed: usize,
}

/// How long to wait before asking about a pending refund again, after `checks` questions:
/// the job's interval (at least a second), doubling, at most ten minutes.
pub fn backoff(interval: Duration, checks: i64) -> i64 {
    let base = i64::try_from(interval.as_millis())
        .unwrap_or(5_000)
        .max(1000);
    (base << checks.clamp(0, 10)).min(10 * 60 * 1000)
}

/// When the settlement job may first ask about a new refund while its request is under way:
/// not before the request has had its full timeout, so the two do not cross ([`request`]
/// brings it forward once the request is over).
pub fn first_check_at(state: &ShopState, now: i64) -> i64 {
    let wait = state.config.payment.timeout() + state.config.orders.job_interval;
    now + i64::try_from(wait.as_millis()).unwrap_or(60_000)
}

/// Asks the gateway about every pending refund that is due. Each one is claimed with a
/// compare-and-set on `next_check_at`, so with several app servers each due refund is asked
/// about by one of them. Called once per settlement job pass.
pub async fn run_pass(state: &ShopState) -> Result<Pass, ShopError> {
    let now = now_ms();
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, next_check_at, checks FROM refunds
         WHERE status = $1 AND next_check_at <= $2
         ORDER BY next_check_at LIMIT 50",
    )
    .bind(RefundStatus::Pending.code())
    .bind(now)
    .fetch_all(state.db.pool())
    .await?;
    let mut pass = Pass::default();
    for (id, seen_next, checks) in due {
        let next = now + backoff(state.config.orders.job_interval, checks);
        let claimed = sqlx::query(
            "UPDATE refunds SET next_check_at = $1, checks = checks + 1
             WHERE id = $2 AND next_check_at = $3 AND status = $4",
        )
        .bind(next)
        .bind(id)
        .bind(seen_next)
        .bind(RefundStatus::Pending.code())
        .execute(state.db.pool())
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another server took it
        }
        pass.checked += 1;
        match settle(state, id, "job").await {
            Ok(applied) => match applied.to {
                RefundStatus::Succeeded if applied.from != applied.to => pass.succeeded += 1,
                RefundStatus::Failed if applied.from != applied.to => pass.failed += 1,
                _ => {}
            },
            Err(err) => tracing::error!(refund = id, ?err, "refund check not recorded"),
        }
    }
    Ok(pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_refunds_are_asked_about_with_backoff() {
        let second = Duration::from_secs(1);
        assert_eq!(backoff(second, 0), 1000);
        assert_eq!(backoff(second, 3), 8000);
        assert_eq!(backoff(Duration::from_secs(5), 30), 600_000);
        assert_eq!(backoff(Duration::from_millis(1), 0), 1000);
    }
}
