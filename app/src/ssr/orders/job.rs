//! Settling without notifications. Every few seconds each app server looks for open orders
//! that are due a check: pending past the first deadline (about a minute), or past expiry.
//! A server claims an order by moving its `next_check_at` with a compare-and-set, so with
//! several app servers on one PostgreSQL each due order is checked by exactly one of them.
//!
//! Expiry never trusts the clock alone: the gateway is asked first, and only an order it
//! does not report as paid is expired (releasing its stock). If the gateway cannot be
//! reached, the order stays open and is asked again later; an order the gateway says it does
//! not know is asked again before it is closed.
//!
//! Closed orders (cancelled, expired) are watched too, until the gateway's payable window has
//! surely passed, so a payment that lands late is never lost, even without notifications.

use super::machine::Event;
use super::service::{matching_order, settle, SettleError, Settled};
use super::store::{self, Changes, OrderRow};
use crate::error::ShopError;
use crate::ids::OrderId;
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::pay::{PayStatus, PaymentReport};
use crate::ssr::web::now_ms;
use std::time::Duration;

/// What one pass did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub checked: usize,
    pub paid: usize,
    pub expired: usize,
    pub gateway_errors: usize,
    /// Payments found on cancelled or expired orders.
    pub late_payments: usize,
}

/// Tells the workers to stop (`true`, or the sender dropped): the server's shutdown.
pub type Stop = tokio::sync::watch::Receiver<bool>;

/// Runs `pass` `interval` apart (a late pass delays the next, never doubles it) until
/// `stop`: a pass under way is finished, no new one starts. The settlement job and the
/// alert worker each run on one.
pub fn every<F, Fut>(interval: Duration, mut stop: Stop, mut pass: F) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stop.wait_for(|stopping| *stopping) => break,
            }
            if *stop.borrow() {
                break;
            }
            pass().await;
        }
    })
}

/// Runs the settlement passes `SHOP_SETTLE_INTERVAL_SECS` apart until `stop`.
pub fn spawn(state: ShopState, stop: Stop) -> tokio::task::JoinHandle<()> {
    every(state.config.orders.job_interval, stop, move || {
        let state = state.clone();
        async move {
            if crate::ssr::metrics::enabled() {
                match lag_ms(&state).await {
                    Ok(lag) => crate::ssr::metrics::settlement_lag(lag as f64 / 1000.0),
                    Err(err) => tracing::error!(?err, "reading the settlement lag failed"),
                }
            }
            let mut gateway_errors = 0;
            match run_pass(&state).await {
                Ok(pass) => {
                    gateway_errors = pass.gateway_errors;
                    if pass.checked > 0 {
                        tracing::info!(?pass, "settlement pass");
                    }
                }
                Err(err) => tracing::error!(?err, "settlement pass failed"),
            }
            match super::refunds::run_pass(&state).await {
                Ok(pass) if pass.checked > 0 => tracing::info!(?pass, "refund settlement pass"),
                Ok(_) => {}
                Err(err) => tracing::error!(?err, "refund settlement pass failed"),
            }
            match super::service::complete_due(&state).await {
                Ok(0) => {}
                Ok(completed) => tracing::info!(completed, "completed orders shipped long ago"),
                Err(err) => tracing::error!(?err, "auto-completion pass failed"),
            }
            match crate::ssr::after_sales::merchant::close_lapsed_returns(&state).await {
                Ok(0) => {}
                Ok(closed) => tracing::info!(closed, "closed returns not sent back in time"),
                Err(err) => tracing::error!(?err, "closing lapsed returns failed"),
            }
            crate::ssr::metrics::settlement_round(gateway_errors, now_ms() / 1000);
        }
    })
}

/// How long the oldest order due a check has been waiting for one (0 when none is due): a
/// job that keeps up brings it back under one interval every round.
pub async fn lag_ms(state: &ShopState) -> Result<i64, ShopError> {
    let now = now_ms();
    let oldest: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MIN(next_check_at) FROM orders
         WHERE status IN {} AND next_check_at <= $1",
        store::status_list(watched)
    ))
    .bind(now)
    .fetch_one(state.db.pool())
    .await?;
    Ok(oldest.map_or(0, |due| now - due))
}

fn backoff(base: Duration, checks: i64) -> i64 {
    let base = i64::try_from(base.as_millis()).unwrap_or(60_000).max(1000);
    let factor = 1i64 << checks.clamp(0, 4);
    (base * factor).min(10 * 60 * 1000)
}

/// The statuses the job watches: open orders (to settle or expire them), and orders
/// closed without payment while the gateway could still take a payment for them.
pub fn watched(status: OrderStatus) -> bool {
    status.is_payable() || status.is_closed_unpaid()
}

pub async fn run_pass(state: &ShopState) -> Result<Pass, ShopError> {
    let now = now_ms();
    let statuses = store::status_list(watched);
    let due: Vec<(OrderId, i64)> = sqlx::query_as(&format!(
        "SELECT id, next_check_at FROM orders
         WHERE status IN {statuses} AND next_check_at <= $1
         ORDER BY next_check_at LIMIT 50"
    ))
    .bind(now)
    .fetch_all(state.db.pool())
    .await?;
    let mut pass = Pass::default();
    for (id, seen_next) in due {
        let Some(row) = store::by_id(&state.db, id).await? else {
            continue;
        };
        let status = row.status;
        let wait = backoff(state.config.orders.check_after, row.checks);
        let next = if status.is_payable() && now < row.expires_at {
            (now + wait).min(row.expires_at)
        } else {
            now + wait
        };
        let claimed = sqlx::query(&format!(
            "UPDATE orders SET next_check_at = $1, checks = checks + 1
             WHERE id = $2 AND next_check_at = $3 AND status IN {statuses}"
        ))
        .bind(next)
        .bind(id)
        .bind(seen_next)
        .execute(state.db.pool())
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another server took it
        }
        pass.checked += 1;
        if status.is_payable() {
            check_open(state, &row, now, &mut pass).await?;
        } else {
            watch_closed(state, &row, now, &mut pass).await?;
        }
    }
    Ok(pass)
}

/// Applies a query's answer; `true` when it settled the order as paid.
async fn apply_answer(
    state: &ShopState,
    row: &OrderRow,
    report: &PaymentReport,
    pass: &mut Pass,
) -> Result<bool, ShopError> {
    match settle(state, report, "query").await {
        Ok(Settled::Applied(_)) if report.status() == PayStatus::Paid => {
            pass.paid += 1;
            Ok(true)
        }
        Ok(Settled::Applied(_)) => {
            // The gateway expired it: settle already moved the order.
            pass.expired += 1;
            Ok(false)
        }
        Ok(Settled::Noted) | Err(SettleError::Refused) => Ok(false),
        Err(SettleError::Mismatch(why)) => {
            tracing::error!(order = %row.order_no, why, "payment query disagrees with the order; left for the merchant");
            store::flag_for_attention(
                &state.db,
                &row.order_no,
                &format!("gateway query disagrees: {why}"),
            )
            .await?;
            Ok(false)
        }
        Err(e) => {
            tracing::error!(order = %row.order_no, ?e, "query result not applied");
            Ok(false)
        }
    }
}

async fn check_open(
    state: &ShopState,
    row: &OrderRow,
    now: i64,
    pass: &mut Pass,
) -> Result<(), ShopError> {
    let expired = now >= row.expires_at;
    let said = match state.pay.query_payment(&row.order_no).await {
        Err(err) => {
            pass.gateway_errors += 1;
            tracing::warn!(order = %row.order_no, %err, "payment query failed; will ask again");
            return Ok(());
        }
        Ok(None) => {
            // An order the gateway says it does not know is asked about again before it
            // is closed: one such answer never expires an order on its own.
            let unknown: i64 = sqlx::query_scalar(
                "UPDATE orders SET unknown_answers = unknown_answers + 1 WHERE id = $1
                 RETURNING unknown_answers",
            )
            .bind(row.id)
            .fetch_one(state.db.pool())
            .await?;
            if unknown < 2 {
                return Ok(());
            }
            format!("unknown to the gateway ({unknown} answers)")
        }
        Ok(Some(report)) => {
            if row.unknown_answers > 0 {
                sqlx::query("UPDATE orders SET unknown_answers = 0 WHERE id = $1")
                    .bind(row.id)
                    .execute(state.db.pool())
                    .await?;
            }
            if report.status() == PayStatus::Paid || report.status() == PayStatus::Expired {
                apply_answer(state, row, &report, pass).await?;
                return Ok(());
            }
            if let Err(SettleError::Mismatch(why)) = matching_order(state, &report).await {
                tracing::error!(order = %row.order_no, why, "payment query disagrees with the order; left open for the merchant");
                store::flag_for_attention(
                    &state.db,
                    &row.order_no,
                    &format!("gateway query disagrees: {why}"),
                )
                .await?;
                return Ok(());
            }
            format!("gateway status {:?}", report.status())
        }
    };
    if expired {
        let mut tx = state.db.begin_write().await?;
        let detail = format!(
            "unpaid after {} min; {said}",
            state.config.orders.expiry.as_secs() / 60
        );
        match store::apply(
            &mut tx,
            state.db.backend(),
            row.id,
            Event::Expire,
            "job",
            &detail,
            &Changes::default(),
        )
        .await
        {
            Ok(_) => {
                tx.commit().await?;
                pass.expired += 1;
            }
            Err(ShopError::OrderClosed) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A cancelled or expired order, asked about until the gateway's payable window has surely
/// passed: a payment that lands late is found even if every notification is lost, and the
/// order is then paid and flagged for the merchant (see `machine::Effect::ReReserveOrRefund`).
async fn watch_closed(
    state: &ShopState,
    row: &OrderRow,
    now: i64,
    pass: &mut Pass,
) -> Result<(), ShopError> {
    match state.pay.query_payment(&row.order_no).await {
        Err(err) => {
            // Keep asking (with backoff) until the gateway answers, however long that takes.
            pass.gateway_errors += 1;
            tracing::warn!(order = %row.order_no, %err, "late-payment check failed; will ask again");
            return Ok(());
        }
        Ok(Some(report)) if report.status() == PayStatus::Paid => {
            if apply_answer(state, row, &report, pass).await? {
                pass.late_payments += 1;
            }
            return Ok(());
        }
        Ok(_) => {}
    }
    if now >= row.watch_until {
        // The window has passed and the gateway says unpaid: nothing can arrive any more.
        sqlx::query("UPDATE orders SET next_check_at = $1 WHERE id = $2 AND status = $3")
            .bind(store::NEVER)
            .bind(row.id)
            .bind(row.status.code())
            .execute(state.db.pool())
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_back_off_to_ten_minutes() {
        let base = Duration::from_secs(60);
        assert_eq!(backoff(base, 0), 60_000);
        assert_eq!(backoff(base, 1), 120_000);
        assert_eq!(backoff(base, 3), 480_000);
        assert_eq!(backoff(base, 9), 600_000);
        assert_eq!(backoff(Duration::from_millis(10), 0), 1000);
    }
}
