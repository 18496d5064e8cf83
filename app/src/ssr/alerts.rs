//! New-order alerts: when an order is paid, the merchant hears about it on a webhook
//! (`SHOP_ALERT_WEBHOOK_URL`), a WeCom group robot or any receiver of plain JSON.
//!
//! The payment's transaction writes an `alert_outbox` row ([`enqueue`], called by
//! `store::apply`); a worker of its own ([`spawn`]) sends due rows, so a slow or failing
//! webhook never holds up settlement, and an alert survives a restart. A server claims a
//! row with a compare-and-set on `next_attempt_at` (a lease), so with several app servers
//! each alert is sent by one of them; failures are retried with backoff
//! (`SHOP_ALERT_RETRY_SECS`, 30 s, doubling to an hour), and after [`MAX_ATTEMPTS`] the
//! alert is marked `failed` and logged. Delivery
//! is at least once: a server that dies between the receiver's "ok" and marking the row
//! sent sends it again after the lease.

use crate::error::ShopError;
use crate::ids::OrderId;
use crate::orders::OrderDetail;
use crate::ssr::config::AlertFormat;
use crate::ssr::context::ShopState;
use crate::ssr::db::Tx;
use crate::ssr::orders::store;
use crate::ssr::web::now_ms;
use serde_json::{json, Value};
use std::time::Duration;

/// The kind of alert a paid order gets.
pub const ORDER_PAID: &str = "order_paid";
/// Attempts before an alert is given up (about a day with the backoff).
pub const MAX_ATTEMPTS: i64 = 30;
/// How long a claimed alert is left to its server before another may try it (three times
/// the webhook's timeout).
const LEASE_MS: i64 = 15_000;
const DUE_PER_PASS: i64 = 20;

/// Queues an alert for `order_id` in the caller's transaction; a second one of the same
/// kind for the same order is ignored.
pub async fn enqueue(
    tx: &mut Tx,
    order_id: OrderId,
    kind: &str,
    now: i64,
) -> Result<(), ShopError> {
    sqlx::query(
        "INSERT INTO alert_outbox (order_id, kind, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $3) ON CONFLICT (order_id, kind) DO NOTHING",
    )
    .bind(order_id)
    .bind(kind)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The wait before attempt `attempts + 1`: `base_ms`, doubling, at most an hour.
pub fn backoff_ms(base_ms: i64, attempts: i64) -> i64 {
    (base_ms.max(1) << attempts.clamp(0, 12)).min(3_600_000)
}

/// Buyer-typed text as plain text in a WeCom markdown message: no links, tags, emphasis or
/// line breaks of its own, at most `max` characters (the robot refuses over 4096 bytes).
fn plain(text: &str, max: usize) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            '[' | ']' | '(' | ')' | '<' | '>' | '*' | '`' | '#' | '_' | '~' => ' ',
            c => c,
        })
        .take(max)
        .collect()
}

/// The alert's body for `format`.
pub fn message(format: AlertFormat, shop_name: &str, order: &OrderDetail) -> Value {
    let s = &order.summary;
    let items: Vec<String> = order
        .lines
        .iter()
        .map(|l| format!("{} × {}", l.name(), l.quantity))
        .collect();
    let to = order.ship_to.as_ref();
    match format {
        AlertFormat::WeCom => {
            let mut shown: Vec<String> = items.iter().take(10).map(|i| plain(i, 60)).collect();
            if items.len() > 10 {
                shown.push(format!("…（共 {} 种）", items.len()));
            }
            let mut text = format!(
                "**{}：新订单已支付**\n> 订单号：{}\n> 金额：<font color=\"warning\">{}</font>\n> 商品：{}",
                plain(shop_name, 40),
                s.order_no,
                s.total,
                shown.join("，")
            );
            if let Some(to) = to {
                text.push_str(&format!(
                    "\n> 收货人：{} {}",
                    plain(&to.recipient, 25),
                    plain(&to.region, 40)
                ));
            }
            if !order.remark.is_empty() {
                text.push_str(&format!("\n> 备注：{}", plain(&order.remark, 200)));
            }
            json!({ "msgtype": "markdown", "markdown": { "content": text } })
        }
        AlertFormat::Json => json!({
            "event": "order.paid",
            "shop": shop_name,
            "order_no": s.order_no,
            "status": s.status.code(),
            "currency": s.total.currency.code(),
            "total_minor": s.total.minor,
            "total": s.total.decimal(),
            "items": order.lines.iter().map(|l| json!({
                "title": l.title,
                "options": l.option_text,
                "quantity": l.quantity,
            })).collect::<Vec<_>>(),
            "recipient": to.map(|t| t.recipient.clone()),
            "region": to.map(|t| t.region.clone()),
            "remark": order.remark,
            "paid_at_ms": order.paid_at_ms,
        }),
    }
}

/// Whether the receiver took the alert: any 2xx, and for WeCom also `errcode` 0 (the robot
/// answers 200 with an error code when it refuses).
fn accepted(format: AlertFormat, status: reqwest::StatusCode, body: &str) -> Result<(), String> {
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    if format == AlertFormat::WeCom {
        let code = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v.get("errcode").and_then(Value::as_i64));
        if code != Some(0) {
            let shown: String = body.chars().take(200).collect();
            return Err(format!("WeCom refused: {shown}"));
        }
    }
    Ok(())
}

async fn send(
    state: &ShopState,
    url: &str,
    format: AlertFormat,
    order_id: OrderId,
) -> Result<(), String> {
    let row = store::by_id(&state.db, order_id)
        .await
        .map_err(|e| format!("order: {e}"))?
        .ok_or("the order is gone")?;
    let order = store::detail(&state.db, &row)
        .await
        .map_err(|e| format!("order: {e}"))?;
    let body = message(format, &state.config.shop_name, &order);
    let res = state
        .http
        .post(url)
        .timeout(Duration::from_secs(5))
        .json(&body)
        .send()
        .await
        // Without the URL: it carries the robot's key.
        .map_err(|e| format!("unreachable: {}", e.without_url()))?;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    accepted(format, status, &text)
}

/// What one pass did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub dropped: u64,
}

pub async fn run_pass(state: &ShopState) -> Result<Pass, ShopError> {
    let now = now_ms();
    let mut pass = Pass::default();
    let Some((url, format)) = state.config.alerts.target() else {
        // Alerts are off: nothing queued is kept for a webhook configured later (it would
        // announce old orders as new). Looked for first, so an idle shop takes no write
        // lock. (Every app server must have the same alert settings.)
        let waiting: Option<i64> =
            sqlx::query_scalar("SELECT id FROM alert_outbox WHERE status = 'pending' LIMIT 1")
                .fetch_optional(state.db.pool())
                .await?;
        if waiting.is_none() {
            return Ok(pass);
        }
        let dropped = sqlx::query(
            "UPDATE alert_outbox SET status = 'skipped' WHERE status = 'pending' AND next_attempt_at <= $1",
        )
        .bind(now)
        .execute(state.db.pool())
        .await?;
        pass.dropped = dropped.rows_affected();
        return Ok(pass);
    };
    let base_ms = i64::try_from(state.config.alerts.retry_base.as_millis()).unwrap_or(30_000);
    let due: Vec<(i64, OrderId, i64, i64)> = sqlx::query_as(
        "SELECT id, order_id, next_attempt_at, attempts FROM alert_outbox
         WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2",
    )
    .bind(now)
    .bind(DUE_PER_PASS)
    .fetch_all(state.db.pool())
    .await?;
    for (id, order_id, seen_next, attempts) in due {
        // The lease starts now, not when the pass began (earlier sends take time), and the
        // closing writes below only apply while this server still holds it: a server whose
        // lease ran out can never undo another's "sent".
        let lease = now_ms() + LEASE_MS;
        let claimed = sqlx::query(
            "UPDATE alert_outbox SET next_attempt_at = $1, attempts = attempts + 1
             WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
        )
        .bind(lease)
        .bind(id)
        .bind(seen_next)
        .execute(state.db.pool())
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another server has it
        }
        let attempt = attempts + 1;
        match send(state, url, format, order_id).await {
            Ok(()) => {
                sqlx::query(
                    "UPDATE alert_outbox SET status = 'sent', sent_at = $1, last_error = ''
                     WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
                )
                .bind(now_ms())
                .bind(id)
                .bind(lease)
                .execute(state.db.pool())
                .await?;
                pass.sent += 1;
            }
            Err(why) => {
                let give_up = attempt >= MAX_ATTEMPTS;
                sqlx::query(
                    "UPDATE alert_outbox SET status = $1, next_attempt_at = $2, last_error = $3
                     WHERE id = $4 AND status = 'pending' AND next_attempt_at = $5",
                )
                .bind(if give_up { "failed" } else { "pending" })
                .bind(now_ms() + backoff_ms(base_ms, attempts))
                .bind(&why)
                .bind(id)
                .bind(lease)
                .execute(state.db.pool())
                .await?;
                if give_up {
                    tracing::error!(alert = id, attempt, why, "new-order alert given up");
                    pass.failed += 1;
                } else {
                    tracing::warn!(
                        alert = id,
                        attempt,
                        why,
                        "new-order alert not delivered; will retry"
                    );
                    pass.retrying += 1;
                }
            }
        }
    }
    Ok(pass)
}

/// The outbox's pending alerts, for `/metrics`.
async fn report_depth(state: &ShopState) {
    let depth =
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM alert_outbox WHERE status = 'pending'")
            .fetch_one(state.db.pool())
            .await;
    match depth {
        Ok(depth) => crate::ssr::metrics::alert_outbox(depth),
        Err(err) => tracing::error!(%err, "reading the alert outbox failed"),
    }
}

/// Sends alerts every `SHOP_SETTLE_INTERVAL_SECS`, on a task apart from the settlement job.
pub fn spawn(state: ShopState, stop: crate::ssr::orders::job::Stop) -> tokio::task::JoinHandle<()> {
    crate::ssr::orders::job::every(state.config.orders.job_interval, stop, move || {
        let state = state.clone();
        async move {
            match run_pass(&state).await {
                Ok(pass) if pass != Pass::default() => tracing::info!(?pass, "alert pass"),
                Ok(_) => {}
                Err(err) => tracing::error!(?err, "alert pass failed"),
            }
            if crate::ssr::metrics::enabled() {
                report_depth(&state).await;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::ShipTo;
    use crate::ids::ProductId;
    use crate::money::{Currency, Money};
    use crate::orders::{OrderLine, OrderStatus, OrderSummary};

    fn order() -> OrderDetail {
        let hkd = |minor| Money::new(minor, Currency::Hkd);
        OrderDetail {
            summary: OrderSummary {
                order_no: "S1".into(),
                status: OrderStatus::Paid,
                total: hkd(12_800),
                item_count: 2,
                title: "冻顶乌龙茶".into(),
                created_at_ms: 0,
            },
            lines: vec![OrderLine {
                product_id: ProductId(1),
                title: "冻顶乌龙茶".into(),
                option_text: "150g / 罐装".into(),
                image_url: None,
                unit_price: hkd(6_400),
                quantity: 2,
                line_total: hkd(12_800),
            }],
            timeline: vec![],
            expires_at_ms: 0,
            paid_at_ms: Some(1),
            shipping: None,
            refunded: None,
            ship_to: Some(ShipTo {
                recipient: "张三".into(),
                phone: "13800138000".into(),
                region: "广东省 深圳市 南山区".into(),
                detail: "科技园".into(),
                postcode: String::new(),
            }),
            remark: "请下午送".into(),
            shipping_fee: Money::new(0, Currency::Hkd),
            discount: Money::new(0, Currency::Hkd),
            coupon_name: None,
            after_sales: vec![],
        }
    }

    #[test]
    fn a_wecom_alert_is_markdown_with_the_order_and_no_phone() {
        let v = message(AlertFormat::WeCom, "好物小店", &order());
        assert_eq!(v["msgtype"], "markdown");
        let text = v["markdown"]["content"].as_str().unwrap_or_default();
        assert!(
            text.contains("S1")
                && text.contains("HK$128.00")
                && text.contains("冻顶乌龙茶（150g / 罐装） × 2")
        );
        assert!(text.contains("张三") && text.contains("请下午送"));
        assert!(
            !text.contains("13800138000"),
            "no phone number in a group chat"
        );
        // Buyer text cannot bring links or layout into the merchant's group chat.
        let mut sly = order();
        sly.remark = "点这里 [领奖](https://phish.example)\n<font>x</font>".into();
        let v = message(AlertFormat::WeCom, "好物小店", &sly);
        let text = v["markdown"]["content"].as_str().unwrap_or_default();
        assert!(!text.contains("](") && !text.contains("<font>x"), "{text}");
        assert_eq!(text.lines().count(), 6, "one line per field: {text}");
    }

    #[test]
    fn a_json_alert_carries_minor_units_and_the_currency() {
        let v = message(AlertFormat::Json, "好物小店", &order());
        assert_eq!(v["event"], "order.paid");
        assert_eq!(v["total_minor"], 12_800);
        assert_eq!(v["currency"], "HKD");
        assert_eq!(v["items"][0]["quantity"], 2);
    }

    #[test]
    fn wecom_refusals_arrive_as_200_and_are_failures() {
        let ok = reqwest::StatusCode::OK;
        assert!(accepted(AlertFormat::WeCom, ok, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(accepted(
            AlertFormat::WeCom,
            ok,
            r#"{"errcode":93000,"errmsg":"invalid key"}"#
        )
        .is_err());
        assert!(accepted(AlertFormat::Json, ok, "").is_ok());
        assert!(accepted(AlertFormat::Json, reqwest::StatusCode::BAD_GATEWAY, "").is_err());
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff_ms(30_000, 0), 30_000);
        assert_eq!(backoff_ms(30_000, 1), 60_000);
        assert_eq!(backoff_ms(30_000, 29), 3_600_000);
    }
}
