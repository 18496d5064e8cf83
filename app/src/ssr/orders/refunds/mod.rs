//! Refunds, like orders: what the gateway said about one ([`judge`]), the pure table of what
//! that does to it ([`decide`]), and [`apply`], the one function through which every refund
//! state change goes: it locks the order, asks the table, writes the refund, counts the money
//! on the order (moving it to `refunded` through `store::apply` when nothing is left), puts
//! stock back when the merchant asked for it, and appends the order's timeline, all in one
//! transaction.
//!
//! A refund is `succeeded` only when the gateway says SUCCESS in an answer about *this*
//! refund (its `out_refund_id`, and the payment and amount when the answer names them).
//! Anything else (PROCESSING, no answer, a timeout, an answer about another refund) leaves it
//! `pending`, still counted against what can be refunded, and [`run_pass`] (called by the
//! settlement job) asks the gateway again with backoff until it settles.
//!
//! Files: `table.rs` ([`decide`], [`restocks`]), `judge.rs`, `apply.rs`, `settle.rs` (asking
//! the gateway: [`request`], [`settle`], [`run_pass`]) and `create.rs` (a new refund).

mod apply;
mod create;
mod judge;
mod settle;
mod table;

pub use apply::{apply, Applied};
pub use create::{by_key, claimed, create, Claimed, KeyedRefund, NewRefund};
pub use judge::{judge, Said};
pub use settle::{backoff, first_check_at, request, run_pass, settle, Pass};
pub use table::{decide, restocks, Decision, Event};
