//! Row ids that travel: a product's and an order's. Each is its own type, so a product id
//! can never be passed where an order id is wanted (both are `BIGINT` in the database).
//! They are `i64` on the wire (`#[serde(transparent)]`) and in SQL (`#[sqlx(transparent)]`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// A path segment or form field: a positive decimal id.
        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse::<i64>().map($name)
            }
        }
    };
}

row_id!(
    /// `products.id`.
    ProductId
);
row_id!(
    /// `product_variants.id`: one combination of a product's options (a product without
    /// options has one).
    VariantId
);
row_id!(
    /// `orders.id`: internal; buyers and merchants see the order number.
    OrderId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_numbers_on_the_wire() {
        let id = ProductId(42);
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("42"));
        assert_eq!(
            serde_json::from_str::<ProductId>("7").ok(),
            Some(ProductId(7))
        );
        assert_eq!("9".parse::<OrderId>().ok(), Some(OrderId(9)));
        assert!("x".parse::<OrderId>().is_err());
        assert_eq!(OrderId(3).to_string(), "3");
    }
}
