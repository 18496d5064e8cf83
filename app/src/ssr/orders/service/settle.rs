//! Settling: a verified payment report moves its order, if it matches the order exactly.

use crate::buyer::Openid;
use crate::error::ShopError;
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::orders::machine::Event;
use crate::ssr::orders::store::{self, Applied, Changes, OrderRow};
use crate::ssr::pay::{PayStatus, PaymentReport, UnreadableAmount};
use crate::ssr::web::now_ms;

/// The order page asks while it waits for the payment: if the order is still open and was
/// not checked in the last two seconds, the gateway is queried right away.
pub async fn refresh(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    let status = row.status;
    if status != OrderStatus::AwaitingPayment {
        return Ok(status);
    }
    let now = now_ms();
    let claimed = sqlx::query(
        "UPDATE orders SET last_checked_at = $1
         WHERE id = $2 AND (last_checked_at IS NULL OR last_checked_at < $3)",
    )
    .bind(now)
    .bind(row.id)
    .bind(now - 2000)
    .execute(state.db.pool())
    .await?;
    if claimed.rows_affected() == 1 {
        match state.pay.query_payment(&row.order_no).await {
            Ok(Some(report)) => {
                if let Err(e) = settle(state, &report, "query").await {
                    tracing::warn!(order = %row.order_no, ?e, "query result not applied");
                }
            }
            Ok(None) => {}
            Err(err) => tracing::info!(order = %row.order_no, %err, "payment query failed"),
        }
    }
    current_status(state, order_no).await
}

/// Why a payment report was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettleError {
    UnknownOrder,
    /// Amount or currency differ from the stored order: never applied.
    Mismatch(String),
    /// The order's status does not allow this (e.g. `EXPIRED` for a paid order).
    Refused,
    Storage,
}

/// What a verified report did to its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Applied(Applied),
    /// A status with nothing to do (`INIT`, `FAIL`): recorded only.
    Noted,
}

/// Applies a verified payment report (from a notification or a query). The order must
/// exist and the amount and currency must equal the stored order's exactly.
pub async fn settle(
    state: &ShopState,
    report: &PaymentReport,
    source: &str,
) -> Result<Settled, SettleError> {
    let row = matching_order(state, report).await?;
    let event = match report.status() {
        PayStatus::Paid => Event::PaymentConfirmed,
        PayStatus::Expired => Event::Expire,
        PayStatus::Init | PayStatus::Fail => return Ok(Settled::Noted),
    };
    apply_report(state, &row, report, event, source).await
}

/// The order a payment report is about, if the report matches it: same order number,
/// exactly the same amount and currency, and (when the report names one) the same buyer.
pub async fn matching_order(
    state: &ShopState,
    report: &PaymentReport,
) -> Result<OrderRow, SettleError> {
    let row = store::by_no(&state.db, report.order_no())
        .await
        .map_err(|_| SettleError::Storage)?
        .ok_or(SettleError::UnknownOrder)?;
    check_amount(row.total(), report.amount())?;
    if let Some(openid) = report.openid().filter(|o| !o.is_empty()) {
        if openid != row.openid.as_str() {
            return Err(SettleError::Mismatch(format!(
                "paid by openid {openid}, but the order is {}'s",
                row.openid
            )));
        }
    }
    Ok(row)
}

async fn apply_report(
    state: &ShopState,
    row: &OrderRow,
    report: &PaymentReport,
    event: Event,
    source: &str,
) -> Result<Settled, SettleError> {
    let changes = Changes {
        payment_no: report.payment_no().map(str::to_owned),
        pay_currency: report.pay_currency().map(str::to_owned),
        pay_amount: report.pay_amount().map(str::to_owned),
        exchange_rate: report.exchange_rate().map(str::to_owned),
        trade_time: report.trade_time().map(str::to_owned),
        trade_type: report.trade_type().map(str::to_owned),
        ..Changes::default()
    };
    let paid = match report.amount() {
        Ok(money) => format!("{} {}", money.decimal(), money.currency),
        Err(unreadable) => format!("{unreadable:?}"),
    };
    let detail = format!(
        "{} {}{}",
        source,
        paid,
        report
            .payment_no()
            .map(|n| format!(" payment {n}"))
            .unwrap_or_default()
    );
    let mut tx = state
        .db
        .begin_write()
        .await
        .map_err(|_| SettleError::Storage)?;
    let applied = match store::apply(
        &mut tx,
        state.db.backend(),
        row.id,
        event,
        source,
        &detail,
        &changes,
    )
    .await
    {
        Ok(applied) => applied,
        Err(ShopError::OrderClosed) => return Err(SettleError::Refused),
        Err(_) => return Err(SettleError::Storage),
    };
    tx.commit().await.map_err(|e| {
        tracing::error!(%e, "commit of a settlement failed");
        SettleError::Storage
    })?;
    Ok(Settled::Applied(applied))
}

/// The reported amount must be the stored total exactly, in the same currency.
fn check_amount(
    stored: Money,
    reported: &Result<Money, UnreadableAmount>,
) -> Result<(), SettleError> {
    let mismatch = |why: String| Err(SettleError::Mismatch(why));
    match reported {
        Err(UnreadableAmount::UnknownCurrency(currency)) => {
            mismatch(format!("unknown currency `{currency}`"))
        }
        Err(UnreadableAmount::Malformed { currency, .. }) if *currency != stored.currency => {
            mismatch(format!(
                "currency {currency} but the order is in {}",
                stored.currency
            ))
        }
        Ok(paid) if paid.currency != stored.currency => mismatch(format!(
            "currency {} but the order is in {}",
            paid.currency, stored.currency
        )),
        Ok(paid) if *paid == stored => Ok(()),
        Ok(paid) => mismatch(format!(
            "amount {} but the order is {}",
            paid.decimal(),
            stored.decimal()
        )),
        Err(UnreadableAmount::Malformed { amount, .. }) => mismatch(format!(
            "amount {amount} but the order is {}",
            stored.decimal()
        )),
    }
}

/// The order's status as stored now.
pub(super) async fn current_status(
    state: &ShopState,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    Ok(store::by_no(&state.db, order_no)
        .await?
        .ok_or(ShopError::NotFound)?
        .status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::ssr::pay::read_amount;

    /// The gateway's text as the verifier reads it, then checked against the order.
    fn check_amount(stored: Money, amount: &str, currency: &str) -> Result<(), SettleError> {
        super::check_amount(stored, &read_amount(amount, currency))
    }

    #[test]
    fn amounts_must_match_exactly() {
        let stored = Money::new(3800, Currency::Hkd);
        assert_eq!(check_amount(stored, "38.00", "HKD"), Ok(()));
        assert_eq!(check_amount(stored, "38", "hkd"), Ok(()));
        assert!(check_amount(stored, "38.01", "HKD").is_err());
        assert!(check_amount(stored, "0.38", "HKD").is_err());
        assert!(check_amount(stored, "38.00", "CNY").is_err());
        assert!(check_amount(stored, "38.00", "XXX").is_err());
        assert!(check_amount(stored, "3800", "HKD").is_err());
    }
}
