//! Typed configuration, read once from the environment at start-up. In production every
//! setting a real merchant must supply is required; a missing or invalid one stops the
//! server with a message naming the variable.

use super::pay::signing::{PrivateKey, PublicKey};
use super::pay::wisecashier::Wallet;
use crate::money::Currency;
use std::net::SocketAddr;
use std::time::Duration;
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
    pub staff_refund_limit: crate::money::Money,
    /// How the shop recognises requests that came through the gateway's payment container,
    /// the only requests whose query `openid` may bind a buyer.
    pub container: ContainerConfig,
    /// With `behind_proxy`: the proxies (`SHOP_TRUSTED_PROXIES`, CIDR) whose
    /// `X-Forwarded-For` is read; a request from any other peer is its own client. Empty
    /// when not behind a proxy.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// The payment container (seed 000) is a reverse proxy that appends the buyer's `openid` to
/// the merchant page it fetches. A query `openid` proves something only on a request that
/// provably came from it: one under the secret path of the page URL the merchant registered
/// with the gateway (`{SHOP_PUBLIC_URL}/wc/{secret}/`), which buyers never see, or one from
/// an allow-listed container address.
#[derive(Clone, Default)]
pub struct ContainerConfig {
    /// `GATEWAY_CONTAINER_SECRET`: the secret path segment. Never logged.
    pub secret: Option<String>,
    /// `GATEWAY_CONTAINER_IPS`: the container's source addresses (CIDRs).
    pub ips: Vec<ipnet::IpNet>,
}

/// The path prefix of the page URL registered with the gateway: `/wc/{secret}`.
pub const CONTAINER_PATH: &str = "/wc/";

impl ContainerConfig {
    /// Whether `given` is the registered secret (compared in constant time).
    pub fn secret_matches(&self, given: &str) -> bool {
        let Some(secret) = &self.secret else {
            return false;
        };
        let (a, b) = (secret.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    pub fn allows_ip(&self, ip: std::net::IpAddr) -> bool {
        self.ips.iter().any(|net| net.contains(&ip))
    }
}

impl std::fmt::Debug for ContainerConfig {
    /// Hand-written: the secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerConfig")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("ips", &self.ips)
            .finish()
    }
}

/// Admin session lifetimes.
#[derive(Debug, Clone)]
pub struct AdminConfig {
    /// Signed out after this long without a request.
    pub idle: Duration,
    /// Signed out after this long, however active.
    pub absolute: Duration,
    /// The first lock after too many sign-in attempts (`ADMIN_LOGIN_LOCK_MINUTES`); each
    /// further lock within a day doubles.
    pub login_lock: Duration,
}

impl AdminConfig {
    pub fn idle_ms(&self) -> i64 {
        i64::try_from(self.idle.as_millis()).unwrap_or(i64::MAX)
    }
    pub fn absolute_ms(&self) -> i64 {
        i64::try_from(self.absolute.as_millis()).unwrap_or(i64::MAX)
    }
    pub fn login_lock_ms(&self) -> i64 {
        i64::try_from(self.login_lock.as_millis()).unwrap_or(i64::MAX)
    }
}

/// Order timing.
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
}

/// How a buyer without a session gets an openid.
#[derive(Clone)]
pub enum OAuthMode {
    /// The gateway's payment container (seed 000): `{gateway}/mp_pay/oauth`.
    Gateway,
    /// The merchant's own official account (seed 002): WeChat `snsapi_base`.
    OfficialAccount(Box<OfficialAccount>),
}

#[derive(Clone)]
pub struct OfficialAccount {
    pub appid: String,
    pub secret: String,
    /// `https://open.weixin.qq.com` (the sandbox in development).
    pub authorize_base: Url,
    /// `https://api.weixin.qq.com` (the sandbox in development).
    pub api_base: Url,
}

impl std::fmt::Debug for OAuthMode {
    /// Hand-written: the app secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OAuthMode::Gateway => f.write_str("Gateway"),
            OAuthMode::OfficialAccount(oa) => f
                .debug_struct("OfficialAccount")
                .field("appid", &oa.appid)
                .field("secret", &"<redacted>")
                .field("authorize_base", &oa.authorize_base.as_str())
                .field("api_base", &oa.api_base.as_str())
                .finish(),
        }
    }
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

/// The sandbox's key pairs, committed for development and tests only. Production refuses
/// to start with them.
pub const SANDBOX_MERCHANT_PRIVATE_KEY: &str =
    include_str!("../../../keys/sandbox/merchant_private.pem");
pub const SANDBOX_MERCHANT_PUBLIC_KEY: &str =
    include_str!("../../../keys/sandbox/merchant_public.pem");
pub const SANDBOX_GATEWAY_PUBLIC_KEY: &str =
    include_str!("../../../keys/sandbox/gateway_public.pem");

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
/// Development-only container secret, so that `make run` and the sandbox work with no
/// configuration (`scripts/run.sh` registers `{shop}/wc/{this}/` with the sandbox).
/// Production refuses it.
pub const DEV_CONTAINER_SECRET: &str = "sandbox-container-development-only";

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

        let seed_demo = parse_flag(&get, "SHOP_SEED_DEMO", !prod)?;

        let site_root = get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned());
        let data_dir = get("SHOP_DATA_DIR").unwrap_or_else(|| "data".to_owned());

        let gateway_raw = required("GATEWAY_BASE_URL", DEV_GATEWAY_URL)?;
        let base_url = parse_base_url("GATEWAY_BASE_URL", &gateway_raw)?;
        if prod && base_url.scheme() != "https" {
            return Err(bad(
                "GATEWAY_BASE_URL",
                "must be an https:// URL in production",
            ));
        }
        // The committed sandbox credentials are for a gateway on this machine only: anywhere
        // else (and always in production) they are refused, whatever SHOP_ENV says.
        let sandbox_allowed = !prod && is_loopback(&base_url);
        let not_here = if prod {
            " in production".to_owned()
        } else {
            format!(
                " when GATEWAY_BASE_URL (`{}`) is not on this machine",
                base_url.host_str().unwrap_or_default()
            )
        };
        let merchant_no = required("GATEWAY_MERCHANT_NO", DEV_MERCHANT_NO)?;
        if !sandbox_allowed && merchant_no == DEV_MERCHANT_NO {
            return Err(bad(
                "GATEWAY_MERCHANT_NO",
                format!("is the sandbox merchant, refused{not_here}; set your Wisecashier merchant number"),
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

        let private_key = match get("GATEWAY_PRIVATE_KEY_PATH") {
            Some(path) => PrivateKey::from_pem_file(&path)
                .map_err(|e| bad("GATEWAY_PRIVATE_KEY_PATH", e.to_string()))?,
            None if !sandbox_allowed => {
                return Err(bad(
                    "GATEWAY_PRIVATE_KEY_PATH",
                    format!("is required{not_here}: the PEM file of your RSA private key"),
                ))
            }
            None => PrivateKey::from_pem(SANDBOX_MERCHANT_PRIVATE_KEY.as_bytes())
                .map_err(|e| bad("GATEWAY_PRIVATE_KEY_PATH", e.to_string()))?,
        };
        let public_key = match get("GATEWAY_PUBLIC_KEY_PATH") {
            Some(path) => PublicKey::from_pem_file(&path)
                .map_err(|e| bad("GATEWAY_PUBLIC_KEY_PATH", e.to_string()))?,
            None if !sandbox_allowed => {
                return Err(bad(
                    "GATEWAY_PUBLIC_KEY_PATH",
                    format!("is required{not_here}: the PEM file of Wisecashier's public key"),
                ))
            }
            None => PublicKey::from_pem(SANDBOX_GATEWAY_PUBLIC_KEY.as_bytes())
                .map_err(|e| bad("GATEWAY_PUBLIC_KEY_PATH", e.to_string()))?,
        };
        if !sandbox_allowed {
            let sandbox_merchant = PublicKey::from_pem(SANDBOX_MERCHANT_PUBLIC_KEY.as_bytes()).ok();
            if sandbox_merchant.as_ref() == Some(&private_key.public_key()) {
                return Err(bad(
                    "GATEWAY_PRIVATE_KEY_PATH",
                    format!("is the sandbox key, refused{not_here}; generate your own key pair"),
                ));
            }
            let sandbox_gateway = PublicKey::from_pem(SANDBOX_GATEWAY_PUBLIC_KEY.as_bytes()).ok();
            if sandbox_gateway.as_ref() == Some(&public_key) {
                return Err(bad(
                    "GATEWAY_PUBLIC_KEY_PATH",
                    format!("is the sandbox gateway's key, refused{not_here}; use the key Wisecashier gave you"),
                ));
            }
        }
        let is_rmb = parse_flag(&get, "GATEWAY_IS_RMB", false)?;
        if is_rmb && currency != Currency::Cny {
            return Err(bad(
                "GATEWAY_IS_RMB",
                format!(
                    "is true (prices in CNY) but SHOP_CURRENCY is {}; set SHOP_CURRENCY=CNY or GATEWAY_IS_RMB=false",
                    currency.code()
                ),
            ));
        }
        let wallet = match get("GATEWAY_WALLET") {
            None => Wallet::Mainland,
            Some(raw) => Wallet::parse(&raw).ok_or_else(|| {
                bad(
                    "GATEWAY_WALLET",
                    format!("expected `mainland` or `hk`, got `{raw}`"),
                )
            })?,
        };
        let timeout = Duration::from_secs(parse_number(&get, "GATEWAY_TIMEOUT_SECS", 15, 1..=120)?);
        let notify_max_age = Duration::from_secs(parse_number(
            &get,
            "GATEWAY_NOTIFY_MAX_AGE_SECS",
            4200,
            60..=86_400,
        )?);

        // WeChat keeps a prepay order for two hours at most.
        let expiry = duration(&get, "SHOP_ORDER_EXPIRY_MINUTES", 60, 30, 1..=110)?;
        let orders = OrderConfig {
            expiry,
            check_after: Duration::from_secs(parse_number(
                &get,
                "SHOP_PAYMENT_CHECK_AFTER_SECS",
                60,
                1..=3600,
            )?),
            job_interval: Duration::from_secs(parse_number(
                &get,
                "SHOP_SETTLE_INTERVAL_SECS",
                5,
                1..=600,
            )?),
            max_unpaid: i64::try_from(parse_number(&get, "SHOP_MAX_UNPAID_ORDERS", 3, 1..=50)?)
                .unwrap_or(3),
        };

        let oauth = match get("SHOP_OAUTH").as_deref() {
            None | Some("gateway") => OAuthMode::Gateway,
            Some("official_account") => {
                let appid = get("WECHAT_APPID").ok_or_else(|| {
                    bad(
                        "WECHAT_APPID",
                        "is required when SHOP_OAUTH=official_account",
                    )
                })?;
                let secret = get("WECHAT_APPSECRET").ok_or_else(|| {
                    bad(
                        "WECHAT_APPSECRET",
                        "is required when SHOP_OAUTH=official_account",
                    )
                })?;
                let authorize_raw = get("WECHAT_OAUTH_BASE").unwrap_or_else(|| {
                    if prod {
                        "https://open.weixin.qq.com".to_owned()
                    } else {
                        DEV_GATEWAY_URL.to_owned()
                    }
                });
                let api_raw = get("WECHAT_API_BASE").unwrap_or_else(|| {
                    if prod {
                        "https://api.weixin.qq.com".to_owned()
                    } else {
                        DEV_GATEWAY_URL.to_owned()
                    }
                });
                OAuthMode::OfficialAccount(Box::new(OfficialAccount {
                    appid,
                    secret,
                    authorize_base: parse_base_url("WECHAT_OAUTH_BASE", &authorize_raw)?,
                    api_base: parse_base_url("WECHAT_API_BASE", &api_raw)?,
                }))
            }
            Some(other) => {
                return Err(bad(
                    "SHOP_OAUTH",
                    format!("expected `gateway` or `official_account`, got `{other}`"),
                ))
            }
        };

        let admin = AdminConfig {
            idle: duration(&get, "ADMIN_IDLE_MINUTES", 60, 30, 1..=1440)?,
            absolute: duration(&get, "ADMIN_SESSION_HOURS", 3600, 12, 1..=168)?,
            login_lock: duration(&get, "ADMIN_LOGIN_LOCK_MINUTES", 60, 15, 1..=1440)?,
        };
        let behind_proxy = parse_flag(&get, "SHOP_BEHIND_PROXY", false)?;
        let staff_refund_limit = staff_refund_limit(&get, currency)?;
        let container = container_config(&get, prod, &oauth)?;
        let trusted_proxies = match (behind_proxy, get("SHOP_TRUSTED_PROXIES")) {
            (false, None) => Vec::new(),
            (false, Some(_)) => {
                return Err(bad(
                    "SHOP_TRUSTED_PROXIES",
                    "has no effect without SHOP_BEHIND_PROXY=true; set both or neither",
                ))
            }
            // The usual set-up: the reverse proxy on the same machine.
            (true, None) => super::net::parse_cidrs("127.0.0.0/8, ::1/128")
                .map_err(|e| bad("SHOP_TRUSTED_PROXIES", e))?,
            (true, Some(raw)) => {
                super::net::parse_cidrs(&raw).map_err(|e| bad("SHOP_TRUSTED_PROXIES", e))?
            }
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
            data_dir,
            gateway: GatewayConfig {
                base_url,
                merchant_no,
                oauth_url,
                container_origin,
                private_key,
                public_key,
                is_rmb,
                wallet,
                timeout,
                notify_max_age,
            },
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
            .field("data_dir", &self.data_dir)
            .field("gateway", &self.gateway)
            .field("orders", &self.orders)
            .field("oauth", &self.oauth)
            .field("admin", &self.admin)
            .field("behind_proxy", &self.behind_proxy)
            .field("staff_refund_limit", &self.staff_refund_limit)
            .field("container", &self.container)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

/// `GATEWAY_CONTAINER_SECRET` and `GATEWAY_CONTAINER_IPS`. In production with the gateway's
/// OAuth, at least one of them is required: without either, no buyer could ever be bound.
fn container_config(
    get: &impl Fn(&str) -> Option<String>,
    prod: bool,
    oauth: &OAuthMode,
) -> Result<ContainerConfig, ConfigError> {
    let secret = match get("GATEWAY_CONTAINER_SECRET") {
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
            if prod && raw == DEV_CONTAINER_SECRET {
                return Err(bad(
                    "GATEWAY_CONTAINER_SECRET",
                    "is the development secret; set a random one and register the new page URL with the gateway",
                ));
            }
            Some(raw)
        }
        None if prod => None,
        None => Some(DEV_CONTAINER_SECRET.to_owned()),
    };
    let mut ips = Vec::new();
    for part in get("GATEWAY_CONTAINER_IPS")
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
    if prod && matches!(oauth, OAuthMode::Gateway) && secret.is_none() && ips.is_empty() {
        return Err(bad(
            "GATEWAY_CONTAINER_SECRET",
            "is required in production (or GATEWAY_CONTAINER_IPS): register {SHOP_PUBLIC_URL}/wc/{secret}/ as your page URL with the gateway",
        ));
    }
    Ok(ContainerConfig { secret, ips })
}

fn parse_flag(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(key).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes") => Ok(true),
        Some("0" | "false" | "no") => Ok(false),
        Some(other) => Err(bad(key, format!("expected true or false, got `{other}`"))),
    }
}

/// A duration set in whole `unit_secs` units with `key` (`…_MINUTES`, `…_HOURS`), or, for
/// tests, in seconds with the same name ending `_SECS` instead, which wins.
fn duration(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    unit_secs: u64,
    default_units: u64,
    units: std::ops::RangeInclusive<u64>,
) -> Result<Duration, ConfigError> {
    let secs_key = match key.rsplit_once('_') {
        Some((stem, _)) => format!("{stem}_SECS"),
        None => format!("{key}_SECS"),
    };
    if let Some(raw) = get(&secs_key) {
        let max = units.end() * unit_secs;
        return match raw.trim().parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Duration::from_secs(n)),
            _ => Err(bad(
                key,
                format!("{secs_key} must be a whole number from 1 to {max}, got `{raw}`"),
            )),
        };
    }
    Ok(Duration::from_secs(
        unit_secs * parse_number(get, key, default_units, units)?,
    ))
}

/// Staff refund up to this much per order without the owner (default 500 in the shop's
/// currency's major unit; `0` leaves every refund to the owner).
pub const DEFAULT_STAFF_REFUND_LIMIT: i64 = 500;

fn staff_refund_limit(
    get: &impl Fn(&str) -> Option<String>,
    currency: Currency,
) -> Result<crate::money::Money, ConfigError> {
    use crate::money::Money;
    const KEY: &str = "SHOP_STAFF_REFUND_LIMIT";
    match get(KEY) {
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

fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let Some(raw) = get(key) else {
        return Ok(default);
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(bad(
            key,
            format!(
                "expected a whole number from {} to {}, got `{raw}`",
                range.start(),
                range.end()
            ),
        )),
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

    fn testdata(name: &str) -> String {
        format!("{}/src/ssr/pay/testdata/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    fn sandbox_key(name: &str) -> String {
        format!("{}/../keys/sandbox/{name}", env!("CARGO_MANIFEST_DIR"))
    }

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

    fn load_owned(vars: &[(&'static str, String)]) -> Result<Config, ConfigError> {
        let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        load(&borrowed)
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
    fn production_refuses_sandbox_keys_and_missing_keys() {
        let err = load_owned(&production(
            &sandbox_key("merchant_private.pem"),
            &testdata("test_public.pem"),
        ))
        .expect_err("sandbox merchant key");
        assert_eq!(err.setting, "GATEWAY_PRIVATE_KEY_PATH");
        let err = load_owned(&production(
            &testdata("test_private.pem"),
            &sandbox_key("gateway_public.pem"),
        ))
        .expect_err("sandbox gateway key");
        assert_eq!(err.setting, "GATEWAY_PUBLIC_KEY_PATH");
        let err = load_owned(&production(
            "/nonexistent.pem",
            &testdata("test_public.pem"),
        ))
        .expect_err("missing file");
        assert_eq!(err.setting, "GATEWAY_PRIVATE_KEY_PATH");
        let mut vars = production(&testdata("test_private.pem"), &testdata("test_public.pem"));
        vars.retain(|(k, _)| *k != "GATEWAY_PUBLIC_KEY_PATH");
        assert_eq!(
            load_owned(&vars).expect_err("no key").setting,
            "GATEWAY_PUBLIC_KEY_PATH"
        );
    }

    #[test]
    fn official_account_mode_needs_its_secret_and_hides_it() {
        let err = load(&[("SHOP_OAUTH", "official_account"), ("WECHAT_APPID", "wx1")])
            .expect_err("no secret");
        assert_eq!(err.setting, "WECHAT_APPSECRET");
        let cfg = load(&[
            ("SHOP_OAUTH", "official_account"),
            ("WECHAT_APPID", "wx1"),
            ("WECHAT_APPSECRET", "app-secret-value"),
        ])
        .expect("loads");
        assert!(matches!(cfg.oauth, OAuthMode::OfficialAccount(_)));
        assert!(!format!("{cfg:?}").contains("app-secret-value"));
    }

    #[test]
    fn the_staff_refund_limit_is_an_amount_in_the_shops_currency() {
        use crate::money::Money;
        let cfg = load(&[]).expect("defaults");
        assert_eq!(cfg.staff_refund_limit, Money::new(50_000, Currency::Hkd));
        let cfg = load(&[("SHOP_CURRENCY", "JPY")]).expect("yen");
        assert_eq!(cfg.staff_refund_limit, Money::new(500, Currency::Jpy));
        let cfg = load(&[("SHOP_STAFF_REFUND_LIMIT", "120.50")]).expect("set");
        assert_eq!(cfg.staff_refund_limit, Money::new(12_050, Currency::Hkd));
        let cfg = load(&[("SHOP_STAFF_REFUND_LIMIT", "0")]).expect("owner only");
        assert_eq!(cfg.staff_refund_limit.minor, 0);
    }

    #[test]
    fn production_needs_a_way_to_recognise_the_container() {
        let mut vars = production(&testdata("test_private.pem"), &testdata("test_public.pem"));
        vars.retain(|(k, _)| *k != "GATEWAY_CONTAINER_SECRET");
        let err = load_owned(&vars).expect_err("neither secret nor addresses");
        assert_eq!(err.setting, "GATEWAY_CONTAINER_SECRET");

        let mut with_ips = vars.clone();
        with_ips.push((
            "GATEWAY_CONTAINER_IPS",
            "203.0.113.0/24, 198.51.100.7".into(),
        ));
        let cfg = load_owned(&with_ips).expect("addresses alone are enough");
        assert!(cfg.container.secret.is_none());
        assert!(cfg.container.allows_ip("203.0.113.9".parse().expect("ip")));
        assert!(cfg.container.allows_ip("198.51.100.7".parse().expect("ip")));
        assert!(!cfg.container.allows_ip("198.51.100.8".parse().expect("ip")));

        let mut dev_secret = vars.clone();
        dev_secret.push(("GATEWAY_CONTAINER_SECRET", DEV_CONTAINER_SECRET.into()));
        let err = load_owned(&dev_secret).expect_err("the development secret");
        assert_eq!(err.setting, "GATEWAY_CONTAINER_SECRET");

        // The official-account mode binds buyers by the code exchange only: no container.
        let mut oa = vars.clone();
        oa.push(("SHOP_OAUTH", "official_account".into()));
        oa.push(("WECHAT_APPID", "wx1".into()));
        assert!(load_owned(&oa).is_ok());
    }

    #[test]
    fn the_container_secret_is_compared_exactly_and_never_printed() {
        let cfg = load(&[("GATEWAY_CONTAINER_SECRET", "0123456789abcdef01234567")]).expect("loads");
        assert!(cfg.container.secret_matches("0123456789abcdef01234567"));
        assert!(!cfg.container.secret_matches("0123456789abcdef0123456"));
        assert!(!cfg.container.secret_matches("0123456789abcdef012345678"));
        assert!(!cfg.container.secret_matches(""));
        assert!(!format!("{cfg:?}").contains("0123456789abcdef01234567"));
        // Development works out of the box with the sandbox's registered URL.
        let dev = load(&[]).expect("defaults");
        assert!(dev.container.secret_matches(DEV_CONTAINER_SECRET));
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

    #[test]
    fn sandbox_credentials_are_refused_for_a_gateway_elsewhere_whatever_shop_env_says() {
        // Development, but a real gateway: the sandbox merchant number is refused…
        let remote = [("GATEWAY_BASE_URL", "https://api.wisecashier.com")];
        let err = load(&remote).expect_err("sandbox merchant");
        assert_eq!(err.setting, "GATEWAY_MERCHANT_NO");
        assert!(err.problem.contains("api.wisecashier.com"), "{err}");
        let err = load(&[
            ("GATEWAY_BASE_URL", "http://10.1.2.3:3100"),
            ("GATEWAY_MERCHANT_NO", DEV_MERCHANT_NO),
        ])
        .expect_err("sandbox merchant, explicitly");
        assert_eq!(err.setting, "GATEWAY_MERCHANT_NO");
        // …and so are the committed keys, by default or named.
        let real_merchant = ("GATEWAY_MERCHANT_NO", "M100001");
        let err = load(&[remote[0], real_merchant]).expect_err("default keys");
        assert_eq!(err.setting, "GATEWAY_PRIVATE_KEY_PATH");
        let (own_private, own_public) = (testdata("test_private.pem"), testdata("test_public.pem"));
        let (sandbox_private, sandbox_public) = (
            sandbox_key("merchant_private.pem"),
            sandbox_key("gateway_public.pem"),
        );
        let err = load(&[
            remote[0],
            real_merchant,
            ("GATEWAY_PRIVATE_KEY_PATH", sandbox_private.as_str()),
            ("GATEWAY_PUBLIC_KEY_PATH", own_public.as_str()),
        ])
        .expect_err("sandbox private key");
        assert_eq!(err.setting, "GATEWAY_PRIVATE_KEY_PATH");
        let err = load(&[
            remote[0],
            real_merchant,
            ("GATEWAY_PRIVATE_KEY_PATH", own_private.as_str()),
        ])
        .expect_err("default gateway key");
        assert_eq!(err.setting, "GATEWAY_PUBLIC_KEY_PATH");
        let err = load(&[
            remote[0],
            real_merchant,
            ("GATEWAY_PRIVATE_KEY_PATH", own_private.as_str()),
            ("GATEWAY_PUBLIC_KEY_PATH", sandbox_public.as_str()),
        ])
        .expect_err("sandbox gateway key");
        assert_eq!(err.setting, "GATEWAY_PUBLIC_KEY_PATH");
        load(&[
            remote[0],
            real_merchant,
            ("GATEWAY_PRIVATE_KEY_PATH", own_private.as_str()),
            ("GATEWAY_PUBLIC_KEY_PATH", own_public.as_str()),
        ])
        .expect("own credentials load in development");
        // The sandbox on this machine keeps working with no configuration.
        for local in [
            "http://127.0.0.1:3100",
            "http://127.0.0.2:3100",
            "http://localhost:3100",
            "http://[::1]:3100",
        ] {
            let cfg = load(&[("GATEWAY_BASE_URL", local)]).expect(local);
            assert_eq!(cfg.gateway.merchant_no, DEV_MERCHANT_NO);
        }
        assert!(load(&[("GATEWAY_BASE_URL", "http://localhost.example.com")]).is_err());
    }

    #[test]
    fn is_rmb_needs_prices_in_cny() {
        let err = load(&[("GATEWAY_IS_RMB", "true")]).expect_err("HKD by default");
        assert_eq!(err.setting, "GATEWAY_IS_RMB");
        assert!(err.problem.contains("HKD"), "{err}");
        let err = load(&[("GATEWAY_IS_RMB", "true"), ("SHOP_CURRENCY", "USD")]).expect_err("USD");
        assert_eq!(err.setting, "GATEWAY_IS_RMB");
        let cfg = load(&[("GATEWAY_IS_RMB", "true"), ("SHOP_CURRENCY", "CNY")]).expect("CNY");
        assert!(cfg.gateway.is_rmb);
        assert!(
            !load(&[("SHOP_CURRENCY", "CNY")])
                .expect("CNY")
                .gateway
                .is_rmb
        );
    }

    #[test]
    fn trusted_proxies_are_read_only_behind_a_proxy() {
        let cfg = load(&[]).expect("defaults");
        assert!(!cfg.behind_proxy && cfg.trusted_proxies.is_empty());
        let cfg = load(&[("SHOP_BEHIND_PROXY", "true")]).expect("behind a local proxy");
        let loopback = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        assert!(super::super::net::in_any(
            loopback("127.0.0.1"),
            &cfg.trusted_proxies
        ));
        assert!(super::super::net::in_any(
            loopback("::1"),
            &cfg.trusted_proxies
        ));
        assert!(!super::super::net::in_any(
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

    #[test]
    fn unpaid_orders_and_login_locks_have_safe_defaults() {
        let cfg = load(&[]).expect("defaults");
        assert_eq!(cfg.orders.max_unpaid, 3);
        assert_eq!(cfg.admin.login_lock, Duration::from_secs(15 * 60));
        let cfg = load(&[
            ("SHOP_MAX_UNPAID_ORDERS", "5"),
            ("ADMIN_LOGIN_LOCK_SECS", "2"),
        ])
        .expect("set");
        assert_eq!(cfg.orders.max_unpaid, 5);
        assert_eq!(cfg.admin.login_lock_ms(), 2000);
    }
}
