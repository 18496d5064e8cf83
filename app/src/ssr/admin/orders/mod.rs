//! The back office's view of orders: the dashboard's numbers (`dashboard.rs`), the filtered
//! list and its CSV (`list.rs`), and an order's full detail with every notification received
//! (`detail.rs`).

mod dashboard;
mod detail;
mod list;
mod slips;

pub use dashboard::{chart_svg, dashboard};
pub use detail::detail;
pub use list::{csv, list};
pub use slips::{slips, MAX_SLIPS};
