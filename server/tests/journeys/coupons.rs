//! Coupons: the merchant makes them, buyers claim them (in the centre or with a code), the
//! cart suggests the best, checkout takes the discount off what the gateway is asked for,
//! the total quantity and the per-buyer limit hold under concurrent claims, a coupon comes
//! back when its order is cancelled, and a refund never pays out more than was paid.

use crate::admin::{act, owner_client, refund};
use crate::common::{arrive, key, order_no, pay, testid_text, wait_for_status, Buyer, Shop, Stack};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Creates a coupon from the back office's form; its id.
async fn create(shop: &Shop, admin: &reqwest::Client, fields: &[(&str, &str)]) -> i64 {
    let mut form = vec![
        ("name", "新客立减"),
        ("kind", "fixed"),
        ("scope", "all"),
        ("valid_days", "7"),
        ("total", "100"),
        ("per_buyer", "1"),
        ("in_centre", "on"),
    ];
    for &(name, value) in fields {
        match form.iter_mut().find(|f| f.0 == name) {
            Some(f) => f.1 = value,
            None => form.push((name, value)),
        }
    }
    let (status, body) = act(shop, admin, "coupon_create", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.trim().parse().expect("coupon id")
}

async fn claim(shop: &Shop, buyer: &Buyer, id: i64) -> (StatusCode, Value) {
    buyer
        .post(
            shop,
            "/api/coupons/claim",
            &[("coupon_id", &id.to_string())],
        )
        .await
}

async fn counts(shop: &Shop, id: i64) -> (i64, i64) {
    sqlx::query_as("SELECT claimed, used FROM coupons WHERE id = $1")
        .bind(id)
        .fetch_one(shop.db().await.pool())
        .await
        .expect("coupon")
}

/// The buyer's coupons of `coupon`: (id, status).
async fn held(shop: &Shop, buyer: &Buyer, coupon: i64) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT id, status FROM buyer_coupons WHERE openid = $1 AND coupon_id = $2 ORDER BY id",
    )
    .bind(&buyer.openid)
    .bind(coupon)
    .fetch_all(shop.db().await.pool())
    .await
    .expect("buyer coupons")
}

/// Checkout with the buyer's coupon `coupon` (and, if given, the total the page showed).
async fn checkout_with_coupon(
    shop: &Shop,
    buyer: &Buyer,
    n: u32,
    coupon: i64,
    seen_total: Option<&str>,
) -> (StatusCode, Value) {
    let (key, address, coupon) = (
        key(&buyer.openid, n),
        buyer.address.to_string(),
        coupon.to_string(),
    );
    let mut form = vec![
        ("checkout_key", key.as_str()),
        ("address", address.as_str()),
        ("coupon", coupon.as_str()),
    ];
    if let Some(seen) = seen_total {
        form.push(("seen_total", seen));
    }
    buyer.post(shop, "/api/orders/checkout", &form).await
}

#[tokio::test]
async fn a_buyer_claims_the_best_coupon_pays_less_and_gets_it_back_on_cancellation() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let label = shop.label;
        let admin = owner_client(shop).await;

        // HK$20 off from HK$100; 15% off tea (category 1), at most HK$30; a code.
        let twenty = create(shop, &admin, &[("amount", "20"), ("min_spend", "100")]).await;
        let tea = create(
            shop,
            &admin,
            &[
                ("name", "茶饮八五折"),
                ("kind", "percent"),
                ("percent_off", "15"),
                ("cap", "30"),
                ("scope", "categories"),
                ("scope_ids", "1"),
            ],
        )
        .await;
        let coded = create(
            shop,
            &admin,
            &[
                ("name", "暗号券"),
                ("code", "tea-2026"),
                ("amount", "5"),
                ("in_centre", ""),
            ],
        )
        .await;
        // Nonsense is refused, saying what to fix.
        let (status, body) = act(
            shop,
            &admin,
            "coupon_create",
            &[
                ("name", "坏券"),
                ("kind", "percent"),
                ("percent_off", "150"),
                ("scope", "all"),
                ("valid_days", "7"),
                ("total", "1"),
                ("per_buyer", "1"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("折扣百分比"), "{body}");
        let (status, body) = act(
            shop,
            &admin,
            "coupon_create",
            &[
                ("name", "重复码"),
                ("kind", "fixed"),
                ("amount", "1"),
                ("code", "TEA-2026"),
                ("scope", "all"),
                ("valid_days", "7"),
                ("total", "1"),
                ("per_buyer", "1"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // The centre offers the two public ones; the buyer claims both, and the code.
        let buyer = arrive(shop, "oCouponBuyer000000000001").await;
        let centre = buyer.page(shop, "/coupons").await;
        assert_eq!(
            centre.matches("data-testid=\"coupon-offer\"").count(),
            2,
            "{label}"
        );
        assert!(centre.contains("满 HK$100.00 · 减 HK$20.00"), "{centre}");
        assert!(centre.contains("8.5 折，最多减 HK$30.00"));
        for id in [twenty, tea] {
            assert_eq!(claim(shop, &buyer, id).await.0, StatusCode::OK, "{label}");
        }
        let (status, body) = claim(shop, &buyer, twenty).await;
        assert_eq!(
            (status, body),
            (StatusCode::CONFLICT, json!({"Coupon": "LimitReached"}))
        );
        let (status, body) = claim(shop, &buyer, coded).await;
        assert_eq!(
            (status, body),
            (StatusCode::CONFLICT, json!({"Coupon": "NotAvailable"})),
            "not in the centre"
        );
        let (status, body) = buyer
            .post(shop, "/api/coupons/redeem", &[("code", "nope-0000")])
            .await;
        assert_eq!(
            (status, body),
            (StatusCode::NOT_FOUND, json!({"Coupon": "NoSuchCode"}))
        );
        let (status, _) = buyer
            .post(shop, "/api/coupons/redeem", &[("code", " tea-2026 ")])
            .await;
        assert_eq!(status, StatusCode::OK);

        // Two oolong (HK$256, tea): 15% is HK$38.40, capped at HK$30: the best, suggested.
        buyer.add(shop, buyer.product("冻顶乌龙茶"), 2).await;
        let cart = buyer.page(shop, "/cart").await;
        assert_eq!(
            testid_text(&cart, "cart-discount").as_deref(),
            Some("−HK$30.00"),
            "{label}"
        );
        assert!(cart.contains("HK$226.00"), "the total to pay");
        // The buyer picks the HK$20 one instead, or none.
        let mine = held(shop, &buyer, twenty).await;
        let cart = buyer
            .page(shop, &format!("/cart?coupon={}", mine[0].0))
            .await;
        assert_eq!(
            testid_text(&cart, "cart-discount").as_deref(),
            Some("−HK$20.00")
        );
        let cart = buyer.page(shop, "/cart?coupon=none").await;
        assert!(!cart.contains("data-testid=\"cart-discount\""));

        // Checkout with the tea coupon: the gateway is asked for HK$226.00.
        let tea_held = held(shop, &buyer, tea).await[0].0;
        let checkout = |n: u32, coupon: i64| checkout_with_coupon(shop, &buyer, n, coupon, None);
        // A page that showed another amount (a price, coupon or fee changed since) is refused
        // before anything is reserved; the amount the page showed goes through.
        for (n, seen, want) in [
            (7, "22599", StatusCode::CONFLICT),
            (1, "22600", StatusCode::OK),
        ] {
            let (status, body) = checkout_with_coupon(shop, &buyer, n, tea_held, Some(seen)).await;
            assert_eq!(status, want, "{label}: {body}");
            if want == StatusCode::CONFLICT {
                assert_eq!(body, json!("PriceChanged"));
                assert_eq!(held(shop, &buyer, tea).await[0].1, "available");
            }
        }
        let (status, params) = checkout(1, tea_held).await;
        assert_eq!(status, StatusCode::OK, "{label}: {params}");
        let no = order_no(&params);
        let gw = stack.gateway_payment(&no).await;
        assert_eq!(gw["amount"], json!("226.00"), "{label}: {gw}");
        assert_eq!(held(shop, &buyer, tea).await[0].1, "locked");
        // The same coupon cannot go on a second order meanwhile.
        buyer.add(shop, buyer.product("冻顶乌龙茶"), 1).await;
        let (status, body) = checkout(2, tea_held).await;
        assert_eq!(
            (status, body),
            (StatusCode::CONFLICT, json!({"Coupon": "NotUsable"}))
        );

        // The buyer cancels: the coupon is theirs again, and the next order uses it.
        let (status, _) = buyer
            .post(shop, "/api/orders/cancel", &[("order_no", &no)])
            .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(held(shop, &buyer, tea).await[0].1, "available", "{label}");
        let (status, params) = checkout(3, tea_held).await;
        assert_eq!(status, StatusCode::OK, "{label}: {params}");
        let no = order_no(&params);
        pay(&stack, &params).await;
        wait_for_status(&shop.db().await, &no, "paid", 10).await;
        assert_eq!(held(shop, &buyer, tea).await[0].1, "used");
        assert_eq!(counts(shop, tea).await, (1, 1));

        // The order page shows the discount (15% of the one oolong now in the order); a
        // refund pays back at most what was paid.
        let page = buyer.page(shop, &format!("/orders/{no}")).await;
        assert_eq!(
            testid_text(&page, "order-discount").as_deref(),
            Some("−HK$19.20"),
            "{label}"
        );
        let paid: i64 = sqlx::query_scalar("SELECT total_minor FROM orders WHERE order_no = $1")
            .bind(&no)
            .fetch_one(shop.db().await.pool())
            .await
            .expect("total");
        assert_eq!(paid, 12_800 - 1_920, "one oolong, 15% off");
        let over = format!("{}.{:02}", (paid + 1) / 100, (paid + 1) % 100);
        let (status, body) = refund(shop, &admin, &no, &over, &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // The back office counts claims and uses; a paused coupon cannot be claimed.
        let list = crate::admin::page_text(shop, &admin, "/admin/coupons").await;
        assert!(list.contains("已领 1/100 · 已用 1"), "{label}");
        let (status, _) = act(
            shop,
            &admin,
            "coupon_pause",
            &[("id", &twenty.to_string()), ("paused", "true")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let other = arrive(shop, "oCouponOther000000000001").await;
        let (status, body) = claim(shop, &other, twenty).await;
        assert_eq!(
            (status, body),
            (StatusCode::CONFLICT, json!({"Coupon": "NotAvailable"}))
        );
        // The owner may still issue it to a buyer.
        let (status, body) = act(
            shop,
            &admin,
            "coupon_issue",
            &[("id", &twenty.to_string()), ("openid", &other.openid)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(held(shop, &other, twenty).await.len(), 1);
    }
}

#[tokio::test]
async fn concurrent_claims_never_pass_the_total_or_the_per_buyer_limit() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let admin = owner_client(shop).await;
        let scarce = create(
            shop,
            &admin,
            &[("amount", "5"), ("total", "5"), ("per_buyer", "2")],
        )
        .await;
        let mut buyers = Vec::new();
        for i in 0..6 {
            buyers.push(arrive(shop, &format!("oCouponRace{i:013}")).await);
        }
        // Six buyers, each claiming three times at once: 18 claims for 5 coupons.
        let shop_ref = shop;
        let claims = buyers
            .iter()
            .flat_map(|b| (0..3).map(move |_| claim(shop_ref, b, scarce)));
        let results = futures_util::future::join_all(claims).await;
        let granted = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        assert_eq!(granted, 5, "{}: {results:?}", shop.label);
        for (status, body) in &results {
            assert!(
                *status == StatusCode::OK
                    || (*status == StatusCode::CONFLICT
                        && (body == &json!({"Coupon": "SoldOut"})
                            || body == &json!({"Coupon": "LimitReached"}))),
                "{status} {body}"
            );
        }
        assert_eq!(counts(shop, scarce).await.0, 5);
        for b in &buyers {
            assert!(held(shop, b, scarce).await.len() <= 2, "{}", shop.label);
        }
        let rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM buyer_coupons WHERE coupon_id = $1")
                .bind(scarce)
                .fetch_one(shop.db().await.pool())
                .await
                .expect("count");
        assert_eq!(rows, 5);

        // One buyer's four checkouts at once with the same coupon: one order holds it.
        let mut holder = None;
        for b in &buyers {
            if let Some((id, _)) = held(shop, b, scarce).await.first() {
                holder = Some((b, *id));
                break;
            }
        }
        let (buyer, mine) = holder.expect("someone won a coupon");
        buyer.add(shop, buyer.product("冻顶乌龙茶"), 1).await;
        let checkouts = (1..=4).map(|n| checkout_with_coupon(shop_ref, buyer, n, mine, None));
        let results = futures_util::future::join_all(checkouts).await;
        let placed: Vec<&Value> = results
            .iter()
            .filter(|(s, _)| *s == StatusCode::OK)
            .map(|(_, v)| v)
            .collect();
        assert_eq!(placed.len(), 1, "{}: {results:?}", shop.label);
        let holder: Option<String> = sqlx::query_scalar(
            "SELECT o.order_no FROM buyer_coupons b JOIN orders o ON o.id = b.order_id
             WHERE b.id = $1 AND b.status = 'locked'",
        )
        .bind(mine)
        .fetch_optional(shop.db().await.pool())
        .await
        .expect("holder");
        assert_eq!(holder, Some(order_no(placed[0])));
    }
}

#[tokio::test]
async fn an_order_that_expires_unpaid_gives_its_coupon_back() {
    let env = [
        ("SHOP_ORDER_EXPIRY_SECS", "2"),
        ("SHOP_PAYMENT_CHECK_AFTER_SECS", "1"),
    ];
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &env).await;
        let shop = &stack.shop;
        let admin = owner_client(shop).await;
        let five = create(shop, &admin, &[("amount", "5")]).await;
        let buyer = arrive(shop, "oCouponExpiry00000000001").await;
        // The gateway keeps this buyer's payments payable long after the shop's expiry.
        stack
            .set_faults(json!({ "pay_window_ms": 600_000, "only_openid": buyer.openid }))
            .await;
        assert_eq!(claim(shop, &buyer, five).await.0, StatusCode::OK);
        let mine = held(shop, &buyer, five).await[0].0;
        buyer.add(shop, buyer.product("手工陶瓷茶杯"), 1).await;
        let (status, params) = checkout_with_coupon(shop, &buyer, 1, mine, None).await;
        assert_eq!(status, StatusCode::OK, "{params}");
        assert_eq!(
            held(shop, &buyer, five).await,
            [(mine, "locked".to_owned())]
        );
        wait_for_status(&shop.db().await, &order_no(&params), "expired", 15).await;
        assert_eq!(
            held(shop, &buyer, five).await,
            [(mine, "available".to_owned())],
            "{}",
            shop.label
        );
        assert_eq!(counts(shop, five).await, (1, 0), "claimed once, never used");

        buyer.add(shop, buyer.product("手工陶瓷茶杯"), 1).await;
        // The coupon goes on a second order, which is paid. Then the first order's payment
        // lands late (the gateway kept it payable): it cannot have the coupon too, so it is
        // marked for a full refund and flagged, and the coupon counts as used once.
        let (status, second) = checkout_with_coupon(shop, &buyer, 2, mine, None).await;
        assert_eq!(status, StatusCode::OK, "{second}");
        pay(&stack, &second).await;
        let db = shop.db().await;
        wait_for_status(&db, &order_no(&second), "paid", 10).await;
        pay(&stack, &params).await;
        wait_for_status(&db, &order_no(&params), "refund_pending", 10).await;
        let (_, flagged) = crate::common::status_of(&db, &order_no(&params)).await;
        assert_eq!(flagged, 1, "{}: the merchant is told", shop.label);
        assert_eq!(held(shop, &buyer, five).await, [(mine, "used".to_owned())]);
        assert_eq!(counts(shop, five).await, (1, 1));
    }
}
