//! Local paths, redirects and query strings.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a URL component (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(raw: &str) -> String {
    utf8_percent_encode(raw, COMPONENT).to_string()
}

/// A redirect target from a query parameter: only a path on this site, never `//host` or
/// a full URL, so the shop cannot be used as an open redirect.
pub fn local_path(raw: &str) -> Option<&str> {
    (raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && !raw.chars().any(|c| c.is_control()))
    .then_some(raw)
}

/// A redirect to `location`; 400 if it cannot be a header value.
pub fn redirect(status: StatusCode, location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(loc) => (status, [(header::LOCATION, loc)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// Every value of the query parameter `key` in `query` (the part after `?`).
pub fn query_values(query: Option<&str>, key: &str) -> Vec<String> {
    let Some(query) = query else {
        return Vec::new();
    };
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path("/cart"), Some("/cart"));
        assert_eq!(local_path("/product/3?x=1"), Some("/product/3?x=1"));
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("/a\r\nSet-Cookie: x"), None);
    }

    #[test]
    fn components_keep_only_unreserved_characters() {
        assert_eq!(encode_component("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode_component("/cart?x=1&y=2"), "%2Fcart%3Fx%3D1%26y%3D2");
        assert_eq!(encode_component("a b+c"), "a%20b%2Bc");
        assert_eq!(encode_component("茶"), "%E8%8C%B6");
    }

    #[test]
    fn query_values_are_decoded_and_all_found() {
        let q = Some("openid=a&x=1&openid=b%20c");
        assert_eq!(query_values(q, "openid"), ["a", "b c"]);
        assert!(query_values(q, "none").is_empty());
        assert!(query_values(None, "openid").is_empty());
    }
}
