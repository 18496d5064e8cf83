//! The shop behind its own reverse proxy: whose `X-Forwarded-For` may be read (login rate
//! limits per address).

use super::source::{bad, ConfigError, Source};
use crate::ssr::web::address::parse_cidrs;

/// `SHOP_BEHIND_PROXY`, and with it `SHOP_TRUSTED_PROXIES` (empty when not behind one).
pub(super) fn read(src: &Source) -> Result<(bool, Vec<ipnet::IpNet>), ConfigError> {
    let behind_proxy = src.flag("SHOP_BEHIND_PROXY", false)?;
    Ok((behind_proxy, trusted_proxies(src, behind_proxy)?))
}

fn trusted_proxies(src: &Source, behind_proxy: bool) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    match (behind_proxy, src.get("SHOP_TRUSTED_PROXIES")) {
        (false, None) => Ok(Vec::new()),
        (false, Some(_)) => Err(bad(
            "SHOP_TRUSTED_PROXIES",
            "has no effect without SHOP_BEHIND_PROXY=true; set both or neither",
        )),
        // The usual set-up: the reverse proxy on the same machine.
        (true, None) => {
            parse_cidrs("127.0.0.0/8, ::1/128").map_err(|e| bad("SHOP_TRUSTED_PROXIES", e))
        }
        (true, Some(raw)) => parse_cidrs(&raw).map_err(|e| bad("SHOP_TRUSTED_PROXIES", e)),
    }
}
