//! The back office's server functions (`/api/admin/…`), one file per page of the admin
//! area. Each starts with `admin_call` or `owner_call` (see `api::call`).
//!
//! Server-function arguments mirror the HTML form's fields one to one (the forms post without
//! JavaScript), so a function has as many arguments as its form has fields.

mod accounts;
mod after_sales;
mod categories;
mod coupons;
mod orders;
mod products;
mod refunds;
mod shipping;

pub use accounts::*;
pub use after_sales::*;
pub use categories::*;
pub use coupons::*;
pub use orders::*;
pub use products::*;
pub use refunds::*;
pub use shipping::*;
