//! The sandbox gateway: a faithful stand-in for Wisecashier (and, for the own-official-
//! account mode, WeChat's `snsapi_base` OAuth) so the shop runs and is tested end to end on
//! one machine. It never touches real money.
//!
//! - `GET /mp_pay/oauth`: simulated WeChat authorisation, then the **container**: every other
//!   page path is reverse-proxied to the merchant's registered page at this origin, with
//!   `openid` added to the query, and a `WeixinJSBridge` stand-in injected into HTML.
//! - The signed API: `POST /mp_pay`, `POST /wechatpay/hk/online/mp/payment`, `GET /payment`,
//!   `POST|GET /payment_refund`. Bad signatures are refused.
//! - The pay sheet (`getBrandWCPayRequest`) with Pay / Cancel / Fail.
//! - Signed notifications on the real retry schedule, scaled by `SANDBOX_TIME_SCALE`.
//! - Fault knobs for tests under `/__sandbox/`.

// Handlers refuse with a ready `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod api;
mod container;
mod notify;
mod state;
mod wechat;

use app::ssr::config::SANDBOX_MERCHANT_PUBLIC_KEY;
use app::ssr::pay::signing::{PrivateKey, PublicKey};
use axum::routing::{get, post};
use axum::Router;
use state::Sandbox;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const SANDBOX_GATEWAY_PRIVATE_KEY: &str =
    include_str!("../../../../keys/sandbox/gateway_private.pem");

pub struct Settings {
    pub listen: std::net::SocketAddr,
    /// This sandbox's own origin, as the browser reaches it.
    pub public_url: String,
    pub merchant_no: String,
    /// The merchant's registered page (its base URL): what the container proxies.
    pub merchant_page: url::Url,
    pub merchant_key: PublicKey,
    pub gateway_key: PrivateKey,
    /// Multiplies every sandbox delay (retry schedule, expiry): 0.01 runs 1 s in 10 ms.
    pub time_scale: f64,
    /// How long a prepay order stays payable (WeChat: 2 hours), before scaling.
    pub prepay_ttl: Duration,
    pub wechat_appid: String,
    pub wechat_secret: String,
    /// RMB per unit of the shop's currency, reported as `exchange_rate`.
    pub exchange_rate: String,
}

impl Settings {
    pub fn scaled(&self, d: Duration) -> Duration {
        d.mul_f64(self.time_scale)
    }
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

fn settings() -> Result<Settings, String> {
    let listen_raw = env("SANDBOX_LISTEN_ADDR").unwrap_or_else(|| "127.0.0.1:3100".into());
    let listen = listen_raw
        .parse()
        .map_err(|_| format!("SANDBOX_LISTEN_ADDR: `{listen_raw}` is not an address"))?;
    let public_url = env("SANDBOX_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}"));
    // The page URL the merchant registered, secret path included, exactly as a merchant
    // registers it with Wisecashier (the shop's development default secret here).
    let page_raw = env("SANDBOX_MERCHANT_PAGE").unwrap_or_else(|| {
        format!(
            "http://127.0.0.1:3000/wc/{}/",
            app::ssr::config::DEV_CONTAINER_SECRET
        )
    });
    let mut merchant_page = url::Url::parse(&page_raw)
        .map_err(|e| format!("SANDBOX_MERCHANT_PAGE: `{page_raw}`: {e}"))?;
    // A base for the proxied paths: `/cart` is fetched as `{page}cart`.
    if !merchant_page.path().ends_with('/') {
        let path = format!("{}/", merchant_page.path());
        merchant_page.set_path(&path);
    }
    let merchant_key = match env("SANDBOX_MERCHANT_PUBLIC_KEY_PATH") {
        Some(path) => PublicKey::from_pem_file(&path),
        None => PublicKey::from_pem(SANDBOX_MERCHANT_PUBLIC_KEY.as_bytes()),
    }
    .map_err(|e| format!("SANDBOX_MERCHANT_PUBLIC_KEY_PATH: {e}"))?;
    let gateway_key = match env("SANDBOX_GATEWAY_PRIVATE_KEY_PATH") {
        Some(path) => PrivateKey::from_pem_file(&path),
        None => PrivateKey::from_pem(SANDBOX_GATEWAY_PRIVATE_KEY.as_bytes()),
    }
    .map_err(|e| format!("SANDBOX_GATEWAY_PRIVATE_KEY_PATH: {e}"))?;
    let time_scale = match env("SANDBOX_TIME_SCALE") {
        None => 1.0,
        Some(raw) => raw
            .parse::<f64>()
            .ok()
            .filter(|v| *v > 0.0 && *v <= 10.0)
            .ok_or_else(|| format!("SANDBOX_TIME_SCALE: `{raw}` is not a number in (0, 10]"))?,
    };
    Ok(Settings {
        listen,
        public_url: public_url.trim_end_matches('/').to_owned(),
        merchant_no: env("SANDBOX_MERCHANT_NO").unwrap_or_else(|| "SANDBOX-MERCHANT-001".into()),
        merchant_page,
        merchant_key,
        gateway_key,
        time_scale,
        prepay_ttl: Duration::from_secs(2 * 3600),
        wechat_appid: env("SANDBOX_WECHAT_APPID").unwrap_or_else(|| "wx_sandbox_appid".into()),
        wechat_secret: env("SANDBOX_WECHAT_APPSECRET")
            .unwrap_or_else(|| "sandbox-official-account-secret".into()),
        exchange_rate: env("SANDBOX_EXCHANGE_RATE").unwrap_or_else(|| "0.92".into()),
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let settings = match settings() {
        Ok(s) => s,
        Err(err) => {
            eprintln!("sandbox configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    let listen = settings.listen;
    let sandbox = match Sandbox::new(settings) {
        Ok(s) => Arc::new(s),
        Err(err) => {
            eprintln!("sandbox: {err}");
            return ExitCode::from(1);
        }
    };
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/mp_pay/oauth", get(container::oauth_entry))
        .route("/mp_pay", post(api::mp_pay))
        .route("/wechatpay/hk/online/mp/payment", post(api::hk_payment))
        .route("/payment", get(api::query_payment))
        .route("/payment_refund", post(api::refund).get(api::query_refund))
        .route("/connect/oauth2/authorize", get(wechat::authorize))
        .route("/sns/oauth2/access_token", get(wechat::access_token))
        .route("/__sandbox/bridge.js", get(container::bridge_js))
        .route("/__sandbox/prepay", get(api::prepay_details))
        .route("/__sandbox/pay", post(api::sheet_pay))
        .route("/__sandbox/fail", post(api::sheet_fail))
        .route(
            "/__sandbox/faults",
            post(api::set_faults).get(api::get_faults),
        )
        .route("/__sandbox/expire", post(api::force_expire))
        .route("/__sandbox/notify_forged", post(api::notify_forged))
        .route("/__sandbox/payments/{order_no}", get(api::payment_state))
        .route("/__sandbox/refunds/{order_no}", get(api::refunds_of))
        .route("/__sandbox/login", get(container::switch_buyer))
        .fallback(container::proxy)
        .with_state(sandbox);
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("sandbox: cannot listen on {listen}: {err}");
            return ExitCode::from(2);
        }
    };
    println!("sandbox gateway listening on http://{listen}");
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("sandbox: {err}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
