//! Black-box tests: the real server binary, a real database (SQLite and PostgreSQL), HTTP.

use crate::common::{badge, buyer_client, form_token, product_id, Shop};
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::StatusCode;

const BUYER: &str = "oHttpBuyerAAAAAAAAAAAAAAAAAA";
const OTHER: &str = "oHttpBuyerBBBBBBBBBBBBBBBBBB";

async fn shops() -> Vec<Shop> {
    let mut shops = Vec::new();
    for db in app::ssr::testing::all().await {
        shops.push(Shop::start(db).await);
    }
    shops
}

async fn arrive(shop: &Shop, client: &reqwest::Client, openid: &str) -> String {
    let res = client
        .get(shop.container_url(&format!("/?openid={openid}")))
        .send()
        .await
        .expect("home");
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.expect("body")
}

/// The body of a page, fetched by this buyer.
async fn fetch_page(client: &reqwest::Client, url: &str) -> String {
    let res = client.get(url).send().await.expect("page");
    res.text().await.expect("body")
}

/// The buyer's form token, as a product page's add-to-cart form carries it.
async fn page_token(shop: &Shop, client: &reqwest::Client, home: &str) -> String {
    let product = product_id(home, "冻顶乌龙茶");
    form_token(&fetch_page(client, &shop.url(&format!("/product/{product}"))).await)
}

/// Posts a cart form (`token`, `product_id`, `quantity`) to `/api/cart/{action}`.
async fn cart_post(
    shop: &Shop,
    client: &reqwest::Client,
    action: &str,
    headers: &[(&str, String)],
    (token, product, qty): (&str, i64, &str),
) -> reqwest::Response {
    let mut req = client.post(shop.url(&format!("/api/cart/{action}")));
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    req.form(&[
        ("token", token),
        ("product_id", &product.to_string()),
        ("quantity", qty),
    ])
    .send()
    .await
    .expect(action)
}

async fn add(
    shop: &Shop,
    client: &reqwest::Client,
    token: &str,
    product: i64,
    qty: &str,
) -> reqwest::Response {
    let json = [("Accept", "application/json".to_owned())];
    cart_post(shop, client, "add", &json, (token, product, qty)).await
}

#[tokio::test]
async fn a_buyer_arriving_with_an_openid_gets_a_session_and_the_server_rendered_catalog() {
    for shop in shops().await {
        let client = buyer_client();
        let res = client
            .get(shop.container_url(&format!("/?openid={BUYER}")))
            .send()
            .await
            .expect("home");
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res
            .headers()
            .get(SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("session cookie")
            .to_owned();
        assert!(cookie.starts_with("shop_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("Secure"),
            "plain http in development: {cookie}"
        );
        assert_eq!(
            res.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("private, no-store")
        );
        let html = res.text().await.expect("body");
        assert_eq!(html.matches("data-testid=\"product-card\"").count(), 12);
        assert!(html.contains("<html lang=\"zh-CN\""));
        assert!(html.contains("冻顶乌龙茶 150g") && html.contains("HK$128.00"));

        // The cookie alone carries the buyer on the next page.
        let res = client.get(shop.url("/cart")).send().await.expect("cart");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res
            .text()
            .await
            .expect("body")
            .contains("data-testid=\"cart-empty\""));
    }
}

#[tokio::test]
async fn a_page_without_openid_or_session_goes_to_the_oauth_entry_with_its_return_path() {
    for shop in shops().await {
        let res = buyer_client()
            .get(shop.url("/product/3?from=menu"))
            .send()
            .await
            .expect("page");
        assert_eq!(res.status(), StatusCode::FOUND);
        let location = res.headers()[LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(
            location.starts_with("http://127.0.0.1:3100/mp_pay/oauth?merchant_no=SANDBOX-MERCHANT-001&currency=HKD&return_to="),
            "{location}"
        );
        assert!(
            location.ends_with("return_to=%2Fproduct%2F3%3Ffrom%3Dmenu"),
            "{location}"
        );
    }
}

#[tokio::test]
async fn back_from_oauth_the_buyer_is_bound_and_sent_to_the_page_they_wanted() {
    for shop in shops().await {
        let client = buyer_client();
        let res = client
            .get(shop.container_url(&format!(
                "/?merchant_no=X&currency=HKD&return_to=%2Fcart&openid={BUYER}"
            )))
            .send()
            .await
            .expect("return");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()[LOCATION], "/cart");
        assert!(res.headers().get(SET_COOKIE).is_some());

        // An off-site return_to is not followed: the shop is no open redirect.
        let res = client
            .get(shop.container_url(&format!("/?return_to=%2F%2Fevil.example&openid={BUYER}")))
            .send()
            .await
            .expect("evil");
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn an_implausible_openid_gets_a_clear_400_and_binds_nothing() {
    for shop in shops().await {
        for bad in [
            "short",
            "oHttpBuyer%20AAAAAAAAAAAAAAAAA",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ] {
            let res = buyer_client()
                .get(shop.container_url(&format!("/?openid={bad}")))
                .send()
                .await
                .expect("bad");
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
            assert!(res.headers().get(SET_COOKIE).is_none(), "{bad}");
            assert!(res.text().await.expect("body").contains("无效的用户标识"));
        }
    }
}

#[tokio::test]
async fn the_cart_is_kept_on_the_server_and_rendered_for_its_buyer_only() {
    for shop in shops().await {
        let client = buyer_client();
        let html = arrive(&shop, &client, BUYER).await;
        let token = page_token(&shop, &client, &html).await;
        let eggrolls = product_id(&html, "原味鸡蛋卷");
        let tea = product_id(&html, "桂花红茶");

        // Adding answers the cart's new item count (the badge island shows it).
        let res = add(&shop, &client, &token, eggrolls, "2").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.text().await.expect("body"), "2");
        let res = add(&shop, &client, &token, tea, "1").await;
        assert_eq!(res.text().await.expect("body"), "3");
        // Changing a line answers the whole new cart (the cart island re-renders from it).
        let res = cart_post(&shop, &client, "update", &[], (&token, eggrolls, "3")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let body = res.text().await.expect("body");
        assert!(body.contains(r#""count":4"#), "{body}");
        assert!(
            body.contains(r#""total":{"minor":32200,"currency":"Hkd"}"#),
            "{body}"
        );

        let cart = fetch_page(&client, &shop.url("/cart")).await;
        assert_eq!(cart.matches("data-testid=\"cart-line\"").count(), 2);
        assert!(cart.contains("HK$264.00"), "3 × HK$88.00");
        assert!(cart.contains("HK$322.00"), "264 + 58");
        assert_eq!(badge(&cart), Some(4), "badge from the server");

        let other = buyer_client();
        arrive(&shop, &other, OTHER).await;
        let cart = fetch_page(&other, &shop.url("/cart")).await;
        assert!(cart.contains("data-testid=\"cart-empty\""));
        assert_eq!(badge(&cart), None);
    }
}

#[tokio::test]
async fn bad_cart_input_gets_a_typed_error_and_changes_nothing() {
    for shop in shops().await {
        let client = buyer_client();
        let html = arrive(&shop, &client, BUYER).await;
        let token = page_token(&shop, &client, &html).await;
        let longjing = product_id(&html, "西湖龙井"); // stock 3

        let res = add(&shop, &client, &token, longjing, "4").await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(
            res.text().await.expect("body"),
            r#"{"InsufficientStock":{"available":3}}"#
        );
        let res = add(&shop, &client, &token, longjing, "0").await;
        assert_eq!(res.text().await.expect("body"), r#""InvalidQuantity""#);
        let res = add(&shop, &client, &token, longjing, "two").await;
        assert_eq!(res.text().await.expect("body"), r#""InvalidQuantity""#);
        let res = add(&shop, &client, &token, 999_999, "1").await;
        assert_eq!(res.text().await.expect("body"), r#""NotFound""#);

        // Without JavaScript the form's error comes back in the URL of the page it came from.
        let res = cart_post(
            &shop,
            &client,
            "add",
            &[
                ("Accept", "text/html".to_owned()),
                ("Referer", shop.url(&format!("/product/{longjing}"))),
            ],
            (&token, longjing, "9"),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FOUND);
        let back = res.headers()[LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(
            back.contains(&format!(
                "/product/{longjing}?__path=%2Fapi%2Fcart%2Fadd&__err="
            )),
            "{back}"
        );
        let page = client
            .get(&back)
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains("库存不足，最多可购买 3 件"),
            "the page shows the error"
        );

        let cart = fetch_page(&client, &shop.url("/cart")).await;
        assert!(cart.contains("data-testid=\"cart-empty\""));
    }
}

#[tokio::test]
async fn a_refused_call_answers_the_callers_4xx_never_a_500() {
    for shop in shops().await {
        let client = buyer_client();
        let html = arrive(&shop, &client, BUYER).await;
        let token = page_token(&shop, &client, &html).await;
        let longjing = product_id(&html, "西湖龙井"); // stock 3

        let cases = [
            (
                "no stock for 4",
                token.as_str(),
                longjing,
                "4",
                StatusCode::CONFLICT,
            ),
            (
                "quantity 0",
                token.as_str(),
                longjing,
                "0",
                StatusCode::BAD_REQUEST,
            ),
            (
                "unknown product",
                token.as_str(),
                999_999,
                "1",
                StatusCode::NOT_FOUND,
            ),
            ("no form token", "", longjing, "1", StatusCode::UNAUTHORIZED),
        ];
        for (what, token, product, qty, want) in cases {
            let res = add(&shop, &client, token, product, qty).await;
            assert_eq!(res.status(), want, "{}: {what}", shop.label);
        }

        // Arguments the server cannot decode are the caller's mistake too.
        let res = client
            .post(shop.url("/api/cart/add"))
            .header("Accept", "application/json")
            .form(&[
                ("token", token.as_str()),
                ("product_id", "tea"),
                ("quantity", "1"),
            ])
            .send()
            .await
            .expect("add");
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{}", shop.label);
    }
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_proxys_plain_id_is_kept() {
    let shop = Shop::start(app::ssr::testing::sqlite()).await;
    let client = reqwest::Client::new();
    let id_of = |res: &reqwest::Response| {
        res.headers()
            .get("x-request-id")
            .map(|v| v.to_str().expect("ascii").to_owned())
    };

    let a = client.get(shop.url("/healthz")).send().await.expect("a");
    let b = client.get(shop.url("/healthz")).send().await.expect("b");
    let (a, b) = (id_of(&a).expect("an id"), id_of(&b).expect("an id"));
    assert!(a.len() >= 16 && a != b, "{a} {b}");

    let res = client
        .get(shop.url("/healthz"))
        .header("x-request-id", "edge-0123456789")
        .send()
        .await
        .expect("kept");
    assert_eq!(id_of(&res).as_deref(), Some("edge-0123456789"));

    // An id that could forge a log line is replaced, not echoed.
    let res = client
        .get(shop.url("/healthz"))
        .header("x-request-id", "x\" id=forged")
        .send()
        .await
        .expect("replaced");
    let id = id_of(&res).expect("an id");
    assert!(!id.contains("forged"), "{id}");

    // Server functions and redirects carry one too.
    let res = client
        .post(shop.url("/api/catalog/product"))
        .form(&[("id", "999999")])
        .send()
        .await
        .expect("call");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(id_of(&res).is_some());
}

#[tokio::test]
async fn an_unknown_product_is_a_404_page_and_the_cart_survives() {
    for shop in shops().await {
        let client = buyer_client();
        let html = arrive(&shop, &client, BUYER).await;
        let token = page_token(&shop, &client, &html).await;
        let tea = product_id(&html, "桂花红茶");
        assert_eq!(
            add(&shop, &client, &token, tea, "1").await.status(),
            StatusCode::OK
        );

        for path in ["/product/424242", "/product/not-a-number", "/no/such/page"] {
            let res = client.get(shop.url(path)).send().await.expect("404");
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
            let body = res.text().await.expect("body");
            assert!(body.contains("找不到这个页面"), "{path}");
            assert_eq!(badge(&body), Some(1), "{path}: the cart survives");
        }
    }
}

#[tokio::test]
async fn cart_writes_need_the_buyers_own_token_and_a_same_site_origin() {
    for shop in shops().await {
        let client = buyer_client();
        let html = arrive(&shop, &client, BUYER).await;
        let token = page_token(&shop, &client, &html).await;
        let tea = product_id(&html, "桂花红茶");

        // Another site posting with the buyer's cookies is refused before any work.
        for header in [
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ] {
            let headers = [(header.0, header.1.to_owned())];
            let res = cart_post(&shop, &client, "add", &headers, (&token, tea, "1")).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header:?}");
        }

        // A forged token, or none, is a stale session.
        let forged = token.replacen(BUYER, OTHER, 1);
        for bad in [forged.as_str(), ""] {
            let res = add(&shop, &client, bad, tea, "1").await;
            assert_eq!(res.text().await.expect("body"), r#""SessionExpired""#);
        }

        // A page of the other buyer's, submitted while this browser's cookie is BUYER's.
        let other = buyer_client();
        let other_home = arrive(&shop, &other, OTHER).await;
        let other_token = page_token(&shop, &other, &other_home).await;
        let res = add(&shop, &client, &other_token, tea, "1").await;
        assert_eq!(res.text().await.expect("body"), r#""SessionExpired""#);

        // The payment container's origin is allowed (it serves the shop's pages).
        let res = cart_post(
            &shop,
            &client,
            "add",
            &[("Origin", "http://127.0.0.1:3100".to_owned())],
            (&token, tea, "1"),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);

        let cart = fetch_page(&client, &shop.url("/cart")).await;
        assert_eq!(cart.matches("data-testid=\"cart-line\"").count(), 1);
    }
}

#[tokio::test]
async fn the_language_switch_is_a_cookie_and_a_redirect_back() {
    for shop in shops().await {
        let client = buyer_client();
        arrive(&shop, &client, BUYER).await;
        let res = client
            .get(shop.url("/lang?to=en&back=%2Fcart"))
            .send()
            .await
            .expect("lang");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()[LOCATION], "/cart");
        let page = fetch_page(&client, &shop.url("/cart")).await;
        assert!(page.contains("<html lang=\"en\""));
        assert!(page.contains("Your cart is empty"));
        let res = client
            .get(shop.url("/lang?to=en&back=https%3A%2F%2Fevil.example"))
            .send()
            .await
            .expect("lang");
        assert_eq!(res.headers()[LOCATION], "/");
    }
}

#[tokio::test]
async fn production_start_up_names_the_missing_setting() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("SHOP_ENV", "production")
        .env("SHOP_PUBLIC_URL", "https://shop.example.com")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SHOP_SESSION_SECRET"), "{stderr}");
}

/// Whether a response starts a buyer session.
fn sets_session(res: &reqwest::Response) -> bool {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("shop_session="))
}

#[tokio::test]
async fn an_openid_in_a_link_binds_nobody_and_never_replaces_a_session() {
    for shop in shops().await {
        // The victim shops through the container and has a cart.
        let victim = buyer_client();
        let html = arrive(&shop, &victim, BUYER).await;
        let token = page_token(&shop, &victim, &html).await;
        let tea = product_id(&html, "桂花红茶");
        assert_eq!(
            add(&shop, &victim, &token, tea, "2").await.status(),
            StatusCode::OK
        );

        // A stranger who puts the victim's openid in a URL gets no session, no form token
        // and none of the victim's pages: only the way to authorise as themselves.
        let stranger = buyer_client();
        for path in ["/", "/cart", "/orders", &format!("/product/{tea}")] {
            let res = stranger
                .get(shop.url(&format!("{path}?openid={BUYER}")))
                .send()
                .await
                .expect("page");
            assert_eq!(res.status(), StatusCode::FOUND, "{path}");
            assert!(!sets_session(&res), "{path}");
            let location = res.headers()[LOCATION]
                .to_str()
                .expect("location")
                .to_owned();
            assert!(location.contains("/mp_pay/oauth?"), "{location}");
            assert!(!location.contains(BUYER), "the openid does not ride along");
            let body = res.text().await.expect("body");
            assert!(!body.contains("name=\"token\""), "{path}: no form token");
        }

        // A buyer with a session of their own is not swapped into the victim by a link...
        let other = buyer_client();
        arrive(&shop, &other, OTHER).await;
        let res = other
            .get(shop.url(&format!("/cart?openid={BUYER}")))
            .send()
            .await
            .expect("cart");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(!sets_session(&res));
        let page = res.text().await.expect("body");
        assert!(
            page.contains("data-testid=\"cart-empty\""),
            "their own cart"
        );
        let res = other
            .get(shop.url(&format!("/product/{tea}?openid={BUYER}")))
            .send()
            .await
            .expect("product");
        assert!(!sets_session(&res));
        let page = res.text().await.expect("body");
        assert!(form_token(&page).starts_with(OTHER), "their own token");

        // ...and the victim, tricked into opening a link with the attacker's openid (login
        // CSRF), stays themselves.
        let res = victim
            .get(shop.url(&format!("/cart?openid={OTHER}")))
            .send()
            .await
            .expect("cart");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(!sets_session(&res));
        let page = res.text().await.expect("body");
        assert_eq!(page.matches("data-testid=\"cart-line\"").count(), 1);
        let page = fetch_page(
            &victim,
            &shop.url(&format!("/product/{tea}?openid={OTHER}")),
        )
        .await;
        assert!(form_token(&page).starts_with(BUYER));
    }
}

#[tokio::test]
async fn only_the_registered_container_path_binds_and_two_openids_are_refused() {
    for shop in shops().await {
        // A wrong secret is an unknown page, and binds nobody.
        for path in [
            format!("/wc/not-the-registered-secret-000/?openid={BUYER}"),
            format!("/wc/{}x/?openid={BUYER}", crate::common::CONTAINER_SECRET),
            format!("/wc/?openid={BUYER}"),
        ] {
            let res = buyer_client()
                .get(shop.url(&path))
                .send()
                .await
                .expect("page");
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(!sets_session(&res), "{path}");
        }

        // Two openids in one request are refused, through the container or not.
        for url in [
            shop.container_url(&format!("/?openid={BUYER}&openid={OTHER}")),
            shop.url(&format!("/?openid={BUYER}&openid={OTHER}")),
        ] {
            let res = buyer_client().get(&url).send().await.expect("page");
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{url}");
            assert!(!sets_session(&res), "{url}");
        }

        // The container path serves the ordinary page, and the page never shows the secret.
        let client = buyer_client();
        let res = client
            .get(shop.container_url(&format!("/cart?openid={BUYER}")))
            .send()
            .await
            .expect("cart");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(sets_session(&res));
        let page = res.text().await.expect("body");
        assert!(page.contains("data-testid=\"cart-empty\""));
        assert!(!page.contains(crate::common::CONTAINER_SECRET));
    }
}

#[tokio::test]
async fn an_allow_listed_container_address_binds_and_any_other_does_not() {
    for db in app::ssr::testing::all().await {
        // The tests reach the shop from 127.0.0.1: listed, it is the container.
        let shop = Shop::start_with(db, &[("GATEWAY_CONTAINER_IPS", "127.0.0.0/8")]).await;
        let res = buyer_client()
            .get(shop.url(&format!("/cart?openid={BUYER}")))
            .send()
            .await
            .expect("cart");
        assert_eq!(res.status(), StatusCode::OK, "{}", shop.label);
        assert!(sets_session(&res));
    }
    for db in app::ssr::testing::all().await {
        let shop = Shop::start_with(db, &[("GATEWAY_CONTAINER_IPS", "192.0.2.0/24")]).await;
        let res = buyer_client()
            .get(shop.url(&format!("/cart?openid={BUYER}")))
            .send()
            .await
            .expect("cart");
        assert_eq!(res.status(), StatusCode::FOUND, "{}", shop.label);
        assert!(!sets_session(&res));
    }
}

#[tokio::test]
async fn unverified_notifications_are_counted_not_stored_and_big_bodies_are_refused() {
    for shop in shops().await {
        let client = reqwest::Client::new();
        // A flood of unsigned "PAID" claims naming some order.
        let body = "status=PAID&agent_order_id=S2611250000000000001&amount=1.00&currency=HKD";
        for _ in 0..40 {
            let res = client
                .post(shop.url("/api/pay/notify"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Timestamp", "1800000000")
                .header("Signature", "bm90IGEgc2lnbmF0dXJl")
                .body(body)
                .send()
                .await
                .expect("notify");
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        // A body far bigger than any notification.
        let res = client
            .post(shop.url("/api/pay/notify"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("status=PAID&padding={}", "x".repeat(64 * 1024)))
            .send()
            .await
            .expect("notify");
        assert_eq!(
            res.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            shop.label
        );

        let db = shop.db().await;
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payment_notifications")
            .fetch_one(db.pool())
            .await
            .expect("count");
        assert_eq!(stored, 0, "nothing stored as if it belonged to an order");
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT reason, count, sample FROM rejected_notifications ORDER BY reason",
        )
        .fetch_all(db.pool())
        .await
        .expect("rejected");
        assert_eq!(rows.len(), 2, "one row per day and reason: {rows:?}");
        assert_eq!((rows[0].0.as_str(), rows[0].1), ("bad_signature", 40));
        assert_eq!(rows[0].2, body, "one sample kept");
        assert_eq!((rows[1].0.as_str(), rows[1].1), ("too_large", 1));
    }
}

/// Starts the server binary with `env` on `db` and expects it to refuse: exit code 2 and a
/// message naming the setting.
fn refuses_to_start(db_url: &str, env: &[(&str, &str)]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env(
            "SHOP_LISTEN_ADDR",
            format!("127.0.0.1:{}", crate::common::free_port()),
        )
        .envs(env.iter().copied())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{env:?}: {stderr}");
    stderr
}

#[tokio::test]
async fn sandbox_credentials_and_is_rmb_outside_cny_are_refused_even_in_development() {
    for db in app::ssr::testing::all().await {
        // A real gateway with the committed sandbox merchant number or keys, SHOP_ENV unset.
        let remote = ("GATEWAY_BASE_URL", "https://api.wisecashier.com");
        let stderr = refuses_to_start(&db.url, &[remote]);
        assert!(
            stderr.contains("GATEWAY_MERCHANT_NO") && stderr.contains("sandbox"),
            "{}: {stderr}",
            db.label
        );
        let stderr = refuses_to_start(&db.url, &[remote, ("GATEWAY_MERCHANT_NO", "M100001")]);
        assert!(stderr.contains("GATEWAY_PRIVATE_KEY_PATH"), "{stderr}");
        let sandbox_key = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../keys/sandbox/merchant_private.pem"
        );
        let own_public_key = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../app/src/ssr/pay/testdata/test_public.pem"
        );
        let stderr = refuses_to_start(
            &db.url,
            &[
                remote,
                ("GATEWAY_MERCHANT_NO", "M100001"),
                ("GATEWAY_PRIVATE_KEY_PATH", sandbox_key),
                ("GATEWAY_PUBLIC_KEY_PATH", own_public_key),
            ],
        );
        assert!(
            stderr.contains("GATEWAY_PRIVATE_KEY_PATH") && stderr.contains("sandbox key"),
            "{stderr}"
        );
        // is_rmb says the prices are in CNY: not with a shop in HKD.
        let stderr = refuses_to_start(&db.url, &[("GATEWAY_IS_RMB", "true")]);
        assert!(
            stderr.contains("GATEWAY_IS_RMB") && stderr.contains("SHOP_CURRENCY"),
            "{stderr}"
        );
        // The same settings with the sandbox on this machine and prices in CNY start.
        let shop = Shop::start_with(
            db,
            &[
                ("GATEWAY_BASE_URL", "http://localhost:3100"),
                ("GATEWAY_IS_RMB", "true"),
                ("SHOP_CURRENCY", "CNY"),
            ],
        )
        .await;
        let res = reqwest::get(shop.url("/healthz")).await.expect("healthz");
        assert_eq!(res.status(), StatusCode::OK);
    }
}
