//! Refunds, like orders: what the gateway said about one ([`judge`]), the pure table of what
//! that does to it ([`decide`]), and [`apply`], the one function through which every refund
//! state change goes: it locks the order, asks the table, writes the refund, counts the money
//! on the order (moving it to `refunded` through `store::apply` when nothing is left), puts
//! stock back when the merchant asked for it, and appends the order's timeline, all in one
//! transaction.
//!
//! A refund is `succeeded` only when the gateway says SUCCESS in an answer about *this*
//! refund (its `out_refund_id`, and the payment and amount when the answer names them).
//! Anything else (PROCESSING, no answer, a timeout, an answer about another refund) leaves it
//! `pending`, still counted against what can be refunded, and [`run_pass`] (called by the
//! settlement job) asks the gateway again with backoff until it settles.

use super::machine::Event as OrderEvent;
use super::store::{self, Applied as OrderApplied, Changes};
use crate::admin::{RefundOutcome, RefundStatus};
use crate::error::ShopError;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::catalog::currency_of;
use crate::ssr::context::ShopState;
use crate::ssr::db::{flag, now_ms, Backend, Tx};
use crate::ssr::pay::{GatewayError, RefundReport, RefundRequest, RefundState};
use std::time::Duration;

/// What the gateway's answer (or its silence) means for a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The gateway confirmed this very refund.
    Succeeded,
    /// The gateway refused the refund request, or reports this refund failed.
    Failed,
    /// No final word: processing, no answer, a timeout, or an answer about something else.
    Unsettled,
}

impl Event {
    pub const ALL: [Event; 3] = [Event::Succeeded, Event::Failed, Event::Unsettled];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Move(RefundStatus),
    /// Still pending: what the gateway said is noted, nothing is counted.
    Stay,
    /// Already settled this way, or settled and the event no longer matters.
    Already,
    /// A settled refund never changes its mind: one the gateway confirmed is never
    /// "un-refunded", and a refused one is never counted without a new request.
    Forbidden,
}

pub fn decide(from: RefundStatus, event: Event) -> Decision {
    use RefundStatus::{Failed, Pending, Succeeded};
    match (event, from) {
        (Event::Succeeded, Pending) => Decision::Move(Succeeded),
        (Event::Failed, Pending) => Decision::Move(Failed),
        (Event::Unsettled, Pending) => Decision::Stay,
        (Event::Succeeded, Succeeded) | (Event::Failed, Failed) => Decision::Already,
        (Event::Unsettled, Succeeded | Failed) => Decision::Already,
        (Event::Succeeded, Failed) | (Event::Failed, Succeeded) => Decision::Forbidden,
    }
}

/// Whether a succeeded refund puts the order's stock back: only when the merchant asked for
/// it, the refund leaves the order fully refunded, and the order had not shipped with its
/// stock still reserved (`paid`; a `refund_pending` order was paid after its stock was gone
/// and holds none). A partial refund never moves stock: money is not items.
pub fn restocks(asked: bool, order_before: OrderStatus, fully_refunded: bool) -> bool {
    asked && fully_refunded && order_before == OrderStatus::Paid
}

/// What the gateway said about a refund, judged against the refund the shop asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub event: Event,
    /// For the merchant: the gateway's words or why they were not taken.
    pub detail: String,
    /// The gateway's own refund number, from an answer about this refund.
    pub gateway_refund_no: Option<String>,
    /// The answer was about another refund, payment or amount: the merchant should look.
    pub mismatch: bool,
}

impl Said {
    fn unsettled(detail: String) -> Said {
        Said {
            event: Event::Unsettled,
            detail,
            gateway_refund_no: None,
            mismatch: false,
        }
    }

    fn mismatch(detail: String) -> Said {
        Said {
            mismatch: true,
            ..Said::unsettled(detail)
        }
    }
}

/// Reads a gateway answer for refund `refund_no` of `amount` against payment `payment_no`.
/// Only an answer that names this refund and says SUCCESS settles it as succeeded.
pub fn judge(report: &RefundReport, refund_no: &str, payment_no: &str, amount: Money) -> Said {
    match report.out_refund_id.as_deref() {
        Some(named) if named == refund_no => {}
        Some(other) => {
            return Said::mismatch(format!(
                "the gateway's answer is for another refund ({other}); not taken"
            ))
        }
        None => {
            return Said::mismatch("the gateway's answer names no refund; not taken".to_owned())
        }
    }
    if let Some(other) = report.payment_no.as_deref().filter(|p| *p != payment_no) {
        return Said::mismatch(format!(
            "the gateway's answer is for another payment ({other}); not taken"
        ));
    }
    if let Some(raw) = report.amount.as_deref() {
        if Money::parse_decimal(raw, amount.currency) != Some(amount) {
            return Said::mismatch(format!(
                "the gateway reports {raw} for this refund, not {}; not taken",
                amount.decimal()
            ));
        }
    }
    let raw = report.status.as_deref().unwrap_or_default();
    let (event, detail) = match RefundState::parse(raw) {
        Some(RefundState::Success) => (Event::Succeeded, format!("gateway: {raw}")),
        Some(RefundState::Failed) => (Event::Failed, format!("gateway: {raw}")),
        Some(RefundState::Processing) => (
            Event::Unsettled,
            format!("gateway: {raw}; the settlement job will ask again"),
        ),
        None if raw.is_empty() => (
            Event::Unsettled,
            "the gateway's answer has no status; the settlement job will ask again".to_owned(),
        ),
        None => (
            Event::Unsettled,
            format!("unknown gateway status `{raw}`; the settlement job will ask again"),
        ),
    };
    Said {
        event,
        detail,
        gateway_refund_no: report.refund_no.clone(),
        mismatch: false,
    }
}

/// Sends a refund request (again: the gateway is idempotent on `out_refund_id`).
async fn send(state: &ShopState, r: &Pending) -> Said {
    let answer = state
        .pay
        .refund(&RefundRequest {
            payment_no: r.payment_no.clone(),
            refund_no: r.refund_no.clone(),
            amount: Some(r.amount),
        })
        .await;
    match answer {
        Ok(report) => judge(&report, &r.refund_no, &r.payment_no, r.amount),
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
        Ok(report) => judge(&report, &r.refund_no, &r.payment_no, r.amount),
        Err(GatewayError::Refused { code, .. }) if code == "404" => send(state, r).await,
        Err(err) => {
            tracing::warn!(refund = %r.refund_no, %err, "refund query failed; will ask again");
            Said::unsettled(format!("{err}; the settlement job will ask again"))
        }
    }
}

#[derive(sqlx::FromRow)]
struct RefundDbRow {
    id: i64,
    refund_no: String,
    amount_minor: i64,
    status: String,
    admin: String,
    restock: i64,
}

impl RefundDbRow {
    fn status(&self) -> Result<RefundStatus, ShopError> {
        RefundStatus::from_code(&self.status).ok_or_else(|| {
            tracing::error!(refund = %self.refund_no, status = %self.status, "unknown stored refund status");
            ShopError::Internal
        })
    }
}

const REFUND_COLUMNS: &str = "id, refund_no, amount_minor, status, admin, restock";

/// What [`apply`] came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub refund_no: String,
    pub from: RefundStatus,
    pub to: RefundStatus,
    pub order_status: OrderStatus,
    /// What the gateway said (or why it was not taken).
    pub detail: String,
}

impl Applied {
    pub fn outcome(&self) -> RefundOutcome {
        RefundOutcome {
            refund_no: self.refund_no.clone(),
            status: self.to,
            order_status: self.order_status,
        }
    }
}

/// The one refund transition function: locks the refund's order, asks [`decide`], and writes
/// the decision with everything that goes with it, in the caller's transaction.
pub async fn apply(
    tx: &mut Tx,
    backend: Backend,
    refund_id: i64,
    said: &Said,
    source: &str,
) -> Result<Applied, ShopError> {
    let order_id: i64 = sqlx::query_scalar("SELECT order_id FROM refunds WHERE id = $1")
        .bind(refund_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(ShopError::NotFound)?;
    // Every change to an order's refunds happens under the order's lock.
    let order = store::lock_order(tx, backend, order_id).await?;
    let r: RefundDbRow = sqlx::query_as(&format!(
        "SELECT {REFUND_COLUMNS} FROM refunds WHERE id = $1"
    ))
    .bind(refund_id)
    .fetch_one(&mut **tx)
    .await?;
    let from = r.status()?;
    let order_before = order.status()?;
    let amount = Money::new(r.amount_minor, currency_of(&order.currency)?);
    let now = now_ms();
    let mut applied = Applied {
        refund_no: r.refund_no.clone(),
        from,
        to: from,
        order_status: order_before,
        detail: said.detail.clone(),
    };
    let to = match decide(from, said.event) {
        Decision::Already => return Ok(applied),
        Decision::Forbidden => {
            tracing::error!(refund = %r.refund_no, ?from, event = ?said.event, detail = %said.detail,
                "the gateway contradicts a settled refund; left as it is");
            return Ok(applied);
        }
        Decision::Stay => {
            sqlx::query(
                "UPDATE refunds SET detail = $1, gateway_refund_no = COALESCE($2, gateway_refund_no),
                     updated_at = $3
                 WHERE id = $4 AND status = $5",
            )
            .bind(&said.detail)
            .bind(said.gateway_refund_no.clone())
            .bind(now)
            .bind(r.id)
            .bind(from.code())
            .execute(&mut **tx)
            .await?;
            if said.mismatch {
                tracing::error!(refund = %r.refund_no, detail = %said.detail, "refund answer does not match; left pending");
                sqlx::query(
                    "UPDATE orders SET needs_attention = 1, attention_note = $1, updated_at = $2
                     WHERE id = $3",
                )
                .bind(format!("refund {}: {}", r.refund_no, said.detail))
                .bind(now)
                .bind(order_id)
                .execute(&mut **tx)
                .await?;
            }
            return Ok(applied);
        }
        Decision::Move(to) => to,
    };
    let moved = sqlx::query(
        "UPDATE refunds SET status = $1, detail = $2, gateway_refund_no = COALESCE($3, gateway_refund_no),
             settled_at = $4, updated_at = $4
         WHERE id = $5 AND status = $6",
    )
    .bind(to.code())
    .bind(&said.detail)
    .bind(said.gateway_refund_no.clone())
    .bind(now)
    .bind(r.id)
    .bind(from.code())
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() != 1 {
        tracing::error!(refund = %r.refund_no, "refund changed under its order's lock");
        return Err(ShopError::Internal);
    }
    applied.to = to;
    match to {
        RefundStatus::Succeeded => {
            let refunded: i64 = sqlx::query_scalar(
                "UPDATE orders SET refunded_minor = refunded_minor + $1, updated_at = $2
                 WHERE id = $3 RETURNING refunded_minor",
            )
            .bind(amount.minor)
            .bind(now)
            .bind(order_id)
            .fetch_one(&mut **tx)
            .await?;
            let full = refunded >= order.total_minor;
            let mut detail = format!("{} {amount}", r.refund_no);
            if restocks(flag(r.restock), order_before, full) {
                let note = format!("refund {} of order {}", r.refund_no, order.order_no);
                let returned = return_stock(tx, order_id, &r.admin, &note).await?;
                sqlx::query("UPDATE refunds SET restocked = 1 WHERE id = $1")
                    .bind(r.id)
                    .execute(&mut **tx)
                    .await?;
                detail.push_str(&format!("; stock returned: {returned}"));
            } else if flag(r.restock) {
                detail.push_str(&format!(
                    "; stock not returned: the order is {} and {}",
                    order_before.code(),
                    if full {
                        "fully refunded"
                    } else {
                        "not fully refunded"
                    }
                ));
            }
            if full {
                let moved = store::apply(
                    tx,
                    backend,
                    order_id,
                    OrderEvent::Refunded,
                    source,
                    &detail,
                    &Changes::default(),
                )
                .await?;
                applied.order_status = match moved {
                    OrderApplied::Moved { to, .. } => to,
                    OrderApplied::Unchanged(status) => status,
                };
            } else {
                store::note_event(
                    tx,
                    order_id,
                    order_before,
                    "partial_refund",
                    source,
                    &detail,
                )
                .await?;
            }
            tracing::info!(refund = %r.refund_no, %amount, source, "refund succeeded");
        }
        RefundStatus::Failed => {
            let detail = format!("{} {amount}: {}", r.refund_no, said.detail);
            store::note_event(tx, order_id, order_before, "refund_failed", source, &detail).await?;
            tracing::warn!(refund = %r.refund_no, detail = %said.detail, "refund failed");
        }
        RefundStatus::Pending => {}
    }
    Ok(applied)
}

/// Puts every line of the order back in stock, each with its entry in the stock ledger.
/// Returns what went back, for the timeline (`冻顶乌龙茶 ×1, …`).
async fn return_stock(
    tx: &mut Tx,
    order_id: i64,
    admin: &str,
    note: &str,
) -> Result<String, ShopError> {
    let lines: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT product_id, title, quantity FROM order_lines WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?;
    let now = now_ms();
    let mut returned = Vec::with_capacity(lines.len());
    for (product_id, title, quantity) in lines {
        let after: i64 = sqlx::query_scalar(
            "UPDATE products SET stock = stock + $1, updated_at = $2 WHERE id = $3 RETURNING stock",
        )
        .bind(quantity)
        .bind(now)
        .bind(product_id)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO stock_movements (product_id, delta, stock_after, reason, note, admin, created_at)
             VALUES ($1, $2, $3, 'returned', $4, $5, $6)",
        )
        .bind(product_id)
        .bind(quantity)
        .bind(after)
        .bind(note)
        .bind(admin)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        returned.push(format!("{title} ×{quantity}"));
    }
    Ok(returned.join(", "))
}

/// A refund to ask the gateway about, with what the request needs.
struct Pending {
    id: i64,
    refund_no: String,
    payment_no: String,
    amount: Money,
    status: RefundStatus,
}

async fn pending(state: &ShopState, refund_id: i64) -> Result<Pending, ShopError> {
    let found: Option<(String, i64, String, Option<String>, String)> = sqlx::query_as(
        "SELECT r.refund_no, r.amount_minor, r.status, o.payment_no, o.currency
         FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = $1",
    )
    .bind(refund_id)
    .fetch_optional(state.db.pool())
    .await?;
    let (refund_no, minor, status, payment_no, currency) = found.ok_or(ShopError::NotFound)?;
    let status = RefundStatus::from_code(&status).ok_or(ShopError::Internal)?;
    let payment_no = payment_no.ok_or_else(|| {
        tracing::error!(refund = %refund_no, "a refund of an order without a payment number");
        ShopError::Internal
    })?;
    Ok(Pending {
        id: refund_id,
        refund_no,
        payment_no,
        amount: Money::new(minor, currency_of(&currency)?),
        status,
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
    let (order_status, detail): (String, String) = sqlx::query_as(
        "SELECT o.status, r.detail FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = $1",
    )
    .bind(r.id)
    .fetch_one(state.db.pool())
    .await?;
    Ok(Applied {
        refund_no: r.refund_no.clone(),
        from: r.status,
        to: r.status,
        order_status: OrderStatus::from_code(&order_status).ok_or(ShopError::Internal)?,
        detail,
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
    let said = send(state, &r).await;
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

/// A new refund, recorded `pending` under the order's lock (the caller holds it).
pub struct NewRefund<'a> {
    pub order_id: i64,
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
    pub order_id: i64,
    pub refund_no: String,
    pub amount_minor: i64,
    pub status: String,
    pub detail: String,
}

impl KeyedRefund {
    pub fn status(&self) -> Result<RefundStatus, ShopError> {
        RefundStatus::from_code(&self.status).ok_or(ShopError::Internal)
    }
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
    let wait = state.config.gateway.timeout + state.config.orders.job_interval;
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
    use crate::money::Currency;
    use RefundStatus::{Failed, Pending, Succeeded};

    /// The whole table, every (event, status) pair.
    #[test]
    fn every_refund_transition_allowed_and_forbidden() {
        let table = [
            (Event::Succeeded, Pending, Decision::Move(Succeeded)),
            (Event::Succeeded, Succeeded, Decision::Already),
            (Event::Succeeded, Failed, Decision::Forbidden),
            (Event::Failed, Pending, Decision::Move(Failed)),
            (Event::Failed, Failed, Decision::Already),
            (Event::Failed, Succeeded, Decision::Forbidden),
            (Event::Unsettled, Pending, Decision::Stay),
            (Event::Unsettled, Succeeded, Decision::Already),
            (Event::Unsettled, Failed, Decision::Already),
        ];
        for event in Event::ALL {
            for from in RefundStatus::ALL {
                let expected = table
                    .iter()
                    .find(|(e, f, _)| *e == event && *f == from)
                    .map(|(_, _, d)| *d)
                    .expect("every pair is in the table");
                assert_eq!(decide(from, event), expected, "{event:?} from {from:?}");
            }
        }
        assert_eq!(table.len(), Event::ALL.len() * RefundStatus::ALL.len());
    }

    #[test]
    fn stock_goes_back_only_for_a_full_refund_of_an_unshipped_order_when_asked() {
        assert!(restocks(true, OrderStatus::Paid, true));
        assert!(!restocks(false, OrderStatus::Paid, true), "not asked");
        assert!(!restocks(true, OrderStatus::Paid, false), "partial refund");
        for shipped in [OrderStatus::Shipped, OrderStatus::Completed] {
            assert!(!restocks(true, shipped, true), "{shipped:?}: goods are out");
        }
        assert!(
            !restocks(true, OrderStatus::RefundPending, true),
            "paid after expiry: holds no stock"
        );
    }

    fn report(fields: &[(&str, &str)]) -> RefundReport {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        };
        RefundReport {
            refund_no: get("refund_no"),
            out_refund_id: get("out_refund_id"),
            status: get("status"),
            amount: get("refund_amount"),
            payment_no: get("payment_no"),
            fields: Vec::new(),
        }
    }

    const HK20: Money = Money {
        minor: 2000,
        currency: Currency::Hkd,
    };

    #[test]
    fn only_a_success_about_this_refund_settles_it() {
        let ours = report(&[
            ("refund_no", "G1"),
            ("out_refund_id", "S1R1"),
            ("payment_no", "P1"),
            ("refund_amount", "20.00"),
            ("status", "SUCCESS"),
        ]);
        let said = judge(&ours, "S1R1", "P1", HK20);
        assert_eq!(said.event, Event::Succeeded);
        assert_eq!(said.gateway_refund_no.as_deref(), Some("G1"));

        for (what, fields) in [
            (
                "another refund",
                vec![("out_refund_id", "S1R2"), ("status", "SUCCESS")],
            ),
            ("no refund named", vec![("status", "SUCCESS")]),
            (
                "another payment",
                vec![
                    ("out_refund_id", "S1R1"),
                    ("payment_no", "P2"),
                    ("status", "SUCCESS"),
                ],
            ),
            (
                "another amount",
                vec![
                    ("out_refund_id", "S1R1"),
                    ("refund_amount", "200.00"),
                    ("status", "SUCCESS"),
                ],
            ),
        ] {
            let said = judge(&report(&fields), "S1R1", "P1", HK20);
            assert_eq!(said.event, Event::Unsettled, "{what}");
            assert!(said.mismatch, "{what}");
            assert_eq!(said.gateway_refund_no, None, "{what}");
        }
    }

    #[test]
    fn processing_unknown_and_failed_answers_are_read_tolerantly() {
        let with = |status: &str| {
            judge(
                &report(&[("out_refund_id", "S1R1"), ("status", status)]),
                "S1R1",
                "P1",
                HK20,
            )
            .event
        };
        assert_eq!(with("PROCESSING"), Event::Unsettled);
        assert_eq!(with("processing"), Event::Unsettled);
        assert_eq!(with("SOMETHING_NEW"), Event::Unsettled);
        assert_eq!(with(""), Event::Unsettled);
        assert_eq!(with("REFUNDED"), Event::Succeeded);
        assert_eq!(with("FAIL"), Event::Failed);
        assert!(
            !judge(
                &report(&[("out_refund_id", "S1R1"), ("status", "PROCESSING")]),
                "S1R1",
                "P1",
                HK20
            )
            .mismatch
        );
    }

    #[test]
    fn pending_refunds_are_asked_about_with_backoff() {
        let second = Duration::from_secs(1);
        assert_eq!(backoff(second, 0), 1000);
        assert_eq!(backoff(second, 3), 8000);
        assert_eq!(backoff(Duration::from_secs(5), 30), 600_000);
        assert_eq!(backoff(Duration::from_millis(1), 0), 1000);
    }
}
