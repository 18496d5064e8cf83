//! UseePay (seed 002): where its gateway is, the merchant's number and approved site
//! domain, and the signature keys (RSA key pair, or the MD5 key). UseePay's WeChat payment
//! runs in the merchant's own official account, so it requires `SHOP_OAUTH=official_account`.
//! The committed sandbox credentials are refused anywhere but on this machine.

use super::oauth::OAuthMode;
use super::sandbox::{
    SandboxScope, DEV_USEEPAY_APP_ID, DEV_USEEPAY_MERCHANT_NO, DEV_USEEPAY_URL,
    SANDBOX_USEEPAY_MD5_KEY,
};
use super::source::{bad, parse_base_url, ConfigError, Source};
use crate::money::Currency;
use crate::ssr::pay::useepay::protocol::{SignType, Signer, Verifier};
use crate::ssr::pay::useepay::UseePayConfig;

pub(super) fn read(
    src: &Source,
    oauth: &OAuthMode,
    currency: Currency,
) -> Result<UseePayConfig, ConfigError> {
    // UseePay writes amounts in minor units; for a currency without them (JPY, KRW) no public
    // source says whether `1200` means ¥1200 or ¥12. Refused rather than guessed.
    if currency.exponent() == 0 {
        return Err(bad(
            "SHOP_CURRENCY",
            format!(
                "is {}: UseePay's minor units for a currency without decimals are not documented; sell in a currency with cents (HKD, CNY, USD…)",
                currency.code()
            ),
        ));
    }
    let OAuthMode::OfficialAccount(account) = oauth else {
        return Err(bad(
            "SHOP_OAUTH",
            "must be `official_account` with PAYMENT_PROVIDER=useepay: UseePay's WeChat payment runs in your own official account (set WECHAT_APPID and WECHAT_APPSECRET)",
        ));
    };
    let prod = src.prod;
    let raw = src.required("USEEPAY_BASE_URL", DEV_USEEPAY_URL)?;
    let mut base_url = parse_base_url("USEEPAY_BASE_URL", &raw)?;
    if prod && base_url.scheme() != "https" {
        return Err(bad(
            "USEEPAY_BASE_URL",
            "must be an https:// URL in production (https://pay-gateway.useepay.com)",
        ));
    }
    if !base_url.path().ends_with('/') {
        let path = format!("{}/", base_url.path());
        base_url.set_path(&path);
    }
    let scope = SandboxScope::of(src, "USEEPAY_BASE_URL", &base_url);
    let (sandbox_allowed, not_here) = (scope.allowed, &scope.not_here);
    let merchant_no = src.required("USEEPAY_MERCHANT_NO", DEV_USEEPAY_MERCHANT_NO)?;
    if merchant_no.chars().count() > 16 {
        return Err(bad(
            "USEEPAY_MERCHANT_NO",
            "is at most 16 characters (the number UseePay gave you)",
        ));
    }
    if !sandbox_allowed && merchant_no == DEV_USEEPAY_MERCHANT_NO {
        return Err(bad(
            "USEEPAY_MERCHANT_NO",
            format!("is the sandbox merchant, refused{not_here}; set your UseePay merchant number"),
        ));
    }
    let app_id = src.required("USEEPAY_APP_ID", DEV_USEEPAY_APP_ID)?;
    if !sandbox_allowed && app_id == DEV_USEEPAY_APP_ID {
        return Err(bad(
            "USEEPAY_APP_ID",
            format!("is the sandbox site, refused{not_here}; set the site domain approved in UseePay's console"),
        ));
    }
    let sign_type = match src.get("USEEPAY_SIGN_TYPE") {
        None => SignType::Rsa,
        Some(raw) => SignType::parse(&raw).ok_or_else(|| {
            bad(
                "USEEPAY_SIGN_TYPE",
                format!("expected `RSA` or `MD5`, got `{raw}`"),
            )
        })?,
    };
    let (signer, verifier) = match sign_type {
        SignType::Rsa => {
            let (private_key, public_key) = scope.key_pair(
                src,
                "USEEPAY_PRIVATE_KEY_PATH",
                "USEEPAY_PUBLIC_KEY_PATH",
                "UseePay",
            )?;
            (Signer::Rsa(private_key), Verifier::Rsa(public_key))
        }
        SignType::Md5 => {
            let key = match src.get("USEEPAY_MD5_KEY") {
                Some(key) => key,
                None if sandbox_allowed => SANDBOX_USEEPAY_MD5_KEY.to_owned(),
                None => {
                    return Err(bad(
                        "USEEPAY_MD5_KEY",
                        format!("is required with USEEPAY_SIGN_TYPE=MD5{not_here}: the MD5 key from UseePay's console"),
                    ))
                }
            };
            if !sandbox_allowed && key.chars().count() < 16 {
                return Err(bad(
                    "USEEPAY_MD5_KEY",
                    "is too short to be UseePay's key (at least 16 characters)",
                ));
            }
            if !sandbox_allowed && key == SANDBOX_USEEPAY_MD5_KEY {
                return Err(bad(
                    "USEEPAY_MD5_KEY",
                    format!("is the sandbox key, refused{not_here}"),
                ));
            }
            let key: secrecy::SecretString = key.into();
            (Signer::Md5(key.clone()), Verifier::Md5(key))
        }
    };
    Ok(UseePayConfig {
        base_url,
        merchant_no,
        app_id,
        wechat_appid: account.appid.clone(),
        signer,
        verifier,
        timeout: src.seconds("GATEWAY_TIMEOUT_SECS", 15, 1..=120)?,
    })
}
