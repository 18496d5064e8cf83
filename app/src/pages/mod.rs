pub mod addresses;
pub mod admin;
pub mod after_sales;
pub mod cart;
pub mod coupons;
pub mod home;
pub mod not_found;
pub mod orders;
pub mod product;

/// Gives the server-rendered response the status of what the page shows (a 404 for a
/// missing product), so crawlers and the gateway's proxy see the truth.
pub fn set_status(_status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(_status) {
            res.set_status(code);
        }
    }
}
