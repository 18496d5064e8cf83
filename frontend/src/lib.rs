//! The browser entry point. Pages are server-rendered HTML; only the islands (the cart
//! badge, the add-to-cart form, the cart editor, and, loaded lazily where they appear, the
//! checkout button and the order's pay panel) hydrate, which keeps the wasm small.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panic messages in development; the release bundle saves the formatting code
    // (a panic there still surfaces as a `RuntimeError` in the console).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    app::hydrate_islands();
}
