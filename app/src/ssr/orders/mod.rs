//! Orders: the state machine, the store with its one transition function, checkout and
//! settlement, the notification endpoint, refunds and the settlement job.

pub mod job;
pub mod machine;
pub mod notify;
pub mod refunds;
pub mod service;
pub mod store;
