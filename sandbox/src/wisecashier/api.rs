//! The signed merchant API's common rules: the form parameters, the gateway's JSON
//! envelope, and the request signature check every call passes first.

use super::state::Gateway;
use crate::clock::now_ms;
use app::ssr::pay::wisecashier::protocol::{
    request_string_to_sign, API_VERSION, HEADER_MERCHANT_NO, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    HEADER_VERSION,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub type Params = Vec<(String, String)>;

pub fn parse_form(raw: &[u8]) -> Params {
    url::form_urlencoded::parse(raw)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn param<'a>(params: &'a Params, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| {
        params
            .iter()
            .find(|(k, v)| k == n && !v.is_empty())
            .map(|(_, v)| v.as_str())
    })
}

/// The gateway's envelope.
pub fn envelope(status: StatusCode, code: u32, message: &str, data: Value) -> Response {
    let body = json!({
        "meta": { "success": status.is_success(), "status_code": code, "message": message },
        "data": data,
    });
    (status, Json(body)).into_response()
}

pub fn refuse(status: StatusCode, code: u32, message: &str) -> Response {
    tracing::info!(code, message, "sandbox refused a request");
    envelope(status, code, message, Value::Null)
}

/// Checks `MerchantNO`, `Version`, `Timestamp` (±5 minutes) and the RSA signature over the
/// sorted, percent-encoded parameters.
pub fn verify(gw: &Gateway, headers: &HeaderMap, params: &Params) -> Result<(), Response> {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if h(HEADER_MERCHANT_NO) != gw.settings.wisecashier.merchant_no {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            40101,
            "unknown MerchantNO",
        ));
    }
    if h(HEADER_VERSION) != API_VERSION {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            40001,
            "unsupported Version",
        ));
    }
    let timestamp = h(HEADER_TIMESTAMP);
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|ts| (now_ms() / 1000 - ts).abs() <= 300);
    if !fresh {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            40102,
            "Timestamp missing or out of range",
        ));
    }
    let message = request_string_to_sign(params, timestamp);
    if !gw
        .settings
        .wisecashier
        .merchant_key
        .verify(&message, h(HEADER_SIGNATURE))
    {
        return Err(refuse(StatusCode::UNAUTHORIZED, 40103, "invalid Signature"));
    }
    Ok(())
}
