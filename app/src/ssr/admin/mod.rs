//! The merchant's back office on the server: accounts (argon2id), sessions, login rate
//! limits, and the guard every admin page and server function sits behind; the orders it
//! shows and acts on; products, categories and stock.

pub mod actions;
pub mod categories;
mod form;
pub mod http;
pub mod images;
pub mod limits;
pub mod orders;
pub mod password;
pub mod products;
pub mod stock;
pub mod store;
pub mod variants;
