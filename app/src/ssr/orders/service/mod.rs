//! Checkout, paying again, cancelling and settling: the order store plus the gateway.
//! Every state change still goes through `store::apply`.
//!
//! - [`checkout`]: the cart becomes an order placed with the gateway; paying again.
//! - [`cancel`]: the buyer or the merchant gives up an unpaid order, after asking the gateway.
//! - [`settle`]: a verified payment report (a notification's confirming query, the job's
//!   query, the order page's check) moves its order.
//! - [`receipt`]: the buyer confirms a parcel arrived, or the job does after some days.

mod cancel;
mod checkout;
mod receipt;
mod settle;

pub use cancel::{cancel, cancel_row};
pub use checkout::{
    change_address, checkout, new_checkout_key, pay_again, CheckoutInput, PREPAY_VALID_MS,
};
pub use receipt::{complete_due, confirm_receipt};
pub use settle::{matching_order, refresh, settle, SettleError, Settled};

use crate::error::ShopError;
use crate::ssr::pay::GatewayError;

impl From<GatewayError> for ShopError {
    fn from(err: GatewayError) -> Self {
        match err {
            GatewayError::Refused { message, .. } if !message.trim().is_empty() => {
                ShopError::PaymentRefused(message.chars().take(120).collect())
            }
            _ => ShopError::PaymentUnavailable,
        }
    }
}
