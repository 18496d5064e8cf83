//! The OAuth entry and the payment container: after a simulated WeChat authorisation, the
//! merchant's registered page is served **at this origin** as a reverse proxy (not an
//! iframe), with `openid` added to every proxied request's query, so the openid exists only
//! on the backend, and the page really runs cross-origin from the shop. HTML gets the
//! `WeixinJSBridge` stand-in.

use crate::settings::Settings;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cookie::{Cookie, SameSite};
use std::sync::Arc;

/// The container's buyer, as this browser authorised at the sandbox.
const COOKIE: &str = "sbx_openid";
const BRIDGE_JS: &str = include_str!("bridge.js");

/// What the container needs: the merchant's registered page, and a client to fetch it.
pub struct Container {
    settings: Arc<Settings>,
    http: reqwest::Client,
}

/// The OAuth entry, the bridge script, buyer switching, and (as the fallback) the proxy.
pub fn routes(settings: Arc<Settings>, http: reqwest::Client) -> Router {
    Router::new()
        .route("/mp_pay/oauth", get(oauth_entry))
        .route("/__sandbox/bridge.js", get(bridge_js))
        .route("/__sandbox/login", get(switch_buyer))
        .fallback(proxy)
        .with_state(Arc::new(Container { settings, http }))
}

/// Sandbox buyers a tester can pick (name, openid).
pub const BUYERS: [(&str, &str); 3] = [
    ("alice", "o_sandbox_alice_000000000001"),
    ("bob", "o_sandbox_bob_0000000000002"),
    ("carol", "o_sandbox_carol_00000000003"),
];

/// The same rule the shop applies to an openid (16–64 of `[A-Za-z0-9_-]`).
fn plausible(openid: &str) -> bool {
    app::buyer::Openid::parse(openid).is_ok()
}

/// The buyer chosen on the authorisation page (`sandbox_buyer=alice` or
/// `sandbox_openid=…`), if any.
pub fn buyer_openid(q: &[(String, String)]) -> Option<String> {
    let get = |k: &str| {
        q.iter()
            .find(|(key, v)| key == k && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    if let Some(openid) = get("sandbox_openid") {
        return plausible(&openid).then_some(openid);
    }
    let name = get("sandbox_buyer")?;
    BUYERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, id)| (*id).to_owned())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The simulated WeChat authorisation page: pick a sandbox buyer (or type an openid). It
/// submits back to `action` with every original parameter.
pub fn chooser_page(action: &str, q: &[(String, String)]) -> Response {
    let hidden: String = q
        .iter()
        .filter(|(k, _)| !k.starts_with("sandbox_"))
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let buttons: String = BUYERS
        .iter()
        .map(|(name, openid)| {
            format!(
                "<button name=\"sandbox_buyer\" value=\"{name}\" data-testid=\"sandbox-buyer-{name}\">\
                 {name} <small>{openid}</small></button>"
            )
        })
        .collect();
    Html(format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>微信授权（沙箱）</title><style>body{{font-family:sans-serif;margin:0;padding:24px;background:#ededed}}\
         h1{{font-size:18px}}button{{display:block;width:100%;margin:8px 0;padding:12px;font-size:16px;\
         border:0;border-radius:8px;background:#07c160;color:#fff}}small{{opacity:.8}}input{{width:100%;\
         padding:10px;font-size:15px;box-sizing:border-box}}.note{{color:#666;font-size:13px}}</style></head>\
         <body><h1>微信授权（沙箱） · WeChat authorisation (sandbox)</h1>\
         <p class=\"note\">选择一个沙箱买家继续。Pick a sandbox buyer; no real WeChat account is involved.</p>\
         <form method=\"get\" action=\"{action}\">{hidden}{buttons}\
         <p><label>或输入 openid · or an openid: <input name=\"sandbox_openid\" data-testid=\"sandbox-openid\"></label></p>\
         <button type=\"submit\" data-testid=\"sandbox-custom\">使用此 openid · use it</button></form></body></html>"
    ))
    .into_response()
}

/// `GET /mp_pay/oauth?merchant_no&currency&…`: authorise, then enter the container with
/// every original parameter (the container adds `openid`).
async fn oauth_entry(
    State(ct): State<Arc<Container>>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    if get("merchant_no") != Some(ct.settings.wisecashier.merchant_no.as_str()) {
        return (
            StatusCode::BAD_REQUEST,
            Html("<h1>商户号错误 · unknown merchant_no</h1>"),
        )
            .into_response();
    }
    if get("currency").is_none_or(|c| app::money::Currency::from_code(c).is_none()) {
        return (
            StatusCode::BAD_REQUEST,
            Html("<h1>币种错误 · currency is required</h1>"),
        )
            .into_response();
    }
    let Some(openid) = buyer_openid(&q) else {
        return chooser_page("/mp_pay/oauth", &q);
    };
    let mut target = url::Url::parse("http://container/").map_err(|_| ()).ok();
    if let Some(t) = target.as_mut() {
        let mut pairs = t.query_pairs_mut();
        for (k, v) in q
            .iter()
            .filter(|(k, _)| !k.starts_with("sandbox_") && k != "openid")
        {
            pairs.append_pair(k, v);
        }
    }
    let location = target
        .map(|t| format!("/?{}", t.query().unwrap_or_default()))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = Cookie::build((COOKIE, openid))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build()
        .to_string();
    (
        StatusCode::FOUND,
        [(header::LOCATION, location), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

/// `/__sandbox/login`: forget the container's buyer and authorise again.
async fn switch_buyer(State(ct): State<Arc<Container>>) -> Response {
    let location = format!(
        "/mp_pay/oauth?merchant_no={}&currency=HKD",
        ct.settings.wisecashier.merchant_no
    );
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (
                header::SET_COOKIE,
                Cookie::build((COOKIE, ""))
                    .path("/")
                    .max_age(cookie::time::Duration::ZERO)
                    .build()
                    .to_string(),
            ),
        ],
    )
        .into_response()
}

async fn bridge_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        BRIDGE_JS,
    )
        .into_response()
}

/// The value of the container's buyer cookie, if the browser sent one.
fn buyer_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned())
}

/// The container: every path that is not the gateway's own goes to the merchant's page.
async fn proxy(State(ct): State<Arc<Container>>, req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        // Pages only: the shop's server functions are called cross-origin, at the shop.
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "the container proxies pages only",
        )
            .into_response();
    }
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let Some(openid) = buyer_cookie(req.headers()).filter(|o| plausible(o)) else {
        // Not authorised in this browser yet: through the OAuth entry and back here.
        let mut entry = url::form_urlencoded::Serializer::new(String::new());
        entry
            .append_pair("merchant_no", &ct.settings.wisecashier.merchant_no)
            .append_pair("currency", "HKD")
            .append_pair("return_to", &path_and_query);
        return (
            StatusCode::FOUND,
            [(
                header::LOCATION,
                format!("/mp_pay/oauth?{}", entry.finish()),
            )],
        )
            .into_response();
    };
    let mut upstream = match ct
        .settings
        .merchant_page
        .join(req.uri().path().trim_start_matches('/'))
    {
        Ok(u) => u,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    {
        let incoming: Vec<(String, String)> =
            url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .filter(|(k, _)| k != "openid")
                .collect();
        let mut pairs = upstream.query_pairs_mut();
        pairs.clear();
        for (k, v) in &incoming {
            pairs.append_pair(k, v);
        }
        pairs.append_pair("openid", &openid);
    }
    let mut out = ct.http.request(req.method().clone(), upstream.as_str());
    for name in [header::USER_AGENT, header::ACCEPT, header::ACCEPT_LANGUAGE] {
        if let Some(v) = req.headers().get(&name) {
            out = out.header(name, v.clone());
        }
    }
    let forwarded_cookies: Vec<&str> = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|c| !c.starts_with(COOKIE) && !c.is_empty())
        .collect();
    if !forwarded_cookies.is_empty() {
        out = out.header(header::COOKIE, forwarded_cookies.join("; "));
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    out = out
        .header(header::ACCEPT_ENCODING, "identity")
        .header("X-Forwarded-Host", host)
        .header("X-Forwarded-Proto", "http")
        .header("X-Forwarded-For", "127.0.0.1");
    let res = match out.send().await {
        Ok(res) => res,
        Err(err) => {
            tracing::warn!(error = %err.without_url(), "merchant page unreachable");
            return (
                StatusCode::BAD_GATEWAY,
                Html("<h1>商户页面无法访问 · the merchant's page is unreachable</h1>"),
            )
                .into_response();
        }
    };
    let status = res.status();
    let mut headers = HeaderMap::new();
    let merchant_origin = ct.settings.merchant_page.origin().ascii_serialization();
    for (name, value) in res.headers() {
        if matches!(
            name.as_str(),
            "content-length"
                | "transfer-encoding"
                | "connection"
                | "content-encoding"
                | "keep-alive"
        ) {
            continue;
        }
        if name == header::LOCATION {
            // Redirects to the merchant's own origin stay inside the container.
            // The registered page's own prefix (its secret path) is never shown to the buyer.
            let loc = value.to_str().unwrap_or_default();
            let page = ct.settings.merchant_page.as_str().trim_end_matches('/');
            let rewritten = loc
                .strip_prefix(page)
                .or_else(|| loc.strip_prefix(&merchant_origin))
                .unwrap_or(loc);
            if let Ok(v) = HeaderValue::from_str(if rewritten.is_empty() { "/" } else { rewritten })
            {
                headers.insert(header::LOCATION, v);
            }
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let bytes = match res.bytes().await {
        Ok(b) => b,
        Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
    };
    let body = if is_html {
        let html = String::from_utf8_lossy(&bytes);
        let tag = "<script src=\"/__sandbox/bridge.js\"></script>";
        let injected = match html.find("<head>") {
            Some(i) => format!("{}{tag}{}", &html[..i + 6], &html[i + 6..]),
            None => format!("{tag}{html}"),
        };
        Body::from(injected)
    } else {
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}
