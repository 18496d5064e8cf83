pub mod cart_count;
pub mod layout;
pub mod notice;
pub mod pay;
pub mod product_card;
