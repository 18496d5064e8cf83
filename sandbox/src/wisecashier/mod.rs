//! The Wisecashier stand-in: its signed merchant API, the pay sheet behind the
//! `WeixinJSBridge` stand-in, signed notifications on the real retry schedule, and the test
//! controls. The signing rules come from the shop's own client
//! (`app::ssr::pay::wisecashier::protocol`), so the two sides cannot drift apart.
//!
//! - `api`: the signed API's envelope and signature check;
//! - `payments`: `POST /mp_pay`, `POST /wechatpay/hk/online/mp/payment`, `GET /payment`;
//! - `refunds`: `POST|GET /payment_refund`;
//! - `paysheet`: `/__sandbox/prepay`, `/__sandbox/pay`, `/__sandbox/fail`;
//! - `notify`: the notifications sent after Pay;
//! - `controls`: fault knobs and inspection under `/__sandbox/`;
//! - `state`: payments, refunds and faults.

mod api;
mod controls;
mod notify;
mod payments;
mod paysheet;
mod refunds;
mod state;

use crate::settings::Settings;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

/// The stand-in's routes, with their own state.
pub fn routes(settings: Arc<Settings>, http: reqwest::Client) -> Router {
    Router::new()
        .route("/mp_pay", post(payments::mp_pay))
        .route(
            "/wechatpay/hk/online/mp/payment",
            post(payments::hk_payment),
        )
        .route("/payment", get(payments::query_payment))
        .route(
            "/payment_refund",
            post(refunds::refund).get(refunds::query_refund),
        )
        .route("/__sandbox/prepay", get(paysheet::prepay_details))
        .route("/__sandbox/pay", post(paysheet::sheet_pay))
        .route("/__sandbox/fail", post(paysheet::sheet_fail))
        .route(
            "/__sandbox/faults",
            post(crate::stand_in::set_faults::<state::Ledger>)
                .get(crate::stand_in::get_faults::<state::Ledger>),
        )
        .route("/__sandbox/expire", post(controls::force_expire))
        .route("/__sandbox/notify_forged", post(controls::notify_forged))
        .route(
            "/__sandbox/payments/{order_no}",
            get(controls::payment_state),
        )
        .route("/__sandbox/refunds/{order_no}", get(controls::refunds_of))
        .route(
            "/__sandbox/notification/{order_no}",
            get(controls::signed_notification),
        )
        .with_state(Arc::new(state::Gateway::new(settings, http)))
}
