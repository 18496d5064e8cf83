//! What the back office's pages show. Rendered on the server only.

use crate::money::Money;
use crate::orders::{OrderDetail, OrderStatus};
use serde::{Deserialize, Serialize};

/// Paid orders and revenue over a period, per currency. Revenue is net of refunds: payments
/// received in the period minus refunds the gateway confirmed in it; the average is of the
/// orders as placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub paid_orders: i64,
    pub revenue: Vec<Money>,
    pub average: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub today: Period,
    pub last_7_days: Period,
    pub to_ship: i64,
    pub flagged: i64,
    pub low_stock: i64,
    /// Refund and return requests waiting for the merchant.
    #[serde(default)]
    pub after_sales: i64,
    /// New-order alerts given up, or retrying after three failures, and the latest error
    /// (never the webhook's address: it carries the robot's key).
    #[serde(default)]
    pub alerts_failing: i64,
    #[serde(default)]
    pub alert_error: String,
    /// Net revenue per day (China time), oldest first, in the shop's currency: `(MM-DD, amount)`.
    pub daily: Vec<(String, Money)>,
}

/// The order list's filter, as the form sends it (all optional text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    pub status: Option<String>,
    /// `YYYY-MM-DD`, China time, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// An order number or an openid.
    pub q: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderRow {
    pub order_no: String,
    pub openid: String,
    pub status: OrderStatus,
    pub total: Money,
    pub item_count: i64,
    pub title: String,
    pub created_at_ms: i64,
    pub needs_attention: bool,
    /// Where it goes (a copy taken at checkout), for the list and the CSV export.
    pub ship_to: Option<crate::address::ShipTo>,
    pub remark: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub received_at_ms: i64,
    pub status: Option<String>,
    pub verdict: String,
    pub detail: String,
    pub payment_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderDetail {
    pub order: OrderDetail,
    pub openid: String,
    pub payment_no: Option<String>,
    pub pay_currency: Option<String>,
    pub pay_amount: Option<String>,
    pub exchange_rate: Option<String>,
    pub trade_time: Option<String>,
    pub attention_note: Option<String>,
    pub needs_attention: bool,
    pub notifications: Vec<NotificationRow>,
    pub refunds: Vec<RefundRow>,
    /// What can still be refunded (paid minus succeeded and pending refunds).
    pub refundable: Money,
    /// The idempotency key the refund form carries: a double submit or a retried request
    /// gives one refund.
    pub refund_key: String,
    /// The order's timeline with every event's source and detail (refunds, stock returned).
    pub events: Vec<AdminEvent>,
    /// Where returns go by default (`SHOP_RETURN_ADDRESS`): the return approval starts with it.
    #[serde(default)]
    pub return_address: String,
}

/// Where a refund is. Stored as [`RefundStatus::code`]; it moves only through the refund
/// transition function on the server (`ssr::orders::refunds::apply`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefundStatus {
    /// Asked of the gateway, not yet confirmed: counts against what can still be refunded,
    /// and the settlement job asks the gateway about it until it settles.
    Pending,
    /// The gateway said so, for this very refund.
    Succeeded,
    /// The gateway refused it (or reported it failed): nothing was refunded.
    Failed,
}

impl RefundStatus {
    pub const ALL: [RefundStatus; 3] = [
        RefundStatus::Pending,
        RefundStatus::Succeeded,
        RefundStatus::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RefundStatus::Pending => "pending",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<RefundStatus> {
        RefundStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A stored refund status that is not one of [`RefundStatus::code`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown refund status `{0}`")]
pub struct UnknownRefundStatus(pub String);

/// Rows decode their `status` column straight into the enum (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for RefundStatus {
    type Error = UnknownRefundStatus;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        RefundStatus::from_code(&code).ok_or(UnknownRefundStatus(code))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRow {
    pub refund_no: String,
    pub amount: Money,
    pub status: RefundStatus,
    pub detail: String,
    pub admin: String,
    pub created_at_ms: i64,
    /// The merchant asked to put the stock back, and whether it went back.
    pub restock: bool,
    pub restocked: bool,
}

/// What a refund request (or asking again) came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundOutcome {
    pub refund_no: String,
    pub status: RefundStatus,
    pub order_status: OrderStatus,
}

/// One entry of an order's timeline as the merchant sees it: who did what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEvent {
    pub status: OrderStatus,
    pub event: String,
    pub source: String,
    pub detail: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFilter {
    pub q: Option<String>,
    pub category: Option<String>,
    /// `on_sale`, `off_sale` or `archived`; empty for all that are not archived.
    pub state: Option<String>,
    pub page: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductRow {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub price: Money,
    pub stock: i64,
    pub low_stock: bool,
    pub on_sale: bool,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub rows: Vec<AdminProductRow>,
    pub page: i64,
    pub pages: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryOption {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    /// The variant's values (empty: a product without options).
    #[serde(default)]
    pub variant: String,
    pub delta: i64,
    pub stock_after: i64,
    pub reason: String,
    pub note: String,
    pub admin: String,
    pub at_ms: i64,
}

/// A product as the edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProduct {
    pub id: i64,
    pub title: String,
    pub subtitle: String,
    pub description: String,
    pub category_id: i64,
    /// Decimal in the major unit, as typed.
    pub price: String,
    pub currency: String,
    pub stock: i64,
    pub on_sale: bool,
    pub archived: bool,
    pub sort_order: i64,
    pub low_stock_threshold: i64,
    pub movements: Vec<StockMovement>,
    pub images: Vec<AdminImage>,
    /// Up to three options; none for a simple product.
    pub options: Vec<crate::variants::ProductOption>,
    /// Its variants, live first (a simple product has one, with no values).
    pub variants: Vec<AdminVariant>,
}

/// One row of the product's variant table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminVariant {
    pub id: i64,
    /// `150g / 罐装`; empty for a product without options.
    pub option_text: String,
    /// Decimal in the major unit, as typed.
    pub price: String,
    pub stock: i64,
    pub barcode: String,
    pub weight_g: i64,
    pub image_id: Option<i64>,
    /// A combination the merchant dropped: not for sale, kept for the orders that hold it.
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminImage {
    pub id: i64,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEditor {
    pub product: Option<AdminProduct>,
    pub categories: Vec<CategoryOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAccount {
    pub id: i64,
    pub username: String,
    /// `owner` or `staff`.
    pub role: String,
    pub disabled: bool,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCategory {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub sort_order: i64,
    pub archived: bool,
    pub products: i64,
}

/// One shipping rule as the back office shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRuleView {
    /// `""`: the whole shop.
    pub region_code: String,
    /// Province first (`广东省 深圳市`); empty for the whole shop.
    pub region_name: String,
    pub delivers: bool,
    pub first: Money,
    pub additional: Money,
    pub free_above: Option<Money>,
    /// Charged by weight, in these steps; none: by item.
    #[serde(default)]
    pub by_weight: Option<crate::shipping::WeightSteps>,
}

/// The shipping page: the rules (the shop's first) and the provinces a rule can be for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingSettings {
    pub rules: Vec<ShippingRuleView>,
    /// `(code, name)`.
    pub provinces: Vec<(String, String)>,
}
