//! What a page needs from its request, read once per request: the language, the buyer's
//! form token, the shop's name, where assets live and the language switch's link. The
//! server builds it in [`crate::shell`] and provides it as context; components read it with
//! [`use_page`]. Islands hydrating in the browser have no page: they get the token as a
//! prop and read the language back from `<html lang>` ([`crate::i18n::use_lang`]).

use crate::i18n::Lang;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub lang: Lang,
    /// The buyer's form token (see `ssr::session`); empty when the page has no buyer.
    pub buyer_token: String,
    /// The shop's configured name.
    pub shop_name: String,
    /// The shop's public URL without a trailing slash: where assets and server functions
    /// are reached (see `ssr::context::asset_base`), and the base of links that leave the
    /// page (the QR code of the shop). Empty in the browser and in unit tests.
    pub asset_base: String,
    /// `/lang?to=<the other language>&back=<this page>`: a plain link, so the switch works
    /// before hydration and without JavaScript.
    pub lang_switch: String,
    /// Development only: the `WeixinJSBridge` stand-in's script (`SHOP_DEV_WECHAT_BRIDGE_URL`).
    pub dev_wechat_bridge: Option<String>,
    /// The page has islands, so it loads the shop's script and wasm ([`has_islands`]).
    pub islands: bool,
}

/// Whether the page at `path` can contain islands: the product page (the add-to-cart form),
/// the cart, the coupon centre, the address book and forms, and an order with its
/// after-sales page. Every other page (the home page, categories and search, the order
/// list, the back office, errors) is plain HTML and forms, and loads no script or wasm at
/// all. A page with islands missing here would leave them inert: the integration tests
/// check the buyer pages they fetch (`common::expect_hydrates`), and the Playwright
/// journeys wait for each island to hydrate (`data-ready`).
pub fn has_islands(path: &str) -> bool {
    // The router also answers `/cart/` (with its 404 status) with the cart's view.
    let path = path.strip_suffix('/').unwrap_or(path);
    path.starts_with("/product/")
        || path == "/cart"
        || path == "/coupons"
        || path == "/addresses"
        || path.starts_with("/addresses/")
        || path.starts_with("/orders/")
}

/// The current page (a default one where none was provided, as in islands).
pub fn use_page() -> Page {
    leptos::prelude::use_context::<Page>().unwrap_or_default()
}

#[cfg(feature = "ssr")]
impl Page {
    /// The page of the request being rendered.
    pub fn from_request() -> Page {
        use crate::ssr::context;
        use crate::ssr::web::encode_component;
        use leptos::prelude::use_context;

        let lang = Lang::from_request();
        let here = use_context::<http::request::Parts>()
            .and_then(|parts| parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
            .unwrap_or_else(|| "/".to_owned());
        let other = match lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        let islands = use_context::<http::request::Parts>()
            .is_some_and(|parts| has_islands(parts.uri.path()));
        Page {
            lang,
            islands,
            buyer_token: context::current_buyer()
                .map(|b| b.form_token)
                .unwrap_or_default(),
            shop_name: use_context::<context::ShopState>()
                .map(|s| s.config.shop_name.clone())
                .unwrap_or_default(),
            dev_wechat_bridge: use_context::<context::ShopState>()
                .and_then(|s| s.config.dev_wechat_bridge.as_ref().map(|u| u.to_string())),
            asset_base: context::asset_base().to_owned(),
            lang_switch: format!(
                "/lang?to={}&back={}",
                other.short_tag(),
                encode_component(&here)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_islands;

    #[test]
    fn only_the_pages_that_can_hold_islands_load_the_wasm() {
        for path in [
            "/product/7",
            "/cart",
            "/cart/",
            "/coupons",
            "/addresses",
            "/addresses/new",
            "/addresses/3/edit",
            "/orders/SO2026",
            "/orders/SO2026/after-sales",
        ] {
            assert!(has_islands(path), "{path}");
        }
        for path in [
            "/",
            "",
            "/orders",
            "/orders/",
            "/admin",
            "/admin/orders/SO1",
            "/lang",
            "/nope",
        ] {
            assert!(!has_islands(path), "{path}");
        }
    }
}
