//! Signed payment notifications, sent after Pay on the gateway's retry schedule until the
//! merchant answers `200 success`: at once, then after 1s, 2s, 4s, 8s, 60s, 60s, 60s, 600s,
//! 600s and 1800s (ten retries), each delay multiplied by `SANDBOX_TIME_SCALE`.

use super::state::{Delivery, Faults, Gateway, NotifyFault, Payment};
use crate::clock::now_ms;
use app::money::Currency;
use app::ssr::pay::wisecashier::protocol::{
    encode_params, notification_string_to_verify, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    NOTIFICATION_ACK,
};
use std::sync::Arc;
use std::time::Duration;

pub const RETRY_SCHEDULE_SECS: [u64; 10] = [1, 2, 4, 8, 60, 60, 60, 600, 600, 1800];

pub fn spawn_deliveries(gw: Arc<Gateway>, order_no: String) {
    tokio::spawn(async move {
        let (faults, openid) = {
            let inner = gw.lock();
            let openid = inner
                .payments
                .get(&order_no)
                .map(|p| p.openid.clone())
                .unwrap_or_default();
            (inner.faults.clone(), openid)
        };
        let faults = if faults.applies_to(&openid) {
            faults
        } else {
            Faults::default()
        };
        if faults.notify == NotifyFault::Drop {
            tracing::info!(order_no, "notification dropped (fault knob)");
            return;
        }
        tokio::time::sleep(
            gw.settings
                .scaled(Duration::from_millis(faults.notify_delay_ms)),
        )
        .await;
        for attempt in 0..=RETRY_SCHEDULE_SECS.len() {
            if attempt > 0 {
                let wait = Duration::from_secs(RETRY_SCHEDULE_SECS[attempt - 1]);
                tokio::time::sleep(gw.settings.scaled(wait)).await;
            }
            let Some((url, body, timestamp, signature)) = prepare(&gw, &order_no) else {
                return;
            };
            let copies = faults.notify_copies.clamp(1, 100);
            let sends = (0..copies).map(|_| {
                gw.http
                    .post(&url)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(HEADER_TIMESTAMP, &timestamp)
                    .header(HEADER_SIGNATURE, &signature)
                    .body(body.clone())
                    .send()
            });
            let results = futures_util::future::join_all(sends).await;
            let mut acknowledged = false;
            let mut records = Vec::new();
            for result in results {
                let (status, text) = match result {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        (Some(status), res.text().await.unwrap_or_default())
                    }
                    Err(err) => (None, format!("transport error: {}", err.without_url())),
                };
                acknowledged |= status == Some(200) && text.trim() == NOTIFICATION_ACK;
                records.push(Delivery {
                    attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
                    at_ms: now_ms(),
                    http_status: status,
                    body: text.chars().take(200).collect(),
                });
            }
            {
                let mut inner = gw.lock();
                if let Some(p) = inner.payments.get_mut(&order_no) {
                    p.deliveries.extend(records);
                    p.acknowledged |= acknowledged;
                }
            }
            if acknowledged {
                tracing::info!(order_no, attempt, "notification acknowledged");
                return;
            }
            tracing::info!(
                order_no,
                attempt,
                "notification not acknowledged; will retry"
            );
        }
        tracing::warn!(order_no, "notification retries exhausted");
    });
}

/// The URL, the form body, its Timestamp and its Signature, over the payment as it is now.
pub(super) fn prepare(gw: &Gateway, order_no: &str) -> Option<(String, String, String, String)> {
    let p = gw.lock().payments.get(order_no).cloned()?;
    if p.notify_url.is_empty() {
        return None;
    }
    let fields = notification_fields(gw, &p);
    let timestamp = (now_ms() / 1000).to_string();
    let signature = gw
        .settings
        .wisecashier
        .gateway_key
        .sign(&notification_string_to_verify(&fields, &timestamp))
        .ok()?;
    Some((p.notify_url, encode_params(&fields), timestamp, signature))
}

/// Integer-only CNY conversion for `pay_amount`: `minor` of `currency` at `rate` (RMB per
/// unit, a decimal string).
fn cny_amount(minor: i64, currency: &str, rate: &str) -> String {
    let exp = Currency::from_code(currency)
        .map(|c| c.exponent())
        .unwrap_or(2);
    let (whole, frac) = rate.split_once('.').unwrap_or((rate, ""));
    let frac4: String = frac.chars().chain("0000".chars()).take(4).collect();
    let rate_e4: i64 = format!("{whole}{frac4}").parse().unwrap_or(10_000);
    // fen = minor * 10^(2-exp) * rate / 10^4, rounded half up
    let scaled = i128::from(minor) * 10i128.pow(2 - exp.min(2)) * i128::from(rate_e4);
    let fen = (scaled + 5_000) / 10_000;
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The notification's fields for a payment (old spellings: `no`, `agent_order_id`).
pub fn notification_fields(gw: &Gateway, p: &Payment) -> Vec<(String, String)> {
    let (rate, pay_currency, pay_amount) = if p.currency == "CNY" {
        ("1.0000".to_owned(), "CNY".to_owned(), p.amount.clone())
    } else {
        (
            gw.settings.wisecashier.exchange_rate.clone(),
            "CNY".to_owned(),
            cny_amount(
                p.amount_minor,
                &p.currency,
                &gw.settings.wisecashier.exchange_rate,
            ),
        )
    };
    let mut fields = vec![
        ("status", p.status.code().to_owned()),
        ("openid", p.openid.clone()),
        ("trade_type", "JSAPI".to_owned()),
        ("exchange_rate", rate),
        ("no", p.payment_no.clone()),
        ("currency", p.currency.clone()),
        ("amount", p.amount.clone()),
        ("pay_currency", pay_currency),
        ("pay_amount", pay_amount),
        ("agent_order_id", p.order_no.clone()),
    ];
    if let Some(t) = &p.trade_time {
        fields.push(("trade_time", t.clone()));
    }
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn cny_conversion_is_integer_exact() {
        assert_eq!(super::cny_amount(3800, "HKD", "0.92"), "34.96");
        assert_eq!(super::cny_amount(1, "HKD", "0.92"), "0.01");
        assert_eq!(super::cny_amount(1000, "JPY", "0.0485"), "48.50");
    }
}
