//! Every string the buyer reads, in one place per language. Chinese is the default because
//! buyers arrive from WeChat; English is a switch kept in a cookie.

pub mod address;
mod admin;
pub mod after_sales;
pub mod coupons;
pub mod shipping;
mod shop;

pub use admin::{admin_t, AdminStrings, ADMIN_EN, ADMIN_ZH};
pub use shop::{Strings, EN, ZH};

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "shop_lang";

    /// The value of `<html lang>`; the client reads it back on hydration.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// The value the language switch takes (`/lang?to=en`).
    pub fn short_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language of the request being rendered: the buyer's choice, kept in a cookie.
    #[cfg(feature = "ssr")]
    pub fn from_request() -> Lang {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                crate::ssr::web::read_cookie(&parts.headers, Lang::COOKIE).map(Lang::from_tag)
            })
            .unwrap_or_default()
    }

    /// In the browser: the language the server rendered the page in, from `<html lang>`.
    #[cfg(not(feature = "ssr"))]
    pub fn from_request() -> Lang {
        #[cfg(feature = "hydrate")]
        {
            document()
                .document_element()
                .and_then(|html| html.get_attribute("lang"))
                .map(|tag| Lang::from_tag(&tag))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        Lang::default()
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// The language of the current page: from context while the server renders, and from the
/// document in an island hydrating in the browser (islands have no page context there).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(Lang::from_request)
}

pub fn t() -> &'static Strings {
    use_lang().strings()
}
