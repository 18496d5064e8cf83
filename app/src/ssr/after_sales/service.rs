//! What buyers do with after-sales requests: what they may ask for ([`offer`]), asking
//! ([`request`], photos included), withdrawing and sending a return back. Each step takes
//! the order's lock and goes through `store::apply`. The merchant's side is `merchant.rs`.

use super::machine::Event;
use super::photos::{self, Photo};
use super::store::{self, lock_case, CaseChanges, CaseDbRow, Step};
use crate::after_sales::{CaseKind, CaseOffer, CaseStatus, Reason, MAX_DESCRIPTION, MAX_PHOTOS};
use crate::buyer::Openid;
use crate::carriers::Carrier;
use crate::error::ShopError;
use crate::i18n::after_sales::after_sales_t;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::db::Tx;
use crate::ssr::orders::{refunds, store as orders};
use crate::ssr::web::now_ms;
use std::time::Duration;

/// Why an order cannot get a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// Not paid, already refunded, or the shop must refund it anyway.
    Status,
    /// Completed longer ago than `SHOP_AFTER_SALES_DAYS`.
    Window,
}

/// What the buyer may ask for on an order in `status` (completed at `completed_at`) at
/// `now`: refund only from paid, shipped or completed; a return only once it has shipped;
/// a completed order only within `window`.
pub fn kinds_for(
    status: OrderStatus,
    completed_at: Option<i64>,
    now: i64,
    window: Duration,
) -> Result<Vec<CaseKind>, Ineligible> {
    match status {
        OrderStatus::Paid => Ok(vec![CaseKind::RefundOnly]),
        OrderStatus::Shipped => Ok(CaseKind::ALL.to_vec()),
        OrderStatus::Completed => {
            let window = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
            match completed_at {
                Some(at) if now.saturating_sub(at) <= window => Ok(CaseKind::ALL.to_vec()),
                _ => Err(Ineligible::Window),
            }
        }
        _ => Err(Ineligible::Status),
    }
}

fn ineligible(state: &ShopState, why: Ineligible) -> ShopError {
    let s = after_sales_t();
    match why {
        Ineligible::Status => ShopError::Conflict(s.err_not_eligible.to_owned()),
        Ineligible::Window => ShopError::Conflict((s.err_window)(
            state.config.orders.after_sales.as_secs().div_ceil(86_400),
        )),
    }
}

/// What is left to refund on a locked order, in minor units.
pub(super) async fn remaining(tx: &mut Tx, order: &orders::OrderRow) -> Result<i64, ShopError> {
    let claimed = refunds::claimed(tx, order.id).await?;
    Ok((order.total_minor - claimed.minor).max(0))
}

/// Requests one order may have in all (refused, withdrawn and refunded ones included): a
/// buyer cannot ask, withdraw and ask again without end.
pub const MAX_PER_ORDER: i64 = 5;

/// Checks that the buyer may open a request on the order now (under the order's lock when
/// it matters: the request checks again there); answers the kinds allowed and what is left
/// to refund.
async fn may_ask(
    state: &ShopState,
    tx: &mut Tx,
    order: &orders::OrderRow,
) -> Result<(Vec<CaseKind>, i64), ShopError> {
    let completed_at = store::completed_at(tx, order.id).await?;
    let kinds = kinds_for(
        order.status,
        completed_at,
        now_ms(),
        state.config.orders.after_sales,
    )
    .map_err(|why| ineligible(state, why))?;
    if store::open_case(tx, order.id).await?.is_some() {
        return Err(ShopError::Conflict(after_sales_t().err_open.to_owned()));
    }
    let asked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM after_sales WHERE order_id = $1")
        .bind(order.id)
        .fetch_one(&mut **tx)
        .await?;
    if asked >= MAX_PER_ORDER {
        return Err(ShopError::Conflict(after_sales_t().err_too_many.to_owned()));
    }
    let left = remaining(tx, order).await?;
    if left <= 0 {
        return Err(ineligible(state, Ineligible::Status));
    }
    Ok((kinds, left))
}

/// What the request form offers on one of the buyer's orders (or why it cannot be asked).
pub async fn offer(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<CaseOffer, ShopError> {
    let order = orders::for_buyer(&state.db, buyer, order_no).await?;
    // A read (no write lock): the request checks again under the order's lock.
    let mut tx = state.db.pool().begin().await?;
    let (kinds, left) = may_ask(state, &mut tx, &order).await?;
    drop(tx);
    Ok(CaseOffer {
        order_no: order.order_no.clone(),
        kinds,
        max_amount: Money::new(left, order.currency),
    })
}

/// The request form as posted.
#[derive(Debug, Clone, Default)]
pub struct CaseForm {
    pub kind: String,
    pub reason: String,
    /// A decimal in the order's currency; empty: everything still refundable.
    pub amount: String,
    pub description: String,
}

/// The form's fields checked, before any photo is looked at.
struct Checked {
    kind: CaseKind,
    reason: Reason,
    amount: Option<Money>,
    description: String,
}

fn check_form(form: &CaseForm, order: &orders::OrderRow, left: i64) -> Result<Checked, ShopError> {
    let s = after_sales_t();
    let kind = CaseKind::from_code(form.kind.trim())
        .ok_or_else(|| ShopError::Invalid(s.err_kind.to_owned()))?;
    let reason = Reason::from_code(form.reason.trim())
        .ok_or_else(|| ShopError::Invalid(s.err_reason.to_owned()))?;
    let description = crate::address::note_text(&form.description)
        .filter(|d| d.chars().count() <= MAX_DESCRIPTION)
        .ok_or_else(|| ShopError::Invalid(s.err_description.to_owned()))?;
    let amount = match form.amount.trim() {
        "" => None,
        raw => Some(
            Money::parse_decimal(raw, order.currency)
                .filter(|m| m.minor > 0 && m.minor <= left)
                .ok_or_else(|| {
                    ShopError::Invalid((s.err_amount)(
                        &Money::new(left, order.currency).to_string(),
                    ))
                })?,
        ),
    };
    Ok(Checked {
        kind,
        reason,
        amount,
        description,
    })
}

/// Opens a request on one of the buyer's orders, with up to [`MAX_PHOTOS`] photos (each
/// decoded and re-encoded like a product image). Answers the request's number.
pub async fn request(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
    form: &CaseForm,
    uploads: Vec<Vec<u8>>,
) -> Result<String, ShopError> {
    let s = after_sales_t();
    let row = orders::for_buyer(&state.db, buyer, order_no).await?;
    if uploads.len() > MAX_PHOTOS {
        return Err(ShopError::Invalid(s.err_photos.to_owned()));
    }
    // Everything but the pixels is checked before a photo is decoded (decoding is slow, and
    // a refused request must leave nothing behind); the order's lock is taken only to write.
    let (kinds, left) = {
        let mut tx = state.db.pool().begin().await?;
        may_ask(state, &mut tx, &row).await?
    };
    let checked = check_form(form, &row, left)?;
    if !kinds.contains(&checked.kind) {
        return Err(ShopError::Invalid(s.err_kind.to_owned()));
    }
    let mut stored: Vec<Photo> = Vec::with_capacity(uploads.len());
    for bytes in uploads {
        match photos::store(state, bytes).await {
            Ok(p) => stored.push(p),
            Err(e) => {
                photos::remove(state, &stored).await;
                return Err(e);
            }
        }
    }
    let written = open_case(state, &row, &checked, &stored).await;
    if written.is_err() {
        photos::remove(state, &stored).await;
    }
    written
}

/// Records the request and its photos under the order's lock, after checking again.
async fn open_case(
    state: &ShopState,
    row: &orders::OrderRow,
    checked: &Checked,
    stored: &[Photo],
) -> Result<String, ShopError> {
    let s = after_sales_t();
    let mut tx = state.db.begin_write().await?;
    let order = orders::lock_order(&mut tx, state.db.backend(), row.id).await?;
    let (kinds, left) = may_ask(state, &mut tx, &order).await?;
    if !kinds.contains(&checked.kind) {
        return Err(ShopError::Invalid(s.err_kind.to_owned()));
    }
    let minor = checked.amount.map_or(left, |m| m.minor);
    if minor > left {
        return Err(ShopError::Invalid((s.err_amount)(
            &Money::new(left, order.currency).to_string(),
        )));
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM after_sales WHERE order_id = $1")
        .bind(order.id)
        .fetch_one(&mut *tx)
        .await?;
    let case_no = format!("{}S{}", order.order_no, count + 1);
    let now = now_ms();
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO after_sales (case_no, order_id, kind, status, reason, description,
             amount_minor, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(&case_no)
    .bind(order.id)
    .bind(checked.kind.code())
    .bind(CaseStatus::Requested.code())
    .bind(checked.reason.code())
    .bind(&checked.description)
    .bind(minor)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let case_id = match inserted {
        Ok(id) => id,
        // The one-open-request index: another request won the race.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ShopError::Conflict(s.err_open.to_owned()))
        }
        Err(e) => return Err(e.into()),
    };
    for (i, p) in stored.iter().enumerate() {
        sqlx::query(
            "INSERT INTO after_sale_photos (after_sale_id, url, thumb_url, width, height, sort_order)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(case_id)
        .bind(&p.url)
        .bind(&p.thumb_url)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .bind(i64::try_from(i).unwrap_or(0))
        .execute(&mut *tx)
        .await?;
    }
    let detail = format!(
        "{case_no} {} {} {}",
        checked.kind.code(),
        checked.reason.code(),
        Money::new(minor, order.currency)
    );
    orders::note_event(
        &mut tx,
        order.id,
        order.status,
        &CaseStatus::Requested.step_event(),
        "buyer",
        &detail,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(case = %case_no, kind = checked.kind.code(), amount = minor, photos = stored.len(), "after-sales requested");
    Ok(case_no)
}

/// A request of the buyer's, under its order's lock; someone else's is `NotFound`.
async fn buyers_case(
    state: &ShopState,
    tx: &mut Tx,
    buyer: &Openid,
    case_no: &str,
) -> Result<(CaseDbRow, orders::OrderRow), ShopError> {
    // Whose it is, before anything is locked.
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT o.openid FROM after_sales a JOIN orders o ON o.id = a.order_id WHERE a.case_no = $1",
    )
    .bind(case_no)
    .fetch_optional(&mut **tx)
    .await?;
    if owner.as_deref() != Some(buyer.as_str()) {
        return Err(ShopError::NotFound);
    }
    let (case, order) = lock_case(tx, &state.db, case_no).await?;
    if &order.openid != buyer {
        return Err(ShopError::NotFound);
    }
    Ok((case, order))
}

/// The buyer takes a request back (before anything was sent). Answers the order's number.
pub async fn withdraw(
    state: &ShopState,
    buyer: &Openid,
    case_no: &str,
) -> Result<String, ShopError> {
    let mut tx = state.db.begin_write().await?;
    let (case, order) = buyers_case(state, &mut tx, buyer, case_no).await?;
    let step = Step {
        event: Event::Withdraw,
        source: "buyer",
        detail: "",
        changes: CaseChanges::default(),
    };
    store::apply(&mut tx, &case, order.status, step).await?;
    tx.commit().await?;
    Ok(order.order_no)
}

/// The buyer sent the goods back: the carrier (a [`Carrier::code`]) and tracking number.
/// Answers the order's number.
pub async fn send_back(
    state: &ShopState,
    buyer: &Openid,
    case_no: &str,
    carrier: &str,
    tracking_no: &str,
) -> Result<String, ShopError> {
    let s = after_sales_t();
    let carrier = Carrier::from_code(carrier.trim())
        .ok_or_else(|| ShopError::Invalid(s.err_carrier.to_owned()))?;
    let tracking_no = crate::carriers::tracking_no(tracking_no)
        .ok_or_else(|| ShopError::Invalid(s.err_tracking.to_owned()))?;
    let mut tx = state.db.begin_write().await?;
    let (case, order) = buyers_case(state, &mut tx, buyer, case_no).await?;
    let detail = format!("{} {tracking_no}", carrier.code());
    let step = Step {
        event: Event::SendBack,
        source: "buyer",
        detail: &detail,
        changes: CaseChanges {
            return_carrier: Some(carrier.code().to_owned()),
            return_tracking_no: Some(tracking_no),
            ..CaseChanges::default()
        },
    };
    store::apply(&mut tx, &case, order.status, step).await?;
    tx.commit().await?;
    Ok(order.order_no)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn what_a_buyer_may_ask_for_follows_the_order() {
        let week = Duration::from_secs(7 * 86_400);
        let now = 100 * DAY;
        assert_eq!(
            kinds_for(OrderStatus::Paid, None, now, week),
            Ok(vec![CaseKind::RefundOnly])
        );
        assert_eq!(
            kinds_for(OrderStatus::Shipped, None, now, week),
            Ok(CaseKind::ALL.to_vec())
        );
        assert_eq!(
            kinds_for(OrderStatus::Completed, Some(now - 7 * DAY), now, week),
            Ok(CaseKind::ALL.to_vec())
        );
        assert_eq!(
            kinds_for(OrderStatus::Completed, Some(now - 7 * DAY - 1), now, week),
            Err(Ineligible::Window)
        );
        assert_eq!(
            kinds_for(OrderStatus::Completed, None, now, week),
            Err(Ineligible::Window)
        );
        for status in [
            OrderStatus::Pending,
            OrderStatus::AwaitingPayment,
            OrderStatus::Cancelled,
            OrderStatus::Expired,
            OrderStatus::RefundPending,
            OrderStatus::Refunded,
        ] {
            assert_eq!(kinds_for(status, None, now, week), Err(Ineligible::Status));
        }
    }
}
