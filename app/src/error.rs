//! The one error type that crosses the server/client boundary. Each variant is something a
//! buyer can be told in their own language; the detail behind `Internal` stays in the logs.

use crate::address::AddressProblem;
use crate::coupons::CouponProblem;
use crate::i18n::Strings;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ShopError {
    #[error("not found")]
    NotFound,
    #[error("quantity must be at least 1")]
    InvalidQuantity,
    #[error("not enough stock: {available} available")]
    InsufficientStock { available: i64 },
    #[error("product is not on sale")]
    Unavailable,
    /// The product comes in several variants and the request named none (or one of
    /// another product).
    #[error("choose a variant")]
    ChooseVariant,
    #[error("buyer session missing, expired or mismatched")]
    SessionExpired,
    #[error("cart is full")]
    CartFull,
    #[error("cart is empty")]
    CartEmpty,
    /// The order can no longer be paid or changed this way (paid, cancelled, expired).
    #[error("order is closed for this action")]
    OrderClosed,
    /// The payment gateway could not be reached or gave no usable answer; nothing was
    /// charged and the reserved stock was released.
    #[error("payment gateway unavailable")]
    PaymentUnavailable,
    /// The gateway could not be asked whether an order was paid, so it was left as it was
    /// (never cancelled blind: a payment may have just landed).
    #[error("payment status could not be checked")]
    PaymentUncheckable,
    /// The payment gateway refused the order, in its own words.
    #[error("payment refused: {0}")]
    PaymentRefused(String),
    /// Input the merchant must correct; the message says what and how (in their language).
    #[error("invalid: {0}")]
    Invalid(String),
    /// Only the shop's owner may do this (admin accounts).
    #[error("owner only")]
    OwnerOnly,
    /// An admin function without a live admin session.
    #[error("admin login required")]
    AdminOnly,
    /// A failure the buyer cannot fix; the cause was logged on the server.
    #[error("internal error")]
    Internal,
    /// The action collides with one already made (a form used twice, another tab); the
    /// message says what happened and what to do.
    #[error("conflict: {0}")]
    Conflict(String),
    /// This admin may not do this; the message says who may.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request could not be decoded or the server function transport failed.
    #[error("request failed: {0}")]
    Request(String),
    /// Checkout refused: the buyer already holds `max` unpaid orders (nothing reserved).
    #[error("too many unpaid orders (at most {max})")]
    TooManyUnpaid { max: i64 },
    /// Checkout refused: the total is not what the buyer's page showed (a price, a coupon or
    /// a shipping rule changed meanwhile); nothing was charged or reserved.
    #[error("the amount to pay changed")]
    PriceChanged,
    /// A delivery address was refused, or checkout has none; the address pages show the
    /// problem's own message (`i18n::address`), elsewhere a general one.
    #[error("address refused: {0:?}")]
    Address(AddressProblem),
    /// A coupon could not be claimed or used; the problem says why.
    #[error("coupon refused: {0:?}")]
    Coupon(CouponProblem),
}

impl ShopError {
    pub fn message(&self, t: &Strings) -> String {
        match self {
            ShopError::NotFound => t.err_not_found.to_owned(),
            ShopError::InvalidQuantity => t.err_quantity.to_owned(),
            ShopError::InsufficientStock { available } => (t.err_stock)(*available),
            ShopError::Unavailable => t.err_unavailable.to_owned(),
            ShopError::ChooseVariant => t.err_choose_variant.to_owned(),
            ShopError::SessionExpired => t.err_session.to_owned(),
            ShopError::CartFull => t.err_cart_full.to_owned(),
            ShopError::CartEmpty => t.cart_empty.to_owned(),
            ShopError::OrderClosed => t.err_order_closed.to_owned(),
            ShopError::PaymentUnavailable => t.err_payment_unavailable.to_owned(),
            ShopError::PaymentUncheckable => t.err_payment_uncheckable.to_owned(),
            ShopError::PaymentRefused(reason) => (t.err_payment_refused)(reason),
            ShopError::AdminOnly => t.err_admin_only.to_owned(),
            ShopError::OwnerOnly => t.err_owner_only.to_owned(),
            ShopError::Invalid(message)
            | ShopError::Conflict(message)
            | ShopError::Forbidden(message) => message.clone(),
            ShopError::Internal => t.err_internal.to_owned(),
            ShopError::Request(_) => t.err_request.to_owned(),
            ShopError::TooManyUnpaid { max } => (t.err_too_many_unpaid)(*max),
            ShopError::PriceChanged => t.err_price_changed.to_owned(),
            ShopError::Address(_) => t.err_address.to_owned(),
            ShopError::Coupon(problem) => (t.coupon_problem)(*problem).to_owned(),
        }
    }

    /// The HTTP status this error answers with, from a server function (see
    /// `api::call`) or on a page that shows it. A monitor reads the class: 4xx is the caller's
    /// to fix, 5xx is ours (503: the payment gateway, which the buyer is told to try again).
    pub fn status(&self) -> StatusCode {
        match self {
            // Input the caller must correct.
            ShopError::InvalidQuantity
            | ShopError::ChooseVariant
            | ShopError::Invalid(_)
            | ShopError::Request(_) => StatusCode::BAD_REQUEST,
            // The address book is full: delete one first.
            ShopError::Address(AddressProblem::BookFull) => StatusCode::CONFLICT,
            ShopError::Address(_) => StatusCode::BAD_REQUEST,
            ShopError::NotFound => StatusCode::NOT_FOUND,
            ShopError::Coupon(CouponProblem::NoSuchCode) => StatusCode::NOT_FOUND,
            // The coupon's state refuses it now: none left, the limit reached, used, ended.
            ShopError::Coupon(_) => StatusCode::CONFLICT,
            // Well-formed, but the shop's state refuses it now: the stock, the cart, the
            // order's status, another tab's action, the unpaid-order cap.
            ShopError::InsufficientStock { .. }
            | ShopError::Unavailable
            | ShopError::CartFull
            | ShopError::CartEmpty
            | ShopError::OrderClosed
            | ShopError::Conflict(_)
            | ShopError::TooManyUnpaid { .. }
            | ShopError::PriceChanged => StatusCode::CONFLICT,
            // The gateway answered, and said no to this payment (Stripe answers a declined
            // payment the same way).
            ShopError::PaymentRefused(_) => StatusCode::PAYMENT_REQUIRED,
            // The gateway could not be reached or asked: nothing was decided, try again later.
            ShopError::PaymentUnavailable | ShopError::PaymentUncheckable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            // No (valid) identity: sign in or reopen the shop.
            ShopError::SessionExpired | ShopError::AdminOnly => StatusCode::UNAUTHORIZED,
            // Known, but not allowed.
            ShopError::OwnerOnly | ShopError::Forbidden(_) => StatusCode::FORBIDDEN,
            ShopError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<AddressProblem> for ShopError {
    fn from(problem: AddressProblem) -> Self {
        ShopError::Address(problem)
    }
}

impl FromServerFnError for ShopError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Arguments the server could not decode are the caller's to fix, not a fault.
        #[cfg(feature = "ssr")]
        if matches!(
            value,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_)
        ) {
            crate::ssr::web::set_call_status(StatusCode::BAD_REQUEST);
        }
        ShopError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for ShopError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        ShopError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};

    /// Every variant and the status it answers with: the buyer's and the merchant's mistakes
    /// are 4xx, and only a fault of ours (or the gateway's) is 5xx, so a monitor counting 5xx
    /// counts real trouble.
    #[test]
    fn each_error_answers_an_honest_status() {
        let s = |e: ShopError| e.status().as_u16();
        let table = [
            (ShopError::InvalidQuantity, 400),
            (ShopError::ChooseVariant, 400),
            (ShopError::Invalid("price".into()), 400),
            (ShopError::Request("bad from date".into()), 400),
            (ShopError::SessionExpired, 401),
            (ShopError::AdminOnly, 401),
            (ShopError::PaymentRefused("declined".into()), 402),
            (ShopError::OwnerOnly, 403),
            (ShopError::Forbidden("over the staff limit".into()), 403),
            (ShopError::NotFound, 404),
            (ShopError::InsufficientStock { available: 2 }, 409),
            (ShopError::Unavailable, 409),
            (ShopError::CartFull, 409),
            (ShopError::CartEmpty, 409),
            (ShopError::OrderClosed, 409),
            (ShopError::Conflict("used twice".into()), 409),
            (ShopError::TooManyUnpaid { max: 3 }, 409),
            (ShopError::Address(AddressProblem::MobileMainland), 400),
            (ShopError::Address(AddressProblem::Required), 400),
            (ShopError::Address(AddressProblem::BookFull), 409),
            (ShopError::Internal, 500),
            (ShopError::PaymentUnavailable, 503),
            (ShopError::PaymentUncheckable, 503),
        ];
        for (err, want) in table {
            assert_eq!(s(err.clone()), want, "{err:?}");
        }
    }

    #[test]
    fn too_many_unpaid_orders_is_a_conflict_the_buyer_can_resolve() {
        let err = ShopError::TooManyUnpaid { max: 3 };
        assert_eq!(err.status(), StatusCode::CONFLICT);
        let zh = err.message(&ZH);
        assert!(zh.contains('3') && zh.contains("待支付订单"), "{zh}");
        let en = err.message(&EN);
        assert!(en.contains("3 unpaid orders"), "{en}");
    }
}
