//! Server-only code: configuration, the database, sessions and the HTTP edge.

pub mod addresses;
pub mod admin;
pub mod after_sales;
pub mod alerts;
pub mod assets;
pub mod cart;
pub mod catalog;
pub mod config;
pub mod context;
pub mod coupons;
pub mod db;
pub mod http;
pub mod metrics;
pub mod orders;
pub mod pay;
pub mod qr;
pub mod regions;
pub mod seed;
pub mod session;
pub mod shipping;
pub mod stock;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod web;
pub mod wechat_oauth;
