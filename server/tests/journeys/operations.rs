//! Operating the shop: `server backup --to FILE` copies the live SQLite database while
//! buyers pay, and a shop started on the copy has every order paid before the backup began
//! (on PostgreSQL the command says to use pg_dump); a SIGTERM under load loses nothing.
//! The built site's files are served as built (hashed, precompressed, cached for a year);
//! `/metrics` shows what the operator watches; JSON logs carry the request id.

use crate::common::{arrive, free_port, key, status_of, stock, Shop, Stack, LOG_TO};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn backup(db_url: &str, to: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["backup", "--to"])
        .arg(to)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server backup")
}

/// The file behind a `sqlite://…?mode=rwc` URL.
fn sqlite_file(url: &str) -> PathBuf {
    PathBuf::from(
        url.trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_backup_taken_while_buyers_pay_restores_every_paid_order() {
    let stack = Stack::start(app::ssr::testing::sqlite(), &[]).await;
    let shop = &stack.shop;
    let mut buyers = Vec::new();
    for i in 0..12 {
        buyers.push(arrive(shop, &format!("oBackupBuyer{i:012}")).await);
    }
    // Six orders paid before the backup; six more paying while it runs.
    let mut paid_before = Vec::new();
    for b in &buyers[..6] {
        paid_before.push(b.pay_for(&stack, "桂花红茶", 1, &key(&b.openid, 1)).await);
    }
    let dir = std::env::temp_dir().join(format!("shop-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("backup dir");
    let file = dir.join("backup.db");
    let _ = std::fs::remove_file(&file);
    let (url, target) = (shop.db_url.clone(), file.clone());
    let copying = tokio::task::spawn_blocking(move || backup(&url, &target));
    let later: Vec<(&crate::common::Buyer, String)> =
        buyers[6..].iter().map(|b| (b, key(&b.openid, 1))).collect();
    let paying = futures_util::future::join_all(
        later
            .iter()
            .map(|(b, k)| b.pay_for(&stack, "桂花红茶", 1, k)),
    );
    let (out, paid_during) = tokio::join!(copying, paying);
    let out = out.expect("backup task");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up to"));
    // The same file again is refused: a backup never overwrites one.
    let again = backup(&shop.db_url, &file);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // Restore: a new shop on a copy of the backup.
    let restored = app::ssr::testing::sqlite();
    let restored_file = sqlite_file(&restored.url);
    std::fs::create_dir_all(restored_file.parent().expect("dir")).expect("restore dir");
    std::fs::copy(&file, &restored_file).expect("restore copy");
    let shop2 = Shop::start(restored).await;
    let db2 = shop2.db().await;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(db2.pool())
        .await
        .expect("integrity");
    assert_eq!(check, "ok");
    for no in &paid_before {
        assert_eq!(
            status_of(&db2, no).await.0,
            "paid",
            "{no} survives the backup"
        );
    }
    // The copy is of one moment: every order in it has its lines, and every paid one its
    // payment; orders paid meanwhile are in it as they were then, or not yet.
    let (orders, whole): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)
                 AND (o.status <> 'paid' OR o.payment_no IS NOT NULL) THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM orders o",
    )
    .fetch_one(db2.pool())
    .await
    .expect("orders");
    assert_eq!(orders, whole, "every order whole");
    assert!((6..=12).contains(&orders), "{orders}");
    for no in &paid_during {
        let live = status_of(&stack.shop.db().await, no).await.0;
        assert_eq!(live, "paid", "the live shop lost nothing while copying");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn on_postgresql_the_backup_command_points_to_pg_dump() {
    let Some(db) = app::ssr::testing::postgres().await else {
        return;
    };
    let shop = Shop::start(db).await;
    let file = std::env::temp_dir().join(format!("shop-pg-backup-{}.db", std::process::id()));
    let out = backup(&shop.db_url, &file);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
    assert!(!file.exists(), "no file written");
}

/// SIGTERM, as systemd sends it, to a process.
fn sigterm(pid: u32) {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "signalled");
}

/// A checkout posted while the shop may be going away: the status, or `None` when no
/// connection was made (a load balancer would try another server).
async fn checkout_status(url: &str, buyer: &crate::common::Buyer, key: &str) -> Option<u16> {
    let form = [
        ("token", buyer.token.as_str()),
        ("checkout_key", key),
        ("remark", ""),
        ("address", &buyer.address.to_string()),
    ];
    match buyer.client.post(url).form(&form).send().await {
        Ok(res) => Some(res.status().as_u16()),
        Err(_) => None,
    }
}

/// The shop is stopped with SIGTERM while buyers check out and the gateway notifies it of
/// payments: no request gets a 5xx, it exits cleanly, and once it is back every payment is
/// settled and every order it accepted is there, with stock accounted for.
#[tokio::test]
async fn sigterm_under_load_finishes_what_is_in_flight_and_loses_nothing() {
    for db in app::ssr::testing::all().await {
        let mut stack = Stack::start(db, &[]).await;
        let label = stack.shop.label;
        let shop = &stack.shop;
        let mut placed = Vec::new();
        for i in 0..8 {
            let buyer = arrive(shop, &format!("oTermPayer{i:014}")).await;
            placed.push(buyer.order_one(shop, "桂花红茶").await);
        }
        let mut late = Vec::new();
        for i in 0..8 {
            let buyer = arrive(shop, &format!("oTermBuyer{i:014}")).await;
            buyer.add(shop, buyer.product("桂花红茶"), 1).await;
            late.push(buyer);
        }
        let tea = late[0].product("桂花红茶");
        let checkout_url = shop.url("/api/orders/checkout");
        let pid = shop.pid();
        let keys: Vec<String> = late.iter().map(|b| key(&b.openid, 1)).collect();
        let paying =
            futures_util::future::join_all(placed.iter().map(|p| crate::common::pay(&stack, p)));
        // Checkouts a few milliseconds apart, and the signal among them (once the first is
        // answered, so the load surely met the shop): some are done, some in flight, some
        // find the door closed.
        let first_answered = tokio::sync::Notify::new();
        let checking_out = futures_util::future::join_all(late.iter().zip(&keys).enumerate().map(
            |(i, (b, k))| {
                let (url, first) = (&checkout_url, &first_answered);
                async move {
                    tokio::time::sleep(std::time::Duration::from_millis(4 * i as u64)).await;
                    let answer = checkout_status(url, b, k).await;
                    if i == 0 {
                        first.notify_one();
                    }
                    answer
                }
            },
        ));
        let stopping = async {
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                first_answered.notified(),
            )
            .await;
            sigterm(pid);
        };
        let (_, answers, ()) = tokio::join!(paying, checking_out, stopping);
        for answer in answers.iter().flatten() {
            assert!(
                *answer < 500,
                "{label}: no 5xx during shutdown: {answers:?}"
            );
        }
        assert!(
            answers.contains(&Some(200)),
            "{label}: the load met the shop: {answers:?}"
        );
        let status = stack.shop.exited(30).await;
        assert!(
            status.success(),
            "{label}: a clean exit on SIGTERM: {status}"
        );

        stack.shop.restart().await;
        let db = stack.shop.db().await;
        for params in &placed {
            crate::common::wait_for_status(&db, &crate::common::order_no(params), "paid", 30).await;
        }
        // Every checkout the shop answered 200 has its order; the stock is what the orders
        // holding it did not take.
        for (answer, k) in answers.iter().zip(&keys) {
            let orders: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE checkout_key = $1")
                    .bind(k)
                    .fetch_one(db.pool())
                    .await
                    .expect("orders");
            if *answer == Some(200) {
                assert_eq!(orders, 1, "{label}: an accepted checkout is never lost");
            }
        }
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l
             JOIN orders o ON o.id = l.order_id
             WHERE l.product_id = $1 AND o.status IN ('pending', 'awaiting_payment', 'paid')",
        )
        .bind(tea)
        .fetch_one(db.pool())
        .await
        .expect("held");
        assert_eq!(
            stock(&db, tea).await + held,
            120,
            "{label}: every unit accounted for"
        );
    }
}

/// A built site of the shape `cargo leptos build --release --split --precompress` leaves:
/// hashed entry files, their brotli and gzip copies, the hash file, a favicon.
fn built_site(dir: &Path) -> PathBuf {
    let pkg = dir.join("site").join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    let files: &[(&str, &[u8])] = &[
        ("shop.JsHash1.js", b"export default function init() {}"),
        ("shop.WasmHash2.wasm", b"\0asm\x01\0\0\0"),
        ("shop.CssHash3.css", b"body { color: #333 }"),
        ("shop.CssHash3.css.br", b"brotli bytes of the stylesheet"),
        ("shop.CssHash3.css.gz", b"gzip bytes of the stylesheet"),
        ("__wasm_split.SplitHash4.js", b"export {}"),
    ];
    for (name, bytes) in files {
        std::fs::write(pkg.join(name), bytes).expect("write pkg file");
    }
    std::fs::write(dir.join("site").join("robots.txt"), "User-agent: *\n").expect("robots");
    let hash_file = dir.join("hash.txt");
    std::fs::write(
        &hash_file,
        "js: JsHash1\nwasm: WasmHash2\ncss: CssHash3\nsplit: SplitHash4\n",
    )
    .expect("hash file");
    hash_file
}

#[tokio::test]
async fn hashed_assets_are_served_as_built_and_cached_for_a_year() {
    let dir = std::env::temp_dir().join(format!("shop-assets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let hash_file = built_site(&dir);
    let site = dir.join("site");
    let (site, hash) = (
        site.to_str().expect("utf-8"),
        hash_file.to_str().expect("utf-8"),
    );
    let shop = Shop::start_with(
        app::ssr::testing::sqlite(),
        &[("LEPTOS_SITE_ROOT", site), ("LEPTOS_HASH_FILE_NAME", hash)],
    )
    .await;

    // Pages link to the hashed names: every page to the stylesheet, a page with islands
    // (the product page's add-to-cart form) to the script and the wasm too.
    let buyer = arrive(&shop, "oAssetsBuyer000000000001").await;
    let home = buyer.page(&shop, "/").await;
    let product = buyer
        .page(
            &shop,
            &format!("/product/{}", buyer.product("冻顶乌龙茶 150g")),
        )
        .await;
    for name in [
        "/pkg/shop.CssHash3.css",
        "/pkg/shop.JsHash1.js",
        "/pkg/shop.WasmHash2.wasm",
    ] {
        assert!(product.contains(name), "the product page links to {name}");
    }
    // shop.js imports the wasm-split loader: the page preloads it beside shop.js.
    let split = product
        .split("<link ")
        .find(|tag| tag.contains("/pkg/__wasm_split.SplitHash4.js\""))
        .expect("the product page links the split loader");
    assert!(split.starts_with(r#"rel="modulepreload""#), "{split}");
    assert!(home.contains("/pkg/shop.CssHash3.css"));
    assert!(
        !home.contains("__wasm_split"),
        "the home page loads no script"
    );
    assert!(
        !home.contains("/pkg/shop.css"),
        "no unhashed stylesheet link"
    );

    // The stylesheet comes as built: brotli to who accepts it, then gzip, then plain bytes,
    // with a year's immutable cache, and without a session cookie (no page middleware).
    let client = reqwest::Client::new();
    let css = shop.url("/pkg/shop.CssHash3.css");
    for (accept, encoding, body) in [
        (
            "gzip, deflate, br",
            Some("br"),
            "brotli bytes of the stylesheet",
        ),
        ("gzip", Some("gzip"), "gzip bytes of the stylesheet"),
        ("identity", None, "body { color: #333 }"),
    ] {
        let res = client
            .get(&css)
            .header("accept-encoding", accept)
            .send()
            .await
            .expect("css");
        assert_eq!(res.status(), 200, "{accept}");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(header("content-encoding").as_deref(), encoding, "{accept}");
        assert_eq!(
            header("cache-control").as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(header("vary").as_deref(), Some("accept-encoding"));
        // Pages in the payment container (the gateway's origin) load them across origins.
        assert_eq!(header("access-control-allow-origin").as_deref(), Some("*"));
        assert!(header("content-type")
            .unwrap_or_default()
            .starts_with("text/css"));
        assert!(
            header("set-cookie").is_none(),
            "static files carry no session"
        );
        assert_eq!(res.text().await.expect("body"), body, "{accept}");
    }
    // A name no build made is a 404 nobody caches; the site's other files keep an hour.
    let gone = client
        .get(shop.url("/pkg/shop.OldHash0.css"))
        .send()
        .await
        .expect("old css");
    assert_eq!(gone.status(), 404);
    assert_eq!(gone.headers()["cache-control"], "no-store");
    let robots = client
        .get(shop.url("/robots.txt"))
        .send()
        .await
        .expect("robots");
    assert_eq!(robots.status(), 200);
    assert_eq!(robots.headers()["cache-control"], "public, max-age=3600");

    // A hash file naming files the site does not have (the server and the site built apart)
    // stops the shop at start-up, rather than serving pages that link to nothing.
    std::fs::write(&hash_file, "js: JsHash1\nwasm: WasmHash2\ncss: Stale\n").expect("stale");
    let refused = shop
        .reconfigured(&[])
        .await
        .err()
        .expect("refused to start");
    assert_eq!(refused.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sum of a metric's samples whose labels include every one of `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut found = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
        if metric != name {
            continue;
        }
        if labels
            .iter()
            .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        {
            let v: f64 = value.parse().expect("a number");
            found = Some(found.unwrap_or(0.0) + v);
        }
    }
    found
}

/// A first visit to the home page, a category, a search, the order list or the back office
/// downloads no JavaScript and no wasm: those pages have no islands (the cart badge is plain
/// HTML). The pages with islands load them, and the badge shows the buyer's count.
#[tokio::test]
async fn only_pages_with_islands_load_the_script_and_the_wasm() {
    let shop = Shop::start(app::ssr::testing::sqlite()).await;
    let buyer = arrive(&shop, "oNoScriptBuyer0000000001").await;
    let tea = buyer.product("冻顶乌龙茶 150g");
    buyer.add(&shop, tea, 2).await;
    for path in [
        "/",
        "/?category=tea",
        "/?q=%E4%B9%8C%E9%BE%99",
        "/?sort=price_desc&page=2",
        "/orders",
        "/admin/login",
        "/no-such-page",
    ] {
        let html = buyer.page(&shop, path).await;
        assert!(!crate::common::loads_wasm(&html), "{path} loads the wasm");
        // (leptos's few inline bytes of resource bookkeeping are all the script there is)
        assert!(
            !html.contains("type=\"module\"") && !html.contains(".js\"") && !html.contains(".wasm"),
            "{path} loads a script"
        );
        assert!(!html.contains("<leptos-island"), "{path} has an island");
        if path != "/admin/login" {
            assert_eq!(
                crate::common::badge(&html),
                Some(2),
                "{path} shows the cart badge"
            );
        }
    }
    for path in [
        format!("/product/{tea}"),
        "/cart".to_owned(),
        // the router answers it with the cart (and its 404 status)
        "/cart/".to_owned(),
        "/coupons".to_owned(),
    ] {
        let html = buyer.page(&shop, &path).await;
        assert!(html.contains("<leptos-island"), "{path} has islands");
        assert!(crate::common::loads_wasm(&html), "{path} loads the wasm");
    }
}

#[tokio::test]
async fn metrics_show_requests_transitions_notifications_gateway_calls_and_the_jobs() {
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let stack = Stack::start(
        app::ssr::testing::sqlite(),
        &[("SHOP_METRICS_ADDR", metrics_addr.as_str())],
    )
    .await;
    let shop = &stack.shop;
    let buyer = arrive(shop, "oMetricsBuyer00000000001").await;
    let paid = buyer
        .pay_for(&stack, "桂花红茶", 1, &key(&buyer.openid, 1))
        .await;
    let client = reqwest::Client::new();
    // A made-up method (any token is a method to HTTP).
    let odd = client
        .request(
            reqwest::Method::from_bytes(b"BENCHMARKME").expect("method"),
            shop.url("/healthz"),
        )
        .send()
        .await
        .expect("odd method");
    assert!(odd.status().is_client_error() || odd.status().is_success());
    // A forged notification is refused and counted as such.
    let forged = client
        .post(shop.url("/api/pay/notify"))
        .body("order_no=nothing")
        .send()
        .await
        .expect("forged");
    assert_eq!(forged.status(), 401);
    // Buyers cannot see the metrics: they are on their own address only.
    let hidden = client
        .get(shop.url("/metrics"))
        .send()
        .await
        .expect("hidden")
        .text()
        .await
        .expect("body");
    assert!(
        !hidden.contains("shop_http_requests_total"),
        "no metrics on the shop's port"
    );

    // The jobs report after their rounds (one a second here).
    let scrape = || async {
        let res = client
            .get(format!("http://{metrics_addr}/metrics"))
            .send()
            .await
            .expect("scrape");
        assert_eq!(res.status(), 200);
        res.text().await.expect("metrics")
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let text = loop {
        let text = scrape().await;
        if sample(&text, "shop_settlement_lag_seconds", &[]).is_some()
            && sample(&text, "shop_alert_outbox_depth", &[]).is_some()
        {
            break text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no job metrics:\n{text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let at_least_one = |name: &str, labels: &[(&str, &str)]| {
        let v = sample(&text, name, labels).unwrap_or(0.0);
        assert!(v >= 1.0, "{name} {labels:?} = {v}\n{text}");
    };
    // Requests by route template (never the raw path with its id) and status.
    at_least_one(
        "shop_http_requests_total",
        &[
            ("route", "/product/{id}"),
            ("method", "GET"),
            ("status", "200"),
        ],
    );
    at_least_one(
        "shop_http_requests_total",
        &[("route", "/api/pay/notify"), ("status", "401")],
    );
    let product = buyer.product("桂花红茶");
    assert!(
        !text.contains(&format!("route=\"/product/{product}\"")),
        "no raw paths as labels"
    );
    // A method nobody uses is one `other` series, not a series of its own.
    assert!(text.contains("method=\"other\""), "{text}");
    assert!(!text.contains("BENCHMARKME"));
    at_least_one(
        "shop_http_request_duration_seconds_count",
        &[("route", "/api/pay/notify")],
    );
    // The order's transitions, the notification that settled it, the forged one.
    at_least_one("shop_order_transitions_total", &[("to", "paid")]);
    at_least_one("shop_notifications_total", &[("verdict", "applied")]);
    at_least_one("shop_notifications_total", &[("verdict", "bad_signature")]);
    // Gateway calls by gateway and outcome, with their latency.
    at_least_one(
        "shop_gateway_call_duration_seconds_count",
        &[("gateway", "wisecashier"), ("outcome", "answered")],
    );
    assert!(
        text.contains("shop_gateway_call_duration_seconds_bucket{"),
        "a histogram"
    );
    // The settlement job keeps up: nothing waits much longer than a round.
    let lag = sample(&text, "shop_settlement_lag_seconds", &[]).unwrap_or(f64::MAX);
    assert!(lag < 5.0, "settlement lag {lag}");
    assert!(
        sample(&text, "shop_settlement_last_round_timestamp_seconds", &[]).unwrap_or(0.0) > 0.0
    );
    // The paid order's alert goes out on the next round (no webhook set: it is skipped),
    // so the outbox empties.
    let _ = paid;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let text = scrape().await;
        if sample(&text, "shop_alert_outbox_depth", &[]) == Some(0.0) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the outbox never emptied:\n{text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn json_logs_carry_the_request_id() {
    let log = std::env::temp_dir().join(format!("shop-json-log-{}.log", std::process::id()));
    let log_path = log.to_str().expect("utf-8").to_owned();
    let shop = Shop::start_with(
        app::ssr::testing::sqlite(),
        &[
            ("SHOP_LOG_FORMAT", "json"),
            ("RUST_LOG", "info,sqlx=warn"),
            (LOG_TO, log_path.as_str()),
        ],
    )
    .await;
    // A forged notification is logged (a warning) while its request is served.
    let res = reqwest::Client::new()
        .post(shop.url("/api/pay/notify"))
        .header("x-request-id", "json-log-test-0001")
        .body("order_no=forged")
        .send()
        .await
        .expect("forged");
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["x-request-id"], "json-log-test-0001");
    drop(shop);

    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.iter().any(|l| l["fields"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("listening on"))));
    // Every line logged while serving the request lists the request's span, however deep
    // in other spans it was logged.
    let of_request: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| {
            l["spans"].as_array().is_some_and(|spans| {
                spans
                    .iter()
                    .any(|s| s["request_id"] == "json-log-test-0001")
            })
        })
        .collect();
    assert!(
        !of_request.is_empty(),
        "no line carries the request id:\n{text}"
    );
    assert!(of_request.iter().any(|l| l["level"] == "WARN"
        && l["spans"][0]["path"] == "/api/pay/notify"
        && l["fields"]["reason"] == "bad_signature"));
    let _ = std::fs::remove_file(&log);
}

#[tokio::test]
async fn catalog_pages_kept_in_memory_follow_every_change_on_every_app_server() {
    for db in app::ssr::testing::all().await {
        let postgres = db.label == "postgres";
        let shop = Shop::start(db).await;
        let buyer = arrive(&shop, "oCatalogCacheBuyer000001").await;
        let product = buyer.product("冻顶乌龙茶");
        let home = buyer.page(&shop, "/").await;
        assert!(home.contains("冻顶乌龙茶 150g"), "{}", shop.label);
        let page = buyer.page(&shop, &format!("/product/{product}")).await;
        assert!(page.contains("冻顶乌龙茶 150g"));
        let db = shop.db().await;
        let run = |sql: &'static str| {
            let db = db.clone();
            async move {
                sqlx::raw_sql(sql).execute(db.pool()).await.expect(sql);
            }
        };

        // The pages are kept: a change made behind the version's back (the trigger off, or
        // on SQLite the version put back by hand) is not seen…
        if postgres {
            run("ALTER TABLE products DISABLE TRIGGER products_bump;
                 UPDATE products SET title = '冻顶乌龙茶 试饮装' WHERE title = '冻顶乌龙茶 150g';
                 ALTER TABLE products ENABLE TRIGGER products_bump;")
            .await;
        } else {
            run("BEGIN; UPDATE products SET title = '冻顶乌龙茶 试饮装' WHERE title = '冻顶乌龙茶 150g';
                 UPDATE catalog_version SET version = version - 1 WHERE id = 1; COMMIT;")
            .await;
        }
        assert!(
            buyer.page(&shop, "/").await.contains("冻顶乌龙茶 150g"),
            "kept"
        );
        assert!(buyer
            .page(&shop, &format!("/product/{product}"))
            .await
            .contains("冻顶乌龙茶 150g"));
        // …and every real change is: a title, then stock running out.
        run("UPDATE products SET subtitle = subtitle || '' WHERE title = '冻顶乌龙茶 试饮装'")
            .await;
        assert!(
            buyer.page(&shop, "/").await.contains("冻顶乌龙茶 试饮装"),
            "{}",
            shop.label
        );
        assert!(buyer
            .page(&shop, &format!("/product/{product}"))
            .await
            .contains("冻顶乌龙茶 试饮装"));

        // A second app server keeps its own pages; a change made through either database
        // connection reaches both at once.
        let second = shop.second_server().await;
        let other = arrive(&second, "oCatalogCacheBuyer000002").await;
        assert!(other.page(&second, "/").await.contains("冻顶乌龙茶 试饮装"));
        run("UPDATE product_variants SET stock = 0 WHERE product_id IN
                 (SELECT id FROM products WHERE title = '冻顶乌龙茶 试饮装');
             UPDATE products SET stock = 0 WHERE title = '冻顶乌龙茶 试饮装';")
        .await;
        for (b, s) in [(&buyer, &shop), (&other, &second)] {
            let page = b.page(s, &format!("/product/{product}")).await;
            assert!(page.contains("已售罄"), "{}: sold out at once", s.label);
        }
        // Searches are read afresh (not kept): they find the new title too.
        let found = buyer.page(&shop, "/?q=试饮装").await;
        assert!(found.contains("冻顶乌龙茶 试饮装"), "{}", shop.label);

        // Every table behind the pages moves the version: a category, a picture, an option,
        // a variant, a product.
        let version = || {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT version FROM catalog_version WHERE id = 1")
                    .fetch_one(db.pool())
                    .await
                    .expect("version")
            }
        };
        let changes: [&'static str; 6] = [
            "UPDATE categories SET name = name WHERE id = (SELECT MIN(id) FROM categories)",
            "INSERT INTO product_images (product_id, url, alt, width, height, sort_order)
                 SELECT MIN(id), '/media/cache-test.jpg', '', 800, 800, -1 FROM products",
            "INSERT INTO product_options (product_id, position, name, choices)
                 SELECT MIN(id), 3, '包装', '盒装' FROM products",
            "DELETE FROM product_options WHERE name = '包装'",
            "UPDATE product_variants SET price_minor = price_minor
                 WHERE id = (SELECT MIN(id) FROM product_variants)",
            "UPDATE products SET sort_order = sort_order WHERE id = (SELECT MIN(id) FROM products)",
        ];
        for sql in changes {
            let before = version().await;
            run(sql).await;
            assert!(version().await > before, "{}: {sql}", shop.label);
        }
        if postgres {
            // Several rows in one transaction: one bump (the row is taken once, at commit).
            let before = version().await;
            run("UPDATE products SET sort_order = sort_order WHERE id <= 3").await;
            assert_eq!(version().await, before + 1);
        }
        // The new picture is on its product's card at once.
        let home = buyer.page(&shop, "/").await;
        assert!(home.contains("/media/cache-test.jpg"), "{}", shop.label);
    }
}
