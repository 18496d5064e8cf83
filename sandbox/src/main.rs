//! `sandbox`: the sandbox gateway on `SANDBOX_LISTEN_ADDR` (default 127.0.0.1:3100). Every
//! setting has a development default; see [`sandbox::Settings`].

use app::ssr::pay::wisecashier::protocol::{PrivateKey, PublicKey};
use sandbox::settings::DEV_CONTAINER_SECRET;
use sandbox::Settings;
use std::net::SocketAddr;
use std::process::ExitCode;

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

fn settings() -> Result<(SocketAddr, Settings), String> {
    let listen_raw = env("SANDBOX_LISTEN_ADDR").unwrap_or_else(|| "127.0.0.1:3100".into());
    let listen = listen_raw
        .parse()
        .map_err(|_| format!("SANDBOX_LISTEN_ADDR: `{listen_raw}` is not an address"))?;
    // The page URL the merchant registered, secret path included, exactly as a merchant
    // registers it with Wisecashier (the shop's development default secret here).
    let page_raw = env("SANDBOX_MERCHANT_PAGE")
        .unwrap_or_else(|| format!("http://127.0.0.1:3000/wc/{DEV_CONTAINER_SECRET}/"));
    let merchant_page = url::Url::parse(&page_raw)
        .map_err(|e| format!("SANDBOX_MERCHANT_PAGE: `{page_raw}`: {e}"))?;
    let mut s = Settings::development(merchant_page)
        .map_err(|e| format!("the committed sandbox keys: {e}"))?;
    if let Some(path) = env("SANDBOX_MERCHANT_PUBLIC_KEY_PATH") {
        s.wisecashier.merchant_key = PublicKey::from_pem_file(&path)
            .map_err(|e| format!("SANDBOX_MERCHANT_PUBLIC_KEY_PATH: {e}"))?;
    }
    if let Some(path) = env("SANDBOX_GATEWAY_PRIVATE_KEY_PATH") {
        s.wisecashier.gateway_key = PrivateKey::from_pem_file(&path)
            .map_err(|e| format!("SANDBOX_GATEWAY_PRIVATE_KEY_PATH: {e}"))?;
    }
    if let Some(raw) = env("SANDBOX_TIME_SCALE") {
        s.time_scale = raw
            .parse::<f64>()
            .ok()
            .filter(|v| *v > 0.0 && *v <= 10.0)
            .ok_or_else(|| format!("SANDBOX_TIME_SCALE: `{raw}` is not a number in (0, 10]"))?;
    }
    if let Some(no) = env("SANDBOX_MERCHANT_NO") {
        s.wisecashier.merchant_no = no;
    }
    if let Some(appid) = env("SANDBOX_WECHAT_APPID") {
        s.wechat_appid = appid;
    }
    if let Some(secret) = env("SANDBOX_WECHAT_APPSECRET") {
        s.wechat_secret = secret;
    }
    if let Some(rate) = env("SANDBOX_EXCHANGE_RATE") {
        s.wisecashier.exchange_rate = rate;
    }
    Ok((listen, s))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let (listen, settings) = match settings() {
        Ok(s) => s,
        Err(err) => {
            eprintln!("sandbox configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    let app = match sandbox::router(settings) {
        Ok(app) => app,
        Err(err) => {
            eprintln!("sandbox: {err}");
            return ExitCode::from(1);
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("sandbox: cannot listen on {listen}: {err}");
            return ExitCode::from(2);
        }
    };
    println!("sandbox gateway listening on http://{listen}");
    // No Nagle, as a real gateway's front end: an answer written in parts is not held for
    // the shop's delayed ACK.
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("sandbox: {err}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
