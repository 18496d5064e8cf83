//! New-order alerts: a paid order reaches the merchant's webhook once, even when the
//! receiver is down for a while and the shop restarts in between. A real receiver on a
//! local port, the real server and sandbox, on SQLite and PostgreSQL.

use crate::common::{arrive, free_port, Stack};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A webhook receiver on `port` that keeps every body it is sent.
async fn receiver(port: u16) -> (Arc<Mutex<Vec<Value>>>, tokio::task::JoinHandle<()>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().route(
        "/hook",
        post({
            let got = got.clone();
            move |Json(body): Json<Value>| {
                let got = got.clone();
                async move {
                    if let Ok(mut all) = got.lock() {
                        all.push(body);
                    }
                    "ok"
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind receiver");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (got, task)
}

async fn outbox(db: &app::ssr::db::Database, no: &str) -> Option<(String, i64, String)> {
    sqlx::query_as(
        "SELECT a.status, a.attempts, a.last_error FROM alert_outbox a
         JOIN orders o ON o.id = a.order_id WHERE o.order_no = $1",
    )
    .bind(no)
    .fetch_optional(db.pool())
    .await
    .expect("outbox")
}

#[tokio::test]
async fn a_paid_order_alerts_the_merchant_once_through_an_outage_and_a_restart() {
    for db in app::ssr::testing::all().await {
        let port = free_port();
        let hook = format!("http://127.0.0.1:{port}/hook");
        let mut stack = Stack::start(
            db,
            &[
                ("SHOP_ALERT_WEBHOOK_URL", hook.as_str()),
                ("SHOP_ALERT_RETRY_SECS", "1"),
            ],
        )
        .await;
        let label = stack.shop.label;
        let buyer = arrive(&stack.shop, "oAlertBuyer0000000000001").await;
        // The receiver is down: the payment settles all the same, and the alert waits.
        let no = buyer
            .pay_for(&stack, "冻顶乌龙茶", 2, "alert-key-00000000000001")
            .await;
        let db = stack.shop.db().await;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let row = outbox(&db, &no).await;
            if let Some((status, attempts, error)) = &row {
                if *attempts >= 3 && !error.is_empty() {
                    assert_eq!(status, "pending", "{label}");
                    assert!(!error.contains("/hook"), "no URL in the error: {error}");
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{label}: no failed attempt: {row:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }

        // The merchant reads on the dashboard that alerts are not arriving, and why (never
        // the webhook's address).
        assert!(crate::admin::create_admin(
            &stack.shop,
            crate::admin::OWNER,
            crate::admin::PASSWORD
        )
        .status
        .success());
        let admin = crate::admin::admin_client(&stack.shop).await;
        let dash = crate::admin::page_text(&stack.shop, &admin, "/admin").await;
        assert!(dash.contains("data-testid=\"alerts-failing\""), "{label}");
        assert!(
            dash.contains("1 条新订单提醒没有送达") && dash.contains("unreachable"),
            "{dash}"
        );
        assert!(!dash.contains("/hook"), "no webhook address on the page");

        // The shop restarts; then the receiver comes up, and hears about the order once.
        stack.shop.crash();
        stack.shop.restart().await;
        let (got, task) = receiver(port).await;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let n = got.lock().map(|g| g.len()).unwrap_or_default();
            if n > 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{label}: the alert never arrived"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // A few more passes: no second copy.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let bodies = got.lock().map(|g| g.clone()).unwrap_or_default();
        assert_eq!(bodies.len(), 1, "{label}: sent once: {bodies:?}");
        let alert = &bodies[0];
        assert_eq!(alert["event"], "order.paid");
        assert_eq!(alert["order_no"], no.as_str());
        assert_eq!(alert["total_minor"], 25_600);
        assert_eq!(alert["items"][0]["quantity"], 2);
        let (status, _, _) = outbox(&db, &no).await.expect("row");
        assert_eq!(status, "sent");
        let dash = crate::admin::page_text(&stack.shop, &admin, "/admin").await;
        assert!(
            !dash.contains("alerts-failing"),
            "{label}: nothing failing any more"
        );
        task.abort();
    }
}

/// A stand-in for a WeCom group robot on `port`: it refuses the first message the way WeCom
/// does (HTTP 200 with a non-zero `errcode`), then takes every message.
async fn wecom_robot(port: u16) -> (Arc<Mutex<Vec<Value>>>, tokio::task::JoinHandle<()>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().route(
        "/cgi-bin/webhook/send",
        post({
            let got = got.clone();
            move |Json(body): Json<Value>| {
                let got = got.clone();
                async move {
                    let Ok(mut all) = got.lock() else {
                        return Json(serde_json::json!({ "errcode": -1 }));
                    };
                    all.push(body);
                    if all.len() == 1 {
                        Json(serde_json::json!({ "errcode": 45009, "errmsg": "api freq out of limit" }))
                    } else {
                        Json(serde_json::json!({ "errcode": 0, "errmsg": "ok" }))
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind robot");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (got, task)
}

#[tokio::test]
async fn a_wecom_group_robot_gets_markdown_and_a_refusal_is_retried() {
    for db in app::ssr::testing::all().await {
        let port = free_port();
        let hook = format!("http://127.0.0.1:{port}/cgi-bin/webhook/send?key=robot-key-0001");
        let (got, task) = wecom_robot(port).await;
        let stack = Stack::start(
            db,
            &[
                ("SHOP_ALERT_WEBHOOK_URL", hook.as_str()),
                ("SHOP_ALERT_FORMAT", "wecom"),
                ("SHOP_ALERT_RETRY_SECS", "1"),
            ],
        )
        .await;
        let label = stack.shop.label;
        let buyer = arrive(&stack.shop, "oWeComAlertBuyer00000001").await;
        let no = buyer
            .pay_for(&stack, "冻顶乌龙茶", 1, "wecom-alert-key-000000001")
            .await;
        let db = stack.shop.db().await;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if outbox(&db, &no).await.is_some_and(|r| r.0 == "sent") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{label}: never sent: {:?}",
                outbox(&db, &no).await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let bodies = got.lock().map(|g| g.clone()).unwrap_or_default();
        assert_eq!(
            bodies.len(),
            2,
            "{label}: refused once, then taken: {bodies:?}"
        );
        assert_eq!(bodies[0], bodies[1], "the same message again");
        let msg = &bodies[1];
        assert_eq!(msg["msgtype"], "markdown");
        let text = msg["markdown"]["content"].as_str().unwrap_or_default();
        assert!(text.contains(&no) && text.contains("冻顶乌龙茶"), "{text}");
        assert!(text.contains("HK$128.00"), "{text}");
        assert!(
            !text.contains("13800138000"),
            "no phone number in a group chat: {text}"
        );
        task.abort();
    }
}
