//! The shop itself: where it listens, where buyers reach it, its name and currency, the
//! session secret, and the staff refund limit (an amount in the shop's currency).

use super::source::{bad, parse_base_url, ConfigError, Source};
use crate::money::{Currency, Money};
use secrecy::SecretSlice;
use std::net::SocketAddr;
use url::Url;

/// Development-only secret, so that `make run` works with no configuration. Production
/// refuses to start without `SHOP_SESSION_SECRET`.
pub(super) const DEV_SESSION_SECRET: &str =
    "development-only-session-secret-do-not-use-in-production";

/// Staff refund up to this much per order without the owner (default 500 in the shop's
/// currency's major unit; `0` leaves every refund to the owner).
pub const DEFAULT_STAFF_REFUND_LIMIT: i64 = 500;

pub(super) fn listen_addr(src: &Source) -> Result<SocketAddr, ConfigError> {
    let raw = src
        .get("SHOP_LISTEN_ADDR")
        .or_else(|| src.get("LEPTOS_SITE_ADDR"))
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    raw.parse().map_err(|_| {
        bad(
            "SHOP_LISTEN_ADDR",
            format!("`{raw}` is not an address like 127.0.0.1:3000"),
        )
    })
}

pub(super) fn public_url(src: &Source, listen_addr: SocketAddr) -> Result<Url, ConfigError> {
    let raw = src.required("SHOP_PUBLIC_URL", &format!("http://{listen_addr}"))?;
    let url = parse_base_url("SHOP_PUBLIC_URL", &raw)?;
    if src.prod && url.scheme() != "https" {
        return Err(bad(
            "SHOP_PUBLIC_URL",
            "must be an https:// URL in production (WeChat loads payment pages over https only)",
        ));
    }
    Ok(url)
}

pub(super) fn currency(src: &Source) -> Result<Currency, ConfigError> {
    let raw = src.get("SHOP_CURRENCY").unwrap_or_else(|| "HKD".to_owned());
    Currency::from_code(&raw).ok_or_else(|| {
        bad(
            "SHOP_CURRENCY",
            format!("`{raw}` is not a supported currency code"),
        )
    })
}

/// The key buyer tokens are signed with.
pub(super) fn session_secret(src: &Source) -> Result<SecretSlice<u8>, ConfigError> {
    let secret = src.required("SHOP_SESSION_SECRET", DEV_SESSION_SECRET)?;
    if secret.len() < 32 {
        return Err(bad(
            "SHOP_SESSION_SECRET",
            "must be at least 32 characters (try `openssl rand -hex 32`)",
        ));
    }
    if src.prod && secret == DEV_SESSION_SECRET {
        return Err(bad(
            "SHOP_SESSION_SECRET",
            "is the development secret; set a random one",
        ));
    }
    Ok(secret.into_bytes().into())
}

pub(super) fn staff_refund_limit(src: &Source, currency: Currency) -> Result<Money, ConfigError> {
    const KEY: &str = "SHOP_STAFF_REFUND_LIMIT";
    match src.get(KEY) {
        None => Money::new(DEFAULT_STAFF_REFUND_LIMIT, currency)
            .times(10i64.pow(currency.exponent()))
            .ok_or_else(|| bad(KEY, "overflows")),
        Some(raw) => Money::parse_decimal(raw.trim(), currency)
            .filter(|m| m.minor <= 1_000_000_000_000)
            .ok_or_else(|| {
                bad(
                    KEY,
                    format!(
                        "expected an amount in {} like 500 or 500.00 (0: owner only), got `{raw}`",
                        currency.code()
                    ),
                )
            }),
    }
}
