//! The back office's pages: sign-in, dashboard, orders, products, categories and accounts. They
//! render on the server only (no islands), so nothing here reaches the buyer's wasm; forms
//! are plain GET filters and POSTs to the guarded endpoints.

mod accounts;
mod after_sales;
mod categories;
mod coupons;
mod dashboard;
mod login;
mod order;
mod orders;
mod product_edit;
mod products;
mod shipping;
mod slips;

pub use accounts::AccountsPage;
pub use after_sales::{AfterSalesPage, CaseAdmin};
pub use categories::CategoriesPage;
pub use coupons::CouponsPage;
pub use dashboard::DashboardPage;
pub use login::LoginPage;
pub use order::OrderPage;
pub use orders::OrdersPage;
pub use product_edit::ProductEditPage;
pub use products::ProductsPage;
pub use shipping::ShippingPage;
pub use slips::SlipsPage;

use crate::i18n::{admin_t, t};
use crate::page::use_page;
use leptos::prelude::*;

/// The admin area's top bar (instead of the shop's header).
#[component]
pub fn AdminHeader() -> impl IntoView {
    let a = admin_t();
    #[cfg(feature = "ssr")]
    let who = crate::ssr::admin::http::current_admin().map(|admin| admin.username);
    #[cfg(not(feature = "ssr"))]
    let who: Option<String> = None;
    view! {
        <header class="topbar admin-bar">
            <a class="brand" href="/admin">{a.back_office}</a>
            <a class="lang-switch" href=use_page().lang_switch rel="external">
                {t().switch_language}
            </a>
            {who.map(|who| view! {
                <nav class="topbar-actions">
                    <a href="/admin">{a.dashboard}</a>
                    <a href="/admin/orders" data-testid="admin-orders-link">{a.orders}</a>
                    <a href="/admin/after-sales" data-testid="admin-after-sales-link">{crate::i18n::after_sales::after_sales_t().list_title}</a>
                    <a href="/admin/products" data-testid="admin-products-link">{a.products}</a>
                    <a href="/admin/categories">{a.categories}</a>
                    <a href="/admin/coupons" data-testid="admin-coupons-link">{crate::i18n::coupons::coupons_t().coupons}</a>
                    <a href="/admin/shipping" data-testid="admin-shipping-link">{crate::i18n::shipping::shipping_t().title}</a>
                    <a href="/admin/accounts">{a.accounts}</a>
                    <form method="post" action="/admin/logout" class="inline-form">
                        <button type="submit" class="link-button" data-testid="logout" title=format!("{} {who}", a.signed_in_as)>
                            {a.logout}
                        </button>
                    </form>
                </nav>
            })}
        </header>
    }
}
