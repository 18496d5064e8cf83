use crate::api::cart::get_cart_count;
use crate::components::cart_count::CartBadge;
use crate::i18n::t;
use crate::page::use_page;
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let t = t();
    let page = use_page();
    let token = page.buyer_token.clone();
    let count = Resource::new(|| (), move |_| get_cart_count(token.clone()));
    view! {
        <header class="topbar">
            <a class="brand" href="/">{page.shop_name}</a>
            <nav class="topbar-actions">
                // rel=external: the language switch is a server round trip, not a route.
                <a class="lang-switch" href=page.lang_switch rel="external">{t.switch_language}</a>
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
