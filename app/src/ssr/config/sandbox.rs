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
