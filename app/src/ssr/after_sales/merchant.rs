//! What merchants do with after-sales requests: approve, refuse, confirm a return came back,
//! send a refused refund again; and the settlement job's pass that closes returns nobody
//! sent back. Each step takes the order's lock, asks the table (through `store::apply`) and,
//! when the move sends money, records the refund in the same transaction and then asks the
//! gateway through the shop's one refund path (`orders::refunds`): typed, confirmed,
//! idempotent. A second approval (another tab, another admin) finds the request already
//! refunding and sends nothing.

use super::machine::Event;
use super::store::{self, lock_case, CaseChanges, CaseDbRow, Step};
use crate::after_sales::{CaseKind, CaseStatus, MAX_MERCHANT_NOTE};
use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::i18n::after_sales::after_sales_t;
use crate::ids::OrderId;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::admin::actions::{source, staff_may_refund, AFTER_SALE_KEY_PREFIX};
use crate::ssr::admin::store::CurrentAdmin;
use crate::ssr::context::ShopState;
use crate::ssr::db::Tx;
use crate::ssr::orders::{refunds, store as orders};
use crate::ssr::web::now_ms;

/// A merchant's note (a refusal, a return address): trimmed, one to
/// [`MAX_MERCHANT_NOTE`] characters, no control or invisible characters.
fn merchant_note(raw: &str) -> Option<String> {
    crate::address::note_text(raw)
        .filter(|t| !t.is_empty() && t.chars().count() <= MAX_MERCHANT_NOTE)
}

/// The merchant approves: a refund-only request is refunded now; a return waits for the
/// goods, sent to `return_to`. Answers the request's status.
pub async fn approve(
    state: &ShopState,
    admin: &CurrentAdmin,
    case_no: &str,
    return_to: &str,
) -> Result<CaseStatus, ShopError> {
    merchant_step(state, admin, case_no, Event::Approve, |case| {
        if case.kind != CaseKind::ReturnRefund {
            return Ok(CaseChanges::default());
        }
        let to = merchant_note(return_to)
            .ok_or_else(|| ShopError::Invalid(after_sales_t().err_return_to.to_owned()))?;
        Ok(CaseChanges {
            return_to: Some(to),
            ..CaseChanges::default()
        })
    })
    .await
}

/// The merchant refuses, with a reason the buyer reads.
pub async fn refuse(
    state: &ShopState,
    admin: &CurrentAdmin,
    case_no: &str,
    reason: &str,
) -> Result<CaseStatus, ShopError> {
    let reason = merchant_note(reason)
        .ok_or_else(|| ShopError::Invalid(after_sales_t().err_refusal.to_owned()))?;
    merchant_step(state, admin, case_no, Event::Refuse, move |_| {
        Ok(CaseChanges {
            refusal: Some(reason),
            ..CaseChanges::default()
        })
    })
    .await
}

/// The returned goods arrived: the refund goes out.
pub async fn goods_back(
    state: &ShopState,
    admin: &CurrentAdmin,
    case_no: &str,
) -> Result<CaseStatus, ShopError> {
    merchant_step(state, admin, case_no, Event::GoodsBack, |_| {
        Ok(CaseChanges::default())
    })
    .await
}

/// A refused refund is sent again (as a new refund: the gateway said no to the last one).
pub async fn retry(
    state: &ShopState,
    admin: &CurrentAdmin,
    case_no: &str,
) -> Result<CaseStatus, ShopError> {
    merchant_step(state, admin, case_no, Event::Retry, |_| {
        Ok(CaseChanges::default())
    })
    .await
}

/// One merchant step: under the order's lock, the changes `with` makes, a pending refund
/// when the move sends money, the move itself; then (after commit) the gateway is asked.
async fn merchant_step(
    state: &ShopState,
    admin: &CurrentAdmin,
    case_no: &str,
    event: Event,
    with: impl FnOnce(&CaseDbRow) -> Result<CaseChanges, ShopError>,
) -> Result<CaseStatus, ShopError> {
    let who = source(admin);
    let mut tx = state.db.begin_write().await?;
    let (case, order) = lock_case(&mut tx, &state.db, case_no).await?;
    let mut changes = with(&case)?;
    let mut detail = String::new();
    let refund = if Event::sends_refund(case.kind, case.status, event) {
        let (id, refund_no, amount) = open_refund(state, admin, &mut tx, &case, &order).await?;
        changes.refund_id = Some(id);
        detail = format!("{refund_no} {amount}");
        Some(id)
    } else {
        None
    };
    let step = Step {
        event,
        source: &who,
        detail: &detail,
        changes,
    };
    let applied = store::apply(&mut tx, &case, order.status, step).await?;
    tx.commit().await?;
    let Some(refund_id) = refund else {
        return Ok(applied.status());
    };
    tracing::info!(admin = %admin.username, case = %case_no, "after-sales refund requested");
    // Only the gateway's confirmation refunds the request (the refund transition moves it);
    // a timeout leaves it refunding, and the settlement job asks again.
    let settled = refunds::request(state, refund_id, &who).await?;
    tracing::info!(case = %case_no, refund = %settled.refund_no, status = ?settled.to, "after-sales refund answered");
    status_of(state, case.order_id, case_no).await
}

/// A pending refund for the request, recorded under the order's lock with a key of its own
/// (`after-sale-<case>-<n>`): what is left to refund caps it, and the staff limit applies
/// as on the refund form.
async fn open_refund(
    state: &ShopState,
    admin: &CurrentAdmin,
    tx: &mut Tx,
    case: &CaseDbRow,
    order: &orders::OrderRow,
) -> Result<(i64, String, Money), ShopError> {
    if order.payment_no.is_none() {
        return Err(ShopError::Invalid(admin_t().err_no_payment_no.to_owned()));
    }
    let claimed = refunds::claimed(tx, order.id).await?;
    let left = (order.total_minor - claimed.minor).max(0);
    if left <= 0 {
        return Err(ShopError::Conflict(
            after_sales_t().err_nothing_left.to_owned(),
        ));
    }
    if left < case.amount_minor {
        // Refunded in part meanwhile (the order's refund form): never less than the buyer
        // was promised without saying so.
        return Err(ShopError::Conflict((after_sales_t().err_less_left)(
            &Money::new(left, order.currency).to_string(),
        )));
    }
    let minor = case.amount_minor;
    let amount = Money::new(minor, order.currency);
    staff_may_refund(
        state,
        admin,
        &order.order_no,
        Money::new(claimed.minor + minor, order.currency),
    )?;
    let n = claimed.count + 1;
    let refund_no = format!("{}R{n}", order.order_no);
    let key = format!("{AFTER_SALE_KEY_PREFIX}{}-{n}", case.case_no);
    let reason = format!("{} {}", case.case_no, case.reason);
    // Nothing left to ship: an unshipped order refunded in full gets its stock back.
    let restock = order.status == OrderStatus::Paid && minor == left;
    let created = refunds::create(
        tx,
        &refunds::NewRefund {
            order_id: order.id,
            refund_no: &refund_no,
            amount_minor: minor,
            reason: &reason,
            admin: &admin.username,
            idempotency_key: &key,
            restock,
            first_check_at: refunds::first_check_at(state, now_ms()),
        },
    )
    .await?
    .ok_or_else(|| ShopError::Conflict(after_sales_t().err_moved_on.to_owned()))?;
    Ok((created, refund_no, amount))
}

async fn status_of(
    state: &ShopState,
    order_id: OrderId,
    case_no: &str,
) -> Result<CaseStatus, ShopError> {
    let code: String =
        sqlx::query_scalar("SELECT status FROM after_sales WHERE case_no = $1 AND order_id = $2")
            .bind(case_no)
            .bind(order_id)
            .fetch_one(state.db.pool())
            .await?;
    CaseStatus::from_code(&code).ok_or(ShopError::Internal)
}

/// One pass of the settlement job: closes approved returns not sent back within
/// `SHOP_RETURN_DAYS` of approval (at most 100 a pass, oldest first), with a reason in both
/// languages. Answers how many it closed. Safe with several app servers: each is decided
/// under its order's lock, and one the buyer sent back meanwhile is left alone.
pub async fn close_lapsed_returns(state: &ShopState) -> Result<usize, ShopError> {
    use crate::i18n::after_sales::{AFTER_SALES_EN, AFTER_SALES_ZH};
    let window = state.config.orders.return_window;
    let cutoff = now_ms().saturating_sub(i64::try_from(window.as_millis()).unwrap_or(i64::MAX));
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT case_no FROM after_sales WHERE status = $1 AND updated_at <= $2
         ORDER BY updated_at LIMIT 100",
    )
    .bind(CaseStatus::AwaitingReturn.code())
    .bind(cutoff)
    .fetch_all(state.db.pool())
    .await?;
    let days = window.as_secs().div_ceil(86_400);
    let reason = format!(
        "{} / {}",
        (AFTER_SALES_ZH.return_lapsed)(days),
        (AFTER_SALES_EN.return_lapsed)(days)
    );
    let mut closed = 0;
    for case_no in due {
        let mut tx = state.db.begin_write().await?;
        let (case, order) = lock_case(&mut tx, &state.db, &case_no).await?;
        let step = Step {
            event: Event::ReturnLapsed,
            source: "auto",
            detail: "",
            changes: CaseChanges {
                refusal: Some(reason.clone()),
                ..CaseChanges::default()
            },
        };
        match store::apply(&mut tx, &case, order.status, step).await {
            Ok(store::Applied::Moved { .. }) => {
                tx.commit().await?;
                closed += 1;
            }
            Ok(store::Applied::Unchanged(_)) => {}
            // Sent back (or withdrawn) since the query: not this pass's business.
            Err(ShopError::Conflict(_)) => {}
            Err(other) => {
                tracing::error!(case = %case_no, ?other, "closing a lapsed return failed")
            }
        }
    }
    Ok(closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchant_notes_are_plain() {
        assert_eq!(merchant_note("  "), None);
        assert_eq!(merchant_note("a\u{202E}b"), None);
        assert_eq!(
            merchant_note(&"退".repeat(MAX_MERCHANT_NOTE)).map(|n| n.chars().count()),
            Some(MAX_MERCHANT_NOTE)
        );
        assert_eq!(merchant_note(&"退".repeat(MAX_MERCHANT_NOTE + 1)), None);
    }
}
