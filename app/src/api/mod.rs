//! Server functions, grouped by what the buyer does. Each has an explicit endpoint, so its
//! URL (`/api/<endpoint>`) is stable and documented rather than a hash of the crate path.
//! Each starts the same way, through one of `call`'s helpers: who may call it, and the HTTP
//! status of a refusal.

pub mod addresses;
pub mod admin;
pub mod after_sales;
#[cfg(feature = "ssr")]
pub mod call;
pub mod cart;
pub mod catalog;
pub mod coupons;
pub mod orders;
