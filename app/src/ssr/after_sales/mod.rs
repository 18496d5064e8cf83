//! After-sales: refunds and returns the buyer asks for. The pure table of what moves a
//! request where ([`machine`]), the one transition function and the queries ([`store`]),
//! the photos ([`photos`]), what buyers do ([`service`]) and what merchants do ([`merchant`]).
//!
//! A request's money goes through the shop's one refund path (`orders::refunds`): approving
//! a refund-only request, or confirming a return's goods came back, records a pending refund
//! under the order's lock and asks the gateway; the refund's own transition function moves
//! the request to `refunded` (or `refund_failed`) when the gateway confirms. Every step is on
//! the order's timeline, which both the buyer and the merchant read.

pub mod machine;
pub mod merchant;
pub mod photos;
pub mod service;
pub mod store;
