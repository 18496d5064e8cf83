//! Signed notifications, as UseePay sends them: a form `POST` to the transaction's
//! `notifyUrl` when a payment succeeds or closes, or a refund settles; at once, then again
//! after 1, 3, 5, 10, 15, 15, 30 minutes and 1 hour until the merchant answers HTTP 200,
//! each delay multiplied by `SANDBOX_TIME_SCALE`. Closing a lapsed payment and settling a
//! refund happen on timers here, so their notifications go out without anyone asking.

use super::state::{Delivery, Gateway};
use crate::clock::now_ms;
use crate::faults::{Faults, NotifyFault};
use app::ssr::pay::useepay::protocol::{ResultCode, SignType, VERSION};
use std::sync::Arc;
use std::time::Duration;

pub const RETRY_SCHEDULE_SECS: [u64; 8] = [60, 180, 300, 600, 900, 900, 1800, 3600];

/// What a notification is about.
#[derive(Debug, Clone)]
pub enum Subject {
    Payment(String),
    Refund(String),
}

type Fields = Vec<(String, String)>;

fn s(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_owned(), v.into())
}

/// The notification's URL, unsigned fields, signature type and buyer, as things are now.
fn unsigned(gw: &Gateway, subject: &Subject) -> Option<(String, Fields, SignType, String)> {
    let inner = gw.lock();
    let merchant = gw.settings.useepay.merchant_no.clone();
    match subject {
        Subject::Payment(id) => {
            let p = inner.payments.get(id)?;
            Some((
                p.notify_url.clone(),
                vec![
                    s("version", VERSION),
                    s("merchantNo", merchant),
                    s("transactionType", "pay"),
                    s("transactionId", &p.transaction_id),
                    s("reference", &p.reference),
                    s("amount", p.amount_minor.to_string()),
                    s("currency", &p.currency),
                    s("resultCode", p.result.code()),
                    s("errorCode", ""),
                    s("errorMsg", ""),
                    s("echoParam", ""),
                ],
                p.sign_type,
                p.openid.clone(),
            ))
        }
        Subject::Refund(id) => {
            let r = inner.refunds.get(id)?;
            Some((
                r.notify_url.clone(),
                vec![
                    s("version", VERSION),
                    s("merchantNo", merchant),
                    s("transactionType", "refund"),
                    s("transactionId", &r.transaction_id),
                    s("originalTransactionId", &r.original_transaction_id),
                    s("reference", &r.reference),
                    s("amount", r.amount_minor.to_string()),
                    s("currency", &r.currency),
                    s("resultCode", inner.refund_result(r).code()),
                    s("errorCode", ""),
                    s("errorMsg", ""),
                ],
                r.sign_type,
                r.openid.clone(),
            ))
        }
    }
}

/// Signs `fields` for a merchant of `sign_type` and posts them once: the shop's HTTP status
/// (none on a transport error) and body.
pub async fn send_once(
    gw: &Gateway,
    url: &str,
    fields: Fields,
    sign_type: SignType,
) -> (Option<u16>, String) {
    let Ok(signed) = gw.signer(sign_type).signed(fields) else {
        return (None, "signing failed".to_owned());
    };
    match gw.http.post(url).form(&signed).send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            (Some(status), res.text().await.unwrap_or_default())
        }
        Err(err) => (None, format!("transport error: {}", err.without_url())),
    }
}

/// The notification for `subject`, with retries, until acknowledged.
pub fn spawn(gw: Arc<Gateway>, subject: Subject) {
    tokio::spawn(async move {
        let Some((_, _, _, openid)) = unsigned(&gw, &subject) else {
            return;
        };
        let faults = {
            let f = gw.lock().faults.clone();
            if f.applies_to(&openid) {
                f
            } else {
                Faults::default()
            }
        };
        if faults.notify == NotifyFault::Drop {
            tracing::info!(?subject, "UseePay notification dropped (fault knob)");
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
            let Some((url, fields, sign_type, _)) = unsigned(&gw, &subject) else {
                return;
            };
            if url.is_empty() {
                return;
            }
            let copies = faults.notify_copies.clamp(1, 100);
            let sends = (0..copies).map(|_| send_once(&gw, &url, fields.clone(), sign_type));
            let results = futures_util::future::join_all(sends).await;
            let acknowledged = results.iter().any(|(status, _)| *status == Some(200));
            let records: Vec<Delivery> = results
                .into_iter()
                .map(|(status, body)| Delivery {
                    attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
                    at_ms: now_ms(),
                    http_status: status,
                    body: body.chars().take(200).collect(),
                })
                .collect();
            {
                let mut inner = gw.lock();
                match &subject {
                    Subject::Payment(id) => {
                        if let Some(p) = inner.payments.get_mut(id) {
                            p.deliveries.extend(records);
                            p.acknowledged |= acknowledged;
                        }
                    }
                    Subject::Refund(id) => {
                        if let Some(r) = inner.refunds.get_mut(id) {
                            r.deliveries.extend(records);
                        }
                    }
                }
            }
            if acknowledged {
                tracing::info!(?subject, attempt, "UseePay notification acknowledged");
                return;
            }
        }
        tracing::warn!(?subject, "UseePay notification retries exhausted");
    });
}

fn until(at_ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(at_ms - now_ms()).unwrap_or(0))
}

/// Closes an unpaid payment when its expiration time comes, and notifies `closed`.
pub fn close_when_lapsed(gw: Arc<Gateway>, id: String, expires_at_ms: i64) {
    tokio::spawn(async move {
        tokio::time::sleep(until(expires_at_ms)).await;
        let lapsed = gw.lock().payment_mut(&id).is_some_and(|(_, lapsed)| lapsed);
        if lapsed {
            spawn(gw, Subject::Payment(id));
        }
    });
}

/// Notifies a refund's outcome once it settles (not while a fault holds it pending).
pub fn settle_refund_later(gw: Arc<Gateway>, id: String, settle_at_ms: i64) {
    tokio::spawn(async move {
        tokio::time::sleep(until(settle_at_ms)).await;
        let settled = {
            let inner = gw.lock();
            inner
                .refunds
                .get(&id)
                .is_some_and(|r| inner.refund_result(r) == ResultCode::Succeed)
        };
        if settled {
            spawn(gw, Subject::Refund(id));
        }
    });
}

/// One correctly signed notification for payment `id` claiming `result`, whatever the
/// ledger says: what another merchant of the same gateway could produce.
pub async fn forged(gw: &Gateway, id: &str, result: &str) -> Option<(Option<u16>, String)> {
    let (url, fields, sign_type, _) = unsigned(gw, &Subject::Payment(id.to_owned()))?;
    let fields = fields
        .into_iter()
        .map(|(k, v)| {
            if k == "resultCode" {
                (k, result.to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    Some(send_once(gw, &url, fields, sign_type).await)
}
