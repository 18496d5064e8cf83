//! How a buyer without a session gets an openid: through the gateway's payment container,
//! or through the merchant's own official account.

use super::sandbox::DEV_GATEWAY_URL;
use super::source::{bad, parse_base_url, ConfigError, Source};
use secrecy::SecretString;
use url::Url;

#[derive(Debug, Clone)]
pub enum OAuthMode {
    /// The gateway's payment container (seed 000): `{gateway}/mp_pay/oauth`.
    Gateway,
    /// The merchant's own official account (seed 002): WeChat `snsapi_base`.
    OfficialAccount(Box<OfficialAccount>),
}

#[derive(Debug, Clone)]
pub struct OfficialAccount {
    pub appid: String,
    /// `WECHAT_APPSECRET`: sent to WeChat's code exchange only.
    pub secret: SecretString,
    /// `https://open.weixin.qq.com` (the sandbox in development).
    pub authorize_base: Url,
    /// `https://api.weixin.qq.com` (the sandbox in development).
    pub api_base: Url,
}

impl OAuthMode {
    pub(super) fn read(src: &Source) -> Result<OAuthMode, ConfigError> {
        match src.get("SHOP_OAUTH").as_deref() {
            None | Some("gateway") => Ok(OAuthMode::Gateway),
            Some("official_account") => Ok(OAuthMode::OfficialAccount(Box::new(
                OfficialAccount::read(src)?,
            ))),
            Some(other) => Err(bad(
                "SHOP_OAUTH",
                format!("expected `gateway` or `official_account`, got `{other}`"),
            )),
        }
    }
}

impl OfficialAccount {
    fn read(src: &Source) -> Result<OfficialAccount, ConfigError> {
        let appid = src.get("WECHAT_APPID").ok_or_else(|| {
            bad(
                "WECHAT_APPID",
                "is required when SHOP_OAUTH=official_account",
            )
        })?;
        let secret = src.get("WECHAT_APPSECRET").ok_or_else(|| {
            bad(
                "WECHAT_APPSECRET",
                "is required when SHOP_OAUTH=official_account",
            )
        })?;
        // WeChat in production; the sandbox, which plays WeChat too, in development.
        let base = |key: &'static str, wechat: &str| -> Result<Url, ConfigError> {
            let raw = src
                .get(key)
                .unwrap_or_else(|| if src.prod { wechat } else { DEV_GATEWAY_URL }.to_owned());
            parse_base_url(key, &raw)
        };
        Ok(OfficialAccount {
            appid,
            secret: secret.into(),
            authorize_base: base("WECHAT_OAUTH_BASE", "https://open.weixin.qq.com")?,
            api_base: base("WECHAT_API_BASE", "https://api.weixin.qq.com")?,
        })
    }
}
