//! The buyer's address book: a list (`/addresses`) and one form for adding and editing
//! (`/addresses/new`, `/addresses/:id/edit`).
//!
//! Every action is a form that works without JavaScript (a post, then a redirect). Hydrated,
//! the forms call the shop's server functions directly (the page may be running inside the
//! payment container, at the gateway's origin, which proxies pages only), the region picker
//! fills each level at once, and a refused save is shown without leaving the form.
//!
//! `?pick=1` is the cart's "change address": each address then offers "deliver here", a
//! link back to the cart with `?address=<id>`.

mod book;
mod form;
mod query;

pub use book::AddressesPage;
pub use form::AddressFormPage;
