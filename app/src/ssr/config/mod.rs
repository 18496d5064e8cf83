//! Typed configuration, read once from the environment at start-up. In production every
//! setting a real merchant must supply is required; a missing or invalid one stops the
//! server with a message naming the variable. One reader per section: the shop itself,
//! the database, the gateway, buyer sign-in (OAuth and the payment container), orders,
//! the back office and the reverse proxy.

mod admin;
mod container;
mod database;
mod oauth;
mod orders;
mod proxy;
mod sandbox;
mod shop;
mod source;
mod wisecashier;

pub use admin::AdminConfig;
pub use container::{ContainerConfig, CONTAINER_PATH};
pub use database::redact_url;
pub use oauth::{OAuthMode, OfficialAccount};
pub use orders::OrderConfig;
pub use sandbox::{
    DEV_CONTAINER_SECRET, SANDBOX_GATEWAY_PUBLIC_KEY, SANDBOX_MERCHANT_PRIVATE_KEY,
    SANDBOX_MERCHANT_PUBLIC_KEY,
};
pub use shop::DEFAULT_STAFF_REFUND_LIMIT;
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
    /// Where the shop keeps uploaded files (`media/` inside).
    pub data_dir: String,
    pub gateway: GatewayConfig,
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
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {setting}: {problem}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub problem: String,
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
        let data_dir = src
            .get("SHOP_DATA_DIR")
            .unwrap_or_else(|| "data".to_owned());
        let gateway = GatewayConfig::read(&src, currency)?;
        let orders = OrderConfig::read(&src)?;
        let oauth = OAuthMode::read(&src)?;
        let admin = AdminConfig::read(&src)?;
        let (behind_proxy, trusted_proxies) = proxy::read(&src)?;
        let staff_refund_limit = shop::staff_refund_limit(&src, currency)?;
        let container = ContainerConfig::read(&src, &oauth)?;

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
            data_dir,
            gateway,
            orders,
            oauth,
            admin,
            behind_proxy,
            staff_refund_limit,
            container,
            trusted_proxies,
        })
    }

    /// Cookies get `Secure` when buyers reach the shop over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

/// The configuration from a list of variables, for tests.
#[cfg(test)]
fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: std::collections::HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

#[cfg(test)]
fn testdata(name: &str) -> String {
    format!("{}/src/ssr/pay/testdata/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[cfg(test)]
fn sandbox_key(name: &str) -> String {
    format!(
        "{}/../server/keys/sandbox/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[cfg(test)]
fn production(private: &str, public: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SHOP_ENV", "production".into()),
        ("DATABASE_URL", "postgres://shop:pw@db/shop".into()),
        ("SHOP_PUBLIC_URL", "https://shop.example.com".into()),
        ("SHOP_SESSION_SECRET", "s".repeat(64)),
        ("GATEWAY_BASE_URL", "https://api.wisecashier.com".into()),
        ("GATEWAY_MERCHANT_NO", "M100001".into()),
        ("SHOP_CURRENCY", "cny".into()),
        ("GATEWAY_PRIVATE_KEY_PATH", private.into()),
        ("GATEWAY_PUBLIC_KEY_PATH", public.into()),
        ("WECHAT_APPSECRET", "app-secret-value".into()),
        ("GATEWAY_CONTAINER_SECRET", "c".repeat(32)),
    ]
}

#[cfg(test)]
fn load_owned(vars: &[(&'static str, String)]) -> Result<Config, ConfigError> {
    let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    load(&borrowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use shop::DEV_SESSION_SECRET;
    use std::time::Duration;

    #[test]
    fn development_defaults_need_no_configuration() {
        let cfg = load(&[]).expect("defaults load");
        assert_eq!(cfg.environment, Environment::Development);
        assert_eq!(
            cfg.database_url.expose_secret(),
            "sqlite://data/shop.db?mode=rwc"
        );
        assert_eq!(cfg.listen_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(cfg.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(cfg.currency, Currency::Hkd);
        assert!(cfg.seed_demo);
        assert_eq!(
            cfg.gateway.oauth_url.as_str(),
            "http://127.0.0.1:3100/mp_pay/oauth"
        );
        assert_eq!(cfg.gateway.container_origin, "http://127.0.0.1:3100");
    }

    #[test]
    fn production_names_each_missing_setting() {
        let err = load(&[("SHOP_ENV", "production")]).expect_err("must fail");
        assert_eq!(err.setting, "SHOP_PUBLIC_URL");

        let err = load(&[
            ("SHOP_ENV", "production"),
            ("SHOP_PUBLIC_URL", "https://shop.example.com"),
        ])
        .expect_err("must fail");
        assert_eq!(err.setting, "SHOP_SESSION_SECRET");

        let err = load(&[
            ("SHOP_ENV", "production"),
            ("SHOP_PUBLIC_URL", "https://shop.example.com"),
            ("SHOP_SESSION_SECRET", &"x".repeat(40)),
        ])
        .expect_err("must fail");
        assert_eq!(err.setting, "GATEWAY_BASE_URL");
    }

    #[test]
    fn production_refuses_plain_http_and_development_secrets() {
        let err = load(&[
            ("SHOP_ENV", "production"),
            ("SHOP_PUBLIC_URL", "http://shop.example.com"),
        ])
        .expect_err("must fail");
        assert_eq!(err.setting, "SHOP_PUBLIC_URL");
        assert!(err.to_string().contains("https"));

        let err = load(&[
            ("SHOP_ENV", "production"),
            ("SHOP_PUBLIC_URL", "https://shop.example.com"),
            ("SHOP_SESSION_SECRET", DEV_SESSION_SECRET),
        ])
        .expect_err("must fail");
        assert_eq!(err.setting, "SHOP_SESSION_SECRET");
    }

    #[test]
    fn a_complete_production_configuration_loads() {
        let cfg = load_owned(&production(
            &testdata("test_private.pem"),
            &testdata("test_public.pem"),
        ))
        .expect("loads");
        assert!(cfg.secure_cookies());
        assert!(!cfg.seed_demo);
        assert_eq!(cfg.currency, Currency::Cny);
        assert_eq!(cfg.orders.expiry, Duration::from_secs(30 * 60));
        let debug = format!("{cfg:?}");
        assert!(!debug.contains(&"s".repeat(64)), "secret leaked: {debug}");
        assert!(!debug.contains(":pw@"), "db password leaked: {debug}");
        assert!(
            !debug.contains("PRIVATE KEY"),
            "private key leaked: {debug}"
        );
    }

    #[test]
    fn invalid_values_name_their_setting() {
        for (key, value) in [
            ("SHOP_ENV", "staging"),
            ("DATABASE_URL", "mysql://x"),
            ("SHOP_LISTEN_ADDR", "localhost"),
            ("SHOP_CURRENCY", "DOGE"),
            ("SHOP_SESSION_SECRET", "short"),
            ("SHOP_SEED_DEMO", "maybe"),
            ("GATEWAY_BASE_URL", "ftp://gateway"),
            ("GATEWAY_WALLET", "moon"),
            ("GATEWAY_IS_RMB", "perhaps"),
            ("GATEWAY_TIMEOUT_SECS", "0"),
            ("GATEWAY_NOTIFY_MAX_AGE_SECS", "30"),
            ("SHOP_ORDER_EXPIRY_MINUTES", "500"),
            ("SHOP_OAUTH", "qq"),
            ("SHOP_STAFF_REFUND_LIMIT", "-5"),
            ("SHOP_STAFF_REFUND_LIMIT", "12.345"),
            ("GATEWAY_CONTAINER_SECRET", "short"),
            (
                "GATEWAY_CONTAINER_SECRET",
                "has spaces in it, which a path cannot",
            ),
            ("GATEWAY_CONTAINER_IPS", "10.0.0.0/33"),
            ("GATEWAY_CONTAINER_IPS", "container.example.com"),
            ("SHOP_MAX_UNPAID_ORDERS", "0"),
            ("ADMIN_LOGIN_LOCK_MINUTES", "0"),
        ] {
            let err = load(&[(key, value)]).expect_err(key);
            assert_eq!(err.setting, key, "{err}");
        }
    }
}
