//! What every gateway stand-in is: the merchant's settings, an HTTP client for its
//! notifications, and its ledger behind one mutex (never held across an await, so queries
//! always answer truthfully), with the fault knobs' two handlers.

use crate::faults::Faults;
use crate::settings::Settings;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::{Arc, Mutex, MutexGuard};

/// A ledger with fault knobs.
pub trait Ledger: Default + Send + 'static {
    fn faults(&mut self) -> &mut Faults;
}

pub struct StandIn<L> {
    pub settings: Arc<Settings>,
    pub http: reqwest::Client,
    ledger: Mutex<L>,
}

impl<L: Ledger> StandIn<L> {
    pub fn new(settings: Arc<Settings>, http: reqwest::Client) -> StandIn<L> {
        StandIn {
            settings,
            http,
            ledger: Mutex::new(L::default()),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, L> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `POST …/__sandbox/faults`: sets the knobs (all of them: what is left out is reset).
pub async fn set_faults<L: Ledger>(
    State(gw): State<Arc<StandIn<L>>>,
    Json(faults): Json<Faults>,
) -> Response {
    tracing::info!(?faults, "sandbox faults set");
    *gw.lock().faults() = faults.clone();
    Json(faults).into_response()
}

/// `GET …/__sandbox/faults`.
pub async fn get_faults<L: Ledger>(State(gw): State<Arc<StandIn<L>>>) -> Response {
    Json(gw.lock().faults().clone()).into_response()
}
