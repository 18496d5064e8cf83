//! The shop behind its own reverse proxy: whose `X-Forwarded-For` may be read (login rate
//! limits per address).

use super::source::{bad, Source};
use super::ConfigError;
use crate::ssr::net::parse_cidrs;

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

#[cfg(test)]
mod tests {
    use super::super::load;

    #[test]
    fn trusted_proxies_are_read_only_behind_a_proxy() {
        let cfg = load(&[]).expect("defaults");
        assert!(!cfg.behind_proxy && cfg.trusted_proxies.is_empty());
        let cfg = load(&[("SHOP_BEHIND_PROXY", "true")]).expect("behind a local proxy");
        let loopback = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        assert!(crate::ssr::net::in_any(
            loopback("127.0.0.1"),
            &cfg.trusted_proxies
        ));
        assert!(crate::ssr::net::in_any(
            loopback("::1"),
            &cfg.trusted_proxies
        ));
        assert!(!crate::ssr::net::in_any(
            loopback("10.0.0.1"),
            &cfg.trusted_proxies
        ));
        let cfg = load(&[
            ("SHOP_BEHIND_PROXY", "true"),
            ("SHOP_TRUSTED_PROXIES", "10.0.0.0/8, 172.16.0.1"),
        ])
        .expect("listed proxies");
        assert_eq!(cfg.trusted_proxies.len(), 2);
        assert!(format!("{cfg:?}").contains("10.0.0.0/8"));
        let err = load(&[
            ("SHOP_BEHIND_PROXY", "true"),
            ("SHOP_TRUSTED_PROXIES", "lb.internal"),
        ])
        .expect_err("a host name");
        assert_eq!(err.setting, "SHOP_TRUSTED_PROXIES");
        let err = load(&[("SHOP_TRUSTED_PROXIES", "10.0.0.0/8")]).expect_err("no proxy");
        assert_eq!(err.setting, "SHOP_TRUSTED_PROXIES");
    }
}
