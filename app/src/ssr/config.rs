//! Typed configuration, read once from the environment at start-up. In production every
//! setting a real merchant must supply is required; a missing or invalid one stops the
//! server with a message naming the variable.

use crate::money::Currency;
use std::net::SocketAddr;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub environment: Environment,
    pub database_url: String,
    pub listen_addr: SocketAddr,
    /// Where buyers reach the shop, e.g. `https://shop.example.com`. Gateway callbacks,
    /// redirects and (inside the payment container) asset URLs are built from it.
    pub public_url: Url,
    pub shop_name: String,
    pub currency: Currency,
    pub session_secret: Vec<u8>,
    pub seed_demo: bool,
    /// Directory with the built site (`pkg/`, assets). cargo-leptos sets `LEPTOS_SITE_ROOT`.
    pub site_root: String,
    pub gateway: GatewayConfig,
}

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
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {setting}: {problem}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub problem: String,
}

fn bad(setting: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        problem: problem.into(),
    }
}

/// Development-only secret, so that `make run` works with no configuration. Production
/// refuses to start without `SHOP_SESSION_SECRET`.
const DEV_SESSION_SECRET: &str = "development-only-session-secret-do-not-use-in-production";
const DEV_MERCHANT_NO: &str = "SANDBOX-MERCHANT-001";
const DEV_GATEWAY_URL: &str = "http://127.0.0.1:3100";

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads every setting through `get`, so tests can supply a map instead of the process
    /// environment.
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
        let prod = environment == Environment::Production;
        let required = |key: &'static str, dev_default: &str| -> Result<String, ConfigError> {
            match get(key) {
                Some(v) => Ok(v),
                None if prod => Err(bad(key, "is required in production")),
                None => Ok(dev_default.to_owned()),
            }
        };

        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/shop.db?mode=rwc".to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "DATABASE_URL",
                "must start with sqlite: or postgres://",
            ));
        }

        let listen_raw = get("SHOP_LISTEN_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let listen_addr: SocketAddr = listen_raw.parse().map_err(|_| {
            bad(
                "SHOP_LISTEN_ADDR",
                format!("`{listen_raw}` is not an address like 127.0.0.1:3000"),
            )
        })?;

        let public_raw = required("SHOP_PUBLIC_URL", &format!("http://{listen_addr}"))?;
        let public_url = parse_base_url("SHOP_PUBLIC_URL", &public_raw)?;
        if prod && public_url.scheme() != "https" {
            return Err(bad(
                "SHOP_PUBLIC_URL",
                "must be an https:// URL in production (WeChat loads payment pages over https only)",
            ));
        }

        let shop_name = get("SHOP_NAME").unwrap_or_else(|| "好物小店".to_owned());
        let currency_raw = get("SHOP_CURRENCY").unwrap_or_else(|| "HKD".to_owned());
        let currency = Currency::from_code(&currency_raw).ok_or_else(|| {
            bad(
                "SHOP_CURRENCY",
                format!("`{currency_raw}` is not a supported currency code"),
            )
        })?;

        let secret = required("SHOP_SESSION_SECRET", DEV_SESSION_SECRET)?;
        if secret.len() < 32 {
            return Err(bad(
                "SHOP_SESSION_SECRET",
                "must be at least 32 characters (try `openssl rand -hex 32`)",
            ));
        }
        if prod && secret == DEV_SESSION_SECRET {
            return Err(bad(
                "SHOP_SESSION_SECRET",
                "is the development secret; set a random one",
            ));
        }

        let seed_demo = match get("SHOP_SEED_DEMO").as_deref() {
            None => !prod,
            Some("1") | Some("true") | Some("yes") => true,
            Some("0") | Some("false") | Some("no") => false,
            Some(other) => {
                return Err(bad(
                    "SHOP_SEED_DEMO",
                    format!("expected true or false, got `{other}`"),
                ))
            }
        };

        let site_root = get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned());

        let gateway_raw = required("GATEWAY_BASE_URL", DEV_GATEWAY_URL)?;
        let base_url = parse_base_url("GATEWAY_BASE_URL", &gateway_raw)?;
        if prod && base_url.scheme() != "https" {
            return Err(bad(
                "GATEWAY_BASE_URL",
                "must be an https:// URL in production",
            ));
        }
        let merchant_no = required("GATEWAY_MERCHANT_NO", DEV_MERCHANT_NO)?;
        if prod && merchant_no == DEV_MERCHANT_NO {
            return Err(bad(
                "GATEWAY_MERCHANT_NO",
                "is the sandbox merchant; set your Wisecashier merchant number",
            ));
        }
        let oauth_url = match get("GATEWAY_OAUTH_URL") {
            Some(raw) => parse_base_url("GATEWAY_OAUTH_URL", &raw)?,
            None => base_url
                .join("mp_pay/oauth")
                .map_err(|e| bad("GATEWAY_BASE_URL", e.to_string()))?,
        };
        let container_origin = match get("GATEWAY_CONTAINER_ORIGIN") {
            Some(raw) => parse_base_url("GATEWAY_CONTAINER_ORIGIN", &raw)?
                .origin()
                .ascii_serialization(),
            None => base_url.origin().ascii_serialization(),
        };

        Ok(Config {
            environment,
            database_url,
            listen_addr,
            public_url,
            shop_name,
            currency,
            session_secret: secret.into_bytes(),
            seed_demo,
            site_root,
            gateway: GatewayConfig {
                base_url,
                merchant_no,
                oauth_url,
                container_origin,
            },
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

impl std::fmt::Debug for Config {
    /// Hand-written so the session secret can never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("database", &redact_url(&self.database_url))
            .field("listen_addr", &self.listen_addr)
            .field("public_url", &self.public_url.as_str())
            .field("shop_name", &self.shop_name)
            .field("currency", &self.currency)
            .field("session_secret", &"<redacted>")
            .field("seed_demo", &self.seed_demo)
            .field("site_root", &self.site_root)
            .field("gateway", &self.gateway)
            .finish()
    }
}

fn parse_base_url(setting: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw).map_err(|e| bad(setting, format!("`{raw}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad(
            setting,
            format!("`{raw}` must be an http(s) URL with a host"),
        ));
    }
    Ok(url)
}

/// A database URL without its password, for logs.
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn development_defaults_need_no_configuration() {
        let cfg = load(&[]).expect("defaults load");
        assert_eq!(cfg.environment, Environment::Development);
        assert_eq!(cfg.database_url, "sqlite://data/shop.db?mode=rwc");
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
        let cfg = load(&[
            ("SHOP_ENV", "production"),
            ("DATABASE_URL", "postgres://shop:pw@db/shop"),
            ("SHOP_PUBLIC_URL", "https://shop.example.com"),
            ("SHOP_SESSION_SECRET", &"s".repeat(64)),
            ("GATEWAY_BASE_URL", "https://api.wisecashier.com"),
            ("GATEWAY_MERCHANT_NO", "M100001"),
            ("SHOP_CURRENCY", "cny"),
        ])
        .expect("loads");
        assert!(cfg.secure_cookies());
        assert!(!cfg.seed_demo);
        assert_eq!(cfg.currency, Currency::Cny);
        let debug = format!("{cfg:?}");
        assert!(!debug.contains(&"s".repeat(64)), "secret leaked: {debug}");
        assert!(!debug.contains(":pw@"), "db password leaked: {debug}");
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
        ] {
            let err = load(&[(key, value)]).expect_err(key);
            assert_eq!(err.setting, key, "{err}");
        }
    }
}
