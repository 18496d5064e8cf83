//! Every request gets an id, `x-request-id`, and one tracing span that carries it, so every
//! log line of a request (a server function's, the gateway call's) can be found from one
//! report. The id is on the response too, for a buyer's screenshot or a monitor's alert.
//!
//! A well-formed id from the shop's own reverse proxy is kept, so its access log and ours
//! agree; anything else is replaced with a fresh UUID (a client must not write into the logs).

use axum::extract::Request;
use axum::http::HeaderValue;
use tower_http::request_id::RequestId;

const X_REQUEST_ID: &str = "x-request-id";

/// An id worth keeping: short, and only characters that need no escaping in a log line.
fn well_formed(id: &HeaderValue) -> bool {
    let id = id.as_bytes();
    (1..=64).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Drops an `x-request-id` that is not [`well_formed`] (or not the only one), so
/// `SetRequestIdLayer` makes a fresh one.
pub fn drop_malformed_id(mut req: Request) -> Request {
    let mut ids = req.headers().get_all(X_REQUEST_ID).iter();
    let keep = match (ids.next(), ids.next()) {
        (None, _) => true,
        (Some(id), None) => well_formed(id),
        (Some(_), Some(_)) => false,
    };
    if !keep {
        req.headers_mut().remove(X_REQUEST_ID);
    }
    req
}

/// The request's span: its id, method and path. Never the query (it may carry an openid),
/// and never the payment container's secret path prefix.
pub fn span(req: &Request) -> tracing::Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = id,
        method = %req.method(),
        path = %logged_path(req.uri().path()),
    )
}

fn logged_path(path: &str) -> String {
    use app::ssr::config::CONTAINER_PATH;
    match path.strip_prefix(CONTAINER_PATH) {
        Some(rest) => {
            let tail = rest.split_once('/').map_or("", |(_, tail)| tail);
            format!("{CONTAINER_PATH}…/{tail}")
        }
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_container_secret_never_reaches_the_logs() {
        assert_eq!(logged_path("/wc/s3cret/cart"), "/wc/…/cart");
        assert_eq!(logged_path("/wc/s3cret"), "/wc/…/");
        assert_eq!(logged_path("/cart"), "/cart");
    }

    #[test]
    fn only_short_plain_ids_are_kept() {
        let ok = |s: &str| well_formed(&HeaderValue::from_str(s).expect("header value"));
        assert!(ok("3f0c9a52-1d7e-4c1b-9a55-2f8e0f6a1b2c"));
        assert!(ok("nginx.abc_123"));
        assert!(!ok(""));
        assert!(!ok("id with spaces"));
        assert!(!ok("id\"quoted"));
        assert!(ok(&"x".repeat(64)));
        assert!(!ok(&"x".repeat(65)));
    }
}
