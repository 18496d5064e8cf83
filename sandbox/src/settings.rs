//! What the sandbox needs to know: the merchant it serves, its keys, and how fast its clock
//! runs. The committed keys of `keys/sandbox/` make it work with no configuration.

use app::ssr::pay::wisecashier::protocol::{KeyError, PrivateKey, PublicKey};
use std::time::Duration;
use url::Url;

/// The sandbox gateway's own private key: it signs notifications and `paySign` with it.
pub const GATEWAY_PRIVATE_KEY: &str = include_str!("../../keys/sandbox/gateway_private.pem");
/// The sandbox merchant's public key: merchant requests must verify against it.
pub const MERCHANT_PUBLIC_KEY: &str = include_str!("../../keys/sandbox/merchant_public.pem");
/// The secret path of the page the development shop registers (`{shop}/wc/{this}/`); the
/// shop's own development default is the same string (a test pins the two together).
pub const DEV_CONTAINER_SECRET: &str = "sandbox-container-development-only";
/// The merchant number the development shop uses.
pub const DEV_MERCHANT_NO: &str = "SANDBOX-MERCHANT-001";

pub struct Settings {
    /// The merchant's registered page (its base URL, ending in `/`): what the container
    /// proxies.
    pub merchant_page: Url,
    /// Multiplies every sandbox delay (retry schedule, expiry): 0.01 runs 1 s in 10 ms.
    pub time_scale: f64,
    /// How long a prepay order stays payable (WeChat: 2 hours), before scaling.
    pub prepay_ttl: Duration,
    pub wechat_appid: String,
    pub wechat_secret: String,
    pub wisecashier: WisecashierSettings,
    pub useepay: UseePaySettings,
}

/// The merchant's account at the UseePay stand-in: its number, its approved site domain,
/// and both signature types' keys (a request says which it uses).
pub struct UseePaySettings {
    pub merchant_no: String,
    pub app_id: String,
    /// Verifies the merchant's RSA requests.
    pub merchant_key: PublicKey,
    /// Signs answers, notifications and `paySign` for RSA merchants.
    pub gateway_key: PrivateKey,
    /// The shared MD5 key for MD5 merchants.
    pub md5_key: String,
}

/// The merchant's account at the Wisecashier stand-in.
pub struct WisecashierSettings {
    pub merchant_no: String,
    pub merchant_key: PublicKey,
    pub gateway_key: PrivateKey,
    /// RMB per unit of the shop's currency, reported as `exchange_rate`.
    pub exchange_rate: String,
}

impl Settings {
    /// The development defaults with the committed keys, serving `merchant_page`.
    pub fn development(merchant_page: Url) -> Result<Settings, KeyError> {
        Ok(Settings {
            merchant_page: page_base(merchant_page),
            time_scale: 1.0,
            prepay_ttl: Duration::from_secs(2 * 3600),
            wechat_appid: "wx_sandbox_appid".to_owned(),
            wechat_secret: "sandbox-official-account-secret".to_owned(),
            wisecashier: WisecashierSettings {
                merchant_no: DEV_MERCHANT_NO.to_owned(),
                merchant_key: PublicKey::from_pem(MERCHANT_PUBLIC_KEY.as_bytes())?,
                gateway_key: PrivateKey::from_pem(GATEWAY_PRIVATE_KEY.as_bytes())?,
                exchange_rate: "0.92".to_owned(),
            },
            useepay: UseePaySettings {
                merchant_no: app::ssr::config::DEV_USEEPAY_MERCHANT_NO.to_owned(),
                app_id: app::ssr::config::DEV_USEEPAY_APP_ID.to_owned(),
                merchant_key: PublicKey::from_pem(MERCHANT_PUBLIC_KEY.as_bytes())?,
                gateway_key: PrivateKey::from_pem(GATEWAY_PRIVATE_KEY.as_bytes())?,
                md5_key: app::ssr::config::SANDBOX_USEEPAY_MD5_KEY.to_owned(),
            },
        })
    }

    pub fn scaled(&self, d: Duration) -> Duration {
        d.mul_f64(self.time_scale)
    }
}

/// A base for the proxied paths: `/cart` is fetched as `{page}cart`.
pub fn page_base(mut page: Url) -> Url {
    if !page.path().ends_with('/') {
        let path = format!("{}/", page.path());
        page.set_path(&path);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shop's development defaults are what this sandbox expects, without the sandbox
    /// importing the shop's configuration.
    #[test]
    fn the_development_shop_and_sandbox_agree() {
        use app::ssr::config::{
            DEV_CONTAINER_SECRET as SHOP_CONTAINER_SECRET, SANDBOX_GATEWAY_PUBLIC_KEY,
            SANDBOX_MERCHANT_PRIVATE_KEY,
        };
        assert_eq!(DEV_CONTAINER_SECRET, SHOP_CONTAINER_SECRET);
        let page = Url::parse("http://127.0.0.1:3000/wc/x/").expect("url");
        let settings = Settings::development(page).expect("committed keys");
        let shop_merchant =
            PrivateKey::from_pem(SANDBOX_MERCHANT_PRIVATE_KEY.as_bytes()).expect("shop key");
        assert_eq!(
            shop_merchant.public_key(),
            settings.wisecashier.merchant_key
        );
        let shop_view_of_gateway =
            PublicKey::from_pem(SANDBOX_GATEWAY_PUBLIC_KEY.as_bytes()).expect("gateway key");
        assert_eq!(
            settings.wisecashier.gateway_key.public_key(),
            shop_view_of_gateway
        );
    }

    #[test]
    fn the_registered_page_is_a_base() {
        let page = Url::parse("http://127.0.0.1:3000/wc/secret").expect("url");
        assert_eq!(page_base(page).as_str(), "http://127.0.0.1:3000/wc/secret/");
        let page = Url::parse("http://127.0.0.1:3000/wc/secret/").expect("url");
        assert_eq!(page_base(page).as_str(), "http://127.0.0.1:3000/wc/secret/");
    }
}
