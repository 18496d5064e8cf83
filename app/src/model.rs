//! What the shop's pages show, as sent from the server to the browser. Every amount here
//! was computed on the server from the database.

use crate::ids::{ProductId, VariantId};
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
    /// `srcset` candidates (`/media/…/t.jpg 400w, /media/…/f.jpg 1600w`) when the shop made a
    /// smaller copy of the picture; empty otherwise.
    #[serde(default)]
    pub srcset: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: ProductId,
    pub title: String,
    pub subtitle: String,
    /// The lowest price of its variants.
    pub price: Money,
    /// Its variants do not all cost the same: the price is a "from" price.
    #[serde(default)]
    pub price_varies: bool,
    pub stock: i64,
    /// Units sold: in orders paid and not refunded in full.
    pub sales: i64,
    pub image: Option<Image>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: ProductId,
    pub title: String,
    pub subtitle: String,
    pub description: String,
    /// The lowest and highest prices of its variants.
    pub price: Money,
    pub max_price: Money,
    /// All its variants' stock.
    pub stock: i64,
    pub category: Category,
    pub images: Vec<Image>,
    /// Up to three options; none for a simple product.
    pub options: Vec<crate::variants::ProductOption>,
    /// The combinations on sale (a simple product has one, with no values).
    pub variants: Vec<crate::variants::Variant>,
}

/// How the listing is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sort {
    /// The merchant's own order; in a search, products whose title has every word first.
    #[default]
    Featured,
    Newest,
    /// Best sellers first.
    Sales,
    PriceLow,
    PriceHigh,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Featured,
        Sort::Newest,
        Sort::Sales,
        Sort::PriceLow,
        Sort::PriceHigh,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Featured => "featured",
            Sort::Newest => "newest",
            Sort::Sales => "sales",
            Sort::PriceLow => "price_asc",
            Sort::PriceHigh => "price_desc",
        }
    }

    /// An unknown code is the default order: links outlive sorts.
    pub fn parse(code: &str) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or_default()
    }
}

/// What the buyer asked the listing for: `/?category=…&q=…&sort=…&page=…`. Everything is
/// optional and read tolerantly, since these come from links and typed URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListingQuery {
    pub category: Option<String>,
    /// The search words, trimmed; `None` when there are none.
    pub q: Option<String>,
    pub sort: Sort,
    /// From 1.
    pub page: u32,
}

impl Default for ListingQuery {
    /// Everything on sale, in the merchant's order, from the first page.
    fn default() -> Self {
        ListingQuery {
            category: None,
            q: None,
            sort: Sort::Featured,
            page: 1,
        }
    }
}

impl ListingQuery {
    /// Products on one page of the listing.
    pub const PAGE_SIZE: u32 = 20;
    /// Pages beyond this are not served (nobody pages that far; crawlers stop here).
    pub const MAX_PAGE: u32 = 100;
    /// Longer searches are cut to this many characters.
    pub const MAX_Q_CHARS: usize = 50;

    pub fn read(
        category: Option<&str>,
        q: Option<&str>,
        sort: Option<&str>,
        page: Option<&str>,
    ) -> ListingQuery {
        let q: String = q
            .unwrap_or_default()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(Self::MAX_Q_CHARS)
            .collect();
        let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
        ListingQuery {
            category: category.filter(|c| !c.is_empty()).map(str::to_owned),
            q: (!q.is_empty()).then_some(q),
            sort: sort.map(Sort::parse).unwrap_or_default(),
            page: page
                .and_then(|p| p.trim().parse::<u32>().ok())
                .unwrap_or(1)
                .clamp(1, Self::MAX_PAGE),
        }
    }

    /// The link to this listing, with only what differs from the defaults.
    pub fn href(&self) -> String {
        let escape = leptos_router::location::Url::escape;
        let mut params: Vec<String> = Vec::new();
        if let Some(c) = &self.category {
            params.push(format!("category={}", escape(c)));
        }
        if let Some(q) = &self.q {
            params.push(format!("q={}", escape(q)));
        }
        if self.sort != Sort::Featured {
            params.push(format!("sort={}", self.sort.code()));
        }
        if self.page > 1 {
            params.push(format!("page={}", self.page));
        }
        if params.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{}", params.join("&"))
        }
    }

    /// The same query within the limits [`ListingQuery::read`] applies: what a server
    /// function is sent need not have come from the page.
    pub fn normalized(&self) -> ListingQuery {
        ListingQuery::read(
            self.category.as_deref(),
            self.q.as_deref(),
            Some(self.sort.code()),
            Some(&self.page.to_string()),
        )
    }

    /// Another category, from its first page.
    pub fn in_category(&self, category: Option<String>) -> ListingQuery {
        ListingQuery {
            category,
            page: 1,
            ..self.clone()
        }
    }

    /// Another order, from the first page.
    pub fn sorted(&self, sort: Sort) -> ListingQuery {
        ListingQuery {
            sort,
            page: 1,
            ..self.clone()
        }
    }

    pub fn at_page(&self, page: u32) -> ListingQuery {
        ListingQuery {
            page,
            ..self.clone()
        }
    }
}

/// The home page: the categories, the chosen one (if any) and one page of its products,
/// searched and sorted as asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub categories: Vec<Category>,
    /// What was asked, with an unknown category dropped.
    pub query: ListingQuery,
    pub products: Vec<ProductCard>,
    /// There is a page after this one.
    pub has_next: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: ProductId,
    pub variant_id: VariantId,
    /// The variant's values (`150g / 罐装`); empty for a product without options.
    pub option_text: String,
    /// The variant's weight in grams (0: not given).
    #[serde(default)]
    pub weight_g: i64,
    /// The product's category (what a coupon's scope is about).
    pub category_id: i64,
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
    /// What the goods come to.
    pub total: Money,
    /// Shipping to the chosen address, by today's rules; `None` without an address.
    #[serde(default)]
    pub shipping: Option<crate::shipping::Quote>,
    /// The buyer's coupons that apply to this cart, and the one applied (the best, unless
    /// the buyer chose another or none).
    #[serde(default)]
    pub coupons: Vec<crate::coupons::CouponChoice>,
    #[serde(default)]
    pub coupon: Option<crate::coupons::CouponChoice>,
}

impl CartView {
    /// The parcel's weight: each line's variant weight times its quantity.
    pub fn weight_g(&self) -> i64 {
        self.lines
            .iter()
            .map(|l| l.weight_g.saturating_mul(l.quantity))
            .fold(0, i64::saturating_add)
    }

    /// What the buyer would pay: the goods and, where known, the shipping fee.
    pub fn to_pay(&self) -> Money {
        let fee = self.shipping.and_then(|q| q.fee()).map_or(0, |m| m.minor);
        let off = self.coupon.as_ref().map_or(0, |c| c.discount.minor);
        Money::new(
            self.total.minor.saturating_sub(off).saturating_add(fee),
            self.total.currency,
        )
    }
}

/// Bounds on a cart line's quantity before stock is even consulted.
pub const MAX_LINE_QUANTITY: i64 = 999;
/// Distinct products one cart may hold.
pub const MAX_CART_LINES: i64 = 50;
