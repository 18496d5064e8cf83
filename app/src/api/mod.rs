//! Server functions, grouped by what the buyer does. Each has an explicit endpoint, so its
//! URL (`/api/<endpoint>`) is stable and documented rather than a hash of the crate path.

pub mod admin;
pub mod cart;
pub mod catalog;
pub mod orders;
