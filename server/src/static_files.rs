//! The built site's files, served in front of everything else: no session, no cross-site
//! check, no page fallback, no compression on the fly. `/pkg` (scripts, wasm, the
//! stylesheet) is content-hashed in a release build, so it is cached for a year as
//! immutable; its brotli and gzip copies are made at build time (`cargo leptos build
//! --precompress`) and sent as they are to a browser that accepts them. The site's other
//! top-level files (favicon, robots.txt, the demo pictures) keep their names across builds
//! and are cached for an hour.

use axum::http::{header, HeaderValue, Response};
use axum::Router;
use std::path::Path;
use tower::ServiceBuilder;
use tower_http::services::{ServeDir, ServeFile};

const YEAR: &str = "public, max-age=31536000, immutable";
const HOUR: &str = "public, max-age=3600";
/// Unhashed `/pkg` (a development build): the browser asks again every time, and gets
/// 304 when nothing changed.
const REVALIDATE: &str = "no-cache";

/// Sets `Cache-Control` on files found (an error, like a 404 for a file a newer build
/// removed, is never cached), `Vary: Accept-Encoding` (the same URL answers brotli, gzip or
/// plain bytes), and `Access-Control-Allow-Origin: *`: inside the payment container the page
/// comes from the gateway's origin, and its module script and wasm are fetched across
/// origins from the shop (public files, fetched without credentials).
fn cached<B>(policy: &'static str) -> impl Fn(Response<B>) -> Response<B> + Clone {
    move |mut res: Response<B>| {
        let value = if res.status().is_success() || res.status().as_u16() == 304 {
            policy
        } else {
            "no-store"
        };
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        res
    }
}

/// A router of the site's files, to be given the shop as its fallback. `hashed`: the
/// `/pkg` names carry content hashes (see `app::ssr::assets`).
pub fn router(site_root: &str, hashed: bool) -> Router {
    let root = Path::new(site_root);
    let pkg = ServiceBuilder::new()
        .map_response(cached(if hashed { YEAR } else { REVALIDATE }))
        .service(
            ServeDir::new(root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    let mut router = Router::new().nest_service("/pkg", pkg);

    // The rest of the top level, as it is at start-up (the build writes it; nothing adds
    // to it while the shop runs).
    let Ok(entries) = std::fs::read_dir(root) else {
        tracing::warn!(
            site_root,
            "the site directory cannot be read: no static files"
        );
        return router;
    };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let plain = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if name == "pkg" || name.starts_with('.') || !plain {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            router = router.nest_service(
                &format!("/{name}"),
                ServiceBuilder::new()
                    .map_response(cached(HOUR))
                    .service(ServeDir::new(&path).precompressed_br().precompressed_gzip()),
            );
        } else if !name.ends_with(".br") && !name.ends_with(".gz") {
            router = router.route_service(
                &format!("/{name}"),
                ServiceBuilder::new().map_response(cached(HOUR)).service(
                    ServeFile::new(&path)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
            );
        }
    }
    router
}
