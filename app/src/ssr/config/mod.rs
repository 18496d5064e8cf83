//! Typed configuration, read once from the environment at start-up. In production every
//! setting a real merchant must supply is required; a missing or invalid one stops the
//! server with a message naming the variable. One reader per section: the shop itself,
//! the database, the gateway, buyer sign-in (OAuth and the payment container), orders,
//! the back office and the reverse proxy.

mod admin;
mod alerts;
mod container;
mod database;
mod oauth;
mod orders;
mod proxy;
mod sandbox;
mod shop;
mod source;
#[cfg(test)]
mod tests;
mod useepay;
mod wisecashier;

pub use admin::AdminConfig;
pub use alerts::{AlertConfig, AlertFormat};
pub use container::{ContainerConfig, CONTAINER_PATH};
pub use database::redact_url;
pub use oauth::{OAuthMode, OfficialAccount};
pub use orders::OrderConfig;
pub use sandbox::{
    DEV_CONTAINER_SECRET, DEV_USEEPAY_APP_ID, DEV_USEEPAY_MERCHANT_NO, SANDBOX_GATEWAY_PUBLIC_KEY,
    SANDBOX_MERCHANT_PRIVATE_KEY, SANDBOX_MERCHANT_PUBLIC_KEY, SANDBOX_USEEPAY_MD5_KEY,
};
pub use shop::DEFAULT_STAFF_REFUND_LIMIT;
pub use source::ConfigError;
pub use wisecashier::GatewayConfig;

use crate::money::{Currency, Money};
use secrecy::{SecretSlice, SecretString};
use source::{bad, Source};
use std::net::SocketAddr;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// The path gateways post notifications to (served by `orders::notify::receive`).
pub const NOTIFY_PATH: &str = "/api/pay/notify";

/// The payment gateway the shop sells through.
#[derive(Debug, Clone)]
pub enum PaymentConfig {
    /// Wisecashier (HipoPay), seed 000: the gateway's payment container.
    Wisecashier(GatewayConfig),
    /// UseePay, seed 002: the merchant's own official account.
    UseePay(crate::ssr::pay::useepay::UseePayConfig),
}

impl PaymentConfig {
    /// `PAYMENT_PROVIDER`: `wisecashier` (the default) or `useepay`.
    fn read(
        src: &Source,
        currency: Currency,
        oauth: &OAuthMode,
    ) -> Result<PaymentConfig, ConfigError> {
        match src.get("PAYMENT_PROVIDER").as_deref().map(str::trim) {
            None | Some("wisecashier") => Ok(PaymentConfig::Wisecashier(GatewayConfig::read(
                src, currency,
            )?)),
            Some("useepay") => Ok(PaymentConfig::UseePay(useepay::read(src, oauth, currency)?)),
            Some(other) => Err(bad(
                "PAYMENT_PROVIDER",
                format!("expected `wisecashier` or `useepay`, got `{other}`"),
            )),
        }
    }

    /// Wisecashier's settings (its OAuth entry and payment container), when it is the one.
    pub fn wisecashier(&self) -> Option<&GatewayConfig> {
        match self {
            PaymentConfig::Wisecashier(g) => Some(g),
            PaymentConfig::UseePay(_) => None,
        }
    }

    /// The timeout of one gateway call.
    pub fn timeout(&self) -> std::time::Duration {
        match self {
            PaymentConfig::Wisecashier(g) => g.timeout,
            PaymentConfig::UseePay(u) => u.timeout,
        }
    }

    /// The longest unpaid-order expiry the gateway's payable window allows, in minutes.
    fn max_expiry_minutes(&self) -> u64 {
        match self {
            PaymentConfig::Wisecashier(_) => 110,
            PaymentConfig::UseePay(_) => crate::ssr::pay::useepay::protocol::MAX_EXPIRATION_MINUTES,
        }
    }
}

/// Every setting. Secrets (the session key, the database URL, which may carry a password,
/// the WeChat app secret, the container secret) are `secrecy` types: `Debug` prints
/// `[REDACTED]`, so the whole configuration can be logged at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub database_url: SecretString,
    pub listen_addr: SocketAddr,
    /// Where buyers reach the shop, e.g. `https://shop.example.com`. Gateway callbacks,
    /// redirects and (inside the payment container) asset URLs are built from it.
    pub public_url: Url,
    pub shop_name: String,
    pub currency: Currency,
    pub session_secret: SecretSlice<u8>,
    pub seed_demo: bool,
    /// Directory with the built site (`pkg/`, assets). cargo-leptos sets `LEPTOS_SITE_ROOT`.
    pub site_root: String,
    /// The hash file cargo-leptos writes next to the server binary in a release build
    /// (`LEPTOS_HASH_FILE_NAME`, default `hash.txt`; see `ssr::assets`).
    pub hash_file: String,
    /// Where the shop keeps uploaded files (`media/` inside).
    pub data_dir: String,
    /// The payment gateway (`PAYMENT_PROVIDER`) and its settings.
    pub payment: PaymentConfig,
    pub orders: OrderConfig,
    pub oauth: OAuthMode,
    pub admin: AdminConfig,
    /// The shop runs behind its own reverse proxy, whose `X-Forwarded-For` can be trusted
    /// (login rate limits per address).
    pub behind_proxy: bool,
    /// Staff may refund an order up to this much in all (in the shop's currency); above it
    /// only the owner may refund. `SHOP_STAFF_REFUND_LIMIT`.
    pub staff_refund_limit: Money,
    /// How the shop recognises requests that came through the gateway's payment container,
    /// the only requests whose query `openid` may bind a buyer.
    pub container: ContainerConfig,
    /// With `behind_proxy`: the proxies (`SHOP_TRUSTED_PROXIES`, CIDR) whose
    /// `X-Forwarded-For` is read; a request from any other peer is its own client. Empty
    /// when not behind a proxy.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// New-order alerts (`SHOP_ALERT_WEBHOOK_URL`, `SHOP_ALERT_FORMAT`).
    pub alerts: AlertConfig,
    /// Development only (`SHOP_DEV_WECHAT_BRIDGE_URL`): a script every page loads that stands
    /// in for WeChat's `WeixinJSBridge` (the sandbox's pay sheet), so `make run` can pay
    /// through UseePay in an ordinary browser. In WeChat the browser provides the bridge;
    /// production refuses the setting.
    pub dev_wechat_bridge: Option<Url>,
    /// Where `/metrics` (Prometheus) is served (`SHOP_METRICS_ADDR`): a listen address of
    /// its own, for the monitoring network only, never the buyers' port. None: no metrics.
    pub metrics_addr: Option<SocketAddr>,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads every setting through `get`, so tests can supply a map instead of the process
    /// environment. Sections are read in a fixed order, so the first problem reported is
    /// always the same one.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let environment = match get("SHOP_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(bad(
                    "SHOP_ENV",
                    format!("expected `development` or `production`, got `{other}`"),
                ))
            }
        };
        let src = Source::new(&get, environment == Environment::Production);

        let database_url = database::read(&src)?;
        let listen_addr = shop::listen_addr(&src)?;
        let public_url = shop::public_url(&src, listen_addr)?;
        let shop_name = src
            .get("SHOP_NAME")
            .unwrap_or_else(|| "好物小店".to_owned());
        let currency = shop::currency(&src)?;
        let session_secret = shop::session_secret(&src)?;
        let seed_demo = src.flag("SHOP_SEED_DEMO", !src.prod)?;
        let site_root = src
            .get("LEPTOS_SITE_ROOT")
            .unwrap_or_else(|| "target/site".to_owned());
        let hash_file = src
            .get("LEPTOS_HASH_FILE_NAME")
            .unwrap_or_else(|| "hash.txt".to_owned());
        let data_dir = src
            .get("SHOP_DATA_DIR")
            .unwrap_or_else(|| "data".to_owned());
        let oauth = OAuthMode::read(&src)?;
        let payment = PaymentConfig::read(&src, currency, &oauth)?;
        let orders = OrderConfig::read(&src, payment.max_expiry_minutes())?;
        let admin = AdminConfig::read(&src)?;
        let (behind_proxy, trusted_proxies) = proxy::read(&src)?;
        let staff_refund_limit = shop::staff_refund_limit(&src, currency)?;
        let container = ContainerConfig::read(&src, &oauth)?;
        let alerts = AlertConfig::read(&src)?;
        let dev_wechat_bridge = match src.get("SHOP_DEV_WECHAT_BRIDGE_URL") {
            Some(_) if src.prod => return Err(bad(
                "SHOP_DEV_WECHAT_BRIDGE_URL",
                "is for development only: in WeChat the browser provides WeixinJSBridge; unset it",
            )),
            Some(raw) => Some(source::parse_base_url("SHOP_DEV_WECHAT_BRIDGE_URL", &raw)?),
            None => None,
        };

        let metrics_addr = match src.get("SHOP_METRICS_ADDR") {
            Some(raw) => Some(raw.parse().map_err(|_| {
                bad(
                    "SHOP_METRICS_ADDR",
                    format!("`{raw}` is not an address like 127.0.0.1:9100"),
                )
            })?),
            None => None,
        };
        if metrics_addr.is_some() && metrics_addr == Some(listen_addr) {
            return Err(bad(
                "SHOP_METRICS_ADDR",
                "must differ from SHOP_LISTEN_ADDR: metrics are not for buyers",
            ));
        }

        Ok(Config {
            environment,
            database_url,
            listen_addr,
            public_url,
            shop_name,
            currency,
            session_secret,
            seed_demo,
            site_root,
            hash_file,
            data_dir,
            payment,
            orders,
            oauth,
            admin,
            behind_proxy,
            staff_refund_limit,
            container,
            trusted_proxies,
            alerts,
            dev_wechat_bridge,
            metrics_addr,
        })
    }

    /// Cookies get `Secure` when buyers reach the shop over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// Where gateways post notifications: `{SHOP_PUBLIC_URL}/api/pay/notify`.
    pub fn notify_url(&self) -> String {
        format!(
            "{}{NOTIFY_PATH}",
            self.public_url.as_str().trim_end_matches('/')
        )
    }

    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}
