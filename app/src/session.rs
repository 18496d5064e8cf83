//! What the current request says about the page: its language, the buyer's form token and
//! the shop's name. Pages are rendered on the server, which knows all three from the
//! request. Islands hydrating in the browser get the token as a prop and read the language
//! back from `<html lang>`.

use crate::i18n::Lang;

/// The buyer's form token (see `ssr::session`). Empty when the page has no buyer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuyerToken(pub String);

/// The shop's configured name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShopName(pub String);

pub fn use_buyer_token() -> String {
    leptos::prelude::use_context::<BuyerToken>()
        .unwrap_or_default()
        .0
}

pub fn use_shop_name() -> String {
    leptos::prelude::use_context::<ShopName>()
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

#[cfg(not(feature = "ssr"))]
pub fn request_lang() -> Lang {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Lang::default()
}

/// Only the server renders whole pages; in the browser these are never asked for.
#[cfg(not(feature = "ssr"))]
pub fn request_buyer_token() -> BuyerToken {
    BuyerToken::default()
}

#[cfg(not(feature = "ssr"))]
pub fn request_shop_name() -> ShopName {
    ShopName::default()
}

/// The shop's public URL without a trailing slash: where assets and server functions are
/// reached (see `ssr::context::asset_base`), and the base of links that leave the page
/// (the QR code of the shop).
#[cfg(feature = "ssr")]
pub fn request_asset_base() -> String {
    crate::ssr::context::asset_base().to_owned()
}

#[cfg(not(feature = "ssr"))]
pub fn request_asset_base() -> String {
    String::new()
}
