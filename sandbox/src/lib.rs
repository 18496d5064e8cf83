//! The sandbox gateway: a faithful stand-in for Wisecashier (and, for the own-official-
//! account mode, WeChat's `snsapi_base` OAuth) so the shop runs and is tested end to end on
//! one machine. It never touches real money.
//!
//! - `GET /mp_pay/oauth`: simulated WeChat authorisation, then the **container**: every other
//!   page path is reverse-proxied to the merchant's registered page at this origin, with
//!   `openid` added to the query, and a `WeixinJSBridge` stand-in injected into HTML
//!   ([`container`]).
//! - WeChat's web authorisation for the own-official-account mode ([`wechat`]).
//! - The Wisecashier stand-in ([`wisecashier`]): the signed API (`POST /mp_pay`,
//!   `POST /wechatpay/hk/online/mp/payment`, `GET /payment`, `POST|GET /payment_refund`;
//!   bad signatures are refused), the pay sheet (`getBrandWCPayRequest`) with Pay / Cancel /
//!   Fail, signed notifications on the real retry schedule scaled by
//!   [`Settings::time_scale`], and fault knobs for tests under `/__sandbox/`.
//!
//! - The UseePay stand-in ([`useepay`]) under `/useepay`: its signed `/api`, notifications on
//!   UseePay's schedule, and the same pay sheet and fault knobs. UseePay has no container:
//!   the shop's page runs on its own domain and gets the bridge from `/useepay/bridge.js`.
//!
//! The fault knobs ([`faults`]) and WeChat's OAuth are shared.

// Handlers refuse with a ready `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod clock;
pub mod container;
pub mod faults;
pub mod settings;
mod stand_in;
pub mod useepay;
pub mod wechat;
pub mod wisecashier;

pub use settings::{Settings, WisecashierSettings};

use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// Why the sandbox cannot start.
#[derive(Debug)]
pub struct StartError(String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// The whole sandbox as one router. Notifications are sent from tasks spawned on the runtime
/// that serves it, so they stop with that runtime.
pub fn router(settings: Settings) -> Result<Router, StartError> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| StartError(format!("HTTP client: {e}")))?;
    let settings = Arc::new(settings);
    Ok(Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(wisecashier::routes(settings.clone(), http.clone()))
        .merge(useepay::routes(settings.clone(), http.clone()))
        .merge(wechat::routes(settings.clone()))
        // Last: its fallback is the proxy to the merchant's page.
        .merge(container::routes(settings, http)))
}
