//! After shipping: the buyer follows the parcel and confirms it arrived, or the shop
//! completes the order for them some days later. The real server and sandbox, on SQLite
//! and PostgreSQL, over HTTP.

use crate::admin::{act, admin_client, create_admin, page_text, ship, OWNER, PASSWORD};
use crate::common::{arrive, order_no, status_of, wait_for_status, Buyer, Stack};
use reqwest::header::{ACCEPT, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A buyer with one paid order of 冻顶乌龙茶; the merchant signed in.
pub(crate) async fn paid_order(stack: &Stack, openid: &str) -> (Buyer, String, reqwest::Client) {
    assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
    let admin = admin_client(&stack.shop).await;
    let buyer = arrive(&stack.shop, openid).await;
    let no = buyer
        .pay_for(stack, "冻顶乌龙茶", 1, &format!("{openid}-key"))
        .await;
    (buyer, no, admin)
}

async fn confirm(stack: &Stack, buyer: &Buyer, no: &str) -> (StatusCode, Value) {
    buyer
        .post(&stack.shop, "/api/orders/received", &[("order_no", no)])
        .await
}

#[tokio::test]
async fn the_buyer_follows_the_parcel_and_confirms_it_arrived() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let (buyer, no, admin) = paid_order(&stack, "oReceiptBuyer00000000001").await;

        // Not shipped yet: nothing to confirm.
        let (status, body) = confirm(&stack, &buyer, &no).await;
        assert_eq!(
            (status, body),
            (StatusCode::CONFLICT, json!("OrderClosed")),
            "{}",
            shop.label
        );

        // The merchant picks the carrier from the list; a name that is not on it is refused.
        let (status, body) = act(
            shop,
            &admin,
            "ship",
            &[
                ("order_no", &no),
                ("carrier", "顺丰"),
                ("tracking_no", "ZT1"),
                ("ship_to_seen", "x"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("快递公司"), "{body}");
        let (status, body) = ship(shop, &admin, &no, "zto", "7312345678901").await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The buyer sees the carrier by name and a link to its tracking page.
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(page.contains("中通快递"), "the carrier's name");
        assert!(
            page.contains("https://www.kuaidi100.com/chaxun?com=zhongtong&")
                && page.contains("nu=7312345678901\""),
            "the tracking link"
        );
        assert!(page.contains("data-testid=\"confirm-receipt\""));

        // Someone else cannot confirm it.
        let mallory = arrive(shop, "oReceiptMallory000000001").await;
        let (status, _) = confirm(&stack, &mallory, &no).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Without JavaScript the form posts and comes back to the order page.
        let res = buyer
            .client
            .post(shop.url("/api/orders/received"))
            .header(ACCEPT, "text/html")
            .form(&[("token", buyer.token.as_str()), ("order_no", no.as_str())])
            .send()
            .await
            .expect("plain post");
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()[LOCATION], format!("/orders/{no}").as_str());
        assert_eq!(status_of(&shop.db().await, &no).await.0, "completed");

        // A second click is answered the same, and changes nothing.
        let (status, body) = confirm(&stack, &buyer, &no).await;
        assert_eq!((status, body), (StatusCode::OK, json!("Completed")));
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(page.contains("订单已完成"));
        assert!(
            !page.contains("data-testid=\"confirm-receipt\""),
            "nothing left to confirm"
        );
        assert_eq!(
            page.matches("data-status=\"completed\" data-kind=\"reached\"")
                .count(),
            1,
            "one completion on the timeline"
        );

        // In English, the carrier reads in English.
        let res = buyer
            .client
            .get(shop.url("/lang?to=en&back=/"))
            .send()
            .await
            .expect("switch");
        assert!(res.status().is_redirection());
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(page.contains("ZTO Express") && page.contains("Order completed"));
    }
}

#[tokio::test]
async fn an_unconfirmed_parcel_is_completed_days_after_shipping_by_one_server() {
    for db in app::ssr::testing::all().await {
        // "Days" of 3 seconds, and two app servers on the database (one on SQLite).
        let stack = Stack::start(db, &[("SHOP_AUTO_COMPLETE_SECS", "3")]).await;
        let shop = &stack.shop;
        let second = if shop.label == "postgres" {
            Some(shop.second_server().await)
        } else {
            None
        };
        let (buyer, no, admin) = paid_order(&stack, "oAutoCompleteBuyer000001").await;
        // A paid order that never ships is never completed.
        let other = arrive(shop, "oAutoCompleteBuyer000002").await;
        let unshipped = other
            .pay_for(&stack, "冻顶乌龙茶", 1, "auto-complete-key-0002")
            .await;
        let (status, body) = ship(shop, &admin, &no, "sf", "SF3000000001").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let db = shop.db().await;
        // Not before its time…
        assert_eq!(status_of(&db, &no).await.0, "shipped");
        // …and then without anyone asking.
        wait_for_status(&db, &no, "completed", 20).await;
        let events: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM order_events e JOIN orders o ON o.id = e.order_id
             WHERE o.order_no = $1 AND e.to_status = 'completed'",
        )
        .bind(&no)
        .fetch_one(db.pool())
        .await
        .expect("events");
        assert_eq!(events, 1, "completed once, whichever server got there");
        assert_eq!(status_of(&db, &unshipped).await.0, "paid");
        let (status, body) = confirm(&stack, &buyer, &no).await;
        assert_eq!((status, body), (StatusCode::OK, json!("Completed")));
        drop(second);
    }
}

#[tokio::test]
async fn the_merchant_prints_packing_slips_for_what_waits_to_ship() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let (buyer, no, admin) = paid_order(&stack, "oSlipBuyer00000000000001").await;

        // Every paid order waiting to ship, with what goes in the parcel and where.
        let page = page_text(shop, &admin, "/admin/slips").await;
        assert_eq!(
            page.matches("data-testid=\"slip\"").count(),
            1,
            "{}",
            shop.label
        );
        assert!(page.contains(&format!("data-order=\"{no}\"")));
        assert!(page.contains("冻顶乌龙茶"), "the item");
        assert!(
            page.contains("南山区") && page.contains("13800138000"),
            "the address"
        );
        assert!(page.contains("<svg"), "the order number's QR code");
        assert!(page.contains("data-testid=\"slip-line\""));

        // One order's slip, on an 80 mm roll; once shipped it is no longer waiting.
        let one = page_text(shop, &admin, &format!("/admin/slips?no={no}&width=80mm")).await;
        assert!(one.contains("slips-80") && one.contains(&format!("data-order=\"{no}\"")));
        let (status, body) = ship(shop, &admin, &no, "sf", "SF4000000001").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = page_text(shop, &admin, "/admin/slips").await;
        assert!(page.contains("没有待发货的订单"), "nothing waits");
        let res = admin
            .get(shop.url("/admin/slips?no=NOSUCHORDER"))
            .send()
            .await
            .expect("missing");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // An order that was never paid has nothing to pack.
        let unpaid = arrive(shop, "oSlipUnpaidBuyer00000001").await;
        unpaid.add(shop, unpaid.product("冻顶乌龙茶"), 1).await;
        let params = unpaid
            .checkout(shop, "slip-unpaid-key-00000001")
            .await
            .expect("checkout");
        let unpaid_no = order_no(&params);
        let page = page_text(shop, &admin, &format!("/admin/slips?no={unpaid_no}")).await;
        assert!(
            !page.contains("data-testid=\"slip\""),
            "no slip for an unpaid order"
        );

        // Only the back office prints them.
        let res = buyer
            .client
            .get(shop.url("/admin/slips"))
            .send()
            .await
            .expect("buyer");
        assert!(res.status().is_redirection(), "{}", res.status());
        assert!(res.headers()[LOCATION]
            .to_str()
            .unwrap_or_default()
            .starts_with("/admin/login"));
    }
}
