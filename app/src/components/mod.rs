pub mod layout;
pub mod notice;
pub mod product_card;
