//! Orders in the database: the row and its queries (`rows.rs`), the one transition function
//! [`apply`] through which every status change goes (`apply.rs`), and [`create_from_cart`],
//! which makes a new order from the cart (`checkout.rs`).

mod address;
mod apply;
mod checkout;
mod rows;

pub use address::change_ship_to;
pub use apply::{apply, note_event, Applied, Changes};
pub use checkout::{create_from_cart, Created, NewOrder};
pub use rows::{
    by_id, by_no, clear_ordered_lines, detail, flag_for_attention, for_buyer, list_for_buyer,
    lock_order, oldest_in, status_list, OrderRow, GATEWAY_PAYABLE_MS, NEVER, WATCH_MARGIN_MS,
};
