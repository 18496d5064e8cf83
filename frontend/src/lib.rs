//! The browser entry point. Pages are server-rendered HTML; only the islands (the cart
//! badge, the add-to-cart form and the cart editor) hydrate, which keeps the wasm small.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::hydrate_islands();
}
