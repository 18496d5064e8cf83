//! The shop's HTTP edge: binding the buyer's openid to a session, refusing cross-site writes,
//! the language switch and the health check. `server` assembles these into the router.

use super::context::{CurrentBuyer, ShopState};
use super::session::{session_cookie, Purpose, SESSION_COOKIE};
use super::web::cookies::SameSite;
use super::web::now_secs;
use super::web::{local_path, query_values, read_cookie, redirect, SetCookie};
use crate::buyer::Openid;
use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Paths that never need a buyer: health checks, the language switch, and the gateway's
/// notifications.
const PUBLIC_PATHS: [&str; 4] = [
    "/healthz",
    "/lang",
    super::config::NOTIFY_PATH,
    "/auth/wechat",
];

fn query_param(req: &Request, key: &str) -> Option<String> {
    query_params(req, key).into_iter().next()
}

/// Every value of a query parameter.
fn query_params(req: &Request, key: &str) -> Vec<String> {
    query_values(req.uri().query(), key)
}

/// A page (an HTML navigation), as opposed to a server-function call or a static file.
fn is_page_request(req: &Request) -> bool {
    let path = req.uri().path();
    let last = path.rsplit('/').next().unwrap_or_default();
    req.method() == Method::GET && !path.starts_with("/api/") && !last.contains('.')
}

fn invalid_openid_page() -> Response {
    let body = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <title>无效的用户标识</title></head><body style=\"font-family:sans-serif;padding:24px\">\
        <h1>无效的用户标识</h1><p>链接中的 openid 无效，请从公众号菜单重新进入商城。</p>\
        <p lang=\"en\">The openid in this link is not valid. Please open the shop again from WeChat.</p>\
        </body></html>";
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Marks a request that came through the gateway's payment container (see
/// [`container_entry`]): only such a request may bind a buyer from its query `openid`.
#[derive(Clone, Copy, Debug)]
pub struct ViaContainer;

/// In front of the router (it rewrites the path before routing): a request under the
/// registered page URL's secret prefix, `/wc/{secret}/…`, came through the payment container.
/// The prefix is removed, so the page is served at its ordinary path, and the request is
/// marked [`ViaContainer`]. A wrong secret is a 404, like any unknown path. A request from
/// an allow-listed container address (`GATEWAY_CONTAINER_IPS`, the client address rule of
/// `client_address`) is marked too.
pub async fn container_entry(
    State(state): State<ShopState>,
    mut req: Request,
    next: Next,
) -> Response {
    let container = &state.config.container;
    if let Some(rest) = req.uri().path().strip_prefix(super::config::CONTAINER_PATH) {
        let (given, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if !container.secret_matches(given) {
            tracing::warn!("refused a container path with a wrong secret");
            return StatusCode::NOT_FOUND.into_response();
        }
        let mut rewritten = format!("/{tail}");
        if let Some(q) = req.uri().query() {
            rewritten.push('?');
            rewritten.push_str(q);
        }
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = match rewritten.parse() {
            Ok(pq) => Some(pq),
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        };
        match axum::http::Uri::from_parts(parts) {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        }
        req.extensions_mut().insert(ViaContainer);
    } else if !container.ips.is_empty() {
        let peer = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0);
        let address = state.client_address(peer, req.headers());
        if address
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| container.allows_ip(ip))
        {
            req.extensions_mut().insert(ViaContainer);
        }
    }
    next.run(req).await
}

/// The request's path and query without any `openid` parameter: where to come back to
/// after authorisation (a stray openid must not ride along).
fn path_without_openid(req: &Request) -> String {
    let path = req.uri().path();
    let Some(query) = req.uri().query() else {
        return path.to_owned();
    };
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "openid")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.extend_pairs(kept);
    format!("{path}?{}", q.finish())
}

/// Binds the buyer to the request.
///
/// The buyer is who a trusted source says:
/// - the payment container, which appends the buyer's `openid` to every page it proxies
///   (seed 000: the openid only exists on the backend), on requests marked [`ViaContainer`];
/// - WeChat's OAuth code exchange (`ssr::wechat_oauth`) in the official-account mode;
/// - then the signed HttpOnly session cookie either of them set.
///
/// An `openid` in the URL of any other request proves nothing: it is ignored (logged), never
/// bound, and never replaces a session. Without a session a page request goes to the OAuth
/// entry, carrying `return_to`, which the gateway hands back unchanged.
pub async fn bind_buyer(State(state): State<ShopState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    // The admin area has its own sessions (`ssr::admin`); a buyer is never bound there.
    if PUBLIC_PATHS.contains(&path.as_str()) || super::admin::http::is_admin_path(&path) {
        return next.run(req).await;
    }
    let now = now_secs();
    let session = read_cookie(req.headers(), SESSION_COOKIE)
        .and_then(|t| state.keys.verify(Purpose::Cookie, t, now).ok());

    let query_openids = query_params(&req, "openid");
    if query_openids.len() > 1 {
        tracing::warn!(path, "refused a request with several openid parameters");
        return invalid_openid_page();
    }
    let from_container = req.extensions().get::<ViaContainer>().is_some()
        && matches!(state.config.oauth, super::config::OAuthMode::Gateway);
    let proven = match query_openids.first() {
        Some(raw) if from_container => match Openid::parse(raw) {
            Ok(openid) => Some(openid),
            Err(err) => {
                tracing::info!(%err, path, "the container sent an implausible openid");
                return invalid_openid_page();
            }
        },
        Some(_) => {
            tracing::warn!(
                path,
                "ignored an openid in the URL of a request that did not come through the payment container"
            );
            None
        }
        None => None,
    };
    let buyer = proven.or_else(|| session.as_ref().map(|s| s.openid.clone()));

    let Some(openid) = buyer else {
        if is_page_request(&req) {
            let wanted = path_without_openid(&req);
            if let super::config::OAuthMode::OfficialAccount(oa) = &state.config.oauth {
                return super::wechat_oauth::start(&state, oa, &wanted);
            }
            if let Some(gateway) = state.config.payment.wisecashier() {
                let mut entry = gateway.oauth_url.clone();
                entry
                    .query_pairs_mut()
                    .append_pair("merchant_no", &gateway.merchant_no)
                    .append_pair("currency", state.config.currency.code())
                    .append_pair("return_to", &wanted);
                return redirect(StatusCode::FOUND, entry.as_str());
            }
        }
        return next.run(req).await;
    };

    // A new cookie when the openid is new to this browser or the session is a day old.
    let refresh = match &session {
        Some(s) => s.openid != openid || s.due_for_refresh(now),
        None => true,
    };
    let set_cookie = refresh.then(|| {
        let token = state.keys.issue(Purpose::Cookie, &openid, now);
        session_cookie(&token, state.config.secure_cookies())
    });

    // Back from the OAuth entry: go to the page the buyer wanted, now with a session.
    if let Some(target) = query_param(&req, "return_to") {
        if let (Some(target), true) = (local_path(&target), is_page_request(&req)) {
            let mut res = redirect(StatusCode::SEE_OTHER, target);
            if let Some(c) = &set_cookie {
                c.set_on(&mut res);
            }
            return res;
        }
    }

    let form_token = state.keys.issue(Purpose::Form, &openid, now);
    req.extensions_mut()
        .insert(CurrentBuyer { openid, form_token });
    let mut res = next.run(req).await;
    if let Some(c) = &set_cookie {
        c.set_on(&mut res);
    }
    // Pages carry the buyer's cart and form token: never cache them in a shared cache.
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// Refuses state-changing requests from other sites. The buyer's server functions also
/// require the form token, which another site cannot read; this check is the second lock
/// and covers every future POST endpoint. Allowed: the shop's own origin (as configured, or
/// as the request's Host), and the payment container's origin, which serves the shop's
/// pages from the gateway's domain.
pub async fn refuse_cross_site(
    State(state): State<ShopState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    // The payment container may call the buyer's functions, never the admin's.
    let container_allowed = !super::admin::http::is_admin_path(req.uri().path());
    let allowed = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            origin == state.config.public_origin()
                || (container_allowed
                    && state
                        .config
                        .payment
                        .wisecashier()
                        .is_some_and(|g| origin == g.container_origin))
                || same_host(origin, headers)
        }
        // Browsers send Origin on every cross-origin POST; without it, trust only what
        // Fetch Metadata says (non-browser clients send neither).
        None => !matches!(
            headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
            Some("cross-site")
        ),
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(
            origin = ?headers.get(header::ORIGIN),
            path = req.uri().path(),
            "refused a cross-site request"
        );
        (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
    }
}

/// Cross-origin access for the payment container. Its pages (served from the gateway's
/// origin) load the shop's scripts, styles and images, and call the buyer's server
/// functions. Static files may be read from anywhere (they are public); `/api/` answers
/// only the shop's own origin and the configured container origin, and `/api/admin/` only
/// the shop's own. No credentials are involved: server functions carry the signed form
/// token instead of cookies. A server function's redirect (`serverfnredirect` and
/// `Location`) is exposed to the container's scripts, so a form saved there goes on as it
/// does on the shop's own origin.
pub fn cors_layer(state: &ShopState) -> CorsLayer {
    let public = state.config.public_origin();
    // Only Wisecashier serves the shop's pages from a container of its own.
    let container = state
        .config
        .payment
        .wisecashier()
        .map(|g| g.container_origin.clone())
        .unwrap_or_default();
    let allowed = move |origin: &HeaderValue, parts: &axum::http::request::Parts| {
        let path = parts.uri.path();
        let origin = origin.as_bytes();
        if path.starts_with("/api/") {
            origin == public.as_bytes()
                || (!container.is_empty()
                    && origin == container.as_bytes()
                    && !super::admin::http::is_admin_path(path))
        } else {
            // A file: the last segment has an extension (pages and functions have none).
            path.rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.'))
        }
    };
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([
            header::HeaderName::from_static(server_fn::redirect::REDIRECT_HEADER),
            header::LOCATION,
        ])
        .max_age(std::time::Duration::from_secs(600))
}

fn same_host(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
}

#[derive(Deserialize)]
pub struct LangQuery {
    to: Option<String>,
    back: Option<String>,
}

/// `GET /lang?to=en&back=/cart`: a plain link, so it works before hydration and without JS.
pub async fn switch_language(
    State(state): State<ShopState>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = Lang::from_tag(q.to.as_deref().unwrap_or("zh"));
    let back = q.back.as_deref().and_then(local_path).unwrap_or("/");
    let mut res = redirect(StatusCode::SEE_OTHER, back);
    // Not HttpOnly: nothing secret, and the page may read the language.
    let secure = state.config.secure_cookies();
    SetCookie::new(
        Lang::COOKIE,
        lang.html_tag(),
        31_536_000,
        SameSite::Lax,
        secure,
    )
    .set_on(&mut res);
    res
}

pub async fn healthz(State(state): State<ShopState>) -> Response {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(state.db.pool())
        .await
    {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::error!(%err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Body::from("database unavailable"),
            )
                .into_response()
        }
    }
}
