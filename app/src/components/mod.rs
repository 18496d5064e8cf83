pub mod cart_count;
pub mod layout;
pub mod notice;
pub mod pay;
pub mod product_card;

use leptos::prelude::*;

/// `true` once the island calling it has hydrated (effects run only in the browser). Islands
/// put it on an element as `data-ready`, so tests (and anything else) can tell a hydrated
/// control from its server-rendered, not-yet-interactive twin. Lazy islands hydrate after
/// their chunk arrives.
pub fn hydrated() -> Signal<bool> {
    let ready = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    ready.into()
}
