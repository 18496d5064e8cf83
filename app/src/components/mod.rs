pub mod cart_count;
pub mod layout;
pub mod notice;
pub mod product_card;
pub mod pay;
