//! WeChat web authorisation with `snsapi_base` (the own-official-account mode, seed 002):
//! `/connect/oauth2/authorize` issues a code to `redirect_uri`; `/sns/oauth2/access_token`
//! exchanges it once, within five minutes, for the openid.

use crate::clock::{now_ms, random_hex};
use crate::container::{buyer_openid, chooser_page};
use crate::settings::Settings;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

const CODE_TTL: Duration = Duration::from_secs(5 * 60);

/// An authorisation code, exchangeable once.
struct Code {
    openid: String,
    issued_ms: i64,
    used: bool,
}

/// WeChat's OAuth server: the official account's settings and the codes it issued.
pub struct WeChat {
    settings: Arc<Settings>,
    codes: Mutex<HashMap<String, Code>>,
}

impl WeChat {
    fn codes(&self) -> MutexGuard<'_, HashMap<String, Code>> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.codes.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub fn routes(settings: Arc<Settings>) -> Router {
    Router::new()
        .route("/connect/oauth2/authorize", get(authorize))
        .route("/sns/oauth2/access_token", get(access_token))
        .with_state(Arc::new(WeChat {
            settings,
            codes: Mutex::new(HashMap::new()),
        }))
}

async fn authorize(
    State(wx): State<Arc<WeChat>>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    if get("appid").as_deref() != Some(wx.settings.wechat_appid.as_str()) {
        return (StatusCode::BAD_REQUEST, "appid 错误 (invalid appid)").into_response();
    }
    if get("response_type").as_deref() != Some("code")
        || !matches!(
            get("scope").as_deref(),
            Some("snsapi_base" | "snsapi_userinfo")
        )
    {
        return (
            StatusCode::BAD_REQUEST,
            "response_type=code and scope=snsapi_base are required",
        )
            .into_response();
    }
    let Some(redirect) = get("redirect_uri").and_then(|r| url::Url::parse(&r).ok()) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri 参数错误").into_response();
    };
    let Some(openid) = buyer_openid(&q) else {
        return chooser_page("/connect/oauth2/authorize", &q);
    };
    let code = random_hex(16);
    wx.codes().insert(
        code.clone(),
        Code {
            openid,
            issued_ms: now_ms(),
            used: false,
        },
    );
    let mut target = redirect;
    target.query_pairs_mut().append_pair("code", &code);
    if let Some(state) = get("state") {
        target.query_pairs_mut().append_pair("state", &state);
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

async fn access_token(
    State(wx): State<Arc<WeChat>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let err =
        |code: u32, msg: &str| Json(json!({ "errcode": code, "errmsg": msg })).into_response();
    if q.get("appid") != Some(&wx.settings.wechat_appid) {
        return err(40013, "invalid appid");
    }
    if q.get("secret") != Some(&wx.settings.wechat_secret) {
        return err(40125, "invalid appsecret");
    }
    if q.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return err(40002, "invalid grant_type");
    }
    let ttl = i64::try_from(wx.settings.scaled(CODE_TTL).as_millis()).unwrap_or(i64::MAX);
    let mut codes = wx.codes();
    let Some(code) = q.get("code").and_then(|c| codes.get_mut(c)) else {
        return err(40029, "invalid code");
    };
    if code.used {
        return err(40163, "code been used");
    }
    if now_ms() - code.issued_ms > ttl {
        return err(40029, "invalid code (expired)");
    }
    code.used = true;
    Json(json!({
        "access_token": random_hex(24),
        "expires_in": 7200,
        "refresh_token": random_hex(24),
        "openid": code.openid,
        "scope": "snsapi_base",
    }))
    .into_response()
}
