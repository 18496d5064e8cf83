//! Every black-box test of the shop, in one binary (one link instead of four on a
//! 2-core machine): the real server binary and the real sandbox gateway, talking HTTP,
//! on SQLite and a throwaway PostgreSQL (`SHOP_TEST_POSTGRES_URL`).
//!
//! Each module is one part of the story; `common` starts the processes.

mod addresses;
mod admin;
mod after_sales;
mod alerts;
mod common;
mod coupons;
mod data_layer;
mod operations;
mod payments;
mod receipt;
mod shipping;
mod shop_http;
mod variants;
