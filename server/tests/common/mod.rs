//! Starts the real server binary against a real database and talks HTTP to it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use app::ssr::testing::TestDatabase;

pub struct Shop {
    pub base: String,
    child: Child,
    _db: TestDatabase,
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Shop {
    /// Starts the shop on a free port and waits for `/healthz`.
    pub async fn start(db: TestDatabase) -> Shop {
        Shop::start_with(db, &[]).await
    }

    pub async fn start_with(db: TestDatabase, env: &[(&str, &str)]) -> Shop {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &db.url)
            .env("SHOP_LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("spawn server");
        let mut shop = Shop {
            base,
            child,
            _db: db,
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(res) = client.get(format!("{}/healthz", shop.base)).send().await {
                if res.status().is_success() {
                    return shop;
                }
            }
            if let Ok(Some(status)) = shop.child.try_wait() {
                panic!("server exited during start-up: {status}");
            }
            assert!(Instant::now() < deadline, "server did not become healthy");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
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
