//! Order timing: expiry, when the gateway is first asked, how often the settlement job
//! runs, and how many unpaid orders one buyer may hold.

use super::source::{ConfigError, Source};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct OrderConfig {
    /// Unpaid orders expire (after the gateway is asked) and release their stock.
    pub expiry: Duration,
    /// A pending order is queried at the gateway once it has waited this long.
    pub check_after: Duration,
    /// How often the settlement job looks for due orders.
    pub job_interval: Duration,
    /// Unpaid (pending or awaiting payment) orders one buyer may hold at once; checkout
    /// beyond it is refused, so a script cannot reserve the whole stock.
    pub max_unpaid: i64,
    /// A shipped order the buyer has not confirmed is completed this long after shipping
    /// (`SHOP_AUTO_COMPLETE_DAYS`, default 7; `SHOP_AUTO_COMPLETE_SECS` for tests).
    pub auto_complete: Duration,
    /// A completed order may still get an after-sales request this long after completion
    /// (`SHOP_AFTER_SALES_DAYS`, default 7; `SHOP_AFTER_SALES_SECS` for tests).
    pub after_sales: Duration,
    /// An approved return the buyer has not sent back this long after approval is closed
    /// (`SHOP_RETURN_DAYS`, default 7; `SHOP_RETURN_SECS` for tests).
    pub return_window: Duration,
    /// Where returns go (`SHOP_RETURN_ADDRESS`): the approval form starts with it. Empty:
    /// the merchant types it when approving a return.
    pub return_address: String,
}

impl OrderConfig {
    /// `max_expiry_minutes`: the gateway's longest payable window (UseePay: 20 minutes), which
    /// the shop's expiry must not exceed; it is also the default when shorter than 30.
    pub(super) fn read(src: &Source, max_expiry_minutes: u64) -> Result<OrderConfig, ConfigError> {
        Ok(OrderConfig {
            // WeChat keeps a prepay order for two hours at most.
            expiry: src.duration(
                "SHOP_ORDER_EXPIRY_MINUTES",
                60,
                max_expiry_minutes.min(30),
                1..=max_expiry_minutes.min(110),
            )?,
            check_after: src.seconds("SHOP_PAYMENT_CHECK_AFTER_SECS", 60, 1..=3600)?,
            job_interval: src.seconds("SHOP_SETTLE_INTERVAL_SECS", 5, 1..=600)?,
            max_unpaid: i64::try_from(src.number("SHOP_MAX_UNPAID_ORDERS", 3, 1..=50)?)
                .unwrap_or(3),
            auto_complete: src.duration("SHOP_AUTO_COMPLETE_DAYS", 86_400, 7, 1..=90)?,
            after_sales: src.duration("SHOP_AFTER_SALES_DAYS", 86_400, 7, 1..=90)?,
            return_window: src.duration("SHOP_RETURN_DAYS", 86_400, 7, 1..=30)?,
            return_address: src
                .get("SHOP_RETURN_ADDRESS")
                .map(|a| {
                    a.trim()
                        .chars()
                        .take(crate::after_sales::MAX_MERCHANT_NOTE)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}
