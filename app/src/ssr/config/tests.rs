//! The configuration as a whole, read from lists of variables: defaults, production's
//! requirements, and each section's rules.

use super::sandbox::DEV_MERCHANT_NO;
use super::shop::DEV_SESSION_SECRET;
use super::*;
use crate::money::{Currency, Money};
use secrecy::ExposeSecret;
use std::time::Duration;

/// The configuration from a list of variables, for tests.
fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: std::collections::HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Config::from_lookup(|k| map.get(k).cloned())
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

/// Wisecashier's settings, the default gateway.
fn wc(cfg: &Config) -> &GatewayConfig {
    cfg.payment
        .wisecashier()
        .expect("Wisecashier is the default gateway")
}

fn load_owned(vars: &[(&'static str, String)]) -> Result<Config, ConfigError> {
    let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    load(&borrowed)
}

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
        wc(&cfg).oauth_url.as_str(),
        "http://127.0.0.1:3100/mp_pay/oauth"
    );
    assert_eq!(wc(&cfg).container_origin, "http://127.0.0.1:3100");
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

#[test]
fn the_staff_refund_limit_is_an_amount_in_the_shops_currency() {
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
        assert_eq!(wc(&cfg).merchant_no, DEV_MERCHANT_NO);
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
    assert!(wc(&cfg).is_rmb);
    assert!(!wc(&load(&[("SHOP_CURRENCY", "CNY")]).expect("CNY")).is_rmb);
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
fn trusted_proxies_are_read_only_behind_a_proxy() {
    let cfg = load(&[]).expect("defaults");
    assert!(!cfg.behind_proxy && cfg.trusted_proxies.is_empty());
    let cfg = load(&[("SHOP_BEHIND_PROXY", "true")]).expect("behind a local proxy");
    let loopback = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
    assert!(crate::ssr::web::address::in_any(
        loopback("127.0.0.1"),
        &cfg.trusted_proxies
    ));
    assert!(crate::ssr::web::address::in_any(
        loopback("::1"),
        &cfg.trusted_proxies
    ));
    assert!(!crate::ssr::web::address::in_any(
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

/// The settings of a shop selling through UseePay in its own official account.
const USEEPAY_DEV: [(&str, &str); 4] = [
    ("PAYMENT_PROVIDER", "useepay"),
    ("SHOP_OAUTH", "official_account"),
    ("WECHAT_APPID", "wx_sandbox_appid"),
    ("WECHAT_APPSECRET", "sandbox-official-account-secret"),
];

fn useepay(cfg: &Config) -> &crate::ssr::pay::useepay::UseePayConfig {
    match &cfg.payment {
        PaymentConfig::UseePay(u) => u,
        PaymentConfig::Wisecashier(_) => panic!("expected UseePay"),
    }
}

#[test]
fn useepay_works_in_development_with_the_sandbox_and_needs_the_official_account() {
    let cfg = load(&USEEPAY_DEV).expect("UseePay in development");
    let u = useepay(&cfg);
    assert_eq!(u.base_url.as_str(), "http://127.0.0.1:3100/useepay/");
    assert_eq!(u.merchant_no, DEV_USEEPAY_MERCHANT_NO);
    assert_eq!(u.app_id, DEV_USEEPAY_APP_ID);
    assert_eq!(u.wechat_appid, "wx_sandbox_appid");
    assert_eq!(
        u.signer.sign_type(),
        crate::ssr::pay::useepay::protocol::SignType::Rsa
    );
    // UseePay's payable window is 20 minutes at most: so is the shop's expiry.
    assert_eq!(cfg.orders.expiry, Duration::from_secs(20 * 60));
    assert!(cfg.payment.wisecashier().is_none());
    // A base without a trailing slash still calls `{base}/api`.
    let mut vars = USEEPAY_DEV.to_vec();
    vars.push(("USEEPAY_BASE_URL", "http://127.0.0.1:3100/useepay"));
    let cfg = load(&vars).expect("no slash");
    assert_eq!(
        useepay(&cfg).base_url.as_str(),
        "http://127.0.0.1:3100/useepay/"
    );

    let err = load(&[("PAYMENT_PROVIDER", "useepay")]).expect_err("gateway OAuth");
    assert_eq!(err.setting, "SHOP_OAUTH");
    let err = load(&[("PAYMENT_PROVIDER", "alipay")]).expect_err("unknown");
    assert_eq!(err.setting, "PAYMENT_PROVIDER");
    let mut long = USEEPAY_DEV.to_vec();
    long.push(("SHOP_ORDER_EXPIRY_MINUTES", "30"));
    let err = load(&long).expect_err("longer than UseePay's window");
    assert_eq!(err.setting, "SHOP_ORDER_EXPIRY_MINUTES");
    let mut md5 = USEEPAY_DEV.to_vec();
    md5.push(("USEEPAY_SIGN_TYPE", "md5"));
    let cfg = load(&md5).expect("MD5 with the sandbox key");
    assert_eq!(
        useepay(&cfg).signer.sign_type(),
        crate::ssr::pay::useepay::protocol::SignType::Md5
    );
    let debug = format!("{cfg:?}");
    assert!(
        !debug.contains(SANDBOX_USEEPAY_MD5_KEY),
        "MD5 key leaked: {debug}"
    );
    let mut yen = USEEPAY_DEV.to_vec();
    yen.push(("SHOP_CURRENCY", "JPY"));
    assert_eq!(load(&yen).expect_err("JPY").setting, "SHOP_CURRENCY");
    let mut bad = USEEPAY_DEV.to_vec();
    bad.push(("USEEPAY_SIGN_TYPE", "SHA1"));
    assert_eq!(load(&bad).expect_err("SHA1").setting, "USEEPAY_SIGN_TYPE");
}

#[test]
fn useepay_in_production_refuses_sandbox_credentials_and_plain_http() {
    let base = |extra: &[(&'static str, String)]| {
        let mut vars: Vec<(&'static str, String)> = vec![
            ("SHOP_ENV", "production".into()),
            ("DATABASE_URL", "postgres://shop:pw@db/shop".into()),
            ("SHOP_PUBLIC_URL", "https://shop.example.com".into()),
            ("SHOP_SESSION_SECRET", "s".repeat(64)),
            ("PAYMENT_PROVIDER", "useepay".into()),
            ("SHOP_OAUTH", "official_account".into()),
            ("WECHAT_APPID", "wx2421b1c4370ec43b".into()),
            ("WECHAT_APPSECRET", "app-secret-value".into()),
            ("USEEPAY_BASE_URL", "https://pay-gateway.useepay.com".into()),
            ("USEEPAY_MERCHANT_NO", "500000000000001".into()),
            ("USEEPAY_APP_ID", "shop.example.com".into()),
            ("USEEPAY_PRIVATE_KEY_PATH", testdata("test_private.pem")),
            ("USEEPAY_PUBLIC_KEY_PATH", testdata("test_public.pem")),
        ];
        for (k, v) in extra {
            vars.retain(|(key, _)| key != k);
            vars.push((k, v.clone()));
        }
        load_owned(&vars)
    };
    let cfg = base(&[]).expect("a complete UseePay production configuration");
    assert_eq!(useepay(&cfg).merchant_no, "500000000000001");
    for (key, value) in [
        (
            "USEEPAY_BASE_URL",
            "http://pay-gateway.useepay.com".to_owned(),
        ),
        ("USEEPAY_MERCHANT_NO", DEV_USEEPAY_MERCHANT_NO.to_owned()),
        ("USEEPAY_MERCHANT_NO", "12345678901234567".to_owned()),
        ("USEEPAY_APP_ID", DEV_USEEPAY_APP_ID.to_owned()),
        (
            "USEEPAY_PRIVATE_KEY_PATH",
            sandbox_key("merchant_private.pem"),
        ),
        ("USEEPAY_PUBLIC_KEY_PATH", sandbox_key("gateway_public.pem")),
    ] {
        let err = base(&[(key, value.clone())]).expect_err(&value);
        assert_eq!(err.setting, key, "{value}: {err}");
    }
    let err = base(&[("USEEPAY_SIGN_TYPE", "MD5".into())]).expect_err("no MD5 key");
    assert_eq!(err.setting, "USEEPAY_MD5_KEY");
    let err = base(&[
        ("USEEPAY_SIGN_TYPE", "MD5".into()),
        ("USEEPAY_MD5_KEY", SANDBOX_USEEPAY_MD5_KEY.into()),
    ])
    .expect_err("sandbox MD5 key");
    assert_eq!(err.setting, "USEEPAY_MD5_KEY");
    let err = base(&[
        ("USEEPAY_SIGN_TYPE", "MD5".into()),
        ("USEEPAY_MD5_KEY", "short".into()),
    ])
    .expect_err("a short MD5 key");
    assert_eq!(err.setting, "USEEPAY_MD5_KEY");
    base(&[
        ("USEEPAY_SIGN_TYPE", "MD5".into()),
        ("USEEPAY_MD5_KEY", "merchant-own-md5-key".into()),
    ])
    .expect("own MD5 key");
}

#[test]
fn the_development_bridge_is_refused_in_production() {
    let cfg = load(&[(
        "SHOP_DEV_WECHAT_BRIDGE_URL",
        "http://127.0.0.1:3100/useepay/bridge.js",
    )])
    .expect("development");
    assert!(cfg.dev_wechat_bridge.is_some());
    let mut vars = production(&testdata("test_private.pem"), &testdata("test_public.pem"));
    vars.push((
        "SHOP_DEV_WECHAT_BRIDGE_URL",
        "https://shop.example.com/bridge.js".into(),
    ));
    let err = load_owned(&vars).expect_err("production");
    assert_eq!(err.setting, "SHOP_DEV_WECHAT_BRIDGE_URL");
}
