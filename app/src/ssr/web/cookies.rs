//! Cookies, read and written with the `cookie` crate: every cookie the shop sets is
//! HttpOnly unless the page must read it, SameSite always, and Secure under https.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
pub use cookie::SameSite;

/// The value of the cookie `name` in a request, matched by exact name across every
/// `Cookie` header. A header that is not text or a pair that does not parse is skipped.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.name_raw().and(c.value_raw()))
}

/// A `Set-Cookie` header for the whole site (`Path=/` unless told otherwise).
#[derive(Debug, Clone)]
pub struct SetCookie {
    cookie: cookie::Cookie<'static>,
}

impl SetCookie {
    /// A cookie that lives `max_age_secs` seconds (0 removes it), with `SameSite`, and
    /// `Secure` when the shop is served over https.
    pub fn new(
        name: &'static str,
        value: impl Into<String>,
        max_age_secs: i64,
        same_site: SameSite,
        secure: bool,
    ) -> SetCookie {
        let cookie = cookie::Cookie::build((name, value.into()))
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age_secs))
            .same_site(same_site)
            .secure(secure)
            .build();
        SetCookie { cookie }
    }

    /// Not readable by the page's scripts.
    pub fn http_only(mut self) -> SetCookie {
        self.cookie.set_http_only(true);
        self
    }

    /// Sent only to paths under `path`.
    pub fn path(mut self, path: &'static str) -> SetCookie {
        self.cookie.set_path(path);
        self
    }

    /// The header value. Names and values the shop sets are ASCII tokens; one that is not
    /// is left out (and logged) rather than sent broken.
    pub fn header_value(&self) -> Option<HeaderValue> {
        let value = HeaderValue::from_str(&self.cookie.encoded().to_string());
        if value.is_err() {
            tracing::error!(
                name = self.cookie.name(),
                "a cookie that is not a header value"
            );
        }
        value.ok()
    }

    /// Appends the header to `res`.
    pub fn set_on(&self, res: &mut Response) {
        if let Some(v) = self.header_value() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("xshop_session=no; shop_session=yes; other=1"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("late=2"));
        assert_eq!(read_cookie(&headers, "shop_session"), Some("yes"));
        assert_eq!(read_cookie(&headers, "late"), Some("2"));
        assert_eq!(read_cookie(&headers, "missing"), None);
    }

    #[test]
    fn set_cookie_carries_every_attribute() {
        let c = SetCookie::new("shop_session", "abc.1.sig", 60, SameSite::Lax, true)
            .http_only()
            .header_value()
            .expect("ascii");
        let c = c.to_str().expect("text");
        for part in [
            "shop_session=abc.1.sig",
            "Path=/",
            "Max-Age=60",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        let plain = SetCookie::new("lang", "en", 0, SameSite::Strict, false)
            .path("/auth")
            .header_value()
            .expect("ascii");
        let plain = plain.to_str().expect("text");
        assert!(
            plain.contains("Max-Age=0") && plain.contains("Path=/auth"),
            "{plain}"
        );
        assert!(
            !plain.contains("Secure") && !plain.contains("HttpOnly"),
            "{plain}"
        );
    }
}
