//! The shop: routes, pages, components and server functions. Server-only code lives in
//! `ssr` behind the `ssr` feature; the browser build (`hydrate`) never sees it.
#![recursion_limit = "256"]

pub mod address;
pub mod admin;
pub mod after_sales;
pub mod api;
pub mod buyer;
pub mod carriers;
pub mod components;
pub mod coupons;
pub mod error;
pub mod i18n;
pub mod ids;
pub mod model;
pub mod money;
pub mod orders;
pub mod page;
pub mod pages;
pub mod shipping;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod time;
pub mod variants;

use components::layout::Header;
use i18n::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use page::Page;

/// The HTML document, rendered on the server. The page is plain HTML; only islands hydrate
/// (`islands=true`), and they read the language back from `<html lang>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Read once; every component below takes what it needs from the context.
    let page = page_of_request();
    let lang = page.lang;
    // Absolute asset URLs: inside the payment container the page is served from the
    // gateway's origin, and its scripts, styles and server calls must reach the shop.
    let base = page.asset_base.clone();
    let dev_bridge = page.dev_wechat_bridge.clone();
    let islands = page.islands;
    // Outside islands the HTML needs no hydration markers (`HydrationScripts` says the
    // same, but only pages with islands render it).
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    provide_context::<Lang>(lang);
    provide_context::<Page>(page);
    view! {
        <!DOCTYPE html>
        <html lang=lang.html_tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="format-detection" content="telephone=no"/>
                <meta name="shop-base" content=base.clone()/>
                <link rel="stylesheet" id="leptos" href=format!("{base}/pkg/{}", stylesheet())/>
                <link rel="icon" type="image/svg+xml" href=format!("{base}/favicon.svg")/>
                <AutoReload options=options.clone()/>
                {islands.then(|| view! {
                    <HydrationScripts options islands=true root=base.clone()/>
                    {split_loader().map(|file| view! {
                        <link rel="modulepreload" href=format!("{base}/pkg/{file}") crossorigin=""/>
                    })}
                })}
                <MetaTags/>
                {dev_bridge.map(|src| view! { <script src=src></script> })}
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet's name in `pkg/` (content-hashed in a release build).
#[cfg(feature = "ssr")]
fn stylesheet() -> &'static str {
    &ssr::assets::current().stylesheet
}

#[cfg(not(feature = "ssr"))]
fn stylesheet() -> &'static str {
    "shop.css"
}

#[cfg(feature = "ssr")]
fn split_loader() -> Option<&'static str> {
    ssr::assets::current().split_loader.as_deref()
}

#[cfg(not(feature = "ssr"))]
fn split_loader() -> Option<&'static str> {
    None
}

#[cfg(feature = "ssr")]
fn page_of_request() -> Page {
    Page::from_request()
}

/// Only the server renders whole documents.
#[cfg(not(feature = "ssr"))]
fn page_of_request() -> Page {
    Page::default()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let t = i18n::t();

    view! {
        <crate::components::PageTitle text=t.home/>
        <Router>
            <TopBar/>
            <main class="page">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/product/:id") view=pages::product::ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/cart") view=pages::cart::CartPage ssr=SsrMode::Async/>
                    <Route path=path!("/coupons") view=pages::coupons::CouponsPage ssr=SsrMode::Async/>
                    <Route path=path!("/addresses") view=pages::addresses::AddressesPage ssr=SsrMode::Async/>
                    <Route path=path!("/addresses/new") view=pages::addresses::AddressFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/addresses/:id/edit") view=pages::addresses::AddressFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders") view=pages::orders::OrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:no") view=pages::orders::OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:no/after-sales") view=pages::after_sales::RequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/login") view=pages::admin::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=pages::admin::DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders") view=pages::admin::OrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orders/:no") view=pages::admin::OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/after-sales") view=pages::admin::AfterSalesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/slips") view=pages::admin::SlipsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products") view=pages::admin::ProductsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts") view=pages::admin::AccountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/categories") view=pages::admin::CategoriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/shipping") view=pages::admin::ShippingPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/coupons") view=pages::admin::CouponsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/products/:id") view=pages::admin::ProductEditPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// The shop's header, or the back office's bar under `/admin`.
#[component]
fn TopBar() -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    if path == "/admin" || path.starts_with("/admin/") {
        view! { <pages::admin::AdminHeader/> }.into_any()
    } else {
        view! { <Header/> }.into_any()
    }
}

/// Hydrates the islands on the page. Called from `frontend`; it lives here so the browser
/// build links this crate, whose `#[island]` components export the functions the page
/// looks up by name (a cdylib drops an rlib nothing references, exports and all).
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    // Server functions go to the shop's own origin (`<meta name="shop-base">`), also when
    // the page runs inside the payment container at the gateway's origin.
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=shop-base]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|b| !b.is_empty());
    if let Some(base) = base {
        let _ = server_fn::client::try_set_server_url(base.leak());
    }
    leptos::mount::hydrate_islands();
}
