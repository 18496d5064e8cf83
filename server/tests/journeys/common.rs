//! Starts the real server binary against a real database and talks HTTP to it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::ssr::db::Database;
pub use app::ssr::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub struct Shop {
    pub base: String,
    /// The database the shop runs on, for checks behind its back.
    pub db_url: String,
    /// The database (and, for UseePay, the gateway) it runs on, for messages.
    pub label: &'static str,
    /// Buyers sign in through the merchant's own official account (the sandbox's WeChat
    /// OAuth), not through the payment container.
    pub official_account: bool,
    port: u16,
    env: Vec<(String, String)>,
    child: Child,
    /// Dropped (deleted) with the shop that created it; `None` for a second app server.
    _db: Option<TestDatabase>,
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    // Ports below Linux's ephemeral range (32768 and up, where `bind(0)` and outgoing
    // connections take theirs), a different one on every call in this process: a port just
    // found free is not handed to two servers starting at once, nor taken by a connection.
    const LOW: u32 = 20_000;
    const SPAN: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id() % SPAN;
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = u16::try_from(LOW + (start + n) % SPAN).expect("port in range");
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between {LOW} and {}", LOW + SPAN);
}

/// Not a setting of the shop: in a test's `env`, the file the server's stdout (its log)
/// goes to instead of nowhere.
pub const LOG_TO: &str = "TEST_LOG_TO";

/// The secret path of the page URL the tests' shops register with their gateway
/// (`GATEWAY_CONTAINER_SECRET`): only requests under it may bind a buyer from `?openid=`.
pub const CONTAINER_SECRET: &str = "test-container-secret-0123456789";

fn spawn_server(port: u16, db_url: &str, env: &[(String, String)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env("SHOP_LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("GATEWAY_CONTAINER_SECRET", CONTAINER_SECRET)
        // Uploads (product images, after-sales photos) in a directory of the test's own,
        // never in the checkout.
        .env(
            "SHOP_DATA_DIR",
            std::env::temp_dir().join(format!("shop-test-data-{port}")),
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        if k == LOG_TO {
            cmd.stdout(std::fs::File::create(v).expect("log file"));
        } else {
            cmd.env(k, v);
        }
    }
    cmd.spawn().expect("spawn server")
}

impl Shop {
    /// Starts the shop on a free port and waits for `/healthz`.
    pub async fn start(db: TestDatabase) -> Shop {
        Shop::start_with(db, &[]).await
    }

    pub async fn start_with(db: TestDatabase, env: &[(&str, &str)]) -> Shop {
        Shop::start_on(free_port(), db, env).await
    }

    pub async fn start_on(port: u16, db: TestDatabase, env: &[(&str, &str)]) -> Shop {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut child = spawn_server(port, &db.url, &env);
        let base = format!("http://127.0.0.1:{port}");
        if let Err(status) = started(&base, &mut child).await {
            panic!("server exited during start-up: {status}");
        }
        Shop {
            base,
            db_url: db.url.clone(),
            label: db.label,
            official_account: signs_in_with_official_account(&env),
            port,
            env,
            child,
            _db: Some(db),
        }
    }

    /// Another app server on the same database and settings (several servers, one
    /// PostgreSQL), on its own port.
    pub async fn second_server(&self) -> Shop {
        match self.reconfigured(&[]).await {
            Ok(shop) => shop,
            Err(status) => panic!("second server exited during start-up: {status}"),
        }
    }

    /// Another app server on the same database with the settings changed by `changes` (the
    /// merchant reconfiguring the shop): the server, or how it exited at start-up.
    pub async fn reconfigured(
        &self,
        changes: &[(&str, &str)],
    ) -> Result<Shop, std::process::ExitStatus> {
        let port = free_port();
        let mut env = self.env.clone();
        for (k, v) in changes {
            env.retain(|(key, _)| key != k);
            env.push(((*k).to_owned(), (*v).to_owned()));
        }
        let mut child = spawn_server(port, &self.db_url, &env);
        let base = format!("http://127.0.0.1:{port}");
        started(&base, &mut child).await?;
        Ok(Shop {
            base,
            db_url: self.db_url.clone(),
            label: self.label,
            official_account: signs_in_with_official_account(&env),
            port,
            env,
            child,
            _db: None,
        })
    }

    /// Kills the server outright (SIGKILL: no graceful shutdown), like a crash.
    pub fn crash(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The server's process id (for signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (up to `secs`) for the server to exit on its own: its exit status.
    pub async fn exited(&mut self, secs: u64) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().expect("server status") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not stop");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts the server again on the same port and database.
    pub async fn restart(&mut self) {
        self.child = spawn_server(self.port, &self.db_url, &self.env);
        if let Err(status) = started(&self.base, &mut self.child).await {
            panic!("restarted server exited during start-up: {status}");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `path` as the payment container requests it: under the registered page URL, whose
    /// secret prefix proves the request came through the container.
    pub fn container_url(&self, path: &str) -> String {
        format!("{}/wc/{CONTAINER_SECRET}{path}", self.base)
    }

    /// A connection to the shop's database, for checks behind its back.
    pub async fn db(&self) -> Database {
        Database::connect(&self.db_url).await.expect("db")
    }
}

/// Waits for `/healthz`; how the server exited, if it did during start-up.
async fn started(base: &str, child: &mut Child) -> Result<(), std::process::ExitStatus> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await {
            if res.status().is_success() {
                return Ok(());
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(status);
        }
        assert!(Instant::now() < deadline, "server did not become healthy");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether buyers of a shop with these settings sign in with its own official account.
fn signs_in_with_official_account(env: &[(String, String)]) -> bool {
    env.iter()
        .any(|(k, v)| k == "SHOP_OAUTH" && v == "official_account")
}

/// A redirect's `Location` (empty when there is none).
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The sandbox gateway (the `sandbox` crate's router), serving the shop at `merchant_page`
/// on its own thread and runtime, so a test that blocks never stalls the gateway's
/// notifications. Dropping it stops it.
pub struct Sandbox {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Sandbox {
    pub async fn start(port: u16, merchant_page: &str) -> Sandbox {
        let base = format!("http://127.0.0.1:{port}");
        let page = reqwest::Url::parse(merchant_page).expect("merchant page URL");
        let mut settings = sandbox::Settings::development(page).expect("committed sandbox keys");
        // The real retry schedule, 100 times faster.
        settings.time_scale = 0.01;
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the sandbox's port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("sandbox runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = sandbox::router(settings).expect("sandbox router");
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = reqwest::Client::new();
        loop {
            let healthy = client
                .get(format!("{base}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if healthy {
                break;
            }
            assert!(Instant::now() < deadline, "sandbox did not become healthy");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Sandbox {
            base,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// The gateway a shop sells through. Payment journeys run against both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gateway {
    /// Wisecashier: buyers arrive through its payment container.
    Wisecashier,
    /// UseePay: buyers sign in with the merchant's own official account.
    UseePay,
}

impl Gateway {
    pub const ALL: [Gateway; 2] = [Gateway::Wisecashier, Gateway::UseePay];

    /// Where the gateway's stand-in lives in the sandbox.
    pub fn prefix(self) -> &'static str {
        match self {
            Gateway::Wisecashier => "",
            Gateway::UseePay => "/useepay",
        }
    }
}

/// A shop wired to its own sandbox gateway, on one database.
pub struct Stack {
    pub shop: Shop,
    pub sandbox: Sandbox,
    pub gateway: Gateway,
}

impl Stack {
    /// A shop selling through Wisecashier.
    pub async fn start(db: TestDatabase, env: &[(&str, &str)]) -> Stack {
        Stack::start_with(db, Gateway::Wisecashier, env).await
    }

    /// A shop selling through `gateway`, on its own sandbox.
    pub async fn start_with(db: TestDatabase, gateway: Gateway, env: &[(&str, &str)]) -> Stack {
        let (shop_port, sandbox_port) = (free_port(), free_port());
        let registered = format!("http://127.0.0.1:{shop_port}/wc/{CONTAINER_SECRET}/");
        let sandbox = Sandbox::start(sandbox_port, &registered).await;
        let base = sandbox.base.clone();
        let useepay = format!("{base}/useepay");
        let mut all: Vec<(&str, &str)> = vec![
            ("SHOP_SETTLE_INTERVAL_SECS", "1"),
            ("GATEWAY_TIMEOUT_SECS", "2"),
        ];
        match gateway {
            Gateway::Wisecashier => all.push(("GATEWAY_BASE_URL", base.as_str())),
            Gateway::UseePay => all.extend_from_slice(&[
                ("PAYMENT_PROVIDER", "useepay"),
                ("USEEPAY_BASE_URL", useepay.as_str()),
                ("SHOP_OAUTH", "official_account"),
                ("WECHAT_APPID", "wx_sandbox_appid"),
                ("WECHAT_APPSECRET", "sandbox-official-account-secret"),
                ("WECHAT_OAUTH_BASE", base.as_str()),
                ("WECHAT_API_BASE", base.as_str()),
            ]),
        }
        all.extend_from_slice(env);
        let public = format!("http://127.0.0.1:{shop_port}");
        all.push(("SHOP_PUBLIC_URL", public.as_str()));
        let mut shop = Shop::start_on(shop_port, db, &all).await;
        if gateway == Gateway::UseePay {
            shop.label = Box::leak(format!("{}+useepay", shop.label).into_boxed_str());
        }
        Stack {
            shop,
            sandbox,
            gateway,
        }
    }

    /// A path of the gateway's stand-in (its test controls, its pay sheet).
    pub fn gateway_url(&self, path: &str) -> String {
        self.sandbox
            .url(&format!("{}{path}", self.gateway.prefix()))
    }

    /// Sets the gateway's fault knobs.
    /// The gateway's own record of a payment (`/__sandbox/payments/{no}`): what it was
    /// asked for.
    pub async fn gateway_payment(&self, no: &str) -> Value {
        reqwest::get(self.gateway_url(&format!("/__sandbox/payments/{no}")))
            .await
            .expect("sandbox state")
            .json()
            .await
            .expect("json")
    }

    pub async fn set_faults(&self, faults: Value) {
        let res = reqwest::Client::new()
            .post(self.gateway_url("/__sandbox/faults"))
            .json(&faults)
            .send()
            .await
            .expect("faults");
        assert!(res.status().is_success());
    }
}

/// One stack per database and gateway: the payment journeys every gateway must pass.
pub async fn every_gateway(env: &[(&str, &str)]) -> Vec<Stack> {
    let mut stacks = Vec::new();
    for gateway in Gateway::ALL {
        for db in app::ssr::testing::all().await {
            stacks.push(Stack::start_with(db, gateway, env).await);
        }
    }
    stacks
}

/// A browser-like client for one buyer: keeps cookies, does not follow redirects.
pub fn buyer_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The buyer form token a page's cart form carries (its hidden `token` input).
pub fn form_token(html: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let start = html.find(marker).expect("token meta tag") + marker.len();
    let end = html[start..].find('"').expect("token end") + start;
    html[start..end].to_owned()
}

/// The product id of the card whose title starts with `title`, from the home page.
pub fn product_id(html: &str, title: &str) -> i64 {
    let at = html
        .find(title)
        .unwrap_or_else(|| panic!("{title} not on page"));
    let href =
        html[..at].rfind("href=\"/product/").expect("product link") + "href=\"/product/".len();
    let end = html[href..].find('"').expect("link end") + href;
    html[href..end].parse().expect("numeric id")
}

/// The number on the server-rendered cart badge, if any.
pub fn badge(html: &str) -> Option<i64> {
    let at = html.find("data-testid=\"cart-badge\"")?;
    let open = html[at..].find('>')? + at + 1;
    let close = html[open..].find('<')? + open;
    html[open..close].parse().ok()
}

// ---- a buyer's journey, as the pages drive it -------------------------------------------

/// A buyer with a browser of their own (cookies), their form token and the home page.
pub struct Buyer {
    pub client: reqwest::Client,
    pub openid: String,
    pub token: String,
    pub home: String,
    /// The address this buyer checks out with (added on arrival).
    pub address: i64,
}

/// A valid mainland address form, as the address form posts it.
pub fn address_form(recipient: &str) -> Vec<(&'static str, String)> {
    vec![
        ("recipient", recipient.to_owned()),
        ("area", "86".to_owned()),
        ("mobile", "13800138000".to_owned()),
        ("province", "44".to_owned()),
        ("city", "4403".to_owned()),
        ("region", "440305".to_owned()),
        ("detail", "科技园南区 1 栋 101".to_owned()),
        ("postcode", "518057".to_owned()),
    ]
}

/// `POST /api/addresses/save` as a fetch call (JSON answer): `Ok(address)` or the refusal.
pub async fn save_address(
    shop: &Shop,
    client: &reqwest::Client,
    token: &str,
    fields: &[(&str, String)],
) -> Result<Value, (StatusCode, Value)> {
    let mut form: Vec<(&str, String)> = vec![("token", token.to_owned())];
    form.extend(fields.iter().cloned());
    let res = client
        .post(shop.url("/api/addresses/save"))
        .form(&form)
        .send()
        .await
        .expect("save address");
    let status = res.status();
    let body: Value = res.json().await.expect("save answers JSON");
    if status == StatusCode::OK {
        Ok(body)
    } else {
        Err((status, body))
    }
}

/// A buyer arriving through the payment container with `openid` (the test stands in for
/// the container, which knows the registered page URL): the home page, and the form token of
/// a product page.
pub async fn arrive(shop: &Shop, openid: &str) -> Buyer {
    let client = buyer_client();
    let home = match shop.official_account {
        false => client
            .get(shop.container_url(&format!("/?openid={openid}")))
            .send()
            .await
            .expect("home")
            .text()
            .await
            .expect("home body"),
        true => sign_in_with_official_account(shop, &client, openid).await,
    };
    let product = product_id(&home, "冻顶乌龙茶");
    let page = client
        .get(shop.url(&format!("/product/{product}")))
        .send()
        .await
        .expect("product")
        .text()
        .await
        .expect("product body");
    let token = form_token(&page);
    let saved = save_address(shop, &client, &token, &address_form("张三"))
        .await
        .expect("the buyer's first address");
    Buyer {
        address: saved["id"].as_i64().expect("address id"),
        client,
        openid: openid.to_owned(),
        token,
        home,
    }
}

/// WeChat's `snsapi_base` authorisation as the sandbox plays it: the shop sends the buyer
/// to WeChat, the buyer (`openid`) agrees, WeChat comes back with a code, the shop exchanges
/// it and sets its session. The home page, signed in.
async fn sign_in_with_official_account(
    shop: &Shop,
    client: &reqwest::Client,
    openid: &str,
) -> String {
    let res = client.get(shop.url("/")).send().await.expect("home");
    assert_eq!(res.status(), StatusCode::FOUND, "to WeChat's authorisation");
    let authorize = location(&res).replace("#wechat_redirect", "");
    let res = client
        .get(format!("{authorize}&sandbox_openid={openid}"))
        .send()
        .await
        .expect("authorize");
    let callback = location(&res);
    let res = client.get(&callback).send().await.expect("callback");
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed in");
    client
        .get(shop.url("/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("home body")
}

impl Buyer {
    pub fn product(&self, title: &str) -> i64 {
        product_id(&self.home, title)
    }

    pub async fn add(&self, shop: &Shop, product: i64, quantity: i64) {
        let res = self
            .client
            .post(shop.url("/api/cart/add"))
            .form(&[
                ("token", self.token.as_str()),
                ("product_id", &product.to_string()),
                ("quantity", &quantity.to_string()),
            ])
            .send()
            .await
            .expect("add");
        assert_eq!(res.status(), StatusCode::OK, "add to cart");
    }

    /// `POST /api/orders/checkout`: `Ok(pay params)` or `Err((status, typed error))`.
    pub async fn checkout(&self, shop: &Shop, key: &str) -> Result<Value, (StatusCode, Value)> {
        self.checkout_with(shop, key, Some(self.address), "").await
    }

    /// Checkout with `address` (none: the field left out) and a remark.
    pub async fn checkout_with(
        &self,
        shop: &Shop,
        key: &str,
        address: Option<i64>,
        remark: &str,
    ) -> Result<Value, (StatusCode, Value)> {
        let mut form = vec![
            ("token", self.token.clone()),
            ("checkout_key", key.to_owned()),
            ("remark", remark.to_owned()),
        ];
        if let Some(id) = address {
            form.push(("address", id.to_string()));
        }
        let res = self
            .client
            .post(shop.url("/api/orders/checkout"))
            .form(&form)
            .send()
            .await
            .expect("checkout");
        let status = res.status();
        let body: Value = res.json().await.expect("checkout answers JSON");
        if status == StatusCode::OK {
            Ok(body)
        } else {
            Err((status, body))
        }
    }

    /// Puts one of the product titled `title` in the cart and checks out with this buyer's
    /// first checkout key: the pay parameters.
    pub async fn order_one(&self, shop: &Shop, title: &str) -> Value {
        self.add(shop, self.product(title), 1).await;
        self.checkout(shop, &key(&self.openid, 1))
            .await
            .expect("checkout")
    }

    /// Posts `form` with this buyer's token to `path`, as a fetch call: the status and the
    /// JSON answer (or the text, when it is not JSON).
    pub async fn post(
        &self,
        shop: &Shop,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut all = vec![("token", self.token.as_str())];
        all.extend_from_slice(form);
        let res = self
            .client
            .post(shop.url(path))
            .form(&all)
            .send()
            .await
            .expect("post");
        let status = res.status();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Orders `quantity` of `title` with `key` and pays in the sandbox; the order number,
    /// once the shop has it as paid.
    pub async fn pay_for(&self, stack: &Stack, title: &str, quantity: i64, key: &str) -> String {
        self.add(&stack.shop, self.product(title), quantity).await;
        let params = self.checkout(&stack.shop, key).await.expect("checkout");
        let no = order_no(&params);
        pay(stack, &params).await;
        wait_for_status(&stack.shop.db().await, &no, "paid", 10).await;
        no
    }

    /// A page's HTML as this buyer gets it. A page with islands must load the script that
    /// hydrates them (only the pages `app::page::has_islands` names do).
    pub async fn page(&self, shop: &Shop, path: &str) -> String {
        let html = self
            .client
            .get(shop.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("page body");
        expect_hydrates(path, &html);
        html
    }

    pub async fn cart_lines(&self, shop: &Shop) -> usize {
        let html = self
            .client
            .get(shop.url("/cart"))
            .send()
            .await
            .expect("cart")
            .text()
            .await
            .expect("cart body");
        html.matches("data-testid=\"cart-line\"").count()
    }
}

/// A page with islands loads the script that hydrates them (only the pages
/// `app::page::has_islands` names do). Every buyer page the journeys fetch goes through this.
pub fn expect_hydrates(path: &str, html: &str) {
    assert!(
        !html.contains("<leptos-island") || loads_wasm(html),
        "{path} has islands but loads no script to hydrate them (app::page::has_islands)"
    );
}

/// The page loads the shop's script and wasm (`HydrationScripts`).
pub fn loads_wasm(html: &str) -> bool {
    html.contains("<script type=\"module\"") && html.contains("application/wasm")
}

pub fn key(openid: &str, n: u32) -> String {
    format!("key-{openid}-{n:04}")
}

/// The gateway's `js_param` from checkout's answer.
pub fn js_param(params: &Value) -> Value {
    let text = params["js_param"].as_str().expect("js_param present");
    serde_json::from_str(text).expect("js_param is JSON")
}

pub fn order_no(params: &Value) -> String {
    params["order_no"].as_str().expect("order_no").to_owned()
}

/// What the pay sheet's Pay button does: hand the untouched `js_param` to the gateway.
pub async fn pay(stack: &Stack, params: &Value) {
    let res: Value = reqwest::Client::new()
        .post(stack.gateway_url("/__sandbox/pay"))
        .json(&js_param(params))
        .send()
        .await
        .expect("pay")
        .json()
        .await
        .expect("pay answer");
    assert_eq!(
        res["ok"],
        json!(true),
        "sandbox accepted the payment: {res}"
    );
}

pub async fn status_of(db: &Database, order_no: &str) -> (String, i64) {
    sqlx::query_as("SELECT status, needs_attention FROM orders WHERE order_no = $1")
        .bind(order_no)
        .fetch_one(db.pool())
        .await
        .expect("order row")
}

pub async fn wait_for_status(db: &Database, order_no: &str, want: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let (status, _) = status_of(db, order_no).await;
        if status == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "order {order_no} is {status}, wanted {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A product's stock, checked to be the sum of its live variants' stock (the shop keeps it
/// so in every transaction that moves stock).
pub async fn stock(db: &Database, product: i64) -> i64 {
    let (stock, sum): (i64, i64) = sqlx::query_as(
        "SELECT p.stock, CAST(COALESCE((SELECT SUM(v.stock) FROM product_variants v
                                        WHERE v.product_id = p.id AND v.archived = 0), 0) AS BIGINT)
         FROM products p WHERE p.id = $1",
    )
    .bind(product)
    .fetch_one(db.pool())
    .await
    .expect("stock");
    assert_eq!(
        stock, sum,
        "product {product}: its stock is its variants' sum"
    );
    stock
}

/// The first text inside the element with `testid`, trimmed (what the buyer reads first).
pub fn testid_text(html: &str, testid: &str) -> Option<String> {
    let at = html.find(&format!("data-testid=\"{testid}\""))?;
    let open = html[at..].find('>')? + at + 1;
    let close = html[open..].find('<')? + open;
    Some(html[open..close].trim().to_owned())
}
