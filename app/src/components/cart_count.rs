//! The number of items in the cart, shared by the islands of one page. Islands hydrate as
//! separate roots and share no context, so the count lives in one browser-global signal:
//! the add-to-cart form and the cart editor publish the count the server returned, and the
//! badge shows it. On the server nothing is published and the badge shows its prop.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
thread_local! {
    static PUBLISHED: ArcRwSignal<Option<i64>> = ArcRwSignal::new(None);
}

/// The count a cart change published in this page, if any (tracked).
pub fn published() -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        PUBLISHED.with(|s| s.get())
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

pub fn publish(_count: i64) {
    #[cfg(feature = "hydrate")]
    PUBLISHED.with(|s| s.set(Some(_count)));
}

/// The header's cart badge: the server's count, then whatever a cart change publishes.
#[island]
pub fn CartBadge(count: i64) -> impl IntoView {
    move || {
        let n = published().unwrap_or(count);
        (n > 0).then(|| view! { <span class="badge" data-testid="cart-badge">{n}</span> })
    }
}
