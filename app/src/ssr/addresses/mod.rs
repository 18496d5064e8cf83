//! The buyer's address book. Every query is scoped to the buyer: an address id from another
//! buyer is `NotFound`, never someone else's address. `store` reads and writes the rows;
//! `form` is the address form's no-JavaScript path (save, or come back filled in).

mod form;
mod store;

pub use form::{save_from_form, Draft};
pub use store::{chosen, create, delete, get, list, set_default, update, validate};
