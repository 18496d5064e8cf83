//! The own-official-account mode (seed 002): WeChat web authorisation with `snsapi_base`.
//! A buyer without a session goes to WeChat's `/connect/oauth2/authorize`; WeChat comes back
//! to `/auth/wechat?code&state`, and the server (never the browser) exchanges the code, with
//! the app secret, for the openid. Codes are single-use; a reused one (a refreshed callback
//! page) starts the authorisation again instead of failing.

use super::config::OfficialAccount;
use super::context::ShopState;
use super::session::{session_cookie, Purpose};
use super::web::cookies::SameSite;
use super::web::now_secs;
use super::web::{local_path, read_cookie, redirect, SetCookie};
use crate::buyer::Openid;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde::Deserialize;

pub const CALLBACK_PATH: &str = "/auth/wechat";
const STATE_COOKIE: &str = "shop_oauth_state";

/// Where to send a buyer without a session: WeChat's authorisation page, coming back to
/// the callback with `return_to`. `state` is also set as a short-lived cookie and checked on
/// the way back, so a forged callback cannot log a browser in as someone else.
pub fn start(state: &ShopState, oa: &OfficialAccount, return_to: &str) -> Response {
    let Ok(nonce) = super::web::random_hex(12) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut callback = state.config.public_url.clone();
    callback.set_path(CALLBACK_PATH);
    callback
        .query_pairs_mut()
        .append_pair("return_to", return_to);
    let mut url = oa.authorize_base.clone();
    url.set_path("/connect/oauth2/authorize");
    url.query_pairs_mut()
        .append_pair("appid", &oa.appid)
        .append_pair("redirect_uri", callback.as_str())
        .append_pair("response_type", "code")
        .append_pair("scope", "snsapi_base")
        .append_pair("state", &nonce);
    url.set_fragment(Some("wechat_redirect"));
    let mut res = redirect(StatusCode::FOUND, url.as_str());
    state_cookie(&nonce, 600, state.config.secure_cookies()).set_on(&mut res);
    res
}

/// The OAuth `state` this browser started with, sent back only to the callback.
fn state_cookie(nonce: &str, max_age_secs: i64, secure: bool) -> SetCookie {
    SetCookie::new(STATE_COOKIE, nonce, max_age_secs, SameSite::Lax, secure)
        .path(CALLBACK_PATH)
        .http_only()
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    return_to: Option<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    openid: Option<String>,
    errcode: Option<i64>,
    errmsg: Option<String>,
}

/// `GET /auth/wechat?code&state&return_to`.
pub async fn callback(
    State(state): State<ShopState>,
    headers: axum::http::HeaderMap,
    Query(q): Query<Callback>,
) -> Response {
    let super::config::OAuthMode::OfficialAccount(oa) = &state.config.oauth else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let back = q
        .return_to
        .as_deref()
        .and_then(local_path)
        .unwrap_or("/")
        .to_owned();
    let expected = read_cookie(&headers, STATE_COOKIE);
    let (Some(code), Some(got)) = (q.code.as_deref(), q.state.as_deref()) else {
        // The buyer refused, or WeChat sent no code: try again from the start.
        return start(&state, oa, &back);
    };
    if expected != Some(got) {
        tracing::warn!("WeChat OAuth callback with a state this browser did not start");
        return start(&state, oa, &back);
    }
    let mut url = oa.api_base.clone();
    url.set_path("/sns/oauth2/access_token");
    url.query_pairs_mut()
        .append_pair("appid", &oa.appid)
        .append_pair("secret", oa.secret.expose_secret())
        .append_pair("code", code)
        .append_pair("grant_type", "authorization_code");
    let answer = match state.http.get(url).send().await {
        Ok(res) => res.json::<TokenAnswer>().await.ok(),
        Err(err) => {
            // The URL carries the app secret: log the kind of failure only.
            tracing::error!(
                connect = err.is_connect(),
                timeout = err.is_timeout(),
                "WeChat code exchange failed"
            );
            None
        }
    };
    let openid = match answer {
        Some(TokenAnswer {
            openid: Some(raw), ..
        }) => Openid::parse(&raw).ok(),
        Some(TokenAnswer {
            errcode, errmsg, ..
        }) => {
            tracing::info!(
                ?errcode,
                ?errmsg,
                "WeChat refused the code; authorising again"
            );
            // 40163 (code used, e.g. a refreshed page) or 40029 (expired): a new code.
            return start(&state, oa, &back);
        }
        None => None,
    };
    let Some(openid) = openid else {
        return (
            StatusCode::BAD_GATEWAY,
            "微信授权暂时不可用，请稍后再试 / WeChat authorisation is unavailable, please try again",
        )
            .into_response();
    };
    let token = state.keys.issue(Purpose::Cookie, &openid, now_secs());
    let mut res = redirect(StatusCode::SEE_OTHER, &back);
    let secure = state.config.secure_cookies();
    session_cookie(&token, secure).set_on(&mut res);
    state_cookie("", 0, secure).set_on(&mut res);
    res
}
