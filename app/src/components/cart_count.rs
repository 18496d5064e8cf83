//! The number of items in the cart, in the header's badge. The badge is plain server-rendered
//! HTML, not an island: a page that only shows it (the home page, a category, the order list)
//! loads no JavaScript or wasm at all. An island that changes the cart (the add-to-cart form,
//! the cart editor) publishes the count the server returned, and the badge in the page is
//! rewritten in place.

use leptos::prelude::*;

/// The badge's `id`, which `publish` looks for.
const BADGE_ID: &str = "cart-badge";

/// Shows the count the server returned for a cart change in the header's badge: created
/// when the cart was empty, removed when it becomes empty. No-op outside the browser.
pub fn publish(_count: i64) {
    #[cfg(feature = "hydrate")]
    {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let badge = doc.get_element_by_id(BADGE_ID);
        match (badge, _count > 0) {
            (Some(badge), true) => badge.set_text_content(Some(&_count.to_string())),
            (Some(badge), false) => badge.remove(),
            (None, true) => {
                let Some(link) = doc.query_selector("header .cart-link").ok().flatten() else {
                    return;
                };
                if let Ok(badge) = doc.create_element("span") {
                    badge.set_id(BADGE_ID);
                    badge.set_class_name("badge");
                    let _ = badge.set_attribute("data-testid", BADGE_ID);
                    badge.set_text_content(Some(&_count.to_string()));
                    let _ = link.append_child(&badge);
                }
            }
            (None, false) => {}
        }
    }
}

/// The header's cart badge: nothing for an empty cart.
#[component]
pub fn CartBadge(count: i64) -> impl IntoView {
    (count > 0)
        .then(|| view! { <span class="badge" id=BADGE_ID data-testid=BADGE_ID>{count}</span> })
}
