//! Orders as the buyer's pages see them. The state machine that moves them lives on the
//! server (`ssr::orders::machine`); this is only the vocabulary both sides share.

use crate::ids::ProductId;
use crate::money::Money;
use serde::{Deserialize, Serialize};

/// Where an order is in its life. Stored as [`OrderStatus::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// Created, stock reserved, not yet placed with the gateway.
    Pending,
    /// Placed with the gateway; the buyer can pay.
    AwaitingPayment,
    /// The gateway confirmed payment (notification or query).
    Paid,
    Shipped,
    /// The buyer has the goods: they confirmed receipt, or the shop did for them
    /// `SHOP_AUTO_COMPLETE_DAYS` after shipping. Only `Event::Complete`, from `Shipped`,
    /// leads here.
    Completed,
    /// Cancelled before payment (by the buyer, or because the gateway refused it); stock
    /// released.
    Cancelled,
    /// Not paid in time; stock released.
    Expired,
    /// Paid, but the shop cannot fulfil it (paid after expiry with the stock gone): the
    /// merchant must refund.
    RefundPending,
    Refunded,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::Pending,
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
        OrderStatus::Expired,
        OrderStatus::RefundPending,
        OrderStatus::Refunded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
            OrderStatus::RefundPending => "refund_pending",
            OrderStatus::Refunded => "refunded",
        }
    }

    pub fn from_code(code: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A stored order status that is not one of [`OrderStatus::code`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown order status `{0}`")]
pub struct UnknownOrderStatus(pub String);

/// Rows decode their `status` column straight into the enum (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for OrderStatus {
    type Error = UnknownOrderStatus;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        OrderStatus::from_code(&code).ok_or(UnknownOrderStatus(code))
    }
}

impl OrderStatus {
    /// Where the order goes may still change: it has not shipped (nor closed).
    pub fn address_changeable(self) -> bool {
        matches!(
            self,
            OrderStatus::Pending | OrderStatus::AwaitingPayment | OrderStatus::Paid
        )
    }

    /// The buyer may (still) pay: the stock is reserved and the gateway order is open.
    pub fn is_payable(self) -> bool {
        matches!(self, OrderStatus::Pending | OrderStatus::AwaitingPayment)
    }

    /// Closed without a payment (so far): a payment that lands late must still be found.
    pub fn is_closed_unpaid(self) -> bool {
        matches!(self, OrderStatus::Cancelled | OrderStatus::Expired)
    }

    /// The order's units count as sold (on product cards and in the sales sort): paid and
    /// not refunded in full.
    pub fn counts_as_sold(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed
        )
    }

    /// The gateway has confirmed the money.
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid
                | OrderStatus::Shipped
                | OrderStatus::Completed
                | OrderStatus::RefundPending
                | OrderStatus::Refunded
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub order_no: String,
    pub status: OrderStatus,
    pub total: Money,
    pub item_count: i64,
    pub title: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_id: ProductId,
    pub title: String,
    /// The variant as it was bought (`150g / 罐装`); empty for a product without options.
    #[serde(default)]
    pub option_text: String,
    /// Its picture as it was bought.
    #[serde(default)]
    pub image_url: Option<String>,
    pub unit_price: Money,
    pub quantity: i64,
    pub line_total: Money,
}

impl OrderLine {
    /// The line as a packer reads it: `冻顶乌龙茶（150g / 罐装）`.
    pub fn name(&self) -> String {
        if self.option_text.is_empty() {
            self.title.clone()
        } else {
            format!("{}（{}）", self.title, self.option_text)
        }
    }
}

/// One step of the order's timeline: the order reached `status`, or (with `kind`)
/// something else happened while it was in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStep {
    pub status: OrderStatus,
    pub at_ms: i64,
    pub kind: StepKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    /// The order reached its status.
    Reached,
    /// The buyer changed the delivery address.
    AddressChanged,
    /// A refund or return request reached this status.
    AfterSale(crate::after_sales::CaseStatus),
}

impl StepKind {
    /// The `order_events.event` a kind other than `Reached` is recorded as.
    pub const ADDRESS_CHANGED: &'static str = "address_changed";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub summary: OrderSummary,
    pub lines: Vec<OrderLine>,
    pub timeline: Vec<OrderStep>,
    /// Unpaid orders expire (and release their stock) at this time.
    pub expires_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    pub shipping: Option<Shipping>,
    /// What has been refunded so far, if anything.
    pub refunded: Option<Money>,
    /// Where it goes (a copy taken at checkout); none on orders placed before addresses.
    pub ship_to: Option<crate::address::ShipTo>,
    /// The buyer's note to the merchant.
    pub remark: String,
    /// Refund and return requests, newest first.
    #[serde(default)]
    pub after_sales: Vec<crate::after_sales::CaseView>,
    /// The shipping fee charged, part of the total.
    pub shipping_fee: Money,
    /// What the coupon took off the goods, and the coupon's name.
    pub discount: Money,
    pub coupon_name: Option<String>,
}

impl OrderDetail {
    /// What the goods came to: the total without the shipping fee, before the discount.
    pub fn goods(&self) -> Money {
        Money::new(
            self.summary.total.minor - self.shipping_fee.minor + self.discount.minor,
            self.summary.total.currency,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipping {
    pub carrier: String,
    pub tracking_no: String,
    pub shipped_at_ms: i64,
}

/// What the page needs to open WeChat's pay sheet for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayParams {
    pub order_no: String,
    /// The gateway's `js_param` as JSON text, passed to `getBrandWCPayRequest` untouched.
    /// `None` while the order is still being placed (a second click of the same checkout).
    pub js_param: Option<String>,
}
