//! `make bench`'s driver for the flows a load generator cannot play: many buyers checking
//! out at once against the sandbox gateway, and a burst of signed payment notifications.
//! It talks HTTP to a running shop and sandbox only (as buyers and as the gateway do) and
//! prints one `name value` line per figure for `scripts/bench.sh`.
//!
//!   bench --shop http://127.0.0.1:3000 --gateway http://127.0.0.1:3100 \
//!         --secret <GATEWAY_CONTAINER_SECRET> [--buyers 50] [--notifications 400] [--run tag]
//!
//! Checkout: `--buyers` buyers arrive through the payment container, save an address and
//! put a product in their cart (not timed); then all check out at the same moment, and each
//! checkout's latency (the shop placing the order with the gateway included) is recorded.
//!
//! Notifications: `--notifications` orders are placed and paid in the sandbox with its
//! notifications held back (the `drop` fault knob, for the bench's buyers only); the signed
//! notifications are fetched from the sandbox, then all sent to the shop 50 at a time. The
//! figure is orders settled per second (every answer must be the gateway's `success`
//! acknowledgement: the shop verified, asked the gateway, and settled).

use app::ssr::pay::wisecashier::protocol::NOTIFICATION_ACK;
use futures_util::stream::{self, StreamExt};
use serde_json::Value;
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Args {
    shop: String,
    gateway: String,
    secret: String,
    buyers: usize,
    notifications: usize,
    run: String,
}

fn args() -> Result<Args, Error> {
    let mut a = Args {
        shop: "http://127.0.0.1:3000".into(),
        gateway: "http://127.0.0.1:3100".into(),
        secret: String::new(),
        buyers: 50,
        notifications: 400,
        run: format!("{}", std::process::id()),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--shop" => a.shop = value,
            "--gateway" => a.gateway = value,
            "--secret" => a.secret = value,
            "--buyers" => a.buyers = value.parse()?,
            "--notifications" => a.notifications = value.parse()?,
            "--run" => a.run = value,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    if a.secret.is_empty() {
        return Err("--secret (the shop's GATEWAY_CONTAINER_SECRET) is required".into());
    }
    Ok(a)
}

/// One buyer's browser: cookies, the form token, a saved address, a product to buy.
struct Buyer {
    client: reqwest::Client,
    token: String,
    address: String,
    product: String,
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

async fn arrive(a: &Args, openid: &str) -> Result<Buyer, Error> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let home = client
        .get(format!("{}/wc/{}/?openid={openid}", a.shop, a.secret))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    // The first product on the home page that is in stock.
    let product = home
        .split("href=\"/product/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|id| id.chars().all(|c| c.is_ascii_digit()))
        .ok_or("no product on the home page")?
        .to_owned();
    let page = client
        .get(format!("{}/product/{product}", a.shop))
        .send()
        .await?
        .text()
        .await?;
    let token = between(&page, "name=\"token\" value=\"", "\"")
        .ok_or("no form token on the product page")?
        .to_owned();
    let saved: Value = client
        .post(format!("{}/api/addresses/save", a.shop))
        .form(&[
            ("token", token.as_str()),
            ("recipient", "压测买家"),
            ("area", "86"),
            ("mobile", "13800138000"),
            ("province", "44"),
            ("city", "4403"),
            ("region", "440305"),
            ("detail", "科技园南区 1 栋 101"),
            ("postcode", "518057"),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let address = saved["id"].as_i64().ok_or("no address id")?.to_string();
    Ok(Buyer {
        client,
        token,
        address,
        product,
    })
}

impl Buyer {
    async fn add(&self, a: &Args) -> Result<(), Error> {
        self.client
            .post(format!("{}/api/cart/add", a.shop))
            .form(&[
                ("token", self.token.as_str()),
                ("product_id", self.product.as_str()),
                ("quantity", "1"),
            ])
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Checks out the cart: the order number.
    async fn checkout(&self, a: &Args, key: &str) -> Result<(String, Value), Error> {
        let res = self
            .client
            .post(format!("{}/api/orders/checkout", a.shop))
            .form(&[
                ("token", self.token.as_str()),
                ("checkout_key", key),
                ("remark", ""),
                ("address", self.address.as_str()),
            ])
            .send()
            .await?;
        let status = res.status();
        let body: Value = res.json().await?;
        if !status.is_success() {
            return Err(format!("checkout answered {status}: {body}").into());
        }
        let no = body["order_no"]
            .as_str()
            .ok_or("no order number")?
            .to_owned();
        Ok((no, body))
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn arrive_all(a: &Args, n: usize, tag: &str) -> Result<Vec<Buyer>, Error> {
    let buyers: Vec<Result<Buyer, Error>> = stream::iter(0..n)
        .map(|i| {
            let openid = format!("oBench{tag}{:0>width$}", i, width = 18 - tag.len().min(12));
            async move { arrive(a, &openid).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    buyers.into_iter().collect()
}

async fn checkout_burst(a: &Args) -> Result<(), Error> {
    let tag = format!("C{}", a.run);
    let buyers = arrive_all(a, a.buyers, &tag).await?;
    for b in &buyers {
        b.add(a).await?;
    }
    let started = Instant::now();
    let timed = futures_util::future::join_all(buyers.iter().enumerate().map(|(i, b)| {
        let key = format!("bench-checkout-{tag}-{i:06}");
        async move {
            let t = Instant::now();
            b.checkout(a, &key).await.map(|_| t.elapsed())
        }
    }))
    .await;
    let wall = started.elapsed();
    let mut ms: Vec<f64> = Vec::new();
    for t in timed {
        ms.push(t?.as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    println!("checkout_buyers {}", a.buyers);
    println!("checkout_p50_ms {:.1}", percentile(&ms, 50.0));
    println!("checkout_p99_ms {:.1}", percentile(&ms, 99.0));
    println!("checkout_wall_ms {:.1}", wall.as_secs_f64() * 1000.0);
    Ok(())
}

async fn set_faults(a: &Args, faults: Value) -> Result<(), Error> {
    reqwest::Client::new()
        .post(format!("{}/__sandbox/faults", a.gateway))
        .json(&faults)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn notification_burst(a: &Args) -> Result<(), Error> {
    // A buyer may hold three unpaid orders (`SHOP_MAX_UNPAID_ORDERS`): these stay unpaid in
    // the shop until their notifications arrive.
    let per_buyer = 3;
    let n_buyers = a.notifications.div_ceil(per_buyer);
    let tag = format!("N{}", a.run);
    let buyers = arrive_all(a, n_buyers, &tag).await?;
    let gateway = reqwest::Client::new();
    // Notifications held back for every payment while the orders are paid.
    set_faults(a, serde_json::json!({ "notify": "drop" })).await?;
    let placed: Vec<Result<Vec<String>, Error>> = stream::iter(buyers.iter().enumerate())
        .map(|(i, b)| {
            let gateway = gateway.clone();
            let tag = tag.clone();
            async move {
                let mut nos = Vec::new();
                for k in 0..per_buyer {
                    b.add(a).await?;
                    let (no, params) = b
                        .checkout(a, &format!("bench-notify-{tag}-{i:06}-{k:04}"))
                        .await?;
                    let js: Value =
                        serde_json::from_str(params["js_param"].as_str().ok_or("no js_param")?)?;
                    gateway
                        .post(format!("{}/__sandbox/pay", a.gateway))
                        .json(&js)
                        .send()
                        .await?
                        .error_for_status()?;
                    nos.push(no);
                }
                Ok(nos)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    set_faults(a, serde_json::json!({})).await?;
    let mut orders = Vec::new();
    for nos in placed {
        orders.extend(nos?);
    }
    orders.truncate(a.notifications);
    // The signed notifications, prepared by the gateway before the clock starts.
    let mut prepared = Vec::new();
    for no in &orders {
        let n: Value = gateway
            .get(format!("{}/__sandbox/notification/{no}", a.gateway))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        prepared.push(n);
    }
    let shop = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let started = Instant::now();
    let answers: Vec<Result<bool, Error>> = stream::iter(prepared.iter())
        .map(|n| {
            let shop = shop.clone();
            async move {
                let mut req = shop
                    .post(n["url"].as_str().ok_or("no url")?)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(n["body"].as_str().ok_or("no body")?.to_owned());
                if let Some(headers) = n["headers"].as_object() {
                    for (k, v) in headers {
                        req = req.header(k.as_str(), v.as_str().unwrap_or_default());
                    }
                }
                let res = req.send().await?;
                let ok = res.status().is_success();
                let text = res.text().await?;
                Ok(ok && text.trim() == NOTIFICATION_ACK)
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let took = started.elapsed();
    let mut settled = 0usize;
    for a in answers {
        settled += usize::from(a?);
    }
    if settled != prepared.len() {
        return Err(format!(
            "only {settled} of {} notifications were acknowledged",
            prepared.len()
        )
        .into());
    }
    println!("notifications {settled}");
    println!(
        "notifications_per_s {:.0}",
        settled as f64 / took.as_secs_f64().max(1e-6)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(err) => {
            eprintln!("bench: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    let run = async {
        checkout_burst(&a).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        notification_burst(&a).await
    };
    match run.await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
