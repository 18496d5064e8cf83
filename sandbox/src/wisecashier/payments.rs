//! Placing a JSAPI order (`POST /mp_pay`, `POST /wechatpay/hk/online/mp/payment`) and
//! asking about a payment (`GET /payment`).

use super::api::{envelope, param, parse_form, refuse, verify};
use super::notify::notification_fields;
use super::state::{Gateway, MpPayFault, Payment, QueryFault, Status};
use crate::clock::{now_ms, random_hex};
use app::money::{Currency, Money};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy)]
enum Wallet {
    Mainland,
    HongKong,
}

pub async fn mp_pay(State(gw): State<Arc<Gateway>>, headers: HeaderMap, body: Bytes) -> Response {
    place(gw, headers, body, Wallet::Mainland).await
}

pub async fn hk_payment(
    State(gw): State<Arc<Gateway>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    place(gw, headers, body, Wallet::HongKong).await
}

/// The JSAPI parameters WeChat's pay sheet needs. `paySign` is RSA-SHA256 by the
/// (sandbox) gateway over `appId\ntimeStamp\nnonceStr\npackage\n`, as for WeChat Pay v3.
fn js_param(gw: &Gateway, prepay_id: &str) -> Result<Value, Response> {
    let app_id = gw.settings.wechat_appid.clone();
    let time_stamp = (now_ms() / 1000).to_string();
    let nonce = random_hex(16);
    let package = format!("prepay_id={prepay_id}");
    let pay_sign = gw
        .settings
        .wisecashier
        .gateway_key
        .sign(&format!("{app_id}\n{time_stamp}\n{nonce}\n{package}\n"))
        .map_err(|_| refuse(StatusCode::INTERNAL_SERVER_ERROR, 50001, "signing failed"))?;
    Ok(json!({
        "appId": app_id,
        "timeStamp": time_stamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": pay_sign,
    }))
}

async fn place(gw: Arc<Gateway>, headers: HeaderMap, body: Bytes, wallet: Wallet) -> Response {
    let params = parse_form(&body);
    if let Err(res) = verify(&gw, &headers, &params) {
        return res;
    }
    let required: &[&str] = match wallet {
        Wallet::Mainland => &[
            "merchant_no",
            "amount",
            "openid",
            "currency",
            "product_info",
        ],
        Wallet::HongKong => &[
            "merchant_no",
            "amount",
            "openid",
            "currency",
            "out_trade_id",
            "product_info",
            "client_ip",
            "notify_url",
        ],
    };
    for name in required {
        if param(&params, &[name]).is_none() {
            return refuse(
                StatusCode::BAD_REQUEST,
                40002,
                &format!("missing parameter {name}"),
            );
        }
    }
    let get = |names: &[&str]| param(&params, names).unwrap_or_default().to_owned();
    if get(&["merchant_no"]) != gw.settings.wisecashier.merchant_no {
        return refuse(
            StatusCode::BAD_REQUEST,
            40003,
            "merchant_no does not match MerchantNO",
        );
    }
    let Some(currency) = Currency::from_code(&get(&["currency"])) else {
        return refuse(StatusCode::BAD_REQUEST, 40004, "unsupported currency");
    };
    let amount_raw = get(&["amount"]);
    let Some(amount) = Money::parse_decimal(&amount_raw, currency).filter(|m| m.minor > 0) else {
        return refuse(StatusCode::BAD_REQUEST, 40005, "invalid amount");
    };
    let is_rmb = match get(&["is_rmb"]).as_str() {
        "" | "FALSE" => false,
        "TRUE" => true,
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                40006,
                "is_rmb must be TRUE or FALSE",
            )
        }
    };
    let fault = gw.lock().faults.take_placement(&get(&["openid"]));
    match fault {
        MpPayFault::ServerError | MpPayFault::Garbage => {
            return crate::faults::broken_answer(fault == MpPayFault::ServerError)
        }
        MpPayFault::Refuse => {
            let message = gw.lock().faults.refuse_message.clone();
            return refuse(StatusCode::BAD_REQUEST, 40010, &message);
        }
        MpPayFault::None | MpPayFault::Timeout => {}
    }
    let mut order_no = get(&["agent_order_id", "out_trade_id"]);
    let openid = get(&["openid"]);
    let answer = {
        let mut inner = gw.lock();
        if order_no.is_empty() {
            order_no = format!("SBX{}{}", now_ms(), inner.next_seq());
        }
        if let Some(existing) = inner.payment_mut(&order_no) {
            // Placing the same order again: the same prepay, while it can still be paid.
            let same = existing.amount_minor == amount.minor
                && existing.currency == currency.code()
                && existing.openid == openid;
            if !same {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    40007,
                    "agent_order_id already used for another payment",
                );
            }
            if !matches!(existing.status, Status::Init | Status::Fail) {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    40008,
                    &format!("payment is {}", existing.status.code()),
                );
            }
            Ok((existing.js_param.clone(), existing.payment_no.clone()))
        } else {
            let seq = inner.next_seq();
            let payment_no = format!("P{}{seq:04}", now_ms());
            let prepay_id = format!("wx{}{}", now_ms(), random_hex(8));
            match js_param(&gw, &prepay_id) {
                Ok(js) => {
                    let ttl = gw
                        .settings
                        .scaled(inner.faults.pay_window(&openid, gw.settings.prepay_ttl));
                    let payment = Payment {
                        payment_no: payment_no.clone(),
                        order_no: order_no.clone(),
                        amount: amount.decimal(),
                        amount_minor: amount.minor,
                        currency: currency.code().to_owned(),
                        openid,
                        product_info: get(&["product_info"]),
                        notify_url: get(&["notify_url"]),
                        is_rmb,
                        wallet: match wallet {
                            Wallet::Mainland => "mainland",
                            Wallet::HongKong => "hk",
                        },
                        status: Status::Init,
                        prepay_id: prepay_id.clone(),
                        js_param: js.clone(),
                        created_at_ms: now_ms(),
                        expires_at_ms: now_ms()
                            + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX),
                        paid_at_ms: None,
                        trade_time: None,
                        refunded_minor: 0,
                        deliveries: Vec::new(),
                        acknowledged: false,
                        refund_calls: 0,
                    };
                    inner.by_prepay.insert(prepay_id, order_no.clone());
                    inner
                        .by_payment_no
                        .insert(payment_no.clone(), order_no.clone());
                    inner.payments.insert(order_no.clone(), payment);
                    Ok((js, payment_no))
                }
                Err(res) => Err(res),
            }
        }
    };
    let (js, payment_no) = match answer {
        Ok(v) => v,
        Err(res) => return res,
    };
    if fault == MpPayFault::Timeout {
        // The gateway acted but the answer never arrives in time.
        tokio::time::sleep(Duration::from_secs(120)).await;
    }
    envelope(
        StatusCode::OK,
        200,
        "success",
        json!({ "js_param": js, "payment_no": payment_no, "agent_order_id": order_no }),
    )
}

pub async fn query_payment(
    State(gw): State<Arc<Gateway>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let params = parse_form(q.unwrap_or_default().as_bytes());
    if let Err(res) = verify(&gw, &headers, &params) {
        return res;
    }
    let mut inner = gw.lock();
    let order_no = match (
        param(&params, &["payment_no"]),
        param(&params, &["out_trade_id", "agent_order_id"]),
    ) {
        (Some(no), _) => inner.by_payment_no.get(no).cloned(),
        (None, Some(order_no)) => Some(order_no.to_owned()),
        (None, None) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                40002,
                "payment_no or out_trade_id is required",
            )
        }
    };
    let Some(mut p) = order_no.and_then(|no| inner.payment_mut(&no).map(|p| p.clone())) else {
        return refuse(StatusCode::NOT_FOUND, 404, "payment not found");
    };
    if inner.faults.applies_to(&p.openid) {
        match inner.faults.query {
            QueryFault::Truthful => {}
            QueryFault::ServerError => {
                return (StatusCode::SERVICE_UNAVAILABLE, "<html>503</html>").into_response()
            }
            QueryFault::NotFound => return refuse(StatusCode::NOT_FOUND, 404, "payment not found"),
            QueryFault::OtherOrder => {
                let other = inner
                    .payments
                    .values()
                    .filter(|o| o.order_no != p.order_no)
                    .max_by_key(|o| (o.status == Status::Paid, o.created_at_ms))
                    .cloned();
                if let Some(other) = other {
                    p = other;
                }
            }
        }
    }
    drop(inner);
    // Query answers use the newer spellings (`payment_no`, `out_trade_id`) and fields.
    let mut data = Map::new();
    for (k, v) in notification_fields(&gw, &p) {
        let key = match k.as_str() {
            "no" => "payment_no".to_owned(),
            "agent_order_id" => "out_trade_id".to_owned(),
            _ => k,
        };
        data.insert(key, Value::String(v));
    }
    data.insert("settle_currency".into(), Value::String(p.currency.clone()));
    if let Some(t) = &p.trade_time {
        data.insert("finish_time".into(), Value::String(t.clone()));
    }
    envelope(StatusCode::OK, 200, "success", Value::Object(data))
}
