//! The UseePay stand-in (seed 002), served under `/useepay`: its signed V1 gateway
//! (`POST /useepay/api` with `pay`, `query` and `refund`; bad signatures refused), signed
//! notifications on UseePay's schedule, payments closed after their expiration time, the
//! pay sheet behind the `WeixinJSBridge` stand-in, and the fault knobs the Wisecashier side
//! has. The signing rules come from the shop's own client
//! (`app::ssr::pay::useepay::protocol`), so the two sides cannot drift apart.
//!
//! - `api`: the gateway itself;
//! - `notify`: notifications and the timers that close payments and settle refunds;
//! - `sheet`: the pay sheet and the test controls under `/useepay/__sandbox/`;
//! - `state`: transactions and faults.

mod api;
mod notify;
mod sheet;
mod state;

use crate::settings::Settings;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

/// The path prefix of the stand-in: `USEEPAY_BASE_URL` is `{sandbox}/useepay`.
pub const PREFIX: &str = "/useepay";

const BRIDGE_JS: &str = include_str!("../bridge.js");

/// The `WeixinJSBridge` stand-in for pages on the merchant's own domain: the shared bridge,
/// told where this stand-in's pay sheet lives.
async fn bridge_js(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1:3100");
    let body = format!(
        "window.__WX_SANDBOX_BASE__ = {};\n{BRIDGE_JS}",
        serde_json::Value::String(format!("http://{host}{PREFIX}"))
    );
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The pay sheet is called from the merchant's page, another origin: anyone may read it (it
/// is a sandbox, and its calls carry the issued pay parameters, not credentials).
async fn open_to_pages(res: Response) -> Response {
    let mut res = res;
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

/// The stand-in's routes, with their own state, nested under [`PREFIX`].
pub fn routes(settings: Arc<Settings>, http: reqwest::Client) -> Router {
    let sheet = Router::new()
        .route("/__sandbox/prepay", get(sheet::prepay_details))
        .route("/__sandbox/pay", post(sheet::sheet_pay))
        .route("/__sandbox/fail", post(sheet::sheet_fail))
        .route("/bridge.js", get(bridge_js))
        .layer(axum::middleware::map_response(open_to_pages));
    let inner = Router::new()
        .route("/api", post(api::api))
        .route(
            "/__sandbox/faults",
            post(crate::stand_in::set_faults::<state::Ledger>)
                .get(crate::stand_in::get_faults::<state::Ledger>),
        )
        .route("/__sandbox/expire", post(sheet::force_expire))
        .route("/__sandbox/notify_forged", post(sheet::notify_forged))
        .route("/__sandbox/payments/{order_no}", get(sheet::payment_state))
        .route("/__sandbox/refunds/{order_no}", get(sheet::refunds_of))
        .merge(sheet)
        .with_state(Arc::new(state::Gateway::new(settings, http)));
    Router::new().nest(PREFIX, inner)
}
