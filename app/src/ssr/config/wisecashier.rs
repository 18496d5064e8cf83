//! The payment gateway (Wisecashier): where it is, the merchant's number and keys, and the
//! committed sandbox credentials, which are refused anywhere but on this machine.

use super::sandbox::{SandboxScope, DEV_GATEWAY_URL, DEV_MERCHANT_NO};
use super::source::{bad, parse_base_url, ConfigError, Source};
use crate::money::Currency;
use crate::ssr::pay::signing::{PrivateKey, PublicKey};
use crate::ssr::pay::wisecashier::Wallet;
use std::time::Duration;
use url::Url;

#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// `https://api.wisecashier.com` in production; the project's sandbox in development.
    pub base_url: Url,
    pub merchant_no: String,
    /// The OAuth entry buyers without a session are sent to (`{base}/mp_pay/oauth`).
    pub oauth_url: Url,
    /// The origin the payment container serves the shop's pages from. Server-function calls
    /// from it are cross-origin and are allowed for the buyer's own functions.
    pub container_origin: String,
    /// The merchant's RSA private key (signs requests). Never printed.
    pub private_key: PrivateKey,
    /// The gateway's RSA public key (verifies notifications).
    pub public_key: PublicKey,
    /// `is_rmb=TRUE`: prices are in CNY.
    pub is_rmb: bool,
    pub wallet: Wallet,
    /// Per-call timeout for gateway requests.
    pub timeout: Duration,
    /// Notifications whose signed `Timestamp` is older than this are refused as replays. The
    /// default covers the gateway's whole retry schedule (about 53 minutes) with a margin,
    /// in case a retry carries the first attempt's Timestamp.
    pub notify_max_age: Duration,
}

impl GatewayConfig {
    /// `currency` is the shop's: `is_rmb` is only allowed for prices in CNY.
    pub(super) fn read(src: &Source, currency: Currency) -> Result<GatewayConfig, ConfigError> {
        let prod = src.prod;
        let gateway_raw = src.required("GATEWAY_BASE_URL", DEV_GATEWAY_URL)?;
        let base_url = parse_base_url("GATEWAY_BASE_URL", &gateway_raw)?;
        if prod && base_url.scheme() != "https" {
            return Err(bad(
                "GATEWAY_BASE_URL",
                "must be an https:// URL in production",
            ));
        }
        // The committed sandbox credentials are for a gateway on this machine only: anywhere
        // else (and always in production) they are refused, whatever SHOP_ENV says.
        let scope = SandboxScope::of(src, "GATEWAY_BASE_URL", &base_url);
        let (sandbox_allowed, not_here) = (scope.allowed, &scope.not_here);
        let merchant_no = src.required("GATEWAY_MERCHANT_NO", DEV_MERCHANT_NO)?;
        if !sandbox_allowed && merchant_no == DEV_MERCHANT_NO {
            return Err(bad(
                "GATEWAY_MERCHANT_NO",
                format!("is the sandbox merchant, refused{not_here}; set your Wisecashier merchant number"),
            ));
        }
        let oauth_url = match src.get("GATEWAY_OAUTH_URL") {
            Some(raw) => parse_base_url("GATEWAY_OAUTH_URL", &raw)?,
            None => base_url
                .join("mp_pay/oauth")
                .map_err(|e| bad("GATEWAY_BASE_URL", e.to_string()))?,
        };
        let container_origin = match src.get("GATEWAY_CONTAINER_ORIGIN") {
            Some(raw) => parse_base_url("GATEWAY_CONTAINER_ORIGIN", &raw)?
                .origin()
                .ascii_serialization(),
            None => base_url.origin().ascii_serialization(),
        };
        let (private_key, public_key) = scope.key_pair(
            src,
            "GATEWAY_PRIVATE_KEY_PATH",
            "GATEWAY_PUBLIC_KEY_PATH",
            "Wisecashier",
        )?;
        let is_rmb = src.flag("GATEWAY_IS_RMB", false)?;
        if is_rmb && currency != Currency::Cny {
            return Err(bad(
                "GATEWAY_IS_RMB",
                format!(
                    "is true (prices in CNY) but SHOP_CURRENCY is {}; set SHOP_CURRENCY=CNY or GATEWAY_IS_RMB=false",
                    currency.code()
                ),
            ));
        }
        let wallet = match src.get("GATEWAY_WALLET") {
            None => Wallet::Mainland,
            Some(raw) => Wallet::parse(&raw).ok_or_else(|| {
                bad(
                    "GATEWAY_WALLET",
                    format!("expected `mainland` or `hk`, got `{raw}`"),
                )
            })?,
        };
        Ok(GatewayConfig {
            base_url,
            merchant_no,
            oauth_url,
            container_origin,
            private_key,
            public_key,
            is_rmb,
            wallet,
            timeout: src.seconds("GATEWAY_TIMEOUT_SECS", 15, 1..=120)?,
            notify_max_age: src.seconds("GATEWAY_NOTIFY_MAX_AGE_SECS", 4200, 60..=86_400)?,
        })
    }
}
