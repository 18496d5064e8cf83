//! The request's language and buyer token, known on the server from the request and on
//! the client from the rendered document, so both sides render the same page.

use crate::i18n::Lang;

/// The buyer's form token (see `ssr::session`). Empty when the page has no buyer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuyerToken(pub String);

pub const TOKEN_META: &str = "shop-buyer-token";
pub const NAME_META: &str = "shop-name";

/// The shop's configured name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShopName(pub String);

pub fn use_shop_name() -> String {
    leptos::prelude::use_context::<ShopName>()
        .unwrap_or_default()
        .0
}

pub fn use_buyer_token() -> String {
    leptos::prelude::use_context::<BuyerToken>()
        .unwrap_or_default()
        .0
}

#[cfg(feature = "ssr")]
pub fn request_lang() -> Lang {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            crate::ssr::http::cookie(&parts.headers, Lang::COOKIE).map(Lang::from_tag)
        })
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub fn request_buyer_token() -> BuyerToken {
    BuyerToken(
        crate::ssr::context::current_buyer()
            .map(|b| b.form_token)
            .unwrap_or_default(),
    )
}

#[cfg(feature = "ssr")]
pub fn request_shop_name() -> ShopName {
    ShopName(
        leptos::prelude::use_context::<crate::ssr::context::ShopState>()
            .map(|s| s.config.shop_name.clone())
            .unwrap_or_default(),
    )
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn meta_content(name: &str) -> String {
    leptos::prelude::document()
        .query_selector(&format!("meta[name={name}]"))
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default()
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn request_shop_name() -> ShopName {
    ShopName(meta_content(NAME_META))
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn request_lang() -> Lang {
    leptos::prelude::document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn request_buyer_token() -> BuyerToken {
    BuyerToken(meta_content(TOKEN_META))
}

/// Neither server nor browser (a plain `cargo check`): defaults.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn request_lang() -> Lang {
    Lang::default()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn request_buyer_token() -> BuyerToken {
    BuyerToken::default()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn request_shop_name() -> ShopName {
    ShopName::default()
}
