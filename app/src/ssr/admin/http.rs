//! The admin area's HTTP edge: the guard in front of every `/admin` page and `/api/admin/`
//! server function, and the login and logout endpoints.

use super::limits::{self, Reservation};
use super::store::{self, CurrentAdmin};
use crate::ssr::context::ShopState;
use crate::ssr::web::cookies::SameSite;
use crate::ssr::web::now_ms;
use crate::ssr::web::{local_path, read_cookie, redirect, SetCookie};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

pub const ADMIN_COOKIE: &str = "shop_admin";
pub const LOGIN_PATH: &str = "/admin/login";
pub const LOGOUT_PATH: &str = "/admin/logout";

/// Sign-in attempts allowed per account from one address, and per address across
/// accounts, within [`super::limits::WINDOW_MS`] (then locked, with backoff).
pub const ACCOUNT_LIMIT: i64 = 5;
pub const ADDRESS_LIMIT: i64 = 20;

/// Pages and server functions only an admin may reach.
pub fn is_admin_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path.starts_with("/api/admin/")
}

/// The admin bound to the current request by [`guard`], if any.
pub fn current_admin() -> Option<CurrentAdmin> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<CurrentAdmin>()
        .cloned()
}

/// The admin's session cookie: Strict, as nothing outside the shop links into the back
/// office with a session (a link from elsewhere meets the login form).
fn admin_cookie(state: &ShopState, value: &str, max_age_secs: i64) -> SetCookie {
    let secure = state.config.secure_cookies();
    SetCookie::new(ADMIN_COOKIE, value, max_age_secs, SameSite::Strict, secure).http_only()
}

/// Every admin page and server function passes here: without a live admin session a page
/// goes to the login form and a server function gets 401. A buyer's session is no admin
/// session: the two cookies are unrelated.
pub async fn guard(State(state): State<ShopState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if !is_admin_path(&path) || path == LOGIN_PATH {
        return next.run(req).await;
    }
    let idle = state.config.admin.idle_ms();
    let admin = match read_cookie(req.headers(), ADMIN_COOKIE) {
        Some(token) => store::check_session(&state.db, token, idle)
            .await
            .unwrap_or(None),
        None => None,
    };
    let Some(admin) = admin else {
        if path.starts_with("/api/") {
            return (StatusCode::UNAUTHORIZED, "admin login required").into_response();
        }
        let wanted = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/admin".to_owned());
        let mut target = url::form_urlencoded::Serializer::new(String::new());
        target.append_pair("next", &wanted);
        return redirect(
            StatusCode::SEE_OTHER,
            &format!("{LOGIN_PATH}?{}", target.finish()),
        );
    };
    req.extensions_mut().insert(admin);
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

#[derive(Default)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

impl LoginForm {
    fn parse(body: &[u8]) -> LoginForm {
        let mut form = LoginForm::default();
        for (k, v) in url::form_urlencoded::parse(body) {
            match k.as_ref() {
                "username" => form.username = v.into_owned(),
                "password" => form.password = v.into_owned(),
                "next" => form.next = Some(v.into_owned()),
                _ => {}
            }
        }
        form
    }
}

fn back_to_login(error: &str, next: Option<&str>) -> Response {
    back_to_login_with(&[("error", error)], next)
}

fn back_to_login_with(params: &[(&str, &str)], next: Option<&str>) -> Response {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        q.append_pair(k, v);
    }
    if let Some(next) = next {
        q.append_pair("next", next);
    }
    redirect(
        StatusCode::SEE_OTHER,
        &format!("{LOGIN_PATH}?{}", q.finish()),
    )
}

/// The limit keys of a sign-in: the account from this address, and the address. The name
/// is case-folded and cut to the longest valid user name, so variants share one count.
fn limit_keys(username: &str, address: &str) -> (String, String) {
    let name: String = username.to_lowercase().chars().take(64).collect();
    (format!("user:{name}@{address}"), format!("ip:{address}"))
}

/// `POST /admin/login`. The same answer for an unknown user and a wrong password. Every
/// attempt is counted before the password is checked (see [`super::limits`]): too many for
/// the account from this address, or from this address at all, lock sign-ins from it; the
/// owner signing in from anywhere else is not affected.
pub async fn login(State(state): State<ShopState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| *a);
    let headers = parts.headers;
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let form = LoginForm::parse(&body);
    let next = form
        .next
        .as_deref()
        .and_then(local_path)
        .filter(|p| is_admin_path(p) && !p.starts_with(LOGIN_PATH))
        .map(str::to_owned);
    let address = state.client_address(peer, &headers);
    let username = form.username.trim().to_owned();
    let (account_key, address_key) = limit_keys(&username, &address);
    let lock_ms = state.config.admin.login_lock_ms();
    let account_rule = limits::Rule {
        attempts: ACCOUNT_LIMIT,
        lock_ms,
    };
    let address_rule = limits::Rule {
        attempts: ADDRESS_LIMIT,
        lock_ms,
    };
    let db = &state.db;
    let now = now_ms();
    let reserved = limits::reserve(
        db,
        &[
            (account_key.as_str(), account_rule),
            (address_key.as_str(), address_rule),
        ],
        now,
    )
    .await;
    let address_locked_by_this = match reserved {
        Ok(Reservation::Allowed(locked)) => locked.get(1).copied().unwrap_or(false),
        Ok(Reservation::Locked { until }) => {
            tracing::warn!(%address, "admin login refused: too many attempts");
            let minutes = ((until - now).max(1) + 59_999) / 60_000;
            return back_to_login_with(
                &[("error", "limited"), ("minutes", &minutes.to_string())],
                next.as_deref(),
            );
        }
        Err(_) => return back_to_login("unavailable", next.as_deref()),
    };
    match store::authenticate(db, &username, &form.password).await {
        Ok(Some(admin)) => {
            let refund = (address_key.as_str(), address_locked_by_this);
            if let Err(e) = limits::succeeded(db, &account_key, refund, now_ms()).await {
                tracing::warn!(%e, "could not clear the sign-in count");
            }
            let absolute = state.config.admin.absolute_ms();
            let token = match store::start_session(db, admin.id, absolute).await {
                Ok(t) => t,
                Err(_) => return back_to_login("unavailable", next.as_deref()),
            };
            tracing::info!(admin = %admin.username, %address, "admin signed in");
            let mut res = redirect(StatusCode::SEE_OTHER, next.as_deref().unwrap_or("/admin"));
            admin_cookie(&state, &token, absolute / 1000).set_on(&mut res);
            res
        }
        Ok(None) => {
            // The attempt was counted when it was reserved.
            tracing::info!(%address, "admin login failed");
            back_to_login("invalid", next.as_deref())
        }
        Err(_) => back_to_login("unavailable", next.as_deref()),
    }
}

/// `POST /admin/logout`: the session ends on the server, not just in the browser.
pub async fn logout(State(state): State<ShopState>, headers: HeaderMap) -> Response {
    if let Some(token) = read_cookie(&headers, ADMIN_COOKIE) {
        let _ = store::end_session(&state.db, token).await;
    }
    let mut res = redirect(StatusCode::SEE_OTHER, LOGIN_PATH);
    admin_cookie(&state, "", 0).set_on(&mut res);
    res
}

/// `POST /admin/products/{id}/images` (multipart, field `images`): stores the uploads and
/// goes back to the product's page, with `?error=` when a file was refused.
pub async fn upload_images(
    State(state): State<ShopState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let back = format!("/admin/products/{id}");
    let mut files = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                if field.name() != Some("images") {
                    continue;
                }
                match field.bytes().await {
                    Ok(bytes) if bytes.is_empty() => {}
                    Ok(bytes) => files.push(bytes.to_vec()),
                    Err(_) => {
                        return redirect(
                            StatusCode::SEE_OTHER,
                            &format!("{back}?error=image_large"),
                        )
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return redirect(StatusCode::SEE_OTHER, &format!("{back}?error=image_large")),
        }
    }
    let uploaded = super::images::upload(&state, crate::ids::ProductId(id), files).await;
    if let Ok(n) = uploaded {
        tracing::info!(product = id, images = n, "images uploaded");
    }
    back_to(&back, uploaded.map(|_| ()))
}

/// The product page a form came from: as it is after success, with `?error=` saying what
/// to correct after a refusal; any other failure answers its status.
fn back_to(back: &str, done: Result<(), crate::error::ShopError>) -> Response {
    match done {
        Ok(()) => redirect(StatusCode::SEE_OTHER, back),
        Err(crate::error::ShopError::Invalid(message)) => {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("error", &message);
            redirect(StatusCode::SEE_OTHER, &format!("{back}?{}", q.finish()))
        }
        Err(err) => err_status(err),
    }
}

/// `POST /admin/products/{id}/variants` (a form): the variant table, saved all or nothing;
/// back to the product's page, with `?error=` saying which row to correct.
pub async fn save_variants(
    State(state): State<ShopState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Extension(admin): axum::Extension<CurrentAdmin>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let back = format!("/admin/products/{id}");
    let product = crate::ids::ProductId(id);
    let currency = state.config.currency;
    let saved = super::variants::save_table(&state.db, &admin, product, currency, &fields).await;
    if saved.is_ok() {
        tracing::info!(product = id, admin = %admin.username, "variants saved");
    }
    back_to(&back, saved)
}

fn err_status(err: crate::error::ShopError) -> Response {
    err.status().into_response()
}
