//! What the shop's pages show, as sent from the server to the browser. Every amount here
//! was computed on the server from the database.

use crate::ids::ProductId;
use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: ProductId,
    pub title: String,
    pub subtitle: String,
    pub price: Money,
    pub stock: i64,
    pub image: Option<Image>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: ProductId,
    pub title: String,
    pub subtitle: String,
    pub description: String,
    pub price: Money,
    pub stock: i64,
    pub category: Category,
    pub images: Vec<Image>,
}

/// The home page: the categories, the chosen one (if any) and its products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub categories: Vec<Category>,
    pub selected: Option<String>,
    pub products: Vec<ProductCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: ProductId,
    pub title: String,
    pub image: Option<Image>,
    pub unit_price: Money,
    pub quantity: i64,
    pub stock: i64,
    pub on_sale: bool,
    pub line_total: Money,
}

/// Why a cart line cannot be checked out as it stands (stock and sale state change after
/// the buyer added it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    Unavailable,
    ExceedsStock(i64),
}

impl CartLine {
    pub fn problem(&self) -> Option<LineProblem> {
        if !self.on_sale || self.stock == 0 {
            Some(LineProblem::Unavailable)
        } else if self.quantity > self.stock {
            Some(LineProblem::ExceedsStock(self.stock))
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLine>,
    /// Sum of quantities: the number on the cart badge.
    pub count: i64,
    pub total: Money,
}

/// Bounds on a cart line's quantity before stock is even consulted.
pub const MAX_LINE_QUANTITY: i64 = 999;
/// Distinct products one cart may hold.
pub const MAX_CART_LINES: i64 = 50;
