//! Payments end to end: the real shop binary, the real sandbox gateway, real HTTP
//! between them, on SQLite and PostgreSQL.

use crate::common::{
    arrive, buyer_client, every_gateway, js_param, key, order_no, pay, status_of, stock,
    wait_for_status, Gateway, Stack,
};
use app::ssr::db::Database;
use app::ssr::pay::useepay::protocol::Signer;
use app::ssr::pay::wisecashier::protocol::{
    encode_params, notification_string_to_verify, PrivateKey,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const GATEWAY_KEY: &str = include_str!("../../../keys/sandbox/gateway_private.pem");
const MERCHANT_KEY: &str = include_str!("../../../keys/sandbox/merchant_private.pem");

async fn stacks(env: &[(&str, &str)]) -> Vec<Stack> {
    let mut stacks = Vec::new();
    for db in app::ssr::testing::all().await {
        stacks.push(Stack::start(db, env).await);
    }
    stacks
}

async fn set_faults(stack: &Stack, faults: Value) {
    stack.set_faults(faults).await;
}

/// Sets a simple product's stock: its one variant's, and the product's sum.
async fn set_stock(db: &Database, product: i64, stock: i64) {
    sqlx::query("UPDATE product_variants SET stock = $1 WHERE product_id = $2")
        .bind(stock)
        .bind(product)
        .execute(db.pool())
        .await
        .expect("set variant stock");
    sqlx::query("UPDATE products SET stock = $1 WHERE id = $2")
        .bind(stock)
        .bind(product)
        .execute(db.pool())
        .await
        .expect("set stock");
}

async fn count(db: &Database, sql: &str, order_no: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(order_no)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

const PAID_EVENTS: &str = "SELECT COUNT(*) FROM order_events e JOIN orders o ON o.id = e.order_id \
     WHERE o.order_no = $1 AND e.to_status = 'paid'";

#[tokio::test]
async fn a_buyer_pays_and_the_signed_notification_settles_the_order() {
    for stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerPAID0000000001").await;
        let tea = buyer.product("冻顶乌龙茶");
        let before = stock(&db, tea).await;
        buyer.add(&stack.shop, tea, 2).await;

        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let js = js_param(&params);
        for field in [
            "appId",
            "timeStamp",
            "nonceStr",
            "package",
            "signType",
            "paySign",
        ] {
            assert!(
                js[field].as_str().is_some_and(|v| !v.is_empty()),
                "{field} in js_param"
            );
        }
        assert!(js["package"]
            .as_str()
            .is_some_and(|p| p.starts_with("prepay_id=")));
        let no = order_no(&params);
        assert_eq!(
            stock(&db, tea).await,
            before - 2,
            "{}: stock reserved",
            stack.shop.label
        );
        assert_eq!(status_of(&db, &no).await.0, "awaiting_payment");
        assert_eq!(
            buyer.cart_lines(&stack.shop).await,
            0,
            "the cart became the order"
        );

        // The gateway knows the order with the amount the shop computed: 2 × HK$128.00.
        let gw = stack.gateway_payment(&no).await;
        match stack.gateway {
            // Wisecashier takes decimals; UseePay integer minor units.
            Gateway::Wisecashier => assert_eq!(gw["amount"], json!("256.00")),
            Gateway::UseePay => {
                assert_eq!(gw["amount_minor"], json!(25600));
                assert_eq!(gw["openid"], json!(buyer.openid), "payerInfo.sub_openid");
                assert_eq!(gw["sub_appid"], json!("wx_sandbox_appid"));
            }
        }
        assert_eq!(gw["currency"], json!("HKD"));
        assert_eq!(gw["notify_url"], json!(stack.shop.url("/api/pay/notify")));

        pay(&stack, &params).await;
        wait_for_status(&db, &no, "paid", 10).await;
        assert_eq!(stock(&db, tea).await, before - 2, "paid stock stays taken");
        let (verdict, pay_amount): (String, Option<String>) = sqlx::query_as(
            "SELECT n.verdict, o.pay_amount FROM payment_notifications n
             JOIN orders o ON o.order_no = n.order_no WHERE n.order_no = $1 ORDER BY n.id LIMIT 1",
        )
        .bind(&no)
        .fetch_one(db.pool())
        .await
        .expect("notification stored");
        assert_eq!(verdict, "applied");
        // Only Wisecashier reports the wallet's side of a cross-currency payment.
        let wallet_side = (stack.gateway == Gateway::Wisecashier).then_some("235.52");
        assert_eq!(
            pay_amount.as_deref(),
            wallet_side,
            "pay_amount stored (CNY at 0.92)"
        );

        // The buyer's order page says paid; another buyer gets a 404 for the same number.
        let page = buyer
            .client
            .get(stack.shop.url(&format!("/orders/{no}")))
            .send()
            .await
            .expect("order page")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains("data-status=\"paid\""),
            "order page shows paid"
        );
        let other = arrive(&stack.shop, "oPayBuyerOTHER000000001").await;
        let res = other
            .client
            .get(stack.shop.url(&format!("/orders/{no}")))
            .send()
            .await
            .expect("other's order page");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let list = other
            .client
            .get(stack.shop.url("/orders"))
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("list body");
        assert!(
            !list.contains(&no),
            "another buyer's list does not show the order"
        );
    }
}

#[tokio::test]
async fn twenty_concurrent_duplicate_notifications_make_one_transition() {
    for stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerDUPL0000000001").await;
        // 20 concurrent copies of every delivery, after a (scaled) delay.
        set_faults(
            &stack,
            json!({ "notify_copies": 20, "notify_delay_ms": 2000, "only_openid": buyer.openid }),
        )
        .await;
        let params = buyer.order_one(&stack.shop, "黑芝麻糊").await;
        let no = order_no(&params);
        pay(&stack, &params).await;
        wait_for_status(&db, &no, "paid", 10).await;
        // All 20 copies are recorded; exactly one moved the order.
        let deadline = Instant::now() + Duration::from_secs(10);
        while count(
            &db,
            "SELECT COUNT(*) FROM payment_notifications WHERE order_no = $1",
            &no,
        )
        .await
            < 20
        {
            assert!(Instant::now() < deadline, "all copies recorded");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            count(&db, PAID_EVENTS, &no).await,
            1,
            "{}: one transition",
            stack.shop.label
        );
        let applied = count(
            &db,
            "SELECT COUNT(*) FROM payment_notifications WHERE order_no = $1 AND verdict = 'applied'",
            &no,
        )
        .await;
        assert_eq!(applied, 1);
        let duplicates = count(
            &db,
            "SELECT COUNT(*) FROM payment_notifications WHERE order_no = $1 AND verdict = 'duplicate'",
            &no,
        )
        .await;
        assert_eq!(duplicates, 19);
    }
}

type Fields = Vec<(String, String)>;

fn fields(list: &[(&str, String)]) -> Fields {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// A paid notification's fields as `gateway` would send them for `order_no`: `minor` units
/// of `currency`.
fn notification(gateway: Gateway, order_no: &str, minor: i64, currency: &str) -> Fields {
    let money = app::money::Money::new(
        minor,
        app::money::Currency::from_code(currency).expect("currency"),
    );
    match gateway {
        Gateway::Wisecashier => fields(&[
            ("status", "PAID".into()),
            ("no", "P-FORGED-0001".into()),
            ("agent_order_id", order_no.into()),
            ("amount", money.decimal()),
            ("currency", currency.into()),
            ("openid", "oPayBuyerTAMP0000000001".into()),
            ("trade_type", "JSAPI".into()),
            ("trade_time", "2026-11-25 12:00:00".into()),
            ("pay_currency", "CNY".into()),
            ("pay_amount", "1.00".into()),
            ("exchange_rate", "0.92".into()),
        ]),
        Gateway::UseePay => fields(&[
            ("version", "1.0".into()),
            (
                "merchantNo",
                app::ssr::config::DEV_USEEPAY_MERCHANT_NO.into(),
            ),
            ("transactionType", "pay".into()),
            ("transactionId", order_no.into()),
            ("reference", "UP-FORGED-0001".into()),
            ("amount", minor.to_string()),
            ("currency", currency.into()),
            ("resultCode", "succeed".into()),
        ]),
    }
}

/// `fields` with `field` set to `value`.
fn with(fields: Fields, field: &str, value: &str) -> Fields {
    fields
        .into_iter()
        .map(|(k, v)| {
            if k == field {
                (k, value.to_owned())
            } else {
                (k, v)
            }
        })
        .collect()
}

/// Posts `fields` to the shop's notify URL, signed as the stack's gateway signs
/// notifications but with `key`, and with `tamper` changed after signing.
async fn post_notification(
    stack: &Stack,
    fields: &[(String, String)],
    key: &str,
    tamper: Option<(&str, &str)>,
) -> StatusCode {
    let key = PrivateKey::from_pem(key.as_bytes()).expect("key");
    let request = reqwest::Client::new()
        .post(stack.shop.url("/api/pay/notify"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    let (request, signed) = match stack.gateway {
        Gateway::Wisecashier => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs();
            let timestamp = &now.to_string();
            let signature = key
                .sign(&notification_string_to_verify(fields, timestamp))
                .expect("sign");
            (
                request
                    .header("Timestamp", timestamp)
                    .header("Signature", signature),
                fields.to_vec(),
            )
        }
        Gateway::UseePay => (
            request,
            Signer::Rsa(key).signed(fields.to_vec()).expect("sign"),
        ),
    };
    let sent = match tamper {
        Some((field, value)) => with(signed, field, value),
        None => signed,
    };
    request
        .body(encode_params(&sent))
        .send()
        .await
        .expect("notify")
        .status()
}

#[tokio::test]
async fn forged_tampered_and_unknown_notifications_are_refused_and_change_nothing() {
    for stack in every_gateway(&[]).await {
        let gateway = stack.gateway;
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerTAMP0000000001").await;
        let bag = buyer.product("棉麻环保购物袋");
        buyer.add(&stack.shop, bag, 1).await;
        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        let stock_before = stock(&db, bag).await;

        // HK$35.00, as the gateway writes it.
        let good = notification(gateway, &no, 3500, "HKD");
        let paid_amount = match gateway {
            Gateway::Wisecashier => "0.01",
            Gateway::UseePay => "1",
        };
        // (what, expected answer, fields, signing key, a field changed after signing)
        type Case<'a> = (
            &'a str,
            StatusCode,
            Fields,
            &'a str,
            Option<(&'a str, &'a str)>,
        );
        let mut cases: Vec<Case> = vec![
            (
                "signed with another key",
                StatusCode::UNAUTHORIZED,
                good.clone(),
                MERCHANT_KEY,
                None,
            ),
            (
                "amount changed after signing",
                StatusCode::UNAUTHORIZED,
                good.clone(),
                GATEWAY_KEY,
                Some(("amount", paid_amount)),
            ),
            (
                "signed, wrong amount",
                StatusCode::CONFLICT,
                notification(gateway, &no, 35, "HKD"),
                GATEWAY_KEY,
                None,
            ),
            (
                "signed, wrong currency",
                StatusCode::CONFLICT,
                notification(gateway, &no, 3500, "CNY"),
                GATEWAY_KEY,
                None,
            ),
        ];
        match gateway {
            // Wisecashier names the buyer who paid.
            Gateway::Wisecashier => cases.push((
                "signed, another buyer's openid",
                StatusCode::CONFLICT,
                with(good.clone(), "openid", "oPayBuyerSOMEONEELSE001"),
                GATEWAY_KEY,
                None,
            )),
            // UseePay names the merchant: another merchant's is refused before anything.
            Gateway::UseePay => cases.push((
                "signed, for another merchant",
                StatusCode::BAD_REQUEST,
                with(good.clone(), "merchantNo", "SOMEONE-ELSE-001"),
                GATEWAY_KEY,
                None,
            )),
        }
        cases.extend([
            (
                "signed, unknown order",
                StatusCode::NOT_FOUND,
                notification(gateway, "S0000000000000000000", 3500, "HKD"),
                GATEWAY_KEY,
                None,
            ),
            (
                "signed and matching, but the gateway has taken no payment",
                StatusCode::CONFLICT,
                good.clone(),
                GATEWAY_KEY,
                None,
            ),
        ]);
        for (what, want, fields, key, tamper) in cases {
            let got = post_notification(&stack, &fields, key, tamper).await;
            assert_eq!(got, want, "{}: {what}", stack.shop.label);
            assert_eq!(
                status_of(&db, &no).await.0,
                "awaiting_payment",
                "{what}: order unchanged"
            );
            assert_eq!(
                stock(&db, bag).await,
                stock_before,
                "{what}: stock unchanged"
            );
        }
        let verdicts: Vec<(String,)> =
            sqlx::query_as("SELECT verdict FROM payment_notifications ORDER BY id")
                .fetch_all(db.pool())
                .await
                .expect("verdicts");
        let verdicts: Vec<&str> = verdicts.iter().map(|(v,)| v.as_str()).collect();
        let expected: &[&str] = match gateway {
            Gateway::Wisecashier => &[
                "mismatch",
                "mismatch",
                "mismatch",
                "unknown_order",
                "unconfirmed",
            ],
            Gateway::UseePay => &["mismatch", "mismatch", "unknown_order", "unconfirmed"],
        };
        assert_eq!(
            verdicts, expected,
            "every verified notification is stored with its verdict"
        );
        // Those that failed verification are counted and sampled, not stored as the
        // order's: they never reach its page.
        let rejected = |reason: &'static str| {
            let pool = db.pool().clone();
            async move {
                sqlx::query_scalar::<_, Option<i64>>(
                    "SELECT CAST(SUM(count) AS BIGINT) FROM rejected_notifications WHERE reason = $1",
                )
                .bind(reason)
                .fetch_one(&pool)
                .await
                .expect("rejected")
                .unwrap_or(0)
            }
        };
        assert_eq!(rejected("bad_signature").await, 2);
        let other_merchant = i64::from(gateway == Gateway::UseePay);
        assert_eq!(rejected("wrong_merchant").await, other_merchant);
        assert_eq!(count(&db, PAID_EVENTS, &no).await, 0);

        // Once the gateway has really taken the money, the same notification is confirmed by
        // the shop's own query and settles the order.
        set_faults(
            &stack,
            json!({ "notify": "drop", "only_openid": buyer.openid }),
        )
        .await;
        pay(&stack, &params).await;
        assert_eq!(
            post_notification(&stack, &good, GATEWAY_KEY, None).await,
            StatusCode::OK
        );
        assert_eq!(status_of(&db, &no).await.0, "paid");
    }
}

#[tokio::test]
async fn without_notifications_the_shop_queries_the_gateway_and_settles() {
    for stack in every_gateway(&[("SHOP_PAYMENT_CHECK_AFTER_SECS", "1")]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerQUERY000000001").await;
        set_faults(
            &stack,
            json!({ "notify": "drop", "only_openid": buyer.openid }),
        )
        .await;
        let params = buyer.order_one(&stack.shop, "澳门杏仁饼").await;
        let no = order_no(&params);
        pay(&stack, &params).await;
        wait_for_status(&db, &no, "paid", 15).await;
        let source: String = sqlx::query_scalar(
            "SELECT e.source FROM order_events e JOIN orders o ON o.id = e.order_id
             WHERE o.order_no = $1 AND e.to_status = 'paid'",
        )
        .bind(&no)
        .fetch_one(db.pool())
        .await
        .expect("paid event");
        assert_eq!(
            source, "query",
            "{}: settled by the shop's own query",
            stack.shop.label
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM payment_notifications WHERE order_no = $1",
                &no
            )
            .await,
            0
        );
    }
}

#[tokio::test]
async fn unpaid_orders_expire_after_asking_the_gateway_and_release_their_stock() {
    let env = [
        ("SHOP_ORDER_EXPIRY_SECS", "2"),
        ("SHOP_PAYMENT_CHECK_AFTER_SECS", "1"),
    ];
    for stack in every_gateway(&env).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerEXPIRE00000001").await;
        let cup = buyer.product("手工陶瓷茶杯");
        let before = stock(&db, cup).await;
        buyer.add(&stack.shop, cup, 3).await;
        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        assert_eq!(stock(&db, cup).await, before - 3);
        wait_for_status(&db, &no, "expired", 15).await;
        assert_eq!(
            stock(&db, cup).await,
            before,
            "{}: stock released",
            stack.shop.label
        );
        let detail: String = sqlx::query_scalar(
            "SELECT e.detail FROM order_events e JOIN orders o ON o.id = e.order_id
             WHERE o.order_no = $1 AND e.to_status = 'expired'",
        )
        .bind(&no)
        .fetch_one(db.pool())
        .await
        .expect("expired event");
        match stack.gateway {
            // Wisecashier's prepay outlives the shop's expiry: the shop asks, then closes.
            Gateway::Wisecashier => assert!(
                detail.contains("gateway status Init"),
                "the gateway was asked first: {detail}"
            ),
            // UseePay closes the payment first (the shop asks for a window no longer than
            // its own expiry); its `closed`, confirmed by the shop's query, closes the order.
            Gateway::UseePay => {
                let source: String = sqlx::query_scalar(
                    "SELECT e.source FROM order_events e JOIN orders o ON o.id = e.order_id
                     WHERE o.order_no = $1 AND e.to_status = 'expired'",
                )
                .bind(&no)
                .fetch_one(db.pool())
                .await
                .expect("expired event");
                assert!(
                    source == "notification+query" || source == "query",
                    "closed on the gateway's confirmed word: {source}: {detail}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_payment_arriving_after_expiry_is_recorded_and_flagged_never_lost() {
    let env = [
        ("SHOP_ORDER_EXPIRY_SECS", "2"),
        ("SHOP_PAYMENT_CHECK_AFTER_SECS", "1"),
    ];
    for stack in every_gateway(&env).await {
        let db = stack.shop.db().await;
        // Stock still there: the order is paid again and the merchant told. (The gateway's
        // payable window outlasts the shop's expiry, as a gateway that closes late would.)
        let buyer = arrive(&stack.shop, "oPayBuyerLATE0000000001").await;
        set_faults(
            &stack,
            json!({ "pay_window_ms": 600_000, "only_openid": buyer.openid }),
        )
        .await;
        let candle = buyer.product("白茶香薰蜡烛");
        let before = stock(&db, candle).await;
        buyer.add(&stack.shop, candle, 1).await;
        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        wait_for_status(&db, &no, "expired", 15).await;
        pay(&stack, &params).await;
        wait_for_status(&db, &no, "paid", 10).await;
        assert_eq!(
            status_of(&db, &no).await.1,
            1,
            "{}: flagged for the merchant",
            stack.shop.label
        );
        assert_eq!(stock(&db, candle).await, before - 1, "stock reserved again");

        // Stock gone meanwhile: the order is paid but marked for refund.
        let other = arrive(&stack.shop, "oPayBuyerLATE0000000002").await;
        set_faults(
            &stack,
            json!({ "pay_window_ms": 600_000, "only_openid": other.openid }),
        )
        .await;
        let puer = other.product("云南普洱熟茶饼");
        other.add(&stack.shop, puer, 1).await;
        let params = other
            .checkout(&stack.shop, &key(&other.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        wait_for_status(&db, &no, "expired", 15).await;
        set_stock(&db, puer, 0).await;
        pay(&stack, &params).await;
        wait_for_status(&db, &no, "refund_pending", 10).await;
        assert_eq!(status_of(&db, &no).await.1, 1);
        assert_eq!(stock(&db, puer).await, 0, "never below zero");
    }
}

#[tokio::test]
async fn fifty_buyers_racing_for_five_units_get_exactly_five_orders() {
    for stack in stacks(&[]).await {
        let db = stack.shop.db().await;
        let mut buyers = Vec::new();
        for i in 0..50 {
            buyers.push(arrive(&stack.shop, &format!("oPayBuyerRACE{i:010}")).await);
        }
        let longjing = buyers[0].product("西湖龙井");
        set_stock(&db, longjing, 5).await;
        for b in &buyers {
            b.add(&stack.shop, longjing, 1).await;
        }
        let keys: Vec<String> = buyers.iter().map(|b| key(&b.openid, 1)).collect();
        let results = futures_util::future::join_all(
            buyers
                .iter()
                .zip(&keys)
                .map(|(b, k)| b.checkout(&stack.shop, k)),
        )
        .await;
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 5, "{}: exactly five orders", stack.shop.label);
        for refused in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                refused.1.get("InsufficientStock").is_some(),
                "losers are told the stock ran out: {refused:?}"
            );
        }
        assert_eq!(stock(&db, longjing).await, 0);
        let orders: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM order_lines WHERE product_id = $1")
                .bind(longjing)
                .fetch_one(db.pool())
                .await
                .expect("orders");
        assert_eq!(orders, 5);
    }
}

#[tokio::test]
async fn a_buyer_holds_only_a_few_unpaid_orders_so_no_script_can_reserve_the_stock() {
    for stack in stacks(&[("SHOP_MAX_UNPAID_ORDERS", "2")]).await {
        let (shop, db) = (&stack.shop, stack.shop.db().await);
        let buyer = arrive(shop, "oPayBuyerUNPAID00000001").await;
        let tea = buyer.product("桂花红茶");
        let before = stock(&db, tea).await;
        let mut placed = Vec::new();
        for n in 1..=2 {
            buyer.add(shop, tea, 1).await;
            placed.push(
                buyer
                    .checkout(shop, &key(&buyer.openid, n))
                    .await
                    .expect("within the limit"),
            );
        }
        buyer.add(shop, tea, 1).await;
        let (status, error) = buyer
            .checkout(shop, &key(&buyer.openid, 3))
            .await
            .expect_err("a third unpaid order");
        assert_eq!(status, StatusCode::CONFLICT, "{}", shop.label);
        assert_eq!(error, json!({ "TooManyUnpaid": { "max": 2 } }));
        assert_eq!(stock(&db, tea).await, before - 2, "nothing reserved");
        assert_eq!(buyer.cart_lines(shop).await, 1, "the cart is kept");

        // Paying one makes room: the same button now checks out.
        pay(&stack, &placed[0]).await;
        wait_for_status(&db, &order_no(&placed[0]), "paid", 10).await;
        buyer
            .checkout(shop, &key(&buyer.openid, 3))
            .await
            .expect("room again");
        assert_eq!(stock(&db, tea).await, before - 3);

        // Ten checkouts at once from one buyer's cart: never more than two unpaid orders.
        let racer = arrive(shop, "oPayBuyerUNPAIDRACE0001").await;
        racer.add(shop, tea, 1).await;
        let keys: Vec<String> = (0..10).map(|n| key(&racer.openid, n)).collect();
        let results =
            futures_util::future::join_all(keys.iter().map(|k| racer.checkout(shop, k))).await;
        let won = results.iter().filter(|r| r.is_ok()).count();
        for (_, refused) in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                refused.get("TooManyUnpaid").is_some() || refused == &json!("CartEmpty"),
                "{}: {refused}",
                shop.label
            );
        }
        let unpaid: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orders WHERE openid = $1
                 AND status IN ('pending', 'awaiting_payment')",
        )
        .bind(&racer.openid)
        .fetch_one(db.pool())
        .await
        .expect("count");
        assert!(
            (1..=2).contains(&won) && unpaid == won as i64,
            "{}: {won} orders placed, {unpaid} unpaid",
            shop.label
        );
        assert_eq!(stock(&db, tea).await, before - 3 - unpaid);
    }
}

#[tokio::test]
async fn a_gateway_failure_at_checkout_is_a_clear_error_and_leaks_no_stock() {
    for stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerFAULT000000001").await;
        let chopsticks = buyer.product("天然竹筷");
        let before = stock(&db, chopsticks).await;
        buyer.add(&stack.shop, chopsticks, 2).await;
        let faults = [
            ("server_error", json!("PaymentUnavailable")),
            ("timeout", json!("PaymentUnavailable")),
            ("garbage", json!("PaymentUnavailable")),
            (
                "refuse",
                json!({ "PaymentRefused": "商户状态异常 (sandbox refusal)" }),
            ),
        ];
        for (n, (fault, error)) in faults.into_iter().enumerate() {
            set_faults(
                &stack,
                json!({ "mp_pay": fault, "only_openid": buyer.openid }),
            )
            .await;
            let started = Instant::now();
            let refused = buyer
                .checkout(&stack.shop, &key(&buyer.openid, n as u32))
                .await
                .expect_err(fault);
            assert_eq!(refused.1, error, "{}: {fault}", stack.shop.label);
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{fault}: answered promptly"
            );
            assert_eq!(
                stock(&db, chopsticks).await,
                before,
                "{fault}: stock released"
            );
            assert_eq!(buyer.cart_lines(&stack.shop).await, 1, "{fault}: cart kept");
        }
        set_faults(&stack, json!({})).await;
        let cancelled: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orders WHERE openid = $1 AND status = 'cancelled'",
        )
        .bind(&buyer.openid)
        .fetch_one(db.pool())
        .await
        .expect("orders");
        assert_eq!(
            cancelled, 4,
            "each failed attempt is a cancelled order, on record"
        );
        // With the gateway back, the same page's button (the same key) checks out the cart.
        buyer
            .checkout(&stack.shop, &key(&buyer.openid, 0))
            .await
            .expect("checkout works again");
    }
}

#[tokio::test]
async fn a_double_click_places_one_order_and_paying_again_reuses_it() {
    for stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerTWICE000000001").await;
        let tote = buyer.product("棉麻环保购物袋");
        let before = stock(&db, tote).await;
        buyer.add(&stack.shop, tote, 1).await;
        let k = key(&buyer.openid, 1);
        let (a, b) = tokio::join!(
            buyer.checkout(&stack.shop, &k),
            buyer.checkout(&stack.shop, &k)
        );
        let (a, b) = (a.expect("first"), b.expect("second"));
        assert_eq!(
            order_no(&a),
            order_no(&b),
            "{}: one order",
            stack.shop.label
        );
        assert_eq!(stock(&db, tote).await, before - 1, "reserved once");

        // Pay again: the same order and the same gateway prepay.
        let res: Value = buyer
            .client
            .post(stack.shop.url("/api/orders/pay"))
            .form(&[("token", buyer.token.as_str()), ("order_no", &order_no(&a))])
            .send()
            .await
            .expect("pay again")
            .json()
            .await
            .expect("json");
        let first = if a["js_param"].is_string() { &a } else { &b };
        assert_eq!(js_param(&res)["package"], js_param(first)["package"]);

        // Cancelling releases the stock; the order can no longer be paid.
        let res = buyer
            .client
            .post(stack.shop.url("/api/orders/cancel"))
            .form(&[("token", buyer.token.as_str()), ("order_no", &order_no(&a))])
            .send()
            .await
            .expect("cancel");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(stock(&db, tote).await, before);
        let res = buyer
            .client
            .post(stack.shop.url("/api/orders/pay"))
            .form(&[("token", buyer.token.as_str()), ("order_no", &order_no(&a))])
            .send()
            .await
            .expect("pay after cancel");
        assert_ne!(res.status(), StatusCode::OK);
        assert_eq!(
            res.json::<Value>().await.expect("json"),
            json!("OrderClosed")
        );
    }
}

#[tokio::test]
async fn own_official_account_mode_gets_the_openid_with_single_use_snsapi_base_codes() {
    // The sandbox doubles as WeChat's OAuth server here.
    let db = app::ssr::testing::sqlite();
    let (shop_port, sandbox_port) = (crate::common::free_port(), crate::common::free_port());
    let sandbox =
        crate::common::Sandbox::start(sandbox_port, &format!("http://127.0.0.1:{shop_port}")).await;
    let shop = crate::common::Shop::start_on(
        shop_port,
        db,
        &[
            ("SHOP_PUBLIC_URL", &format!("http://127.0.0.1:{shop_port}")),
            ("GATEWAY_BASE_URL", &sandbox.base),
            ("SHOP_OAUTH", "official_account"),
            ("WECHAT_APPID", "wx_sandbox_appid"),
            ("WECHAT_APPSECRET", "sandbox-official-account-secret"),
            ("WECHAT_OAUTH_BASE", &sandbox.base),
            ("WECHAT_API_BASE", &sandbox.base),
        ],
    )
    .await;
    let browser = buyer_client();
    let location = crate::common::location;

    // An openid in the URL proves nothing here, not even under the container's path: only
    // the server-side code exchange binds a buyer.
    for url in [
        shop.url("/cart?openid=o_sandbox_alice_000000000001"),
        shop.container_url("/cart?openid=o_sandbox_alice_000000000001"),
    ] {
        let res = browser.get(&url).send().await.expect("cart");
        assert_eq!(res.status(), StatusCode::FOUND, "{url}");
        assert!(res
            .headers()
            .get("set-cookie")
            .is_some_and(|c| c.to_str().is_ok_and(|c| c.starts_with("shop_oauth_state="))));
        assert!(location(&res).starts_with(&sandbox.url("/connect/oauth2/authorize")));
        assert!(
            !location(&res).contains("openid"),
            "the stray openid does not ride along"
        );
    }

    let res = browser.get(shop.url("/cart")).send().await.expect("cart");
    assert_eq!(res.status(), StatusCode::FOUND);
    let authorize = location(&res);
    assert!(authorize.starts_with(&sandbox.url("/connect/oauth2/authorize?appid=wx_sandbox_appid")));
    assert!(authorize.contains("scope=snsapi_base") && authorize.ends_with("#wechat_redirect"));
    assert!(
        !authorize.contains("secret"),
        "the app secret never reaches the browser"
    );

    // The buyer (alice) authorises; WeChat comes back with a code.
    let url = authorize.replace("#wechat_redirect", "&sandbox_buyer=alice");
    let res = browser.get(url).send().await.expect("authorize");
    let callback = location(&res);
    assert!(callback.starts_with(&shop.url("/auth/wechat?return_to=%2Fcart&code=")));
    let res = browser.get(&callback).send().await.expect("callback");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/cart");
    let res = browser
        .get(shop.url("/cart"))
        .send()
        .await
        .expect("cart again");
    assert_eq!(res.status(), StatusCode::OK, "the buyer has a session now");

    // A refreshed callback reuses the code (WeChat: 40163): the shop authorises again.
    let res = browser.get(&callback).send().await.expect("callback again");
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(location(&res).starts_with(&sandbox.url("/connect/oauth2/authorize")));

    // The sandbox's token endpoint itself: single-use codes, secret checked.
    let code = callback
        .split("code=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("code");
    let token = |secret: &str| {
        sandbox.url(&format!(
            "/sns/oauth2/access_token?appid=wx_sandbox_appid&secret={secret}&code={code}&grant_type=authorization_code"
        ))
    };
    let used: Value = reqwest::get(token("sandbox-official-account-secret"))
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    assert_eq!(used["errcode"], json!(40163));
    let wrong: Value = reqwest::get(token("not-the-secret"))
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    assert_eq!(wrong["errcode"], json!(40125));
}

#[tokio::test]
async fn the_hong_kong_wallet_and_is_rmb_are_merchant_configuration() {
    // is_rmb=TRUE means the prices are in CNY, so the shop's currency must be CNY.
    let rmb = [("GATEWAY_IS_RMB", "true"), ("SHOP_CURRENCY", "CNY")];
    for stack in stacks(&[("GATEWAY_WALLET", "hk"), rmb[0], rmb[1]]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerHKWALLET000001").await;
        let params = buyer.order_one(&stack.shop, "天然竹筷").await;
        let no = order_no(&params);
        let gw = stack.gateway_payment(&no).await;
        assert_eq!(
            gw["wallet"],
            json!("hk"),
            "{}: placed on the HK wallet endpoint",
            stack.shop.label
        );
        pay(&stack, &params).await;
        wait_for_status(&db, &no, "paid", 10).await;

        let mainland = stacks(&rmb).await;
        let Some(other) = mainland.into_iter().next() else {
            continue;
        };
        let buyer = arrive(&other.shop, "oPayBuyerRMB00000000001").await;
        buyer.add(&other.shop, buyer.product("天然竹筷"), 1).await;
        let params = buyer
            .checkout(&other.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let gw: Value = reqwest::get(
            other
                .sandbox
                .url(&format!("/__sandbox/payments/{}", order_no(&params))),
        )
        .await
        .expect("sandbox state")
        .json()
        .await
        .expect("json");
        assert_eq!(gw["wallet"], json!("mainland"));
        assert_eq!(gw["is_rmb"], json!(true), "is_rmb=TRUE reached the gateway");
    }
}

/// The stack's gateway client, as the shop configures it for the sandbox.
fn client_for(stack: &Stack) -> Box<dyn app::ssr::pay::PaymentProvider> {
    use app::ssr::pay::signing::PublicKey;
    use app::ssr::pay::useepay::protocol::Verifier;
    use app::ssr::pay::useepay::{UseePay, UseePayConfig};
    use app::ssr::pay::wisecashier::{Wallet, Wisecashier, WisecashierConfig};
    let merchant = PrivateKey::from_pem(MERCHANT_KEY.as_bytes()).expect("key");
    let gateway_public =
        PublicKey::from_pem(app::ssr::config::SANDBOX_GATEWAY_PUBLIC_KEY.as_bytes())
            .expect("public key");
    match stack.gateway {
        Gateway::Wisecashier => Box::new(
            Wisecashier::new(WisecashierConfig {
                base_url: stack.sandbox.base.parse().expect("url"),
                merchant_no: "SANDBOX-MERCHANT-001".into(),
                private_key: merchant,
                gateway_public_key: gateway_public,
                is_rmb: false,
                wallet: Wallet::Mainland,
                timeout: Duration::from_secs(5),
                notify_max_age: Duration::from_secs(4200),
            })
            .expect("client"),
        ),
        Gateway::UseePay => Box::new(
            UseePay::new(UseePayConfig {
                base_url: format!("{}/useepay/", stack.sandbox.base)
                    .parse()
                    .expect("url"),
                merchant_no: app::ssr::config::DEV_USEEPAY_MERCHANT_NO.into(),
                app_id: app::ssr::config::DEV_USEEPAY_APP_ID.into(),
                wechat_appid: "wx_sandbox_appid".into(),
                signer: Signer::Rsa(merchant),
                verifier: Verifier::Rsa(gateway_public),
                timeout: Duration::from_secs(5),
            })
            .expect("client"),
        ),
    }
}

#[tokio::test]
async fn refunds_go_through_the_signed_api() {
    use app::money::{Currency, Money};
    use app::ssr::pay::{GatewayError, RefundRequest, RefundState};

    for gateway in Gateway::ALL {
        let stack = Stack::start_with(app::ssr::testing::sqlite(), gateway, &[]).await;
        let shop_db = Database::connect(&stack.shop.db_url).await.expect("db");
        let buyer = arrive(&stack.shop, "oPayBuyerREFUND00000001").await;
        buyer
            .add(&stack.shop, buyer.product("白茶香薰蜡烛"), 1)
            .await;
        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        pay(&stack, &params).await;
        wait_for_status(&shop_db, &no, "paid", 10).await;
        let payment_no: String =
            sqlx::query_scalar("SELECT payment_no FROM orders WHERE order_no = $1")
                .bind(&no)
                .fetch_one(shop_db.pool())
                .await
                .expect("payment_no stored");

        let client = client_for(&stack);
        let refund = |n: u32, minor: i64| RefundRequest {
            payment_no: payment_no.clone(),
            order_no: no.clone(),
            refund_no: format!("{no}-R{n}"),
            amount: Money::new(minor, Currency::Hkd),
            notify_url: String::new(),
        };
        let state = |report: &app::ssr::pay::RefundReport| {
            RefundState::parse(report.status.as_deref().unwrap_or_default())
        };
        let partial = client
            .refund(&refund(1, 2000))
            .await
            .expect("partial refund");
        assert_eq!(partial.amount.as_deref(), Some("20.00"), "{gateway:?}");
        assert_eq!(partial.out_refund_id, Some(format!("{no}-R1")));
        // Accepted, not yet done: the gateway settles refunds a little later.
        assert_eq!(state(&partial), Some(RefundState::Processing));
        // Asked again with the same number: the same refund, not a second one.
        let again = client.refund(&refund(1, 2000)).await.expect("again");
        assert_eq!(again.refund_no, partial.refund_no);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let queried = client
            .query_refund(&format!("{no}-R1"))
            .await
            .expect("query refund");
        assert_eq!(queried.refund_no, partial.refund_no);
        assert_eq!(state(&queried), Some(RefundState::Success), "{gateway:?}");
        // More than what is left (HK$120 − HK$20) is refused, in the gateway's words.
        let too_much = client
            .refund(&refund(2, 10_001))
            .await
            .expect_err("over-refund");
        assert!(
            matches!(too_much, GatewayError::Refused { .. }),
            "{too_much:?}"
        );
        // The rest, in full.
        let rest = client
            .refund(&refund(3, 10_000))
            .await
            .expect("full refund of the rest");
        assert_eq!(rest.amount.as_deref(), Some("100.00"));
        // A refund the gateway never heard of is "not found", so the shop asks for it again.
        assert!(matches!(
            client.query_refund(&format!("{no}-R9")).await,
            Err(GatewayError::Refused { code, .. }) if code == "404"
        ));
        // A query for a payment the gateway does not know is `None`, not an error.
        assert_eq!(client.query_payment("S-NOT-A-REAL-ORDER").await, Ok(None));
    }
}

#[tokio::test]
async fn a_payment_made_while_the_shop_is_down_arrives_with_the_retries() {
    for mut stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerCRASH000000001").await;
        let params = buyer.order_one(&stack.shop, "黑芝麻糊").await;
        let no = order_no(&params);
        stack.shop.crash();
        pay(&stack, &params).await;
        // The first deliveries find nobody (the schedule runs 100x fast here).
        tokio::time::sleep(Duration::from_millis(300)).await;
        stack.shop.restart().await;
        wait_for_status(&db, &no, "paid", 15).await;
        // The gateway records a delivery once the shop has answered it.
        let deadline = Instant::now() + Duration::from_secs(5);
        let gw = loop {
            let gw = stack.gateway_payment(&no).await;
            if gw["acknowledged"] == json!(true) || Instant::now() > deadline {
                break gw;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let deliveries = gw["deliveries"].as_array().expect("deliveries");
        assert!(
            deliveries.len() >= 2,
            "{}: retried: {deliveries:?}",
            stack.shop.label
        );
        assert!(
            deliveries[0]["http_status"].is_null(),
            "the first found the shop down"
        );
        assert_eq!(
            deliveries.last().map(|d| d["http_status"].clone()),
            Some(json!(200))
        );
        assert_eq!(gw["acknowledged"], json!(true));
        let source: String = sqlx::query_scalar(
            "SELECT e.source FROM order_events e JOIN orders o ON o.id = e.order_id
             WHERE o.order_no = $1 AND e.to_status = 'paid'",
        )
        .bind(&no)
        .fetch_one(db.pool())
        .await
        .expect("paid event");
        assert_eq!(
            source, "notification+query",
            "confirmed by the shop's own query"
        );
    }
}

#[tokio::test]
async fn an_order_the_gateway_expires_is_closed_and_its_stock_released() {
    for stack in every_gateway(&[("SHOP_PAYMENT_CHECK_AFTER_SECS", "1")]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerGWEXP000000001").await;
        let tote = buyer.product("棉麻环保购物袋");
        let before = stock(&db, tote).await;
        buyer.add(&stack.shop, tote, 2).await;
        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        let res = reqwest::Client::new()
            .post(stack.gateway_url("/__sandbox/expire"))
            .json(&json!({ "order_no": no }))
            .send()
            .await
            .expect("expire");
        assert!(res.status().is_success());
        wait_for_status(&db, &no, "expired", 15).await;
        assert_eq!(
            stock(&db, tote).await,
            before,
            "{}: stock released",
            stack.shop.label
        );
        // The expired prepay can no longer be paid at the gateway either.
        let res: Value = reqwest::Client::new()
            .post(stack.gateway_url("/__sandbox/pay"))
            .json(&js_param(&params))
            .send()
            .await
            .expect("pay")
            .json()
            .await
            .expect("json");
        assert_eq!(res["ok"], json!(false));
    }
}

#[tokio::test]
async fn the_sandbox_refuses_requests_with_a_bad_signature() {
    let db = app::ssr::testing::sqlite();
    let stack = Stack::start(db, &[]).await;
    let body = "amount=1.00&currency=HKD&merchant_no=SANDBOX-MERCHANT-001&openid=oPayBuyerSIG0000000001&product_info=x";
    for (merchant, signature) in [
        ("SANDBOX-MERCHANT-001", "bm90IGEgc2lnbmF0dXJl"),
        ("SOMEONE-ELSE", "bm90IGEgc2lnbmF0dXJl"),
    ] {
        let res = reqwest::Client::new()
            .post(stack.sandbox.url("/mp_pay"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("MerchantNO", merchant)
            .header("Version", "1.0")
            .header(
                "Timestamp",
                (std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("clock")
                    .as_secs())
                .to_string(),
            )
            .header("Signature", signature)
            .body(body)
            .send()
            .await
            .expect("mp_pay");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let envelope: Value = res.json().await.expect("envelope");
        assert_eq!(envelope["meta"]["success"], json!(false));
    }
}

#[tokio::test]
async fn the_useepay_sandbox_refuses_bad_signatures_of_either_type() {
    let stack = Stack::start_with(app::ssr::testing::sqlite(), Gateway::UseePay, &[]).await;
    let pay_fields = || {
        fields(&[
            ("transactionType", "pay".into()),
            ("version", "1.0".into()),
            (
                "merchantNo",
                app::ssr::config::DEV_USEEPAY_MERCHANT_NO.into(),
            ),
            ("transactionId", "S-SIGNATURE-TEST-1".into()),
            ("appId", app::ssr::config::DEV_USEEPAY_APP_ID.into()),
            ("amount", "100".into()),
            ("currency", "HKD".into()),
            ("notifyUrl", stack.shop.url("/api/pay/notify")),
            (
                "payerInfo",
                app::ssr::pay::useepay::protocol::payer_info(
                    "wx_sandbox_appid",
                    "oPayBuyerSIG0000000001",
                ),
            ),
        ])
    };
    let post = |form: Fields| {
        let url = stack.gateway_url("/api");
        async move {
            reqwest::Client::new()
                .post(url)
                .form(&form)
                .send()
                .await
                .expect("api")
                .json::<Value>()
                .await
                .expect("JSON")
        }
    };
    let md5 = Signer::Md5(app::ssr::config::SANDBOX_USEEPAY_MD5_KEY.to_owned().into());
    let rsa = Signer::Rsa(PrivateKey::from_pem(MERCHANT_KEY.as_bytes()).expect("key"));
    let wrong_rsa = Signer::Rsa(PrivateKey::from_pem(GATEWAY_KEY.as_bytes()).expect("key"));
    let wrong_md5 = Signer::Md5("not-the-key".to_owned().into());
    for (what, signer, accepted) in [
        ("RSA, the merchant's key", &rsa, true),
        ("MD5, the merchant's key", &md5, true),
        ("RSA, another key", &wrong_rsa, false),
        ("MD5, another key", &wrong_md5, false),
    ] {
        let mut form = signer.signed(pay_fields()).expect("signed");
        // A second transaction per signature type (the first placed one is reused).
        let id = format!("S-SIGNATURE-{}", signer.sign_type().code());
        form = with(form, "transactionId", &id);
        let form = signer
            .signed(form.into_iter().filter(|(k, _)| k != "sign").collect())
            .expect("re-signed");
        let answer = post(form).await;
        if accepted {
            assert_eq!(answer["resultCode"], json!("pending"), "{what}: {answer}");
            assert!(answer["redirectParam"].is_string(), "{what}");
            assert_eq!(
                answer["signType"],
                json!(signer.sign_type().code()),
                "{what}: answered in the merchant's signature type"
            );
        } else {
            assert_eq!(answer["resultCode"], json!("failed"), "{what}");
            assert_eq!(answer["errorCode"], json!("SIGN_ERROR"), "{what}");
        }
    }
    // A field changed after signing, or a sign type the request does not carry, fails too.
    let tampered = with(rsa.signed(pay_fields()).expect("signed"), "amount", "1");
    assert_eq!(post(tampered).await["errorCode"], json!("SIGN_ERROR"));
    let claimed_md5 = with(rsa.signed(pay_fields()).expect("signed"), "signType", "MD5");
    assert_eq!(post(claimed_md5).await["errorCode"], json!("SIGN_ERROR"));
}

#[tokio::test]
async fn a_useepay_merchant_signing_with_md5_sells_and_refunds_settled_by_notifications() {
    let stack = Stack::start_with(
        app::ssr::testing::sqlite(),
        Gateway::UseePay,
        &[("USEEPAY_SIGN_TYPE", "MD5")],
    )
    .await;
    let db = stack.shop.db().await;
    use crate::admin::{admin_client, create_admin, refund, OWNER, PASSWORD};
    assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
    let buyer = arrive(&stack.shop, "oPayBuyerMD5000000001").await;
    let params = buyer.order_one(&stack.shop, "澳门杏仁饼").await;
    let no = order_no(&params);
    assert_eq!(stack.gateway_payment(&no).await["sign_type"], json!("MD5"));
    pay(&stack, &params).await;
    wait_for_status(&db, &no, "paid", 10).await;
    assert_eq!(verdicts(&db, &no).await, ["applied"]);

    // A refund: the gateway answers `pending`, then notifies `succeed`; the shop asks
    // about it itself and records it, before the settlement job gets round to it.
    let admin = admin_client(&stack.shop).await;
    let (status, body) = refund(&stack.shop, &admin, &no, "", &[]).await;
    assert!(status.is_success(), "{status}: {body}");
    wait_for_status(&db, &no, "refunded", 15).await;
    let notified: Vec<(String, String)> = sqlx::query_as(
        "SELECT status, verdict FROM payment_notifications WHERE order_no = $1 AND status LIKE 'refund:%'",
    )
    .bind(&no)
    .fetch_all(db.pool())
    .await
    .expect("refund notifications");
    assert!(
        notified
            .iter()
            .any(|(s, v)| s == "refund:succeed" && (v == "refund_applied" || v == "duplicate")),
        "{notified:?}"
    );
}

#[tokio::test]
async fn switching_gateways_waits_for_the_old_ones_orders_and_never_refunds_through_the_new_one() {
    use crate::admin::{admin_client, create_admin, refund, OWNER, PASSWORD};
    let stack = Stack::start(app::ssr::testing::sqlite(), &[]).await;
    let db = stack.shop.db().await;
    assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
    let buyer = arrive(&stack.shop, "oPayBuyerSWITCH00000001").await;
    let paid = buyer
        .pay_for(&stack, "澳门杏仁饼", 1, &key(&buyer.openid, 1))
        .await;
    buyer.add(&stack.shop, buyer.product("黑芝麻糊"), 1).await;
    let open = order_no(
        &buyer
            .checkout(&stack.shop, &key(&buyer.openid, 2))
            .await
            .expect("an unpaid order"),
    );
    let useepay = [
        ("PAYMENT_PROVIDER", "useepay"),
        (
            "USEEPAY_BASE_URL",
            &*format!("{}/useepay", stack.sandbox.base),
        ),
        ("SHOP_OAUTH", "official_account"),
        ("WECHAT_APPID", "wx_sandbox_appid"),
        ("WECHAT_APPSECRET", "sandbox-official-account-secret"),
        ("WECHAT_OAUTH_BASE", &*stack.sandbox.base),
        ("WECHAT_API_BASE", &*stack.sandbox.base),
    ];
    // An unpaid Wisecashier order still needs Wisecashier's answer: UseePay is refused.
    let refused = stack
        .shop
        .reconfigured(&useepay)
        .await
        .err()
        .expect("refused to start");
    assert_eq!(refused.code(), Some(2));

    // Once nothing is left to ask Wisecashier about (the order closed and its watch over),
    // the shop starts on UseePay; a refund of the Wisecashier payment is not sent to
    // UseePay: it fails, saying where to refund it.
    sqlx::query("UPDATE orders SET status = 'expired', next_check_at = $1 WHERE order_no = $2")
        .bind(i64::MAX / 2)
        .bind(&open)
        .execute(db.pool())
        .await
        .expect("closed");
    let switched = stack
        .shop
        .reconfigured(&useepay)
        .await
        .expect("starts on UseePay");
    let admin = admin_client(&switched).await;
    let (_, body) = refund(&switched, &admin, &paid, "", &[]).await;
    let refunds = crate::admin::refunds_of(&db, &paid).await;
    assert_eq!(refunds.len(), 1, "{body}");
    assert_eq!(refunds[0].1, "failed", "{body}");
    let detail: String = sqlx::query_scalar("SELECT detail FROM refunds WHERE refund_no = $1")
        .bind(&refunds[0].0)
        .fetch_one(db.pool())
        .await
        .expect("detail");
    assert!(detail.contains("paid through wisecashier"), "{detail}");
    let at_useepay: Value =
        reqwest::get(stack.gateway_url(&format!("/useepay/__sandbox/refunds/{paid}")))
            .await
            .expect("useepay")
            .json()
            .await
            .expect("json");
    assert!(
        at_useepay.get("refunds").is_none(),
        "UseePay never heard of it: {at_useepay}"
    );
}

#[tokio::test]
async fn useepay_notifications_the_shop_cannot_apply_are_put_before_the_merchant() {
    use crate::admin::{admin_client, create_admin, refund, refunds_of, OWNER, PASSWORD};
    let stack = Stack::start_with(app::ssr::testing::sqlite(), Gateway::UseePay, &[]).await;
    let db = stack.shop.db().await;
    assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
    let buyer = arrive(&stack.shop, "oPayBuyerUNAPPLIED00001").await;
    let no = buyer
        .pay_for(&stack, "澳门杏仁饼", 1, &key(&buyer.openid, 1))
        .await;
    let flagged = || async {
        let (_, flag): (String, i64) = status_of(&db, &no).await;
        let note: Option<String> =
            sqlx::query_scalar("SELECT attention_note FROM orders WHERE order_no = $1")
                .bind(&no)
                .fetch_one(db.pool())
                .await
                .expect("note");
        (flag, note.unwrap_or_default())
    };
    let merchant = app::ssr::config::DEV_USEEPAY_MERCHANT_NO;
    let signed = |list: &[(&str, String)]| {
        let mut all = fields(&[("version", "1.0".into()), ("merchantNo", merchant.into())]);
        all.extend(fields(list));
        all
    };

    // A replayed `succeed` for the paid order: a duplicate, settled without asking again.
    let replay = notification(Gateway::UseePay, &no, 4500, "HKD");
    assert_eq!(
        post_notification(&stack, &replay, GATEWAY_KEY, None).await,
        StatusCode::OK
    );
    assert_eq!(
        verdicts(&db, &no).await.last().map(String::as_str),
        Some("duplicate")
    );

    // A refund made in UseePay's console, which the shop never asked for.
    let console_refund = signed(&[
        ("transactionType", "refund".into()),
        ("transactionId", "CONSOLE-REFUND-1".into()),
        ("originalTransactionId", no.clone()),
        ("amount", "100".into()),
        ("currency", "HKD".into()),
        ("resultCode", "succeed".into()),
    ]);
    assert_eq!(
        post_notification(&stack, &console_refund, GATEWAY_KEY, None).await,
        StatusCode::OK
    );
    let (flag, note) = flagged().await;
    assert_eq!(flag, 1);
    assert!(note.contains("CONSOLE-REFUND-1"), "{note}");

    // Another kind of transaction (a chargeback) about the order.
    let chargeback = signed(&[
        ("transactionType", "chargeback".into()),
        ("transactionId", "CB-1".into()),
        ("originalTransactionId", no.clone()),
        ("amount", "4500".into()),
        ("currency", "HKD".into()),
        ("resultCode", "succeed".into()),
    ]);
    assert_eq!(
        post_notification(&stack, &chargeback, GATEWAY_KEY, None).await,
        StatusCode::OK
    );
    assert!(flagged().await.1.contains("chargeback"));

    // A refund the shop recorded as failed that the gateway reports as succeeded: the
    // merchant is told, the record is not rewritten on the notification's word.
    let admin = admin_client(&stack.shop).await;
    let (status, body) = refund(&stack.shop, &admin, &no, "10.00", &[]).await;
    assert!(status.is_success(), "{body}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let refund_no = loop {
        let refunds = refunds_of(&db, &no).await;
        if refunds.first().is_some_and(|r| r.1 == "succeeded") {
            break refunds[0].0.clone();
        }
        assert!(Instant::now() < deadline, "refund settled: {refunds:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    sqlx::query("UPDATE refunds SET status = 'failed' WHERE refund_no = $1")
        .bind(&refund_no)
        .execute(db.pool())
        .await
        .expect("recorded failed");
    let succeeded = signed(&[
        ("transactionType", "refund".into()),
        ("transactionId", refund_no.clone()),
        ("originalTransactionId", no.clone()),
        ("amount", "1000".into()),
        ("currency", "HKD".into()),
        ("resultCode", "succeed".into()),
    ]);
    assert_eq!(
        post_notification(&stack, &succeeded, GATEWAY_KEY, None).await,
        StatusCode::OK
    );
    assert_eq!(
        verdicts(&db, &no).await.last().map(String::as_str),
        Some("contradicted")
    );
    assert!(flagged().await.1.contains(&refund_no));
    assert_eq!(refunds_of(&db, &no).await[0].1, "failed", "not rewritten");
}

#[tokio::test]
async fn several_app_servers_on_one_database_settle_each_order_exactly_once() {
    for stack in every_gateway(&[("SHOP_PAYMENT_CHECK_AFTER_SECS", "1")]).await {
        let second = stack.shop.second_server().await;
        let third = stack.shop.second_server().await;
        let db = stack.shop.db().await;
        let mut orders = Vec::new();
        for i in 0..4 {
            let buyer = arrive(&stack.shop, &format!("oPayBuyerMULTI{i:010}")).await;
            set_faults(
                &stack,
                json!({ "notify": "drop", "only_openid": buyer.openid }),
            )
            .await;
            let params = buyer.order_one(&stack.shop, "澳门杏仁饼").await;
            pay(&stack, &params).await;
            orders.push(order_no(&params));
        }
        for no in &orders {
            wait_for_status(&db, no, "paid", 20).await;
            assert_eq!(
                count(&db, PAID_EVENTS, no).await,
                1,
                "{}: one transition",
                stack.shop.label
            );
        }
        drop((second, third));
    }
}

#[tokio::test]
async fn through_the_gateways_container_a_buyer_is_bound_and_a_stranger_with_the_openid_is_not() {
    const VICTIM: &str = "oPayBuyerCONTAINER00001";
    const OTHER: &str = "oPayBuyerCONTAINER00002";
    for stack in stacks(&[]).await {
        // The buyer has something in the cart.
        let buyer = arrive(&stack.shop, VICTIM).await;
        buyer.add(&stack.shop, buyer.product("冻顶乌龙茶"), 1).await;

        // Entering as WeChat sends them: the gateway's OAuth, then its container, which
        // fetches the registered page URL (secret path and all) with the openid.
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let res = browser
            .get(stack.sandbox.url(&format!(
                "/mp_pay/oauth?merchant_no=SANDBOX-MERCHANT-001&currency=HKD&return_to=%2Fcart&sandbox_openid={VICTIM}"
            )))
            .send()
            .await
            .expect("enter");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.url().as_str(),
            stack.sandbox.url("/cart"),
            "back at the page wanted"
        );
        let page = res.text().await.expect("body");
        assert_eq!(
            page.matches("data-testid=\"cart-line\"").count(),
            1,
            "their cart"
        );
        assert!(
            crate::common::form_token(&page).starts_with(VICTIM),
            "bound to the container's buyer"
        );
        assert!(
            !page.contains("/wc/"),
            "the registered URL's secret never reaches the page"
        );

        let no = order_no(
            &buyer
                .checkout(&stack.shop, &key(VICTIM, 1))
                .await
                .expect("checkout"),
        );

        // A stranger with the victim's openid in the URL sees neither the list nor the order.
        let stranger = buyer_client();
        for path in ["/orders".to_owned(), format!("/orders/{no}")] {
            let res = stranger
                .get(stack.shop.url(&format!("{path}?openid={VICTIM}")))
                .send()
                .await
                .expect("orders");
            assert_eq!(res.status(), StatusCode::FOUND, "{path}");
            assert!(res.headers().get("set-cookie").is_none(), "{path}");
            assert!(!res.text().await.expect("body").contains(&no));
        }
        // A buyer with a session of their own still sees only their own.
        let other = arrive(&stack.shop, OTHER).await;
        let res = other
            .client
            .get(stack.shop.url(&format!("/orders?openid={VICTIM}")))
            .send()
            .await
            .expect("orders");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(!res.text().await.expect("body").contains(&no));
        let res = other
            .client
            .get(stack.shop.url(&format!("/orders/{no}?openid={VICTIM}")))
            .send()
            .await
            .expect("order");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

/// What a forged notification claims, in each gateway's words.
#[derive(Clone, Copy)]
enum Claim {
    Paid,
    Expired,
}

impl Claim {
    fn word(self, gateway: Gateway) -> &'static str {
        match (gateway, self) {
            (Gateway::Wisecashier, Claim::Paid) => "PAID",
            (Gateway::Wisecashier, Claim::Expired) => "EXPIRED",
            (Gateway::UseePay, Claim::Paid) => "succeed",
            (Gateway::UseePay, Claim::Expired) => "closed",
        }
    }
}

/// Asks the sandbox to send one correctly signed notification claiming `claim` for the
/// order, whatever the gateway's own record says; answers the shop's (HTTP status, body).
async fn forged_notification(
    stack: &Stack,
    order_no: &str,
    claim: Claim,
    age_secs: i64,
) -> (u16, String) {
    let status = claim.word(stack.gateway);
    let res: Value = reqwest::Client::new()
        .post(stack.gateway_url("/__sandbox/notify_forged"))
        .json(&json!({ "order_no": order_no, "status": status, "timestamp_age_secs": age_secs }))
        .send()
        .await
        .expect("forge")
        .json()
        .await
        .expect("forge answer");
    (
        u16::try_from(res["http_status"].as_u64().expect("shop answered")).expect("status"),
        res["body"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn verdicts(db: &Database, order_no: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT verdict FROM payment_notifications WHERE order_no = $1 ORDER BY id")
        .bind(order_no)
        .fetch_all(db.pool())
        .await
        .expect("verdicts")
}

#[tokio::test]
async fn a_signed_paid_notification_for_an_unpaid_payment_leaves_the_order_unpaid() {
    for stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerFORGED00000001").await;
        let bag = buyer.product("棉麻环保购物袋");
        buyer.add(&stack.shop, bag, 1).await;
        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        let reserved = stock(&db, bag).await;

        // Signed by the gateway's own key, for the right order, amount and buyer, but the
        // gateway itself has taken no money: the shop's query says so, and the order stays.
        let (status, _) = forged_notification(&stack, &no, Claim::Paid, 0).await;
        assert_eq!(status, 409, "{}: not acknowledged", stack.shop.label);
        assert_eq!(status_of(&db, &no).await.0, "awaiting_payment");
        assert_eq!(stock(&db, bag).await, reserved);
        assert_eq!(count(&db, PAID_EVENTS, &no).await, 0);
        assert_eq!(verdicts(&db, &no).await, ["unconfirmed"]);

        // A signed EXPIRED the gateway does not confirm closes nothing either.
        let (status, _) = forged_notification(&stack, &no, Claim::Expired, 0).await;
        assert_eq!(status, 409);
        assert_eq!(status_of(&db, &no).await.0, "awaiting_payment");
        assert_eq!(stock(&db, bag).await, reserved);
    }
}

#[tokio::test]
async fn when_the_gateway_cannot_be_asked_the_notification_is_retried_never_trusted() {
    for stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerQUERYDOWN00001").await;
        let params = buyer.order_one(&stack.shop, "澳门杏仁饼").await;
        let no = order_no(&params);
        // The gateway's query is down; its notifications still go out.
        set_faults(
            &stack,
            json!({ "query": "server_error", "only_openid": buyer.openid }),
        )
        .await;
        pay(&stack, &params).await;
        // The first notifications (at once, 1 s, 2 s, 4 s, 8 s, scaled) all get 503.
        let deadline = Instant::now() + Duration::from_secs(10);
        while verdicts(&db, &no).await.len() < 3 {
            assert!(Instant::now() < deadline, "notifications keep coming");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            status_of(&db, &no).await.0,
            "awaiting_payment",
            "{}: never settled on the notification's word",
            stack.shop.label
        );
        assert!(verdicts(&db, &no).await.iter().all(|v| v == "query_failed"));

        // The gateway answers again: the next retry is confirmed and settles.
        set_faults(&stack, json!({})).await;
        wait_for_status(&db, &no, "paid", 15).await;
        let state = stack.gateway_payment(&no).await;
        let statuses: Vec<u64> = state["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .filter_map(|d| d["http_status"].as_u64())
            .collect();
        assert!(
            statuses.contains(&503) && statuses.last() == Some(&200),
            "{statuses:?}"
        );
        assert_eq!(count(&db, PAID_EVENTS, &no).await, 1);
    }
}

#[tokio::test]
async fn a_replayed_notification_with_an_old_timestamp_is_refused_within_the_retry_window_accepted()
{
    for stack in stacks(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerREPLAY00000001").await;
        let params = buyer.order_one(&stack.shop, "澳门杏仁饼").await;
        let no = order_no(&params);
        set_faults(
            &stack,
            json!({ "notify": "drop", "only_openid": buyer.openid }),
        )
        .await;
        pay(&stack, &params).await;

        // Three hours old: a replay, refused and only counted.
        let (status, body) = forged_notification(&stack, &no, Claim::Paid, 3 * 3600).await;
        assert_eq!((status, body.as_str()), (401, "stale_timestamp"));
        assert_eq!(status_of(&db, &no).await.0, "awaiting_payment");
        assert!(
            verdicts(&db, &no).await.is_empty(),
            "not stored as the order's"
        );
        let stale: i64 = sqlx::query_scalar(
            "SELECT CAST(SUM(count) AS BIGINT) FROM rejected_notifications WHERE reason = 'stale_timestamp'",
        )
        .fetch_one(db.pool())
        .await
        .expect("count");
        assert_eq!(stale, 1);

        // 55 minutes old, like the gateway's last retry if it kept the first Timestamp:
        // accepted, and confirmed by the shop's query.
        let (status, body) = forged_notification(&stack, &no, Claim::Paid, 55 * 60).await;
        assert_eq!(
            (status, body.as_str()),
            (200, "success"),
            "{}",
            stack.shop.label
        );
        assert_eq!(status_of(&db, &no).await.0, "paid");
    }
}

#[tokio::test]
async fn a_query_answer_about_another_order_settles_nothing() {
    for stack in every_gateway(&[("SHOP_PAYMENT_CHECK_AFTER_SECS", "1")]).await {
        let db = stack.shop.db().await;
        // Someone else's order is paid at the gateway.
        let payer = arrive(&stack.shop, "oPayBuyerOTHERORDER0001").await;
        payer.add(&stack.shop, payer.product("澳门杏仁饼"), 1).await;
        let paid = payer
            .checkout(&stack.shop, &key(&payer.openid, 1))
            .await
            .expect("checkout");
        pay(&stack, &paid).await;
        wait_for_status(&db, &order_no(&paid), "paid", 10).await;

        // This buyer's order is not; the gateway's answers about it describe the other one.
        let buyer = arrive(&stack.shop, "oPayBuyerOTHERORDER0002").await;
        let no = order_no(&buyer.order_one(&stack.shop, "澳门杏仁饼").await);
        set_faults(
            &stack,
            json!({ "query": "other_order", "only_openid": buyer.openid }),
        )
        .await;
        let (status, _) = forged_notification(&stack, &no, Claim::Paid, 0).await;
        assert_eq!(
            status, 503,
            "{}: no usable answer, retry later",
            stack.shop.label
        );
        // The settlement job asks too (after 1 s) and gets the same wrong answer.
        let deadline = Instant::now() + Duration::from_secs(4);
        while Instant::now() < deadline {
            assert_eq!(status_of(&db, &no).await.0, "awaiting_payment");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let checks: i64 = count(&db, "SELECT checks FROM orders WHERE order_no = $1", &no).await;
        assert!(checks >= 1, "the job asked");
        assert_eq!(count(&db, PAID_EVENTS, &no).await, 0);
    }
}

#[tokio::test]
async fn a_late_payment_is_found_on_an_expired_order_even_with_every_notification_lost() {
    let env = [
        ("SHOP_ORDER_EXPIRY_SECS", "2"),
        ("SHOP_PAYMENT_CHECK_AFTER_SECS", "1"),
    ];
    for stack in every_gateway(&env).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerLATENONOTIFY01").await;
        set_faults(
            &stack,
            json!({ "notify": "drop", "pay_window_ms": 600_000, "only_openid": buyer.openid }),
        )
        .await;
        let candle = buyer.product("白茶香薰蜡烛");
        let before = stock(&db, candle).await;
        buyer.add(&stack.shop, candle, 1).await;
        let params = buyer
            .checkout(&stack.shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        wait_for_status(&db, &no, "expired", 15).await;
        assert_eq!(stock(&db, candle).await, before, "released at expiry");

        // The buyer pays on the still-open pay sheet; no notification ever arrives.
        pay(&stack, &params).await;
        wait_for_status(&db, &no, "paid", 30).await;
        assert_eq!(
            status_of(&db, &no).await.1,
            1,
            "{}: flagged for the merchant",
            stack.shop.label
        );
        assert_eq!(stock(&db, candle).await, before - 1, "stock reserved again");
        assert!(
            verdicts(&db, &no).await.is_empty(),
            "found by the shop's own query"
        );
    }
}

#[tokio::test]
async fn an_order_the_gateway_says_it_does_not_know_is_asked_again_before_it_expires() {
    // The first check comes after the deadline: one "unknown" answer must not close it.
    let env = [
        ("SHOP_ORDER_EXPIRY_SECS", "2"),
        ("SHOP_PAYMENT_CHECK_AFTER_SECS", "3"),
    ];
    for stack in every_gateway(&env).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerUNKNOWN0000001").await;
        set_faults(
            &stack,
            json!({ "query": "not_found", "only_openid": buyer.openid }),
        )
        .await;
        let no = order_no(&buyer.order_one(&stack.shop, "澳门杏仁饼").await);
        wait_for_status(&db, &no, "expired", 30).await;
        let unknown = count(
            &db,
            "SELECT unknown_answers FROM orders WHERE order_no = $1",
            &no,
        )
        .await;
        assert!(
            unknown >= 2,
            "{}: closed only after asking again ({unknown} answers)",
            stack.shop.label
        );
    }
}

#[tokio::test]
async fn cancelling_waits_for_the_gateway_and_never_goes_ahead_blind() {
    for stack in every_gateway(&[]).await {
        let db = stack.shop.db().await;
        let buyer = arrive(&stack.shop, "oPayBuyerCANCELBLIND001").await;
        let cup = buyer.product("手工陶瓷茶杯");
        buyer.add(&stack.shop, cup, 1).await;
        let no = order_no(
            &buyer
                .checkout(&stack.shop, &key(&buyer.openid, 1))
                .await
                .expect("checkout"),
        );
        let reserved = stock(&db, cup).await;
        set_faults(
            &stack,
            json!({ "query": "server_error", "only_openid": buyer.openid }),
        )
        .await;
        let cancel = || {
            buyer
                .client
                .post(stack.shop.url("/api/orders/cancel"))
                .form(&[("token", buyer.token.as_str()), ("order_no", no.as_str())])
                .send()
        };
        let res = cancel().await.expect("cancel");
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            res.json::<Value>().await.expect("json"),
            json!("PaymentUncheckable")
        );
        assert_eq!(status_of(&db, &no).await.0, "awaiting_payment");
        assert_eq!(
            stock(&db, cup).await,
            reserved,
            "{}: still reserved",
            stack.shop.label
        );

        // The gateway answers again: the cancel goes through.
        set_faults(&stack, json!({})).await;
        let res = cancel().await.expect("cancel");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(status_of(&db, &no).await.0, "cancelled");
        assert_eq!(stock(&db, cup).await, reserved + 1);
    }
}
