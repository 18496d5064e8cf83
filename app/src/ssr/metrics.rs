//! What the shop counts for its operator, by name, in one place. The server installs a
//! Prometheus recorder and serves it on `/metrics` (`SHOP_METRICS_ADDR`, a listen address
//! of its own); without a recorder (tests, `server admin …`) these calls do nothing, and
//! the work done only to feed them is skipped ([`enabled`]).
//!
//! Labels are bounded: route templates (never raw paths, which carry ids), status codes,
//! order statuses, verdict codes, gateway operations.

use crate::orders::OrderStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Called once the server has installed its recorder (`SHOP_METRICS_ADDR` is set).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether anything reads the metrics. Work done only for them (the request middleware,
/// the jobs' extra queries) is skipped when nothing does.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Requests by route template, method and status; their durations.
pub const HTTP_REQUESTS: &str = "shop_http_requests_total";
pub const HTTP_SECONDS: &str = "shop_http_request_duration_seconds";
/// Order status changes made by the one transition function (`from`, `to`).
pub const ORDER_TRANSITIONS: &str = "shop_order_transitions_total";
/// Payment notifications by the verdict the shop recorded.
pub const NOTIFICATIONS: &str = "shop_notifications_total";
/// Calls to the payment gateway: duration by gateway, operation and outcome.
pub const GATEWAY_SECONDS: &str = "shop_gateway_call_duration_seconds";
/// How late the settlement job is: at the start of a round, how long the oldest order due a
/// check (a query, or expiry) has been waiting. 0 when none is due.
pub const SETTLEMENT_LAG: &str = "shop_settlement_lag_seconds";
/// Checks the job could not make because the gateway could not be asked (the orders are
/// asked again later, so the lag alone would not show a gateway that is down).
pub const SETTLEMENT_GATEWAY_ERRORS: &str = "shop_settlement_gateway_errors_total";
/// When the settlement job last finished a round (unix seconds).
pub const SETTLEMENT_LAST_ROUND: &str = "shop_settlement_last_round_timestamp_seconds";
/// New-order alerts waiting to be sent.
pub const ALERT_OUTBOX: &str = "shop_alert_outbox_depth";

/// Buckets for every duration histogram (seconds): 1 ms to 10 s.
pub const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The method as a label: the standard ones, anything else `other` (a client may send any
/// token as a method, and each would be a series of its own).
fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

pub fn request(route: String, method: &str, status: u16, took: Duration) {
    metrics::counter!(HTTP_REQUESTS, "route" => route.clone(), "method" => method_label(method), "status" => status.to_string())
        .increment(1);
    metrics::histogram!(HTTP_SECONDS, "route" => route).record(took.as_secs_f64());
}

/// Counted when the transition function applies it, inside its transaction: a transaction
/// rolled back afterwards (rare: a later step of the same request failed) is counted too.
pub fn order_moved(from: OrderStatus, to: OrderStatus) {
    metrics::counter!(ORDER_TRANSITIONS, "from" => from.code(), "to" => to.code()).increment(1);
}

pub fn notification(verdict: &'static str) {
    metrics::counter!(NOTIFICATIONS, "verdict" => verdict).increment(1);
}

pub fn gateway_call(
    gateway: &'static str,
    operation: String,
    outcome: &'static str,
    took: Duration,
) {
    metrics::histogram!(GATEWAY_SECONDS, "gateway" => gateway, "operation" => operation, "outcome" => outcome)
        .record(took.as_secs_f64());
}

pub fn settlement_lag(lag_seconds: f64) {
    metrics::gauge!(SETTLEMENT_LAG).set(lag_seconds.max(0.0));
}

pub fn settlement_round(gateway_errors: usize, finished_at_secs: i64) {
    metrics::counter!(SETTLEMENT_GATEWAY_ERRORS).increment(gateway_errors as u64);
    metrics::gauge!(SETTLEMENT_LAST_ROUND).set(finished_at_secs as f64);
}

pub fn alert_outbox(depth: i64) {
    metrics::gauge!(ALERT_OUTBOX).set(depth as f64);
}
