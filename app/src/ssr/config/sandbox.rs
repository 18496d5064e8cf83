//! The sandbox gateway's credentials, committed for development and tests only. They are
//! accepted only for a gateway on this machine, and never in production.

/// The sandbox's key pairs.
pub const SANDBOX_MERCHANT_PRIVATE_KEY: &str =
    include_str!("../../../../keys/sandbox/merchant_private.pem");
pub const SANDBOX_MERCHANT_PUBLIC_KEY: &str =
    include_str!("../../../../keys/sandbox/merchant_public.pem");
pub const SANDBOX_GATEWAY_PUBLIC_KEY: &str =
    include_str!("../../../../keys/sandbox/gateway_public.pem");

pub(super) const DEV_MERCHANT_NO: &str = "SANDBOX-MERCHANT-001";
pub(super) const DEV_GATEWAY_URL: &str = "http://127.0.0.1:3100";
/// Development-only container secret, so that `make run` and the sandbox work with no
/// configuration (`scripts/run.sh` registers `{shop}/wc/{this}/` with the sandbox).
/// Production refuses it.
pub const DEV_CONTAINER_SECRET: &str = "sandbox-container-development-only";

/// The UseePay stand-in of the same sandbox, its merchant and its MD5 key. The RSA key pairs
/// are the ones above (a sandbox holds no secrets worth separating).
pub(super) const DEV_USEEPAY_URL: &str = "http://127.0.0.1:3100/useepay/";
pub const DEV_USEEPAY_MERCHANT_NO: &str = "SANDBOX-USEEPAY1";
/// The site domain the sandbox merchant registered with UseePay (`appId`).
pub const DEV_USEEPAY_APP_ID: &str = "shop.sandbox.test";
pub const SANDBOX_USEEPAY_MD5_KEY: &str = "sandbox-useepay-md5-key";

use super::source::{bad, ConfigError, Source};
use crate::ssr::pay::signing::{PrivateKey, PublicKey};
use url::Url;

/// Where the committed sandbox credentials may be used: only for a gateway on this machine
/// (`localhost`, 127.0.0.0/8, `::1`) and never in production, whatever else is set.
pub(super) struct SandboxScope {
    pub allowed: bool,
    /// How a refusal ends: " in production", or " when {setting} (`host`) is not on this
    /// machine".
    pub not_here: String,
}

impl SandboxScope {
    pub(super) fn of(src: &Source, setting: &str, base_url: &Url) -> SandboxScope {
        SandboxScope {
            allowed: !src.prod && is_loopback(base_url),
            not_here: if src.prod {
                " in production".to_owned()
            } else {
                format!(
                    " when {setting} (`{}`) is not on this machine",
                    base_url.host_str().unwrap_or_default()
                )
            },
        }
    }

    /// The merchant's private key and the gateway's public key from the PEM files named by
    /// `private_setting` and `public_setting`; the sandbox's when allowed and none is named.
    /// Outside the sandbox's scope both are required and the sandbox's own are refused.
    pub(super) fn key_pair(
        &self,
        src: &Source,
        private_setting: &'static str,
        public_setting: &'static str,
        gateway: &str,
    ) -> Result<(PrivateKey, PublicKey), ConfigError> {
        let not_here = &self.not_here;
        let private_key = match src.get(private_setting) {
            Some(path) => {
                PrivateKey::from_pem_file(&path).map_err(|e| bad(private_setting, e.to_string()))?
            }
            None if self.allowed => PrivateKey::from_pem(SANDBOX_MERCHANT_PRIVATE_KEY.as_bytes())
                .map_err(|e| bad(private_setting, e.to_string()))?,
            None => {
                return Err(bad(
                    private_setting,
                    format!("is required{not_here}: the PEM file of your RSA private key (its public half goes to {gateway})"),
                ))
            }
        };
        let public_key = match src.get(public_setting) {
            Some(path) => {
                PublicKey::from_pem_file(&path).map_err(|e| bad(public_setting, e.to_string()))?
            }
            None if self.allowed => PublicKey::from_pem(SANDBOX_GATEWAY_PUBLIC_KEY.as_bytes())
                .map_err(|e| bad(public_setting, e.to_string()))?,
            None => {
                return Err(bad(
                    public_setting,
                    format!("is required{not_here}: the PEM file of {gateway}'s public key"),
                ))
            }
        };
        if !self.allowed {
            let sandbox_merchant = PublicKey::from_pem(SANDBOX_MERCHANT_PUBLIC_KEY.as_bytes()).ok();
            if sandbox_merchant.as_ref() == Some(&private_key.public_key()) {
                return Err(bad(
                    private_setting,
                    format!("is the sandbox key, refused{not_here}; generate your own key pair"),
                ));
            }
            let sandbox_gateway = PublicKey::from_pem(SANDBOX_GATEWAY_PUBLIC_KEY.as_bytes()).ok();
            if sandbox_gateway.as_ref() == Some(&public_key) {
                return Err(bad(
                    public_setting,
                    format!("is the sandbox gateway's key, refused{not_here}; use the key {gateway} gave you"),
                ));
            }
        }
        Ok((private_key, public_key))
    }
}

/// The gateway is on this machine (`localhost`, 127.0.0.0/8, `::1`): only then may the
/// committed sandbox credentials be used.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
