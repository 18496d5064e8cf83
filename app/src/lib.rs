//! The shop: routes, pages, components and server functions. Server-only code lives in
//! `ssr` behind the `ssr` feature; the browser build (`hydrate`) never sees it.
#![recursion_limit = "256"]

pub mod api;
pub mod buyer;
pub mod components;
pub mod error;
pub mod i18n;
pub mod model;
pub mod money;
pub mod pages;
pub mod session;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::layout::{CartActions, Header};
use i18n::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use session::{BuyerToken, ShopName};

/// The HTML document. Rendered on the server only; `<html lang>` and the buyer-token meta
/// tag are how the browser build learns the language and the token on hydration.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = session::request_lang();
    let token = session::request_buyer_token();
    let name = session::request_shop_name();
    view! {
        <!DOCTYPE html>
        <html lang=lang.html_tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="format-detection" content="telephone=no"/>
                <meta name=session::TOKEN_META content=token.0/>
                <meta name=session::NAME_META content=name.0/>
                <link rel="stylesheet" id="leptos" href="/pkg/shop.css"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context::<Lang>(session::request_lang());
    provide_context::<BuyerToken>(session::request_buyer_token());
    provide_context::<ShopName>(session::request_shop_name());
    let t = i18n::t();

    view! {
        <Title text=t.home/>
        <Router>
            <ShopFrame/>
        </Router>
    }
}

/// Everything inside the router. The cart actions live here because the header's badge and
/// the pages share them. A form posted without JavaScript comes back with its error in the
/// URL (`__path`, `__err`); the router only hands that to actions created inside
/// `<Routes>`, so it is provided here first, before the actions are created.
#[component]
fn ShopFrame() -> impl IntoView {
    leptos_router::hooks::use_url()
        .read_untracked()
        .provide_server_action_error();
    provide_context(CartActions::new());
    view! {
        <Header/>
        <main class="page">
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("") view=pages::home::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/product/:id") view=pages::product::ProductPage ssr=SsrMode::Async/>
                <Route path=path!("/cart") view=pages::cart::CartPage ssr=SsrMode::Async/>
            </Routes>
        </main>
    }
}
