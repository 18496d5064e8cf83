//! New-order alerts: where to post them (`SHOP_ALERT_WEBHOOK_URL`) and in which format
//! (`SHOP_ALERT_FORMAT`). The URL usually carries a key (a WeCom group robot's `key=`), so
//! it is a secret: never logged, never shown.

use super::source::{bad, ConfigError, Source};
use secrecy::{ExposeSecret, SecretString};

/// How an alert is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertFormat {
    /// A WeCom (企业微信) group robot: `{"msgtype":"markdown","markdown":{"content":…}}`,
    /// answered with `{"errcode":0}`.
    WeCom,
    /// A plain JSON event (`{"event":"order.paid",…}`) for any other receiver; any 2xx is
    /// delivered.
    Json,
}

#[derive(Debug, Clone)]
pub struct AlertConfig {
    /// None: alerts are off (queued alerts are dropped, not kept for later).
    pub webhook: Option<SecretString>,
    pub format: Option<AlertFormat>,
    /// The first retry's delay (`SHOP_ALERT_RETRY_SECS`, default 30); each next one doubles,
    /// up to an hour.
    pub retry_base: std::time::Duration,
}

impl AlertConfig {
    /// The webhook and its format, when alerts are on.
    pub fn target(&self) -> Option<(&str, AlertFormat)> {
        let url = self.webhook.as_ref()?.expose_secret();
        Some((url, self.format.unwrap_or(AlertFormat::Json)))
    }

    pub(super) fn read(src: &Source) -> Result<AlertConfig, ConfigError> {
        let retry_base = src.seconds("SHOP_ALERT_RETRY_SECS", 30, 1..=3600)?;
        let Some(raw) = src.get("SHOP_ALERT_WEBHOOK_URL") else {
            return Ok(AlertConfig {
                webhook: None,
                format: None,
                retry_base,
            });
        };
        let raw = raw.trim().to_owned();
        let url = url::Url::parse(&raw).map_err(|_| {
            bad(
                "SHOP_ALERT_WEBHOOK_URL",
                "is not a URL (expected https://…, e.g. a WeCom group robot's webhook address)",
            )
        })?;
        let https = url.scheme() == "https";
        if !(https || (!src.prod && url.scheme() == "http")) {
            return Err(bad(
                "SHOP_ALERT_WEBHOOK_URL",
                "must be an https:// address in production",
            ));
        }
        let wecom_host = url.host_str() == Some("qyapi.weixin.qq.com");
        let format = match src.get("SHOP_ALERT_FORMAT").as_deref().map(str::trim) {
            None | Some("") if wecom_host => AlertFormat::WeCom,
            None | Some("") => AlertFormat::Json,
            Some("wecom") => AlertFormat::WeCom,
            Some("json") => AlertFormat::Json,
            Some(other) => {
                return Err(bad(
                    "SHOP_ALERT_FORMAT",
                    format!("expected `wecom` or `json`, got `{other}`"),
                ))
            }
        };
        Ok(AlertConfig {
            webhook: Some(SecretString::from(raw)),
            format: Some(format),
            retry_base,
        })
    }
}
