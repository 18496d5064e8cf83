//! The browser entry point. Pages are server-rendered HTML; only the islands hydrate: the
//! add-to-cart form in this entry, and every other island (the cart editor, the checkout
//! button, the order's pay panel, the address forms...) from a chunk loaded where it
//! appears. Pages without islands (the home page, categories, the order list) do not load
//! this at all (`app::page::has_islands`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panic messages in development; the release bundle saves the formatting code
    // (a panic there still surfaces as a `RuntimeError` in the console).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    app::hydrate_islands();
}
