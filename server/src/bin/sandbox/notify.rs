//! Signed payment notifications, sent after Pay on the gateway's retry schedule until the
//! merchant answers `200 success`: at once, then after 1s, 2s, 4s, 8s, 60s, 60s, 60s, 600s,
//! 600s and 1800s (ten retries), each delay multiplied by `SANDBOX_TIME_SCALE`.

use crate::api::notification_fields;
use crate::state::{now_ms, Delivery, NotifyFault, Sandbox};
use app::ssr::pay::signing::notification_string_to_verify;
use app::ssr::pay::wisecashier::encode_params;
use std::sync::Arc;
use std::time::Duration;

pub const RETRY_SCHEDULE_SECS: [u64; 10] = [1, 2, 4, 8, 60, 60, 60, 600, 600, 1800];

pub fn spawn_deliveries(sb: Arc<Sandbox>, order_no: String) {
    tokio::spawn(async move {
        let (faults, openid) = {
            let inner = sb.lock();
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
            crate::state::Faults::default()
        };
        if faults.notify == NotifyFault::Drop {
            tracing::info!(order_no, "notification dropped (fault knob)");
            return;
        }
        tokio::time::sleep(
            sb.settings
                .scaled(Duration::from_millis(faults.notify_delay_ms)),
        )
        .await;
        for attempt in 0..=RETRY_SCHEDULE_SECS.len() {
            if attempt > 0 {
                let wait = Duration::from_secs(RETRY_SCHEDULE_SECS[attempt - 1]);
                tokio::time::sleep(sb.settings.scaled(wait)).await;
            }
            let Some((url, body, timestamp, signature)) = prepare(&sb, &order_no) else {
                return;
            };
            let copies = faults.notify_copies.clamp(1, 100);
            let sends = (0..copies).map(|_| {
                sb.http
                    .post(&url)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Timestamp", &timestamp)
                    .header("Signature", &signature)
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
                acknowledged |= status == Some(200) && text.trim() == "success";
                records.push(Delivery {
                    attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
                    at_ms: now_ms(),
                    http_status: status,
                    body: text.chars().take(200).collect(),
                });
            }
            {
                let mut inner = sb.lock();
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
fn prepare(sb: &Sandbox, order_no: &str) -> Option<(String, String, String, String)> {
    let p = sb.lock().payments.get(order_no).cloned()?;
    if p.notify_url.is_empty() {
        return None;
    }
    let fields = notification_fields(sb, &p);
    let timestamp = (now_ms() / 1000).to_string();
    let signature = sb
        .settings
        .gateway_key
        .sign(&notification_string_to_verify(&fields, &timestamp))
        .ok()?;
    Some((p.notify_url, encode_params(&fields), timestamp, signature))
}
