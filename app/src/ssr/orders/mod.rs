//! Orders: the state machine, the store with its one transition function, checkout and
//! settlement, the notification endpoint and the settlement job.

pub mod job;
pub mod machine;
pub mod notify;
pub mod service;
pub mod store;
