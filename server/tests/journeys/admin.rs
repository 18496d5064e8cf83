//! The back office: accounts, sessions, rate limits and authorisation, against the real
//! server binary on SQLite and PostgreSQL.

use crate::common::{
    arrive, buyer_client, location, order_no, save_address, status_of, stock, wait_for_status,
    Shop, Stack,
};
use app::ssr::db::Database;
use reqwest::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const OWNER: &str = "shop-owner";
pub(crate) const PASSWORD: &str = "tea-shop-2026!";

/// `server admin create …` against the shop's database, password on standard input.
pub(crate) fn create_admin(shop: &Shop, username: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["admin", "create", "--username", username])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &shop.db_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cli");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = writeln!(stdin, "{password}");
    }
    child.wait_with_output().expect("cli output")
}

async fn shops(env: &[(&str, &str)]) -> Vec<Shop> {
    let mut shops = Vec::new();
    for db in app::ssr::testing::all().await {
        let shop = Shop::start_with(db, env).await;
        let out = create_admin(&shop, OWNER, PASSWORD);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        shops.push(shop);
    }
    shops
}

async fn login(
    shop: &Shop,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(shop.url("/admin/login"))
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/admin/orders"),
        ])
        .send()
        .await
        .expect("login")
}

/// A browser on another machine: its connections come from `ip`, another address of the
/// loopback network (Linux routes all of 127.0.0.0/8 there), so the shop sees another peer.
fn browser_at(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip.parse::<std::net::IpAddr>().ok())
        .build()
        .expect("client")
}

/// A sign-in passed on by a reverse proxy: `forwarded_for` as the proxy sends it.
async fn login_forwarded(
    shop: &Shop,
    client: &reqwest::Client,
    forwarded_for: &str,
    username: &str,
    password: &str,
) -> String {
    let res = client
        .post(shop.url("/admin/login"))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/admin/orders"),
        ])
        .send()
        .await
        .expect("login");
    location(&res)
}

/// A signed-in admin's browser.
pub(crate) async fn admin_client(shop: &Shop) -> reqwest::Client {
    let client = buyer_client();
    let res = login(shop, &client, OWNER, PASSWORD).await;
    assert_eq!(location(&res), "/admin/orders", "signed in");
    client
}

/// Creates the shop's owner account and signs it in: the owner's browser.
pub(crate) async fn owner_client(shop: &Shop) -> reqwest::Client {
    let out = create_admin(shop, OWNER, PASSWORD);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    admin_client(shop).await
}

/// A signed-in staff member's browser (the owner creates the account first).
pub(crate) async fn staff_client(shop: &Shop) -> reqwest::Client {
    let owner = admin_client(shop).await;
    let (status, body) = act(
        shop,
        &owner,
        "account_create",
        &[
            ("username", "clerk-staff"),
            ("password", "clerk-strong-2026"),
            ("role", "staff"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let clerk = buyer_client();
    let res = login(shop, &clerk, "clerk-staff", "clerk-strong-2026").await;
    assert_eq!(location(&res), "/admin/orders", "staff signed in");
    clerk
}

/// A buyer orders one 冻顶乌龙茶 (HK$128.00), and pays if `pay`. Returns the order number
/// and the buyer's client.
async fn place_order(
    stack: &Stack,
    openid: &str,
    key: &str,
    pay: bool,
) -> (String, reqwest::Client) {
    let buyer = arrive(&stack.shop, openid).await;
    buyer.add(&stack.shop, buyer.product("冻顶乌龙茶"), 1).await;
    let params = buyer.checkout(&stack.shop, key).await.expect("checkout");
    let no = order_no(&params);
    if pay {
        crate::common::pay(stack, &params).await;
        wait_for_status(&stack.shop.db().await, &no, "paid", 10).await;
    }
    (no, buyer.client)
}

/// Posts an admin action; answers the status and the body.
pub(crate) async fn act(
    shop: &Shop,
    admin: &reqwest::Client,
    action: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let res = admin
        .post(shop.url(&format!("/api/admin/{action}")))
        .form(form)
        .send()
        .await
        .expect("action");
    (res.status(), res.text().await.expect("body"))
}

/// Ships `no` from its order page's form, as the merchant does: with the delivery address
/// the page showed.
pub(crate) async fn ship(
    shop: &Shop,
    admin: &reqwest::Client,
    no: &str,
    carrier: &str,
    tracking_no: &str,
) -> (StatusCode, String) {
    let page = page_text(shop, admin, &format!("/admin/orders/{no}")).await;
    let seen = unescape(&hidden(&page, "ship_to_seen"));
    act(
        shop,
        admin,
        "ship",
        &[
            ("order_no", no),
            ("carrier", carrier),
            ("tracking_no", tracking_no),
            ("ship_to_seen", &seen),
        ],
    )
    .await
}

/// An attribute value as the browser reads it.
pub(crate) fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Units sold of the product titled `title…`, as the database keeps them; checked against
/// a count from the orders themselves, so the kept number never drifts.
async fn sales_of(shop: &Shop, title: &str) -> i64 {
    let db = shop.db().await;
    let (kept, counted): (i64, i64) = sqlx::query_as(
        "SELECT p.sales, CAST(COALESCE((SELECT SUM(l.quantity) FROM order_lines l
                 JOIN orders o ON o.id = l.order_id
                 WHERE l.product_id = p.id AND o.status IN ('paid', 'shipped', 'completed')), 0) AS BIGINT)
         FROM products p WHERE p.title LIKE $1",
    )
    .bind(format!("{title}%"))
    .fetch_one(db.pool())
    .await
    .expect("sales");
    assert_eq!(kept, counted, "{}: sales kept = sales counted", shop.label);
    kept
}

async fn order_status(shop: &Shop, no: &str) -> String {
    status_of(&shop.db().await, no).await.0
}

// ---- refunds, as the order page's form drives them ---------------------------------------

pub(crate) async fn page_text(shop: &Shop, client: &reqwest::Client, path: &str) -> String {
    let html = client
        .get(shop.url(path))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    crate::common::expect_hydrates(path, &html);
    html
}

/// The value of the hidden input `name` in a page.
pub(crate) fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in the page"))
        + marker.len();
    let end = html[start..].find('"').expect("value end") + start;
    html[start..end].to_owned()
}

/// The refund form of an order's page: its idempotency key and the refunds the page showed.
async fn refund_form(shop: &Shop, admin: &reqwest::Client, no: &str) -> (String, String) {
    let page = page_text(shop, admin, &format!("/admin/orders/{no}")).await;
    (hidden(&page, "refund_key"), hidden(&page, "refunds_seen"))
}

/// Posts a refund form: `amount` (empty: all that is left), and `extra` fields (`reason`,
/// `restock`).
async fn post_refund(
    shop: &Shop,
    admin: &reqwest::Client,
    no: &str,
    (key, seen): &(String, String),
    amount: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut form = vec![
        ("order_no", no),
        ("amount", amount),
        ("reason", ""),
        ("refund_key", key.as_str()),
        ("refunds_seen", seen.as_str()),
    ];
    for &(name, value) in extra {
        match form.iter_mut().find(|field| field.0 == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    act(shop, admin, "refund", &form).await
}

/// Opens the order's page and submits its refund form.
pub(crate) async fn refund(
    shop: &Shop,
    admin: &reqwest::Client,
    no: &str,
    amount: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, String) {
    let form = refund_form(shop, admin, no).await;
    post_refund(shop, admin, no, &form, amount, extra).await
}

/// The order's refunds in the shop's database: (refund number, status, amount, checks).
pub(crate) async fn refunds_of(db: &Database, no: &str) -> Vec<(String, String, i64, i64)> {
    sqlx::query_as(
        "SELECT r.refund_no, r.status, r.amount_minor, r.checks FROM refunds r
         JOIN orders o ON o.id = r.order_id WHERE o.order_no = $1 ORDER BY r.id",
    )
    .bind(no)
    .fetch_all(db.pool())
    .await
    .expect("refunds")
}

/// Waits until `count` of the order's refunds are `status`.
async fn wait_for_refunds(db: &Database, no: &str, status: &str, count: usize, secs: u64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let refunds = refunds_of(db, no).await;
        if refunds.iter().filter(|r| r.1 == status).count() == count {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "order {no}: wanted {count} {status} refunds, have {refunds:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the settlement job has asked the gateway about every refund of the order at
/// least `checks` times.
async fn wait_for_checks(db: &Database, no: &str, checks: i64, secs: u64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let refunds = refunds_of(db, no).await;
        if !refunds.is_empty() && refunds.iter().all(|r| r.3 >= checks) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "order {no}: the job did not ask {checks} times: {refunds:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) async fn refunded_minor(db: &Database, no: &str) -> i64 {
    sqlx::query_scalar("SELECT refunded_minor FROM orders WHERE order_no = $1")
        .bind(no)
        .fetch_one(db.pool())
        .await
        .expect("order")
}

/// What the gateway holds for the order's payment: its refunds, the amount refunded and
/// the refund requests it received.
pub(crate) async fn gateway_refunds(stack: &Stack, no: &str) -> serde_json::Value {
    reqwest::get(stack.gateway_url(&format!("/__sandbox/refunds/{no}")))
        .await
        .expect("sandbox")
        .json()
        .await
        .expect("json")
}

pub(crate) async fn set_faults(stack: &Stack, faults: serde_json::Value) {
    stack.set_faults(faults).await;
}

#[tokio::test]
async fn the_merchant_ships_refunds_and_cancels_orders() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
        let shop = &stack.shop;
        let admin = admin_client(shop).await;
        let sold_before = sales_of(shop, "冻顶乌龙茶").await;
        let (no, buyer) = place_order(
            &stack,
            "oAdminShipBuyer000000001",
            "admin-ship-key-00000001",
            true,
        )
        .await;
        assert_eq!(
            sales_of(shop, "冻顶乌龙茶").await,
            sold_before + 1,
            "{}: a paid order counts as sold",
            shop.label
        );

        // Shipping: bad input is explained, good input reaches the buyer.
        let (status, body) = ship(shop, &admin, &no, "sf", "<script>").await;
        assert_ne!(status, StatusCode::OK, "{}", shop.label);
        assert!(body.contains("快递单号"), "{body}");
        let (status, _) = ship(shop, &admin, &no, "sf", "SF1234567890").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(order_status(shop, &no).await, "shipped");
        let page = buyer
            .get(shop.url(&format!("/orders/{no}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains("SF1234567890") && page.contains("顺丰速运"),
            "the buyer sees the tracking number"
        );
        let (status, body) = act(
            shop,
            &admin,
            "ship",
            &[("order_no", &no), ("carrier", "ems"), ("tracking_no", "Y1")],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "shipping twice is refused: {body}"
        );
        assert!(
            body.contains("SF1234567890"),
            "names the parcel that left: {body}"
        );

        // Refunds: a part, more than is left (refused), then the rest. Each is pending until
        // the gateway confirms it; the settlement job asks on its own.
        let db = shop.db().await;
        let (status, body) = refund(shop, &admin, &no, "20.00", &[("reason", "damaged box")]).await;
        assert!(status.is_success(), "{}: {status} {body}", shop.label);
        wait_for_refunds(&db, &no, "succeeded", 1, 30).await;
        assert_eq!(
            order_status(shop, &no).await,
            "shipped",
            "a partial refund keeps the order"
        );
        let (status, body) = refund(shop, &admin, &no, "108.01", &[]).await;
        assert_ne!(status, StatusCode::OK);
        assert!(body.contains("HK$108.00"), "says what is left: {body}");
        let (status, body) = refund(shop, &admin, &no, "", &[("reason", "returned")]).await;
        assert!(status.is_success(), "{body}");
        wait_for_status(&db, &no, "refunded", 30).await;
        assert_eq!(
            sales_of(shop, "冻顶乌龙茶").await,
            sold_before,
            "{}: an order refunded in full no longer counts as sold",
            shop.label
        );
        let gw = gateway_refunds(&stack, &no).await;
        assert_eq!(
            gw["refunded_minor"],
            serde_json::json!(12800),
            "the gateway refunded exactly the order"
        );
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(
            !page.contains("data-testid=\"refund-form\""),
            "nothing left to refund"
        );
        let form = ("a-form-from-elsewhere-0001".to_owned(), "2".to_owned());
        let (status, _) = post_refund(shop, &admin, &no, &form, "0.01", &[]).await;
        assert_eq!(status, StatusCode::CONFLICT, "nothing left to refund");

        // Two refunds at once can never exceed what was paid.
        let (no2, _) = place_order(
            &stack,
            "oAdminShipBuyer000000002",
            "admin-ship-key-00000002",
            true,
        )
        .await;
        let (a, b) = tokio::join!(
            refund(shop, &admin, &no2, "70.00", &[]),
            refund(shop, &admin, &no2, "70.00", &[])
        );
        assert_eq!(
            [a.0, b.0].iter().filter(|s| s.is_success()).count(),
            1,
            "{}: one of two concurrent 70.00 refunds of 128.00: {a:?} {b:?}",
            shop.label
        );

        // Cancelling an unpaid order releases its stock.
        let (no3, _) = place_order(
            &stack,
            "oAdminShipBuyer000000003",
            "admin-ship-key-00000003",
            false,
        )
        .await;
        let (status, _) = act(shop, &admin, "cancel", &[("order_no", &no3)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(order_status(shop, &no3).await, "cancelled");
        // A paid order cannot be cancelled (it is refunded instead).
        let (status, _) = act(shop, &admin, "cancel", &[("order_no", &no2)]).await;
        assert_ne!(status, StatusCode::OK);

        // The detail page lists the refunds with their states (typed, never free text).
        let page = admin
            .get(shop.url(&format!("/admin/orders/{no}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        assert_eq!(
            page.matches("data-testid=\"refund-row\" data-status=\"succeeded\"")
                .count(),
            2
        );
    }
}

#[tokio::test]
async fn a_parcel_never_leaves_for_an_address_the_buyer_has_since_changed() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
        let shop = &stack.shop;
        let admin = admin_client(shop).await;
        let buyer = arrive(shop, "oShipRaceBuyer0000000001").await;
        buyer.add(shop, buyer.product("冻顶乌龙茶"), 1).await;
        let params = buyer
            .checkout(shop, "ship-race-key-000000001")
            .await
            .expect("checkout");
        let no = order_no(&params);
        crate::common::pay(&stack, &params).await;
        wait_for_status(&shop.db().await, &no, "paid", 10).await;

        // The merchant opens the order and prints the label for the address shown…
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        let seen = unescape(&hidden(&page, "ship_to_seen"));
        assert!(seen.contains("南山区"), "{seen}");
        // …meanwhile the buyer sends the order to Hong Kong.
        let hk = [
            ("recipient", "陳大文".to_owned()),
            ("area", "852".to_owned()),
            ("mobile", "91234567".to_owned()),
            ("region", "810101".to_owned()),
            // Characters an HTML attribute escapes: the label must survive the round trip.
            ("detail", "皇后大道中 1 號 A&B \"翠\" <2樓>".to_owned()),
        ];
        let moved = save_address(shop, &buyer.client, &buyer.token, &hk)
            .await
            .expect("hk");
        let moved = moved["id"].as_i64().expect("id").to_string();
        let res = buyer
            .client
            .post(shop.url("/api/orders/address"))
            .form(&[
                ("token", buyer.token.as_str()),
                ("order_no", &no),
                ("address", &moved),
            ])
            .send()
            .await
            .expect("change");
        assert_eq!(res.status(), StatusCode::OK, "{}", shop.label);

        // Shipping with the old label is refused, and says where the order goes now.
        let form = |seen: &str| {
            [
                ("order_no", no.clone()),
                ("carrier", "sf".to_owned()),
                ("tracking_no", "SF2000000001".to_owned()),
                ("ship_to_seen", seen.to_owned()),
            ]
        };
        let old = form(&seen);
        let old: Vec<(&str, &str)> = old.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = act(shop, &admin, "ship", &old).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("买家刚刚修改了收货地址"), "{body}");
        assert!(
            !body.contains("陳大文"),
            "no address in a refusal (it is logged)"
        );
        assert_eq!(order_status(shop, &no).await, "paid");
        // A form without the field (a page from before this check) is told to reload.
        let (status, body) = act(
            shop,
            &admin,
            "ship",
            &[
                ("order_no", &no),
                ("carrier", "sf"),
                ("tracking_no", "SF2000000001"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("刷新"), "{body}");
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(page.contains("陳大文") && page.contains("+852 91234567"));
        // A slip printed before the change shows the old address: the page says to reprint.
        assert!(
            page.contains("data-testid=\"address-changed-after-pay\"")
                && page.contains("请重新打印"),
            "{}",
            shop.label
        );
        // The export has the number without its `+` (which would read as a formula).
        let csv = page_text(shop, &admin, &format!("/admin/orders.csv?q={no}")).await;
        assert!(csv.contains("\"852 91234567\""), "{csv}");

        // With the page reloaded, it ships to the new address.
        let (status, body) = ship(shop, &admin, &no, "sf", "SF2000000001").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(order_status(shop, &no).await, "shipped");
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(
            !page.contains("address-changed-after-pay"),
            "shipped: nothing to reprint"
        );
    }
}

#[tokio::test]
async fn the_first_owner_is_created_on_the_command_line_with_a_strong_password() {
    for shop in shops(&[]).await {
        let weak = create_admin(&shop, "second-owner", "password123");
        assert!(!weak.status.success());
        assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));
        let short = create_admin(&shop, "second-owner", "x1!");
        assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8"));
        let again = create_admin(&shop, OWNER, "another-strong-pass");
        assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
        let stored: String =
            sqlx::query_scalar("SELECT password_hash FROM admin_users WHERE username = $1")
                .bind(OWNER)
                .fetch_one(shop.db().await.pool())
                .await
                .expect("owner row");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}: {stored}",
            shop.label
        );
    }
}

#[tokio::test]
async fn signing_in_out_and_the_session_cookie() {
    for shop in shops(&[]).await {
        let browser = buyer_client();
        let res = browser
            .get(shop.url("/admin/orders"))
            .send()
            .await
            .expect("admin page");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/admin/login?next=%2Fadmin%2Forders");

        // A wrong password and an unknown account get the very same answer.
        let wrong = login(&shop, &browser, OWNER, "not-the-password").await;
        let unknown = login(&shop, &browser, "nobody-here", "not-the-password").await;
        assert_eq!(location(&wrong), location(&unknown));
        assert!(location(&wrong).starts_with("/admin/login?error=invalid"));
        let page = browser
            .get(shop.url(&location(&wrong)))
            .send()
            .await
            .expect("login page");
        assert_eq!(page.status(), StatusCode::UNAUTHORIZED);
        assert!(page
            .text()
            .await
            .expect("body")
            .contains("用户名或密码错误"));

        let res = login(&shop, &browser, OWNER, PASSWORD).await;
        assert_eq!(location(&res), "/admin/orders");
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("shop_admin="))
            .expect("admin cookie")
            .to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain http in tests");
        let session = cookie.split(';').next().expect("pair").to_owned();
        let page = browser
            .get(shop.url("/admin"))
            .send()
            .await
            .expect("dashboard");
        assert_eq!(page.status(), StatusCode::OK, "{}", shop.label);
        assert!(page
            .text()
            .await
            .expect("body")
            .contains("data-testid=\"today\""));

        // Logout ends the session on the server: the old cookie no longer opens anything.
        let res = browser
            .post(shop.url("/admin/logout"))
            .send()
            .await
            .expect("logout");
        assert_eq!(location(&res), "/admin/login");
        let replay = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .get(shop.url("/admin"))
            .header("Cookie", &session)
            .send()
            .await
            .expect("replay");
        assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn an_idle_session_expires() {
    for shop in shops(&[("ADMIN_IDLE_SECS", "1")]).await {
        let admin = admin_client(&shop).await;
        assert_eq!(
            admin
                .get(shop.url("/admin"))
                .send()
                .await
                .expect("page")
                .status(),
            StatusCode::OK
        );
        tokio::time::sleep(Duration::from_millis(2200)).await;
        let res = admin.get(shop.url("/admin")).send().await.expect("page");
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{}: idle session ended",
            shop.label
        );
    }
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit_however_active() {
    for shop in shops(&[("ADMIN_SESSION_SECS", "2")]).await {
        let admin = admin_client(&shop).await;
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(400)).await;
            assert_eq!(
                admin
                    .get(shop.url("/admin"))
                    .send()
                    .await
                    .expect("page")
                    .status(),
                StatusCode::OK
            );
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
        let res = admin.get(shop.url("/admin")).send().await.expect("page");
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{}: past the absolute limit",
            shop.label
        );
    }
}

#[tokio::test]
async fn many_failures_from_one_address_lock_logins_from_it() {
    for shop in shops(&[]).await {
        let browser = buyer_client();
        // Twenty failures spread over names (each under its own account limit).
        for i in 0..20 {
            let res = login(
                &shop,
                &browser,
                &format!("guess-{}", i % 5),
                &format!("wrong-{i}"),
            )
            .await;
            assert!(location(&res).starts_with("/admin/login?error="), "{i}");
        }
        // Now even the owner's right password is refused from this address.
        let res = login(&shop, &browser, OWNER, PASSWORD).await;
        assert!(
            location(&res).starts_with("/admin/login?error=limited"),
            "{}",
            shop.label
        );
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    for shop in shops(&[]).await {
        let browser = buyer_client();
        for _ in 0..5 {
            let res = login(&shop, &browser, OWNER, "wrong-password-1").await;
            assert!(location(&res).starts_with("/admin/login?error=invalid"));
        }
        let res = login(&shop, &browser, OWNER, PASSWORD).await;
        assert!(
            location(&res).starts_with("/admin/login?error=limited"),
            "{}",
            shop.label
        );
        let page = browser
            .get(shop.url(&location(&res)))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
        // The lock is per account name: an unknown name is locked the same way (no hint
        // about which accounts exist).
        for _ in 0..5 {
            login(&shop, &browser, "nobody-here", "wrong-password-1").await;
        }
        let res = login(&shop, &browser, "nobody-here", "wrong-password-1").await;
        assert!(location(&res).starts_with("/admin/login?error=limited"));
    }
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_password_checks_than_the_limit() {
    for shop in shops(&[]).await {
        let browser = buyer_client();
        let guesses = (0..50).map(|i| {
            let (shop, browser) = (&shop, browser.clone());
            async move { location(&login(shop, &browser, OWNER, &format!("guess-{i:02}-x")).await) }
        });
        let answers = futures_util::future::join_all(guesses).await;
        let checked = answers
            .iter()
            .filter(|l| l.starts_with("/admin/login?error=invalid"))
            .count();
        let refused = answers
            .iter()
            .filter(|l| l.starts_with("/admin/login?error=limited"))
            .count();
        assert_eq!(
            (checked, refused),
            (5, 45),
            "{}: five guesses checked, the rest refused unchecked: {answers:?}",
            shop.label
        );
        let res = login(&shop, &browser, OWNER, PASSWORD).await;
        assert!(location(&res).starts_with("/admin/login?error=limited"));
    }
}

#[tokio::test]
async fn an_attacker_locks_out_only_their_own_address_and_each_further_lock_doubles() {
    for shop in shops(&[("ADMIN_LOGIN_LOCK_SECS", "2")]).await {
        let attacker = browser_at("127.0.0.2");
        for i in 0..5 {
            let res = login(&shop, &attacker, OWNER, &format!("wrong-password-{i}")).await;
            assert!(location(&res).starts_with("/admin/login?error=invalid"));
        }
        let locked_at = Instant::now();
        let res = login(&shop, &attacker, OWNER, PASSWORD).await;
        let to = location(&res);
        assert!(
            to.starts_with("/admin/login?error=limited&minutes=1"),
            "{}: {to}",
            shop.label
        );
        let page = attacker.get(shop.url(&to)).send().await.expect("page");
        assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(page
            .text()
            .await
            .expect("body")
            .contains("登录失败次数过多，请 1 分钟后再试"));

        // Meanwhile the owner, at the shop, signs in as usual.
        let owner = browser_at("127.0.0.3");
        let res = login(&shop, &owner, OWNER, PASSWORD).await;
        assert_eq!(location(&res), "/admin/orders", "{}", shop.label);

        // The lock ends; the next failure locks again, for twice as long (4 s).
        tokio::time::sleep(Duration::from_millis(2200).saturating_sub(locked_at.elapsed())).await;
        let relocked_at = Instant::now();
        let res = login(&shop, &attacker, OWNER, "wrong-password-5").await;
        assert!(location(&res).starts_with("/admin/login?error=invalid"));
        let res = login(&shop, &attacker, OWNER, PASSWORD).await;
        assert!(location(&res).starts_with("/admin/login?error=limited"));
        tokio::time::sleep(Duration::from_millis(3000).saturating_sub(relocked_at.elapsed())).await;
        let res = login(&shop, &attacker, OWNER, PASSWORD).await;
        assert!(
            location(&res).starts_with("/admin/login?error=limited"),
            "{}: still locked after 3 s",
            shop.label
        );
        tokio::time::sleep(Duration::from_millis(4500).saturating_sub(relocked_at.elapsed())).await;
        let res = login(&shop, &attacker, OWNER, PASSWORD).await;
        assert_eq!(location(&res), "/admin/orders", "{}: lock over", shop.label);
    }
}

#[tokio::test]
async fn behind_a_proxy_the_address_is_the_right_most_hop_the_proxy_wrote() {
    let proxy_env = [
        ("SHOP_BEHIND_PROXY", "true"),
        ("SHOP_TRUSTED_PROXIES", "127.0.0.1/32"),
    ];
    for shop in shops(&proxy_env).await {
        // The proxy (127.0.0.1) appends the address it saw; the attacker makes up the rest.
        let proxy = buyer_client();
        for i in 0..5 {
            let to = login_forwarded(
                &shop,
                &proxy,
                &format!("203.0.113.{i}, 198.51.100.7"),
                OWNER,
                "wrong-password-1",
            )
            .await;
            assert!(to.starts_with("/admin/login?error=invalid"), "{to}");
        }
        let to =
            login_forwarded(&shop, &proxy, "203.0.113.99, 198.51.100.7", OWNER, PASSWORD).await;
        assert!(
            to.starts_with("/admin/login?error=limited"),
            "{}: made-up entries do not reset the count: {to}",
            shop.label
        );
        let owner = buyer_client();
        let to = login_forwarded(&shop, &owner, "198.51.100.8", OWNER, PASSWORD).await;
        assert_eq!(to, "/admin/orders", "the owner, from their own address");

        // A client reaching the shop directly (not through the proxy) cannot choose its
        // address with the header: every guess counts against the address it comes from.
        let direct = browser_at("127.0.0.2");
        for i in 0..5 {
            let to = login_forwarded(
                &shop,
                &direct,
                &format!("198.51.100.{}", 100 + i),
                OWNER,
                "wrong-password-2",
            )
            .await;
            assert!(to.starts_with("/admin/login?error=invalid"), "{to}");
        }
        let to = login_forwarded(&shop, &direct, "198.51.100.200", OWNER, PASSWORD).await;
        assert!(
            to.starts_with("/admin/login?error=limited"),
            "{}: {to}",
            shop.label
        );
    }
}

#[tokio::test]
async fn a_burst_of_sign_ins_does_not_stall_the_shop_for_buyers() {
    // Two worker threads, whatever this machine has: hashing on them would stall both.
    for shop in shops(&[("TOKIO_WORKER_THREADS", "2")]).await {
        let buyer = arrive(&shop, "oAdminStallBuyer00000001").await;
        let browser = buyer_client();
        let started = Instant::now();
        let res = login(&shop, &browser, "stall-probe", "wrong-password").await;
        assert!(location(&res).starts_with("/admin/login?error=invalid"));
        let one_check = started.elapsed();

        let burst: Vec<_> = (0..12)
            .map(|i| {
                let (browser, url) = (browser.clone(), shop.url("/admin/login"));
                tokio::spawn(async move {
                    browser
                        .post(url)
                        .form(&[
                            ("username", format!("stall-{i:02}")),
                            ("password", "wrong-password".to_owned()),
                        ])
                        .send()
                        .await
                        .map(|r| location(&r))
                })
            })
            .collect();
        tokio::time::sleep(one_check / 2).await;
        let asked = Instant::now();
        let res = buyer.client.get(shop.url("/")).send().await.expect("home");
        assert_eq!(res.status(), StatusCode::OK);
        let waited = asked.elapsed();
        for answer in burst {
            let to = answer.await.expect("task").expect("login");
            assert!(to.starts_with("/admin/login?error="), "{to}");
        }
        assert!(
            waited < one_check,
            "{}: the home page took {waited:?} during 12 sign-ins (one password check: {one_check:?})",
            shop.label
        );
    }
}

#[tokio::test]
async fn every_admin_function_and_page_refuses_anonymous_callers_and_buyers() {
    let admin_fns: Vec<&str> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|p| p.starts_with("/api/admin/"))
        .collect();
    assert!(
        admin_fns.len() >= 3,
        "the registry lists the admin functions: {admin_fns:?}"
    );
    let pages = [
        "/admin",
        "/admin/orders",
        "/admin/orders/S1",
        "/admin/orders.csv",
    ];
    for shop in shops(&[]).await {
        let probe = arrive(&shop, "oAdminProbeBuyer00000001").await;
        let (buyer, token) = (probe.client, probe.token);
        let anonymous = buyer_client();
        for path in &admin_fns {
            for (who, client) in [("anonymous", &anonymous), ("buyer", &buyer)] {
                let res = client
                    .post(shop.url(path))
                    .form(&[("token", token.as_str()), ("order_no", "S1")])
                    .send()
                    .await
                    .expect("call");
                assert_eq!(
                    res.status(),
                    StatusCode::UNAUTHORIZED,
                    "{}: {who} calling {path}",
                    shop.label
                );
            }
        }
        for page in pages {
            for (who, client) in [("anonymous", &anonymous), ("buyer", &buyer)] {
                let res = client.get(shop.url(page)).send().await.expect("page");
                assert_eq!(res.status(), StatusCode::SEE_OTHER, "{who} opening {page}");
                assert!(location(&res).starts_with("/admin/login"));
            }
        }
        // And the admin gets in.
        let admin = admin_client(&shop).await;
        let res = admin
            .post(shop.url("/api/admin/dashboard"))
            .send()
            .await
            .expect("dashboard");
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn admin_writes_from_another_site_or_the_payment_container_are_refused() {
    for shop in shops(&[]).await {
        let admin = admin_client(&shop).await;
        for origin in ["https://evil.example", "http://127.0.0.1:3100"] {
            let res = admin
                .post(shop.url("/admin/logout"))
                .header("Origin", origin)
                .send()
                .await
                .expect("logout");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
            let res = admin
                .post(shop.url("/api/admin/dashboard"))
                .header("Origin", origin)
                .send()
                .await
                .expect("fn");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
        }
        // Still signed in: the refused logout did nothing.
        assert_eq!(
            admin
                .get(shop.url("/admin"))
                .send()
                .await
                .expect("page")
                .status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn the_admin_sees_a_paid_order_with_its_notification_and_can_export_it() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let out = create_admin(&stack.shop, OWNER, PASSWORD);
        assert!(out.status.success());
        let shop = &stack.shop;
        let (no, _) = place_order(
            &stack,
            "oAdminSeesBuyer000000001",
            "admin-sees-key-000001",
            true,
        )
        .await;
        let admin = admin_client(shop).await;
        let mut page = String::new();
        for _ in 0..100 {
            page = admin
                .get(shop.url(&format!("/admin/orders/{no}")))
                .send()
                .await
                .expect("detail")
                .text()
                .await
                .expect("body");
            if page.contains("data-verdict=\"applied\"") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            page.contains("data-verdict=\"applied\""),
            "{}: notification listed",
            shop.label
        );
        assert!(page.contains("data-status=\"paid\""));
        assert!(page.contains("0.92"), "exchange rate shown");
        let list = admin
            .get(shop.url("/admin/orders?status=paid"))
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("body");
        assert!(list.contains(&no));
        let csv = admin
            .get(shop.url(&format!("/admin/orders.csv?q={no}")))
            .send()
            .await
            .expect("csv")
            .text()
            .await
            .expect("body");
        assert_eq!(csv.lines().count(), 2, "header and one order: {csv}");
        assert!(csv.contains(&format!("\"{no}\"")) && csv.contains("\"128.00\""));
        // Where it goes, in the export and on the page (the copy taken at checkout).
        assert!(csv
            .lines()
            .next()
            .is_some_and(|h| h.ends_with("recipient,phone,region,address,postcode,remark")));
        for field in [
            "\"张三\"",
            "\"13800138000\"",
            "\"广东省 深圳市 南山区\"",
            "\"科技园南区 1 栋 101\"",
        ] {
            assert!(csv.contains(field), "{field} in {csv}");
        }
        assert!(
            page.contains("张三 13800138000 · 广东省 深圳市 南山区 科技园南区 1 栋 101"),
            "ship-to on the admin page"
        );
        let dashboard = admin
            .post(shop.url("/api/admin/dashboard"))
            .send()
            .await
            .expect("dashboard")
            .json::<serde_json::Value>()
            .await
            .expect("json");
        assert_eq!(dashboard["to_ship"], serde_json::json!(1));
        assert_eq!(dashboard["today"]["paid_orders"], serde_json::json!(1));
        let daily = dashboard["daily"].as_array().expect("daily revenue");
        assert_eq!(daily.len(), 14);
        assert_eq!(
            daily[13][1]["minor"],
            serde_json::json!(12800),
            "today's bar"
        );
        let page = admin
            .get(shop.url("/admin"))
            .send()
            .await
            .expect("dashboard page")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains("<svg") && page.contains("128.00</title>"),
            "the chart is drawn on the server"
        );
    }
}

#[tokio::test]
async fn the_merchant_manages_products_stock_and_prices_safely() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
        let shop = &stack.shop;
        let admin = admin_client(shop).await;
        let tea: i64 = {
            let db = shop.db().await;
            sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'tea'")
                .fetch_one(db.pool())
                .await
                .expect("tea category")
        };
        let tea = tea.to_string();
        let save = |fields: Vec<(&'static str, String)>| {
            let admin = admin.clone();
            let url = shop.url("/api/admin/product_save");
            async move {
                let res = admin.post(url).form(&fields).send().await.expect("save");
                (res.status(), res.text().await.expect("body"))
            }
        };
        let base = |title: &str, price: &str| {
            vec![
                ("id", String::new()),
                ("title", title.to_owned()),
                ("subtitle", String::new()),
                ("description", "<img src=x onerror=alert(1)>".to_owned()),
                ("category_id", tea.clone()),
                ("price", price.to_owned()),
                ("on_sale", "on".to_owned()),
                ("sort_order", "0".to_owned()),
                ("low_stock_threshold", "3".to_owned()),
                ("initial_stock", "10".to_owned()),
            ]
        };
        // Bad prices are explained and nothing is created.
        for bad in ["12.345", "-1", "abc", ""] {
            let (status, body) = save(base("坏价格", bad)).await;
            assert_ne!(status, StatusCode::OK, "{bad}");
            assert!(body.contains("价格格式不对"), "{bad}: {body}");
        }
        // Nothing is given away by a slip of the keyboard.
        for zero in ["0", "0.00"] {
            let (status, body) = save(base("零价格", zero)).await;
            assert_ne!(status, StatusCode::OK, "{zero}");
            assert!(body.contains("价格必须大于 0"), "{zero}: {body}");
        }
        let free: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE price_minor <= 0")
            .fetch_one(shop.db().await.pool())
            .await
            .expect("count");
        assert_eq!(free, 0, "{}: no free product, seeded or saved", shop.label);
        // An XSS payload in the name is stored as typed and rendered as text.
        let xss = "<script>alert('x')</script>乌龙";
        let (status, body) = save(base(xss, "58.50")).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", shop.label);
        let id: i64 = body.trim().parse().expect("new id");
        let shopper = arrive(shop, "oAdminProductsBuyer00001").await;
        let (buyer, home) = (shopper.client.clone(), shopper.home.clone());
        assert!(
            !home.contains("<script>alert('x')</script>"),
            "no raw script in the shop"
        );
        assert!(
            home.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;乌龙")
                || home.contains("&lt;script&gt;alert('x')&lt;/script&gt;乌龙"),
            "escaped title shown"
        );
        let product_page = buyer
            .get(shop.url(&format!("/product/{id}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        assert!(product_page.contains("HK$58.50"));
        assert!(
            !product_page.contains("<img src=x onerror"),
            "description escaped"
        );
        let admin_page = admin
            .get(shop.url(&format!("/admin/products/{id}")))
            .send()
            .await
            .expect("admin page")
            .text()
            .await
            .expect("body");
        assert!(
            !admin_page.contains("<script>alert('x')</script>"),
            "escaped in the admin too"
        );

        // The stock ledger: opening stock, a restock, a refused removal below zero.
        let (status, _) = {
            let res = admin
                .post(shop.url("/api/admin/stock"))
                .form(&[
                    ("id", id.to_string()),
                    ("delta", "+5".into()),
                    ("reason", "restock".into()),
                    ("note", "新到货".into()),
                ])
                .send()
                .await
                .expect("stock");
            (res.status(), ())
        };
        assert_eq!(status, StatusCode::OK);
        let res = admin
            .post(shop.url("/api/admin/stock"))
            .form(&[
                ("id", id.to_string()),
                ("delta", "-16".into()),
                ("reason", "damaged".into()),
                ("note", String::new()),
            ])
            .send()
            .await
            .expect("stock");
        assert_ne!(res.status(), StatusCode::OK);
        assert!(res.text().await.expect("body").contains("库存不能小于 0"));
        let db = shop.db().await;
        let ledger: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT delta, stock_after, reason FROM stock_movements WHERE product_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await
        .expect("ledger");
        assert_eq!(
            ledger,
            vec![(10, 10, "initial".into()), (5, 15, "restock".into())],
            "{}",
            shop.label
        );

        // A new price applies to new orders; an old order keeps what was paid.
        shopper.add(shop, id, 1).await;
        let first = shopper
            .checkout(shop, "product-price-key-000001")
            .await
            .expect("checkout");
        let mut edit = base(xss, "60.00");
        edit[0].1 = id.to_string();
        let (status, _) = save(edit).await;
        assert_eq!(status, StatusCode::OK);
        shopper.add(shop, id, 1).await;
        let second = shopper
            .checkout(shop, "product-price-key-000002")
            .await
            .expect("checkout");
        let price_of = |no: &str| {
            let db = db.clone();
            let no = no.to_owned();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT total_minor FROM orders WHERE order_no = $1")
                    .bind(no)
                    .fetch_one(db.pool())
                    .await
                    .expect("total")
            }
        };
        assert_eq!(price_of(&order_no(&first)).await, 5850);
        assert_eq!(price_of(&order_no(&second)).await, 6000);

        // Archived: gone from the shop, the orders keep their lines.
        let res = admin
            .post(shop.url("/api/admin/product_archive"))
            .form(&[("id", id.to_string())])
            .send()
            .await
            .expect("archive");
        assert_eq!(res.status(), StatusCode::OK);
        let res = buyer
            .get(shop.url(&format!("/product/{id}")))
            .send()
            .await
            .expect("page");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let order_page = buyer
            .get(shop.url(&format!("/orders/{}", order_no(&first))))
            .send()
            .await
            .expect("order")
            .text()
            .await
            .expect("body");
        assert!(
            order_page.contains("HK$58.50"),
            "the old order keeps its price"
        );
    }
}

#[tokio::test]
async fn only_the_owner_manages_admin_accounts_and_disabling_ends_sessions() {
    for shop in shops(&[]).await {
        let owner = admin_client(&shop).await;
        let (status, body) = act(
            &shop,
            &owner,
            "account_create",
            &[
                ("username", "clerk-one"),
                ("password", "password1"),
                ("role", "staff"),
            ],
        )
        .await;
        assert_ne!(status, StatusCode::OK, "weak password refused: {body}");
        let (status, _) = act(
            &shop,
            &owner,
            "account_create",
            &[
                ("username", "clerk-one"),
                ("password", "clerk-strong-2026"),
                ("role", "staff"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}", shop.label);

        let clerk = buyer_client();
        let res = login(&shop, &clerk, "clerk-one", "clerk-strong-2026").await;
        assert_eq!(location(&res), "/admin/orders");
        // Staff run the shop but do not manage accounts.
        let res = clerk
            .post(shop.url("/api/admin/dashboard"))
            .send()
            .await
            .expect("dashboard");
        assert_eq!(res.status(), StatusCode::OK);
        for (action, form) in [
            ("accounts", vec![]),
            (
                "account_create",
                vec![
                    ("username", "sneaky-one"),
                    ("password", "sneaky-strong-2026"),
                    ("role", "owner"),
                ],
            ),
            ("account_disable", vec![("id", "1"), ("disabled", "true")]),
        ] {
            let (status, body) = act(&shop, &clerk, action, &form).await;
            assert_ne!(status, StatusCode::OK, "staff calling {action}");
            assert!(body.contains("OwnerOnly"), "{action}: {body}");
        }
        // The owner cannot lock themselves out, but can disable the clerk: at once.
        let accounts: serde_json::Value = owner
            .post(shop.url("/api/admin/accounts"))
            .send()
            .await
            .expect("accounts")
            .json()
            .await
            .expect("json");
        let id_of = |name: &str| {
            accounts
                .as_array()
                .and_then(|list| list.iter().find(|a| a["username"] == name))
                .and_then(|a| a["id"].as_i64())
                .expect("account")
                .to_string()
        };
        let (status, _) = act(
            &shop,
            &owner,
            "account_disable",
            &[("id", &id_of(OWNER)), ("disabled", "true")],
        )
        .await;
        assert_ne!(status, StatusCode::OK);
        let (status, _) = act(
            &shop,
            &owner,
            "account_disable",
            &[("id", &id_of("clerk-one")), ("disabled", "true")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let res = clerk.get(shop.url("/admin")).send().await.expect("page");
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "the disabled clerk's session ended"
        );
        let res = login(&shop, &clerk, "clerk-one", "clerk-strong-2026").await;
        assert!(location(&res).starts_with("/admin/login?error=invalid"));
    }
}

#[tokio::test]
async fn categories_are_created_renamed_and_archived_from_the_back_office() {
    for shop in shops(&[]).await {
        let admin = admin_client(&shop).await;
        let (status, body) = act(
            &shop,
            &admin,
            "category_save",
            &[
                ("id", ""),
                ("name", "礼盒"),
                ("slug", "Gift Boxes"),
                ("sort_order", "9"),
            ],
        )
        .await;
        assert_ne!(status, StatusCode::OK);
        assert!(body.contains("链接名"), "{body}");
        let (status, body) = act(
            &shop,
            &admin,
            "category_save",
            &[
                ("id", ""),
                ("name", "礼盒"),
                ("slug", "gifts"),
                ("sort_order", "9"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", shop.label);
        let id = body.trim().to_owned();
        let (status, body) = act(
            &shop,
            &admin,
            "category_save",
            &[
                ("id", ""),
                ("name", "重复"),
                ("slug", "gifts"),
                ("sort_order", "0"),
            ],
        )
        .await;
        assert_ne!(status, StatusCode::OK);
        assert!(body.contains("已被其他分类使用"), "{body}");
        let buyer = buyer_client();
        let home = |buyer: reqwest::Client| {
            let url = shop.container_url("/?openid=oAdminCategoryBuyer00001");
            async move {
                buyer
                    .get(url)
                    .send()
                    .await
                    .expect("home")
                    .text()
                    .await
                    .expect("body")
            }
        };
        assert!(
            home(buyer.clone()).await.contains("category=gifts"),
            "the shop lists the new category"
        );
        let (status, _) = act(
            &shop,
            &admin,
            "category_save",
            &[
                ("id", &id),
                ("name", "节日礼盒"),
                ("slug", "gifts"),
                ("sort_order", "9"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(home(buyer.clone()).await.contains("节日礼盒"));
        let (status, _) = act(
            &shop,
            &admin,
            "category_archive",
            &[("id", &id), ("archived", "true")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !home(buyer.clone()).await.contains("category=gifts"),
            "archived: gone from the shop"
        );
    }
}

const TEA_PNG: &[u8] = include_bytes!("../../../end2end/fixtures/tea.png");
/// 78 KB on disk, 4200×4200 RGBA: 70 MB once decoded.
const TOO_MANY_PIXELS_PNG: &[u8] = include_bytes!("../../../end2end/fixtures/too-many-pixels.png");

async fn upload(
    shop: &Shop,
    admin: &reqwest::Client,
    product: i64,
    files: &[(&str, &[u8])],
) -> String {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "images",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    let res = admin
        .post(shop.url(&format!("/admin/products/{product}/images")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    location(&res)
}

#[tokio::test]
async fn product_images_are_re_encoded_resized_cached_and_ordered() {
    for db in app::ssr::testing::all().await {
        let data_dir =
            std::env::temp_dir().join(format!("shop-media-{}", crate::common::free_port()));
        let data = data_dir.to_string_lossy().into_owned();
        let shop = Shop::start_with(db, &[("SHOP_DATA_DIR", data.as_str())]).await;
        assert!(create_admin(&shop, OWNER, PASSWORD).status.success());
        let admin = admin_client(&shop).await;
        let shopper = arrive(&shop, "oAdminImagesBuyer0000001").await;
        let (buyer, product) = (shopper.client.clone(), shopper.product("冻顶乌龙茶"));

        // A script dressed as a PNG is refused; nothing is stored.
        let back = upload(
            &shop,
            &admin,
            product,
            &[
                ("tea.png", TEA_PNG),
                ("evil.png", b"<html><script>alert(1)</script></html>"),
            ],
        )
        .await;
        assert!(
            back.starts_with(&format!("/admin/products/{product}?error=")),
            "{back}"
        );
        let db = shop.db().await;
        let count = |db: app::ssr::db::Database| async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM product_images WHERE product_id = $1",
            )
            .bind(product)
            .fetch_one(db.pool())
            .await
            .expect("count")
        };
        let before = count(db.clone()).await;

        // A small file describing a huge image is refused before its pixels are decoded.
        let back = upload(&shop, &admin, product, &[("huge.png", TOO_MANY_PIXELS_PNG)]).await;
        assert!(
            back.starts_with(&format!("/admin/products/{product}?error=")),
            "{}: {back}",
            shop.label
        );
        let page = admin
            .get(shop.url(&back))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        assert!(page.contains("图片像素太多"), "the merchant is told why");
        assert_eq!(count(db.clone()).await, before, "nothing stored");

        let back = upload(&shop, &admin, product, &[("tea.png", TEA_PNG)]).await;
        assert_eq!(back, format!("/admin/products/{product}"), "{}", shop.label);
        assert_eq!(count(db.clone()).await, before + 1);
        let (id, url, thumb): (i64, String, String) = sqlx::query_as(
            "SELECT id, url, thumb_url FROM product_images WHERE product_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(product)
        .fetch_one(db.pool())
        .await
        .expect("image row");
        for path in [&url, &thumb] {
            let res = reqwest::get(shop.url(path)).await.expect("media");
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let cache = res
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert!(cache.contains("immutable"), "{cache}");
            let bytes = res.bytes().await.expect("bytes");
            assert_eq!(
                &bytes[..2],
                &[0xFF, 0xD8],
                "re-encoded as JPEG, not the uploaded bytes"
            );
        }

        // Move it to the front: the shop's card shows its thumbnail.
        for _ in 0..before {
            let (status, _) = act(
                &shop,
                &admin,
                "image_move",
                &[("id", &id.to_string()), ("up", "true")],
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
        let home = buyer
            .get(shop.url("/"))
            .send()
            .await
            .expect("home")
            .text()
            .await
            .expect("body");
        assert!(home.contains(&thumb), "the card uses the resized copy");
        // Both copies are offered with their real widths, so a phone takes the one its
        // layout needs; the product page's gallery starts from the full picture.
        let (width, height): (i64, i64) =
            sqlx::query_as("SELECT width, height FROM product_images WHERE id = $1")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .expect("dimensions");
        let thumb_width = if width >= height {
            400
        } else {
            (400 * width + height / 2) / height
        };
        let candidates = [
            format!("{thumb} {thumb_width}w, "),
            format!("{url} {width}w"),
        ];
        for c in &candidates {
            assert!(home.contains(c.as_str()), "the card's srcset offers {c}");
        }
        assert!(home.contains(&format!("width=\"{width}\" height=\"{height}\"")));
        let page = buyer
            .get(shop.url(&format!("/product/{product}")))
            .send()
            .await
            .expect("product")
            .text()
            .await
            .expect("body");
        assert!(
            page.contains(&format!("{url}\" alt=")),
            "the gallery's src is the full picture"
        );
        for c in &candidates {
            assert!(page.contains(c.as_str()), "the gallery's srcset offers {c}");
        }
        let _ = std::fs::remove_dir_all(&data_dir);
    }
}

#[tokio::test]
async fn the_merchant_cannot_cancel_an_order_while_the_gateway_cannot_be_asked() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let out = create_admin(&stack.shop, OWNER, PASSWORD);
        assert!(out.status.success());
        let admin = admin_client(&stack.shop).await;
        let openid = "oAdminCancelBlind000001";
        let (no, _) = place_order(&stack, openid, "key-admin-cancel-blind-0001", false).await;
        let faults = |body: serde_json::Value| {
            reqwest::Client::new()
                .post(stack.gateway_url("/__sandbox/faults"))
                .json(&body)
                .send()
        };
        faults(serde_json::json!({ "query": "server_error", "only_openid": openid }))
            .await
            .expect("faults");
        let (status, body) = act(&stack.shop, &admin, "cancel", &[("order_no", &no)]).await;
        assert_ne!(status, StatusCode::OK);
        assert!(body.contains("PaymentUncheckable"), "{body}");
        assert_eq!(
            order_status(&stack.shop, &no).await,
            "awaiting_payment",
            "{}: not cancelled blind",
            stack.shop.label
        );
        faults(serde_json::json!({})).await.expect("faults");
        let (status, _) = act(&stack.shop, &admin, "cancel", &[("order_no", &no)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(order_status(&stack.shop, &no).await, "cancelled");
    }
}

// ---- refunds: typed, confirmed by the gateway, once only -------------------------------

/// A stack per database and gateway, with the first owner created: refunds must hold the
/// same way whichever gateway took the money.
async fn refund_stacks(env: &[(&str, &str)]) -> Vec<Stack> {
    let stacks = crate::common::every_gateway(env).await;
    for stack in &stacks {
        assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
    }
    stacks
}

#[tokio::test]
async fn a_refund_is_pending_until_the_gateway_confirms_it_and_the_job_settles_it_unasked() {
    for stack in refund_stacks(&[]).await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let admin = admin_client(shop).await;
        let buyer = "oRefundPollBuyer00000001";
        let (no, _) = place_order(&stack, buyer, "refund-poll-key-00000001", true).await;

        // The gateway accepts the refund but keeps saying PROCESSING.
        set_faults(
            &stack,
            serde_json::json!({ "refund": "processing", "only_openid": buyer }),
        )
        .await;
        let (status, body) = refund(shop, &admin, &no, "20.00", &[("reason", "破损")]).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{}: {body}", shop.label);
        assert!(body.contains("\"Pending\""), "{body}");
        wait_for_checks(&db, &no, 2, 30).await;
        let refunds = refunds_of(&db, &no).await;
        assert_eq!(refunds.len(), 1);
        assert_eq!(refunds[0].1, "pending", "PROCESSING is no success");
        assert_eq!(refunded_minor(&db, &no).await, 0, "nothing counted yet");
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(page.contains("data-testid=\"refund-row\" data-status=\"pending\""));
        assert_eq!(
            page.matches("data-testid=\"refund-form\"").count(),
            1,
            "what is left can still be refunded"
        );
        assert!(
            page.contains("最多 HK$108.00"),
            "the pending 20.00 is reserved"
        );

        // The gateway settles it; the job notices without anyone pressing a button.
        set_faults(&stack, serde_json::json!({})).await;
        wait_for_refunds(&db, &no, "succeeded", 1, 30).await;
        assert_eq!(refunded_minor(&db, &no).await, 2000);
        assert_eq!(order_status(shop, &no).await, "paid");
        let by: Vec<(String, String)> = sqlx::query_as(
            "SELECT e.event, e.source FROM order_events e JOIN orders o ON o.id = e.order_id
             WHERE o.order_no = $1 AND e.event = 'partial_refund'",
        )
        .bind(&no)
        .fetch_all(db.pool())
        .await
        .expect("events");
        assert_eq!(by, vec![("partial_refund".to_owned(), "job".to_owned())]);

        // A request whose answer times out: pending, then settled by the job's query,
        // without a second refund request to the gateway.
        let buyer = "oRefundPollBuyer00000002";
        let (no, _) = place_order(&stack, buyer, "refund-poll-key-00000002", true).await;
        // (No refund notification either, where the gateway sends one: the job must find it.)
        set_faults(
            &stack,
            serde_json::json!({ "refund": "timeout", "notify": "drop", "only_openid": buyer }),
        )
        .await;
        let (status, body) = refund(shop, &admin, &no, "", &[]).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{}: {body}", shop.label);
        wait_for_status(&db, &no, "refunded", 30).await;
        let gw = gateway_refunds(&stack, &no).await;
        assert_eq!(gw["refund_calls"], serde_json::json!(1), "{gw}");
        assert_eq!(gw["refunded_minor"], serde_json::json!(12800), "{gw}");
        assert_eq!(refunded_minor(&db, &no).await, 12800);
        set_faults(&stack, serde_json::json!({})).await;
    }
}

#[tokio::test]
async fn an_answer_about_another_refund_never_marks_ours_succeeded() {
    for stack in refund_stacks(&[]).await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let admin = admin_client(shop).await;
        let buyer = "oRefundOtherBuyer0000001";
        let (no, _) = place_order(&stack, buyer, "refund-other-key-0000001", true).await;
        // The gateway answers (POST and GET) with another refund's record saying SUCCESS.
        set_faults(
            &stack,
            serde_json::json!({ "refund": "other_refund", "only_openid": buyer }),
        )
        .await;
        let (status, body) = refund(shop, &admin, &no, "30.00", &[]).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{}: {body}", shop.label);
        wait_for_checks(&db, &no, 2, 30).await;
        let refunds = refunds_of(&db, &no).await;
        assert_eq!(refunds[0].1, "pending", "{}", shop.label);
        assert_eq!(refunded_minor(&db, &no).await, 0);
        let (_, flagged) = status_of(&db, &no).await;
        assert_eq!(flagged, 1, "the merchant is told the answer did not match");
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(page.contains("another refund"), "the refund says why");

        // The gateway answers about our refund again: the job settles it.
        set_faults(&stack, serde_json::json!({})).await;
        wait_for_refunds(&db, &no, "succeeded", 1, 30).await;
        assert_eq!(refunded_minor(&db, &no).await, 3000);
    }
}

#[tokio::test]
async fn a_refused_refund_fails_says_why_and_its_amount_can_be_refunded_again() {
    for stack in refund_stacks(&[]).await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let admin = admin_client(shop).await;
        let buyer = "oRefundRefusedBuyer00001";
        let (no, _) = place_order(&stack, buyer, "refund-refused-key-00001", true).await;
        set_faults(
            &stack,
            serde_json::json!({
                "refund": "refuse",
                "refuse_message": "商户可用余额不足",
                "only_openid": buyer,
            }),
        )
        .await;
        let (status, body) = refund(shop, &admin, &no, "40.00", &[]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {body}", shop.label);
        assert!(
            body.contains("商户可用余额不足") && body.contains("没有退出任何款项"),
            "what failed and what to do: {body}"
        );
        let refunds = refunds_of(&db, &no).await;
        assert_eq!(refunds.len(), 1);
        assert_eq!(refunds[0].1, "failed");
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(page.contains("data-testid=\"refund-row\" data-status=\"failed\""));
        assert!(
            page.contains("最多 HK$128.00"),
            "a failed refund reserves nothing"
        );

        set_faults(&stack, serde_json::json!({})).await;
        let (status, body) = refund(shop, &admin, &no, "40.00", &[]).await;
        assert!(status.is_success(), "{body}");
        wait_for_refunds(&db, &no, "succeeded", 1, 30).await;
        assert_eq!(refunded_minor(&db, &no).await, 4000);
        let gw = gateway_refunds(&stack, &no).await;
        assert_eq!(gw["refunded_minor"], serde_json::json!(4000), "{gw}");
    }
}

#[tokio::test]
async fn ten_identical_refund_submissions_and_two_tabs_make_one_refund_each() {
    for stack in refund_stacks(&[]).await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let admin = admin_client(shop).await;
        let (no, _) = place_order(
            &stack,
            "oRefundOnceBuyer00000001",
            "refund-once-key-00000001",
            true,
        )
        .await;

        // One form, posted ten times at once (a double click, a retrying proxy).
        let form = refund_form(shop, &admin, &no).await;
        let posts = (0..10).map(|_| post_refund(shop, &admin, &no, &form, "30.00", &[]));
        let answers = futures_util::future::join_all(posts).await;
        for (status, body) in &answers {
            assert!(status.is_success(), "{}: {status} {body}", shop.label);
            assert!(body.contains(&format!("{no}R1")), "the same refund: {body}");
        }
        assert_eq!(refunds_of(&db, &no).await.len(), 1, "{}", shop.label);
        wait_for_refunds(&db, &no, "succeeded", 1, 30).await;
        let gw = gateway_refunds(&stack, &no).await;
        assert_eq!(gw["refund_calls"], serde_json::json!(1), "asked once: {gw}");
        assert_eq!(gw["refunds"].as_array().map(Vec::len), Some(1), "{gw}");
        assert_eq!(gw["refunded_minor"], serde_json::json!(3000));
        assert_eq!(refunded_minor(&db, &no).await, 3000, "counted once");

        // The same form once more, after it settled: the same refund, nothing new.
        let (status, body) = post_refund(shop, &admin, &no, &form, "30.00", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("\"Succeeded\"") && body.contains(&format!("{no}R1")));
        // The same key for another amount is a mistake, not a repeat.
        let (status, body) = post_refund(shop, &admin, &no, &form, "31.00", &[]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(refunds_of(&db, &no).await.len(), 1);
        assert_eq!(
            gateway_refunds(&stack, &no).await["refund_calls"],
            serde_json::json!(1)
        );

        // Two tabs, each with its own form, submitted together: one refund; the other tab
        // is told the order changed.
        let (tab1, tab2) = tokio::join!(
            refund_form(shop, &admin, &no),
            refund_form(shop, &admin, &no)
        );
        assert_ne!(tab1.0, tab2.0, "every rendered form has its own key");
        let (a, b) = tokio::join!(
            post_refund(shop, &admin, &no, &tab1, "10.00", &[]),
            post_refund(shop, &admin, &no, &tab2, "10.00", &[])
        );
        let statuses = [a.0, b.0];
        assert_eq!(
            statuses.iter().filter(|s| s.is_success()).count(),
            1,
            "{}: {a:?} {b:?}",
            shop.label
        );
        assert!(statuses.contains(&StatusCode::CONFLICT), "{a:?} {b:?}");
        let refused = if a.0.is_success() { &b.1 } else { &a.1 };
        assert!(refused.contains("标签页"), "{refused}");
        assert_eq!(refunds_of(&db, &no).await.len(), 2);
        wait_for_refunds(&db, &no, "succeeded", 2, 30).await;
        assert_eq!(refunded_minor(&db, &no).await, 4000);
    }
}

#[tokio::test]
async fn staff_refund_up_to_the_limit_and_only_the_owner_beyond_it() {
    for stack in refund_stacks(&[("SHOP_STAFF_REFUND_LIMIT", "50.00")]).await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let owner = admin_client(shop).await;
        let (status, _) = act(
            shop,
            &owner,
            "account_create",
            &[
                ("username", "clerk-refunds"),
                ("password", "clerk-strong-2026"),
                ("role", "staff"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let clerk = buyer_client();
        let res = login(shop, &clerk, "clerk-refunds", "clerk-strong-2026").await;
        assert_eq!(location(&res), "/admin/orders");
        let (no, _) = place_order(
            &stack,
            "oRefundStaffBuyer0000001",
            "refund-staff-key-0000001",
            true,
        )
        .await;

        let (status, body) = refund(shop, &clerk, &no, "30.00", &[]).await;
        assert!(
            status.is_success(),
            "{}: within the limit: {body}",
            shop.label
        );
        // A second 30.00 would make 60.00 of this order: above the limit.
        let (status, body) = refund(shop, &clerk, &no, "30.00", &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body.contains("HK$50.00") && body.contains("HK$60.00") && body.contains("店主"),
            "says the limit and who may: {body}"
        );
        assert_eq!(refunds_of(&db, &no).await.len(), 1);
        // The owner may.
        let (status, body) = refund(shop, &owner, &no, "30.00", &[]).await;
        assert!(status.is_success(), "{body}");
        wait_for_refunds(&db, &no, "succeeded", 2, 30).await;
        assert_eq!(refunded_minor(&db, &no).await, 6000);
    }
}

async fn ledger(db: &Database, product: i64) -> Vec<(i64, String, String, String)> {
    sqlx::query_as(
        "SELECT delta, reason, note, admin FROM stock_movements WHERE product_id = $1 ORDER BY id",
    )
    .bind(product)
    .fetch_all(db.pool())
    .await
    .expect("ledger")
}

#[tokio::test]
async fn a_full_refund_of_an_unshipped_order_puts_its_stock_back_when_the_merchant_asks() {
    for stack in refund_stacks(&[]).await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let admin = admin_client(shop).await;
        let probe = arrive(shop, "oRefundStockBuyer0000001").await;
        let oolong = probe.product("冻顶乌龙茶");
        let before = crate::common::stock(&db, oolong).await;
        let (no, _) = place_order(
            &stack,
            "oRefundStockBuyer0000001",
            "refund-stock-key-0000001",
            true,
        )
        .await;
        assert_eq!(crate::common::stock(&db, oolong).await, before - 1);

        // Stock goes back only with everything that is left: not with a part.
        let (status, body) = refund(shop, &admin, &no, "20.00", &[("restock", "on")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {body}", shop.label);
        assert!(body.contains("部分退款"), "{body}");
        assert!(refunds_of(&db, &no).await.is_empty());

        let (status, body) = refund(shop, &admin, &no, "", &[("restock", "on")]).await;
        assert!(status.is_success(), "{body}");
        wait_for_status(&db, &no, "refunded", 30).await;
        assert_eq!(
            crate::common::stock(&db, oolong).await,
            before,
            "the unit is back"
        );
        let ledger = ledger(&db, oolong).await;
        let returned: Vec<_> = ledger.iter().filter(|m| m.1 == "returned").collect();
        assert_eq!(returned.len(), 1, "{ledger:?}");
        assert_eq!(returned[0].0, 1);
        assert!(returned[0].2.contains(&format!("{no}R1")), "{ledger:?}");
        assert_eq!(returned[0].3, OWNER);
        let detail: String = sqlx::query_scalar(
            "SELECT e.detail FROM order_events e JOIN orders o ON o.id = e.order_id
             WHERE o.order_no = $1 AND e.event = 'refunded'",
        )
        .bind(&no)
        .fetch_one(db.pool())
        .await
        .expect("refunded event");
        assert!(detail.contains("stock returned: 冻顶乌龙茶"), "{detail}");
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(page.contains("库存已放回") && page.contains("stock returned"));

        // Without the checkbox the stock stays where it is.
        let (no2, _) = place_order(
            &stack,
            "oRefundStockBuyer0000002",
            "refund-stock-key-0000002",
            true,
        )
        .await;
        let (status, body) = refund(shop, &admin, &no2, "", &[]).await;
        assert!(status.is_success(), "{body}");
        wait_for_status(&db, &no2, "refunded", 30).await;
        assert_eq!(crate::common::stock(&db, oolong).await, before - 1);

        // A shipped order's goods are with the buyer: nothing to put back.
        let (no3, _) = place_order(
            &stack,
            "oRefundStockBuyer0000003",
            "refund-stock-key-0000003",
            true,
        )
        .await;
        let (status, _) = ship(shop, &admin, &no3, "sf", "SF0000000001").await;
        assert_eq!(status, StatusCode::OK);
        let page = page_text(shop, &admin, &format!("/admin/orders/{no3}")).await;
        assert!(
            !page.contains("data-testid=\"refund-restock\""),
            "no checkbox for a shipped order"
        );
        let (status, body) = refund(shop, &admin, &no3, "", &[("restock", "on")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("已发货"), "{body}");
        assert_eq!(crate::common::stock(&db, oolong).await, before - 2);
    }
}

#[tokio::test]
async fn dashboard_revenue_is_net_of_refunds() {
    for stack in refund_stacks(&[]).await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let admin = admin_client(shop).await;
        let dashboard = || async {
            let res = admin
                .post(shop.url("/api/admin/dashboard"))
                .send()
                .await
                .expect("dashboard");
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<serde_json::Value>().await.expect("json")
        };
        let (a, _) = place_order(
            &stack,
            "oRefundNetBuyer000000001",
            "refund-net-key-000000001",
            true,
        )
        .await;
        let (b, _) = place_order(
            &stack,
            "oRefundNetBuyer000000002",
            "refund-net-key-000000002",
            true,
        )
        .await;
        let d = dashboard().await;
        assert_eq!(
            d["today"]["revenue"][0]["minor"],
            serde_json::json!(25600),
            "{d}"
        );

        let (status, body) = refund(shop, &admin, &a, "28.00", &[]).await;
        assert!(status.is_success(), "{body}");
        let (status, body) = refund(shop, &admin, &b, "", &[]).await;
        assert!(status.is_success(), "{body}");
        wait_for_refunds(&db, &a, "succeeded", 1, 30).await;
        wait_for_status(&db, &b, "refunded", 30).await;

        let d = dashboard().await;
        assert_eq!(d["today"]["paid_orders"], serde_json::json!(2), "{d}");
        // 256.00 paid − 28.00 − 128.00 refunded.
        assert_eq!(
            d["today"]["revenue"][0]["minor"],
            serde_json::json!(10000),
            "{}: {d}",
            shop.label
        );
        assert_eq!(
            d["last_7_days"]["revenue"][0]["minor"],
            serde_json::json!(10000)
        );
        let days = d["daily"].as_array().expect("daily");
        assert_eq!(
            days.last().map(|day| day[1]["minor"].clone()),
            Some(serde_json::json!(10000)),
            "{d}"
        );
    }
}

#[tokio::test]
async fn a_product_in_an_archived_category_cannot_be_bought() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        assert!(create_admin(&stack.shop, OWNER, PASSWORD).status.success());
        let shop = &stack.shop;
        let admin = admin_client(shop).await;
        let db = shop.db().await;
        let tea: i64 = sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'tea'")
            .fetch_one(db.pool())
            .await
            .expect("tea category");
        // A buyer put tea in the cart yesterday; another is looking at it now.
        let early = arrive(shop, "oAdminArchivedCatBuyer01").await;
        let oolong = early.product("冻顶乌龙茶");
        early.add(shop, oolong, 1).await;
        let later = arrive(shop, "oAdminArchivedCatBuyer02").await;
        let before = stock(&db, oolong).await;

        let (status, _) = act(
            shop,
            &admin,
            "category_archive",
            &[("id", &tea.to_string()), ("archived", "true")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // Not shown…
        let res = later
            .client
            .get(shop.url(&format!("/product/{oolong}")))
            .send()
            .await
            .expect("page");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{}", shop.label);
        // …not addable…
        let res = later
            .client
            .post(shop.url("/api/cart/add"))
            .header("Accept", "application/json")
            .form(&[
                ("token", later.token.as_str()),
                ("product_id", &oolong.to_string()),
                ("quantity", "1"),
            ])
            .send()
            .await
            .expect("add");
        assert_ne!(res.status(), StatusCode::OK);
        assert_eq!(
            res.json::<serde_json::Value>().await.expect("json"),
            serde_json::json!("Unavailable")
        );
        // …and refused at checkout when it was in the cart before, with nothing reserved.
        let (_, error) = early
            .checkout(shop, "archived-category-key-01")
            .await
            .expect_err("archived category");
        assert_eq!(error, serde_json::json!("Unavailable"));
        assert_eq!(stock(&db, oolong).await, before);
        let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE openid = $1")
            .bind(&early.openid)
            .fetch_one(db.pool())
            .await
            .expect("orders");
        assert_eq!(orders, 0);

        // Restored, it sells again.
        let (status, _) = act(
            shop,
            &admin,
            "category_archive",
            &[("id", &tea.to_string()), ("archived", "false")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        early
            .checkout(shop, "archived-category-key-02")
            .await
            .expect("on sale again");
        assert_eq!(stock(&db, oolong).await, before - 1);
    }
}
