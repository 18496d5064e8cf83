//! `/metrics` in Prometheus' text format, on a listen address of its own
//! (`SHOP_METRICS_ADDR`): the monitoring network scrapes it, buyers never reach it (the
//! reverse proxy only forwards the shop's port). What is counted is named in
//! `app::ssr::metrics`.

use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::time::Duration;

/// Installs the process's recorder, binds `addr` and serves `/metrics` there until the
/// returned task is aborted. Errors: the recorder cannot be installed, or `addr` cannot be
/// bound.
pub async fn start(addr: SocketAddr) -> Result<tokio::task::JoinHandle<()>, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Suffix("_seconds".to_owned()),
            app::ssr::metrics::SECONDS_BUCKETS,
        )
        .map_err(|err| format!("metrics buckets: {err}"))?
        .install_recorder()
        .map_err(|err| format!("cannot install the metrics recorder: {err}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| format!("cannot listen on {addr}: {err}"))?;
    tracing::info!("metrics on http://{addr}/metrics");
    app::ssr::metrics::enable();
    Ok(tokio::spawn(serve(listener, handle)))
}

async fn serve(listener: tokio::net::TcpListener, handle: PrometheusHandle) {
    // Histograms are kept in buckets that need draining now and then.
    let upkeep = {
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(Duration::from_secs(5));
            loop {
                ticker.tick().await;
                handle.run_upkeep();
            }
        })
    };
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    handle.render(),
                )
            }
        }),
    );
    if let Err(err) = axum::serve(listener, app).await {
        tracing::error!(%err, "the metrics listener stopped");
    }
    upkeep.abort();
}
