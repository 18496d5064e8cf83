pub mod cart_count;
pub mod layout;
pub mod notice;
pub mod pay;
pub mod product_card;
pub mod region_picker;
pub mod shown_price;

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

/// The islands' forms are plain forms (they post without JavaScript) whose submit handler,
/// once hydrated, builds the server function's arguments from what the island already holds
/// and dispatches it: no form decoding (`ActionForm` and its `serde_qs`) in their chunks (the
/// address form, with a dozen typed fields, keeps `ActionForm`). A function that answers with
/// a redirect (back to the order, the coupon centre) is followed here, to the same place the
/// plain form's redirect leads (every `Location` the shop sends is an absolute path); islands
/// have no router to do it. An island whose functions never redirect (the cart editor, the
/// add-to-cart form) does not call this.
pub fn follow_redirects() {
    #[cfg(feature = "hydrate")]
    {
        let _ = server_fn::redirect::set_redirect_hook(|location: &str| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(location);
            }
        });
    }
}

/// The page's `<title>`. leptos_meta 0.8.7 writes the title into the server's HTML without
/// escaping it (`</title><script>` in a product name would run), so the text is escaped
/// here. The title is only ever rendered on the server (pages are not hydrated), where the
/// browser decodes the entities back for display.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    view! { <leptos_meta::Title text=escaped/> }
}
