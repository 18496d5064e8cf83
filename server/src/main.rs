//! The shop's server: configuration, database, migrations, then HTTP.
// The release build (without `erase_components`) computes the layout of whole page views
// here, as the app crate does.
#![recursion_limit = "256"]

mod cli;
mod metrics_endpoint;
mod request_span;
mod router;
mod static_files;

use app::ssr::config::{redact_url, Config};
use app::ssr::context::ShopState;
use app::ssr::db::Database;
use app::ssr::seed::seed_demo_catalog;
use secrecy::ExposeSecret;
use std::process::ExitCode;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // A `.env` in the working directory is optional; real environment variables win.
    let _ = dotenvy::dotenv();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // The log goes to stdout. `SHOP_LOG_FORMAT=json`: one JSON object per line, for a log
    // collector; `spans` lists the spans it was logged in, outermost first: the request's
    // (its id, method and path) on every line logged while serving it.
    match std::env::var("SHOP_LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_env_filter(filter)
            .init(),
        Ok("text") | Err(_) => tracing_subscriber::fmt().with_env_filter(filter).init(),
        Ok(other) => {
            eprintln!(
                "configuration error: SHOP_LOG_FORMAT: `{other}` is neither `text` nor `json`"
            );
            return ExitCode::from(2);
        }
    }

    let config = match Config::from_env() {
        Ok(config) => Arc::new(config),
        Err(err) => {
            eprintln!("{err}");
            eprintln!("See .env.example and the README's Configuration section.");
            return ExitCode::from(2);
        }
    };
    // `server admin …` (accounts) and `server backup …`: against the configured database,
    // then exit.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let admin_command = matches!(args.first().map(String::as_str), Some("admin" | "backup"));
    if !admin_command {
        tracing::info!(?config, "starting");
    }

    let db = match Database::connect(config.database_url.expose_secret()).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!(
                "configuration error: DATABASE_URL: cannot open {}: {err}",
                redact_url(config.database_url.expose_secret())
            );
            return ExitCode::from(2);
        }
    };
    if let Err(err) = db.migrate().await {
        eprintln!("database migration failed: {err}");
        return ExitCode::from(1);
    }
    if args.first().map(String::as_str) == Some("backup") {
        return cli::backup(&args[1..], &db).await;
    }
    if admin_command {
        return cli::run(&args[1..], &db).await;
    }

    if config.seed_demo {
        match seed_demo_catalog(&db, config.currency).await {
            Ok(true) => tracing::info!("seeded the demo catalog"),
            Ok(false) => {}
            Err(err) => {
                eprintln!("seeding the demo catalog failed: {err}");
                return ExitCode::from(1);
            }
        }
    }

    let state = match ShopState::new(config.clone(), db) {
        Ok(state) => state,
        Err(err) => {
            eprintln!("configuration error: payment gateway client: {err}");
            return ExitCode::from(2);
        }
    };
    match app::ssr::orders::other_gateway_work(&state.db, state.pay.name()).await {
        Ok((0, 0)) => {}
        Ok((orders, refunds)) => {
            eprintln!(
                "configuration error: PAYMENT_PROVIDER is `{}`, but {orders} order(s) and {refunds} pending refund(s) were made through another gateway and still need its answers. Start with the previous PAYMENT_PROVIDER until they are settled (unpaid orders expire after SHOP_ORDER_EXPIRY_MINUTES and are watched for late payments for about two hours more), then switch.",
                state.pay.name()
            );
            return ExitCode::from(2);
        }
        Err(err) => {
            eprintln!("database error: {err}");
            return ExitCode::from(1);
        }
    }
    app::ssr::context::set_asset_base(config.public_url.as_str());
    let assets = match app::ssr::assets::SiteAssets::load(&config.site_root, &config.hash_file)
        .and_then(app::ssr::assets::SiteAssets::pinned)
    {
        Ok(assets) => assets,
        Err(err) => {
            eprintln!("configuration error: LEPTOS_SITE_ROOT: {err}");
            return ExitCode::from(2);
        }
    };
    tracing::info!(hashed = assets.hashed, stylesheet = %assets.stylesheet, "site assets");
    let hashed = assets.hashed;
    app::ssr::assets::set(assets);
    let metrics = match config.metrics_addr {
        Some(addr) => match metrics_endpoint::start(addr).await {
            Ok(task) => Some(task),
            Err(err) => {
                eprintln!("configuration error: SHOP_METRICS_ADDR: {err}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    // The workers stop claiming work when the server starts shutting down.
    let (stop_workers, stop) = tokio::sync::watch::channel(false);
    // Settles orders whose notifications are late and expires unpaid ones.
    let settlement = app::ssr::orders::job::spawn(state.clone(), stop.clone());
    // Sends new-order alerts on their own, so a slow webhook never delays settlement.
    let alerts = app::ssr::alerts::spawn(state.clone(), stop);
    let app = router::build(state.clone());
    // The payment container's prefix is stripped before routing, so its entry wraps the
    // whole router (middleware added with `Router::layer` runs after routing).
    let app = tower::Layer::layer(
        &axum::middleware::from_fn_with_state(state, app::ssr::http::container_entry),
        app,
    );
    // Outermost: the request id and its span cover everything, the container's entry too.
    let app = tower::ServiceBuilder::new()
        .map_response(axum::response::IntoResponse::into_response)
        .map_request(request_span::drop_malformed_id)
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span::span))
        .service(app);
    // The site's files are answered before any of that.
    let app = static_files::router(&config.site_root, hashed)
        .fallback_service(app)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();

    let listener = match tokio::net::TcpListener::bind(config.listen_addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "configuration error: SHOP_LISTEN_ADDR: cannot listen on {}: {err}",
                config.listen_addr
            );
            return ExitCode::from(2);
        }
    };
    tracing::info!("listening on http://{}", config.listen_addr);
    // No Nagle: a response written in two parts (a file's headers, then its body) must not
    // wait for the client's delayed ACK (40 ms a response under load).
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(%err, "cannot set TCP_NODELAY");
        }
    });
    // On SIGTERM: no new connections, the requests in flight finished, and at the same
    // moment the workers told to claim nothing more.
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight and the workers' passes");
            let _ = stop_workers.send(true);
        })
        .await;
    // A worker finishes the pass it is in (its gateway calls time out well within this);
    // one that does not is stopped where it is, and its open transaction rolls back.
    for (name, mut worker) in [("settlement", settlement), ("alerts", alerts)] {
        if tokio::time::timeout(WORKER_GRACE, &mut worker)
            .await
            .is_err()
        {
            tracing::warn!(worker = name, "did not finish its pass in time; stopped");
            worker.abort();
        }
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    if let Err(err) = served {
        eprintln!("server error: {err}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// How long a worker may take to finish its pass at shutdown (systemd waits 30 s).
const WORKER_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
