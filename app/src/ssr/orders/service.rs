//! Checkout, paying again, cancelling and settling: the order store plus the gateway.
//! Every state change still goes through `store::apply`.

use super::machine::Event;
use super::store::{self, Applied, Changes, Created, NewOrder, OrderRow};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::money::{Currency, Money};
use crate::orders::{OrderStatus, PayParams};
use crate::ssr::context::ShopState;
use crate::ssr::db::now_ms;
use crate::ssr::pay::{GatewayError, PayStatus, PaymentReport, PlaceOrder};

/// WeChat keeps a prepay order payable for two hours; past this the shop stops handing out
/// the stored pay parameters.
pub const PREPAY_VALID_MS: i64 = 110 * 60 * 1000;

impl From<GatewayError> for ShopError {
    fn from(err: GatewayError) -> Self {
        match err {
            GatewayError::Refused { message, .. } if !message.trim().is_empty() => {
                ShopError::PaymentRefused(message.chars().take(120).collect())
            }
            _ => ShopError::PaymentUnavailable,
        }
    }
}

/// A random key for one rendered checkout button (32 hex characters).
pub fn new_checkout_key() -> Result<String, ShopError> {
    crate::ssr::session::random_hex(16)
}

fn pay_params(row: &OrderRow) -> PayParams {
    let live = row
        .placed_at
        .is_some_and(|t| now_ms() - t < PREPAY_VALID_MS);
    PayParams {
        order_no: row.order_no.clone(),
        js_param: row.js_param.clone().filter(|_| live),
    }
}

/// Places the buyer's cart as an order and returns the pay parameters. A second call with
/// the same `checkout_key` answers the first call's order instead of placing another.
pub async fn checkout(
    state: &ShopState,
    buyer: &Openid,
    checkout_key: &str,
    client_ip: &str,
) -> Result<PayParams, ShopError> {
    if checkout_key.len() < 16 || checkout_key.len() > 64 {
        return Err(ShopError::Request("bad checkout key".to_owned()));
    }
    let orders = &state.config.orders;
    let created = store::create_from_cart(
        &state.db,
        &NewOrder {
            buyer,
            checkout_key,
            currency: state.config.currency,
            provider: state.pay.name(),
            expires_in_ms: millis(orders.expiry),
            first_check_in_ms: millis(orders.check_after),
            max_unpaid: orders.max_unpaid,
        },
    )
    .await?;
    let row = match created {
        Created::Existing(row) => {
            if row.openid != buyer.as_str() {
                return Err(ShopError::SessionExpired);
            }
            tracing::info!(order = %row.order_no, "repeated checkout answered with its order");
            return Ok(pay_params(&row));
        }
        Created::New(row) => row,
    };
    place(state, &row, client_ip).await
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Places a pending order with the gateway. On any failure the order is cancelled and its
/// stock released: the buyer never received pay parameters, so nothing can have been paid
/// (and should the gateway still report a payment, `apply` records it as a late payment).
async fn place(state: &ShopState, row: &OrderRow, client_ip: &str) -> Result<PayParams, ShopError> {
    let notify_url = state
        .config
        .public_url
        .join("api/pay/notify")
        .map_err(|e| {
            tracing::error!(%e, "cannot build notify_url");
            ShopError::Internal
        })?;
    let request = PlaceOrder {
        order_no: row.order_no.clone(),
        amount: row.total()?,
        openid: row.openid.clone(),
        product_info: row.product_info.clone(),
        notify_url: notify_url.to_string(),
        client_ip: client_ip.to_owned(),
    };
    let backend = state.db.backend();
    match state.pay.place_order(&request).await {
        Ok(placed) => {
            let mut tx = state.db.begin_write().await?;
            let changes = Changes {
                js_param: Some(placed.js_param.clone()),
                payment_no: placed.payment_no,
                ..Changes::default()
            };
            let applied = store::apply(
                &mut tx,
                backend,
                row.id,
                Event::Placed,
                "checkout",
                "",
                &changes,
            )
            .await;
            match applied {
                Ok(_) => {
                    store::clear_ordered_lines(&mut tx, row.id, &row.openid).await?;
                    tx.commit().await?;
                    Ok(PayParams {
                        order_no: row.order_no.clone(),
                        js_param: Some(placed.js_param),
                    })
                }
                // Settled by a notification in the meantime: nothing left to pay.
                Err(ShopError::OrderClosed) => Ok(PayParams {
                    order_no: row.order_no.clone(),
                    js_param: None,
                }),
                Err(e) => Err(e),
            }
        }
        Err(err) => {
            tracing::warn!(order = %row.order_no, %err, "placing the order with the gateway failed");
            let mut tx = state.db.begin_write().await?;
            match store::apply(
                &mut tx,
                backend,
                row.id,
                Event::PlacementFailed,
                "checkout",
                &err.to_string(),
                &Changes::default(),
            )
            .await
            {
                Ok(_) | Err(ShopError::OrderClosed) => {}
                Err(e) => return Err(e),
            }
            // Free the page's checkout key, so pressing the button again places a new order
            // instead of finding this cancelled one.
            sqlx::query(
                "UPDATE orders SET checkout_key = checkout_key || '#' || order_no WHERE id = $1",
            )
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Err(err.into())
        }
    }
}

/// The pay parameters for paying an open order again (after the buyer cancelled or the pay
/// sheet failed): the same order and the same gateway order.
pub async fn pay_again(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<PayParams, ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    match row.status()? {
        OrderStatus::AwaitingPayment | OrderStatus::Pending => {
            let params = pay_params(&row);
            if row.status()? == OrderStatus::AwaitingPayment && params.js_param.is_none() {
                return Err(ShopError::OrderClosed);
            }
            Ok(params)
        }
        _ => Err(ShopError::OrderClosed),
    }
}

/// The buyer gives up an unpaid order; its stock goes back on sale. The gateway is asked
/// first, so an order paid a moment ago is settled as paid instead of cancelled.
pub async fn cancel(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    cancel_row(state, &row, "buyer").await
}

/// Cancels an unpaid order for the buyer or the merchant (`source`).
pub async fn cancel_row(
    state: &ShopState,
    row: &OrderRow,
    source: &str,
) -> Result<OrderStatus, ShopError> {
    if !row.status()?.is_payable() {
        return Err(ShopError::OrderClosed);
    }
    // Never cancel blind: an order the gateway cannot be asked about may have just been
    // paid. (Orders the gateway does not know can be cancelled: nothing can be paid on
    // them, and the settlement job keeps watching closed orders for late payments anyway.)
    match state.pay.query_payment(&row.order_no).await {
        Err(err) => {
            tracing::warn!(order = %row.order_no, %err, source, "cancel refused: the gateway could not be asked");
            return Err(ShopError::PaymentUncheckable);
        }
        Ok(Some(report)) if report.status == PayStatus::Paid => {
            settle(state, &report, "query").await.map_err(|e| {
                tracing::error!(order = %row.order_no, ?e, "a paid query result did not settle");
                ShopError::Internal
            })?;
            return current_status(state, &row.order_no).await;
        }
        Ok(_) => {}
    }
    let mut tx = state.db.begin_write().await?;
    store::apply(
        &mut tx,
        state.db.backend(),
        row.id,
        Event::Cancel,
        source,
        "",
        &Changes::default(),
    )
    .await?;
    tx.commit().await?;
    current_status(state, &row.order_no).await
}

async fn current_status(state: &ShopState, order_no: &str) -> Result<OrderStatus, ShopError> {
    store::by_no(&state.db, order_no)
        .await?
        .ok_or(ShopError::NotFound)?
        .status()
}

/// The order page asks while it waits for the payment: if the order is still open and was
/// not checked in the last two seconds, the gateway is queried right away.
pub async fn refresh(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<OrderStatus, ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    let status = row.status()?;
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
    let event = match report.status {
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
    let row = store::by_no(&state.db, &report.order_no)
        .await
        .map_err(|_| SettleError::Storage)?
        .ok_or(SettleError::UnknownOrder)?;
    let stored = row.total().map_err(|_| SettleError::Storage)?;
    check_amount(stored, &report.amount, &report.currency)?;
    if let Some(openid) = report.openid.as_deref().filter(|o| !o.is_empty()) {
        if openid != row.openid {
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
        payment_no: report.payment_no.clone(),
        pay_currency: report.pay_currency.clone(),
        pay_amount: report.pay_amount.clone(),
        exchange_rate: report.exchange_rate.clone(),
        trade_time: report.trade_time.clone(),
        trade_type: report.trade_type.clone(),
        ..Changes::default()
    };
    let detail = format!(
        "{} {} {}{}",
        source,
        report.amount,
        report.currency,
        report
            .payment_no
            .as_deref()
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

fn check_amount(stored: Money, amount: &str, currency: &str) -> Result<(), SettleError> {
    let Some(reported_currency) = Currency::from_code(currency.trim()) else {
        return Err(SettleError::Mismatch(format!(
            "unknown currency `{currency}`"
        )));
    };
    if reported_currency != stored.currency {
        return Err(SettleError::Mismatch(format!(
            "currency {currency} but the order is in {}",
            stored.currency
        )));
    }
    match Money::parse_decimal(amount.trim(), reported_currency) {
        Some(m) if m == stored => Ok(()),
        _ => Err(SettleError::Mismatch(format!(
            "amount {amount} but the order is {}",
            stored.decimal()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
