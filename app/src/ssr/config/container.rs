//! The payment container (seed 000) is a reverse proxy that appends the buyer's `openid` to
//! the merchant page it fetches. A query `openid` proves something only on a request that
//! provably came from it: one under the secret path of the page URL the merchant registered
//! with the gateway (`{SHOP_PUBLIC_URL}/wc/{secret}/`), which buyers never see, or one from
//! an allow-listed container address.

use super::oauth::OAuthMode;
use super::sandbox::DEV_CONTAINER_SECRET;
use super::source::{bad, ConfigError, Source};
use secrecy::{ExposeSecret, SecretString};

/// The path prefix of the page URL registered with the gateway: `/wc/{secret}`.
pub const CONTAINER_PATH: &str = "/wc/";

#[derive(Debug, Clone, Default)]
pub struct ContainerConfig {
    /// `GATEWAY_CONTAINER_SECRET`: the secret path segment.
    pub secret: Option<SecretString>,
    /// `GATEWAY_CONTAINER_IPS`: the container's source addresses (CIDRs).
    pub ips: Vec<ipnet::IpNet>,
}

impl ContainerConfig {
    /// Whether `given` is the registered secret (compared in constant time).
    pub fn secret_matches(&self, given: &str) -> bool {
        let Some(secret) = &self.secret else {
            return false;
        };
        let (a, b) = (secret.expose_secret().as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    pub fn allows_ip(&self, ip: std::net::IpAddr) -> bool {
        self.ips.iter().any(|net| net.contains(&ip))
    }

    /// `GATEWAY_CONTAINER_SECRET` and `GATEWAY_CONTAINER_IPS`. In production with the
    /// gateway's OAuth, at least one of them is required: without either, no buyer could
    /// ever be bound.
    pub(super) fn read(src: &Source, oauth: &OAuthMode) -> Result<ContainerConfig, ConfigError> {
        let secret = match src.get("GATEWAY_CONTAINER_SECRET") {
            Some(raw) => {
                let raw = raw.trim().to_owned();
                if !(24..=128).contains(&raw.len())
                    || !raw
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(bad(
                        "GATEWAY_CONTAINER_SECRET",
                        "must be 24 to 128 letters, digits, '-' or '_' (try `openssl rand -hex 24`)",
                    ));
                }
                if src.prod && raw == DEV_CONTAINER_SECRET {
                    return Err(bad(
                        "GATEWAY_CONTAINER_SECRET",
                        "is the development secret; set a random one and register the new page URL with the gateway",
                    ));
                }
                Some(raw)
            }
            None if src.prod => None,
            None => Some(DEV_CONTAINER_SECRET.to_owned()),
        };
        let mut ips = Vec::new();
        for part in src
            .get("GATEWAY_CONTAINER_IPS")
            .unwrap_or_default()
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let net = part
                .parse::<ipnet::IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    bad(
                        "GATEWAY_CONTAINER_IPS",
                        format!("`{part}` is not an address or a CIDR like 203.0.113.0/24"),
                    )
                })?;
            ips.push(net);
        }
        if src.prod && matches!(oauth, OAuthMode::Gateway) && secret.is_none() && ips.is_empty() {
            return Err(bad(
                "GATEWAY_CONTAINER_SECRET",
                "is required in production (or GATEWAY_CONTAINER_IPS): register {SHOP_PUBLIC_URL}/wc/{secret}/ as your page URL with the gateway",
            ));
        }
        Ok(ContainerConfig {
            secret: secret.map(SecretString::from),
            ips,
        })
    }
}
