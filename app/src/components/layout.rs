use crate::api::cart::get_cart_count;
use crate::components::cart_count::CartBadge;
use crate::i18n::{t, use_lang, Lang};
use crate::session::use_buyer_token;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let t = t();
    let token = use_buyer_token();
    let count = Resource::new(|| (), move |_| get_cart_count(token.clone()));
    let location = use_location();
    let other = match use_lang() {
        Lang::Zh => "en",
        Lang::En => "zh",
    };
    let lang_href = move || {
        // The router's `search` has no leading `?`.
        let search = location.search.get();
        let back = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        };
        let mut href = String::from("/lang?to=");
        href.push_str(other);
        href.push_str("&back=");
        href.push_str(&encode_component(&back));
        href
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">{crate::session::use_shop_name()}</a>
            <nav class="topbar-actions">
                // rel=external: the language switch is a server round trip, not a route.
                <a class="lang-switch" href=lang_href rel="external">{t.switch_language}</a>
                <a class="orders-link" href="/orders" data-testid="my-orders">{t.my_orders}</a>
                <a class="cart-link" href="/cart" aria-label=t.cart>
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M3 4h2l2.2 10.2a2 2 0 0 0 2 1.6h7.6a2 2 0 0 0 2-1.5L21 8H6.2" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>
                        <circle cx="10" cy="20" r="1.5" fill="currentColor"/>
                        <circle cx="17" cy="20" r="1.5" fill="currentColor"/>
                    </svg>
                    <span class="cart-label">{t.cart}</span>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            // A page without a buyer has no cart: no badge.
                            let count = count.await.unwrap_or(0);
                            view! { <CartBadge count/> }
                        })}
                    </Suspense>
                </a>
            </nav>
        </header>
    }
}

/// Percent-encodes a URL component (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
