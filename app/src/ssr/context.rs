//! What a server function needs from the request, in one place, so no server function
//! repeats the extraction.

use super::config::Config;
use super::config::PaymentConfig;
use super::db::Database;
use super::pay::useepay::UseePay;
use super::pay::wisecashier::{Wisecashier, WisecashierConfig};
use super::pay::{GatewayError, PaymentProvider};
use super::session::{Purpose, SessionKeys};
use super::web::now_secs;
use crate::buyer::Openid;
use crate::error::ShopError;
use leptos::prelude::use_context;
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

static ASSET_BASE: OnceLock<String> = OnceLock::new();

/// Sets the origin (`SHOP_PUBLIC_URL` without the trailing slash) that asset URLs are
/// built on. Inside the payment container the page is served from the gateway's origin,
/// so `/pkg/…` and images must point back at the shop. Set once at start-up.
pub fn set_asset_base(base: &str) {
    let _ = ASSET_BASE.set(base.trim_end_matches('/').to_owned());
}

/// The asset base, or `""` (relative URLs) when none was set, as in unit tests.
pub fn asset_base() -> &'static str {
    ASSET_BASE.get().map(String::as_str).unwrap_or("")
}

/// A site-relative asset path made absolute on the shop's public URL.
pub fn asset_url(path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") {
        format!("{}{path}", asset_base())
    } else {
        path.to_owned()
    }
}

/// Shared by every request: provided to server functions and pages as context.
#[derive(Clone)]
pub struct ShopState {
    pub db: Database,
    pub config: Arc<Config>,
    pub keys: SessionKeys,
    pub pay: Arc<dyn PaymentProvider>,
    /// Outbound HTTP for the shop itself (WeChat OAuth code exchange).
    pub http: reqwest::Client,
    /// The buyer's catalog pages, kept until the catalog changes.
    pub catalog: Arc<super::catalog::cache::CatalogCache>,
}

impl ShopState {
    /// The state for a configured, connected shop, with the configured gateway.
    pub fn new(config: Arc<Config>, db: Database) -> Result<ShopState, GatewayError> {
        let provider: Arc<dyn PaymentProvider> = match &config.payment {
            PaymentConfig::Wisecashier(g) => Arc::new(Wisecashier::new(WisecashierConfig {
                base_url: g.base_url.clone(),
                merchant_no: g.merchant_no.clone(),
                private_key: g.private_key.clone(),
                gateway_public_key: g.public_key.clone(),
                is_rmb: g.is_rmb,
                wallet: g.wallet,
                timeout: g.timeout,
                notify_max_age: g.notify_max_age,
            })?),
            PaymentConfig::UseePay(u) => Arc::new(UseePay::new(u.clone())?),
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| GatewayError::Unreachable(format!("HTTP client: {e}")))?;
        Ok(ShopState {
            http,
            keys: SessionKeys::new(config.session_secret.expose_secret()),
            db,
            config,
            pay: provider,
            catalog: Arc::default(),
        })
    }

    /// The address a request comes from, for login limits and the HK wallet's `client_ip`:
    /// the socket peer, or, behind the shop's own reverse proxy (`SHOP_BEHIND_PROXY=true`)
    /// and only when the peer is one of `SHOP_TRUSTED_PROXIES`, the right-most
    /// `X-Forwarded-For` entry that is not a trusted proxy (see
    /// [`super::web::address::client_ip`]). `None` without a peer.
    pub fn client_ip(
        &self,
        peer: Option<SocketAddr>,
        headers: &http::HeaderMap,
    ) -> Option<std::net::IpAddr> {
        let config = &self.config;
        let trusted = config
            .behind_proxy
            .then_some(config.trusted_proxies.as_slice());
        // A header that is not text is not an address: it ends the trusted part of the list.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .map(|v| v.to_str().unwrap_or(""));
        super::web::address::client_ip(peer.map(|p| p.ip()), trusted, forwarded)
    }

    /// [`ShopState::client_ip`] as text (`unknown` without a peer).
    pub fn client_address(&self, peer: Option<SocketAddr>, headers: &http::HeaderMap) -> String {
        self.client_ip(peer, headers)
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

/// The buyer a page request was bound to by the session middleware, with the form token
/// the page hands back to buyer server functions.
#[derive(Clone, Debug)]
pub struct CurrentBuyer {
    pub openid: Openid,
    pub form_token: String,
}

pub fn state() -> Result<ShopState, ShopError> {
    use_context::<ShopState>().ok_or_else(|| {
        tracing::error!("ShopState missing from context");
        ShopError::Internal
    })
}

/// The buyer bound to the current request, if any.
pub fn current_buyer() -> Option<CurrentBuyer> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<CurrentBuyer>()
        .cloned()
}

/// The buyer a server function acts for: the one whose form token it carries. A request
/// that also carries a session cookie for a *different* buyer comes from a stale page (the
/// buyer switched accounts in another tab), and is refused rather than guessed at.
pub fn buyer_from_token(state: &ShopState, token: &str) -> Result<Openid, ShopError> {
    let openid = state
        .keys
        .verify(Purpose::Form, token, now_secs())
        .map(|verified| verified.openid)
        .map_err(|err| {
            tracing::info!(%err, "refused a buyer form token");
            ShopError::SessionExpired
        })?;
    if let Some(cookie_buyer) = current_buyer() {
        if cookie_buyer.openid != openid {
            tracing::info!("form token and session cookie name different buyers");
            return Err(ShopError::SessionExpired);
        }
    }
    Ok(openid)
}
