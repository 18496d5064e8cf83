//! The axum router: leptos pages and server functions, static files, and the shop's own
//! middleware (buyer session, cross-site refusal).

use app::ssr::admin::http as admin;
use app::ssr::context::ShopState;
use app::ssr::http::{bind_buyer, cors_layer, healthz, refuse_cross_site, switch_language};
use app::ssr::orders::notify;
use app::{shell, App};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

pub fn build(state: ShopState) -> Router {
    let config = state.config.clone();
    let leptos_options = LeptosOptions::builder()
        .output_name("shop")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.listen_addr)
        .hash_files(app::ssr::assets::current().hashed)
        .hash_file(app::ssr::assets::current().hash_file.as_str().into())
        .build();
    let routes = generate_route_list(App);

    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let shell_options = leptos_options.clone();

    let pages: Router<LeptosOptions> = Router::new()
        .leptos_routes_with_context(&leptos_options, routes, context, move || {
            shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            shell,
        ));

    // Uploaded images: random, never-reused names, so they can be cached for a year.
    let media = tower::ServiceBuilder::new()
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(tower_http::services::ServeDir::new(
            std::path::Path::new(&config.data_dir).join("media"),
        ));

    let shop_routes = Router::new()
        .nest_service("/media", media)
        .route("/healthz", get(healthz))
        .route("/lang", get(switch_language))
        .route("/api/pay/notify", post(notify::receive))
        .route(admin::LOGIN_PATH, post(admin::login))
        .route(admin::LOGOUT_PATH, post(admin::logout))
        .route("/admin/orders.csv", get(admin_csv))
        .route(
            "/admin/products/{id}/images",
            // Up to 10 images of 8 MB each; every other route keeps axum's 2 MB default.
            post(admin::upload_images)
                .layer(axum::extract::DefaultBodyLimit::max(90 * 1024 * 1024)),
        )
        .route("/admin/products/{id}/variants", post(admin::save_variants))
        .route(
            app::ssr::wechat_oauth::CALLBACK_PATH,
            get(app::ssr::wechat_oauth::callback),
        )
        .with_state(state.clone());

    let shop = pages
        .with_state(leptos_options)
        .merge(shop_routes)
        .layer(from_fn_with_state(state.clone(), bind_buyer))
        .layer(from_fn_with_state(state.clone(), admin::guard))
        .layer(from_fn_with_state(state.clone(), refuse_cross_site))
        .layer(cors_layer(&state))
        .layer(CompressionLayer::new());
    if app::ssr::metrics::enabled() {
        shop.layer(axum::middleware::from_fn(count_request))
    } else {
        shop
    }
}

/// Counts every request by its route template (`/product/{id}`, never the raw path) and
/// status, with its duration, for `/metrics`. `Router::layer` wraps each route, so the
/// matched path is known; requests no route matched are counted as `unmatched`.
async fn count_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().clone();
    let res = next.run(req).await;
    app::ssr::metrics::request(
        route,
        method.as_str(),
        res.status().as_u16(),
        started.elapsed(),
    );
    res
}

/// `GET /admin/orders.csv?status&from&to&q`: the filtered order list as CSV (behind the
/// admin guard like every `/admin` path).
async fn admin_csv(
    axum::extract::State(state): axum::extract::State<ShopState>,
    axum::extract::Query(filter): axum::extract::Query<app::admin::OrderFilter>,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    match app::ssr::admin::orders::csv(&state.db, &filter).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"orders.csv\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(err) => (StatusCode::BAD_REQUEST, err.to_string()).into_response(),
    }
}
