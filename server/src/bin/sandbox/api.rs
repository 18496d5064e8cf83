//! The signed merchant API, the pay sheet's endpoints, and the test controls.

use crate::notify;
use crate::state::{
    now_ms, random_hex, Inner, MpPayFault, Payment, QueryFault, Refund, RefundFault, Sandbox,
    Status,
};
use app::money::{Currency, Money};
use app::ssr::pay::signing::request_string_to_sign;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

type Params = Vec<(String, String)>;

fn parse_form(raw: &[u8]) -> Params {
    url::form_urlencoded::parse(raw)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(params: &'a Params, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| {
        params
            .iter()
            .find(|(k, v)| k == n && !v.is_empty())
            .map(|(_, v)| v.as_str())
    })
}

/// The gateway's envelope.
fn envelope(status: StatusCode, code: u32, message: &str, data: Value) -> Response {
    let body = json!({
        "meta": { "success": status.is_success(), "status_code": code, "message": message },
        "data": data,
    });
    (status, Json(body)).into_response()
}

fn refuse(status: StatusCode, code: u32, message: &str) -> Response {
    tracing::info!(code, message, "sandbox refused a request");
    envelope(status, code, message, Value::Null)
}

/// Checks `MerchantNO`, `Version`, `Timestamp` (±5 minutes) and the RSA signature over the
/// sorted, percent-encoded parameters.
fn verify(sb: &Sandbox, headers: &HeaderMap, params: &Params) -> Result<(), Response> {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if h("merchantno") != sb.settings.merchant_no {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            40101,
            "unknown MerchantNO",
        ));
    }
    if h("version") != "1.0" {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            40001,
            "unsupported Version",
        ));
    }
    let timestamp = h("timestamp");
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
    if !sb.settings.merchant_key.verify(&message, h("signature")) {
        return Err(refuse(StatusCode::UNAUTHORIZED, 40103, "invalid Signature"));
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Wallet {
    Mainland,
    HongKong,
}

pub async fn mp_pay(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: Bytes) -> Response {
    place(sb, headers, body, Wallet::Mainland).await
}

pub async fn hk_payment(
    State(sb): State<Arc<Sandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    place(sb, headers, body, Wallet::HongKong).await
}

/// The JSAPI parameters WeChat's pay sheet needs. `paySign` is RSA-SHA256 by the
/// (sandbox) gateway over `appId\ntimeStamp\nnonceStr\npackage\n`, as for WeChat Pay v3.
fn js_param(sb: &Sandbox, prepay_id: &str) -> Result<Value, Response> {
    let app_id = sb.settings.wechat_appid.clone();
    let time_stamp = (now_ms() / 1000).to_string();
    let nonce = random_hex(16);
    let package = format!("prepay_id={prepay_id}");
    let pay_sign = sb
        .settings
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

async fn place(sb: Arc<Sandbox>, headers: HeaderMap, body: Bytes, wallet: Wallet) -> Response {
    let params = parse_form(&body);
    if let Err(res) = verify(&sb, &headers, &params) {
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
    if get(&["merchant_no"]) != sb.settings.merchant_no {
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
    let fault = sb.lock().take_mp_pay_fault(&get(&["openid"]));
    match fault {
        MpPayFault::ServerError => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            )
                .into_response()
        }
        MpPayFault::Garbage => {
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html")],
                "<html>upstream error</html>",
            )
                .into_response()
        }
        MpPayFault::Refuse => {
            let message = sb.lock().faults.refuse_message.clone();
            return refuse(StatusCode::BAD_REQUEST, 40010, &message);
        }
        MpPayFault::None | MpPayFault::Timeout => {}
    }
    let mut order_no = get(&["agent_order_id", "out_trade_id"]);
    let openid = get(&["openid"]);
    let answer = {
        let mut inner = sb.lock();
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
            match js_param(&sb, &prepay_id) {
                Ok(js) => {
                    let ttl = sb.settings.scaled(sb.settings.prepay_ttl);
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

/// Integer-only CNY conversion for `pay_amount`: `minor` of `currency` at `rate` (RMB per
/// unit, a decimal string).
fn cny_amount(minor: i64, currency: &str, rate: &str) -> String {
    let exp = Currency::from_code(currency)
        .map(|c| c.exponent())
        .unwrap_or(2);
    let (whole, frac) = rate.split_once('.').unwrap_or((rate, ""));
    let frac4: String = frac.chars().chain("0000".chars()).take(4).collect();
    let rate_e4: i64 = format!("{whole}{frac4}").parse().unwrap_or(10_000);
    // fen = minor * 10^(2-exp) * rate / 10^4, rounded half up
    let scaled = i128::from(minor) * 10i128.pow(2 - exp.min(2)) * i128::from(rate_e4);
    let fen = (scaled + 5_000) / 10_000;
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The notification's fields for a payment (old spellings: `no`, `agent_order_id`).
pub fn notification_fields(sb: &Sandbox, p: &Payment) -> Vec<(String, String)> {
    let (rate, pay_currency, pay_amount) = if p.currency == "CNY" {
        ("1.0000".to_owned(), "CNY".to_owned(), p.amount.clone())
    } else {
        (
            sb.settings.exchange_rate.clone(),
            "CNY".to_owned(),
            cny_amount(p.amount_minor, &p.currency, &sb.settings.exchange_rate),
        )
    };
    let mut fields = vec![
        ("status", p.status.code().to_owned()),
        ("openid", p.openid.clone()),
        ("trade_type", "JSAPI".to_owned()),
        ("exchange_rate", rate),
        ("no", p.payment_no.clone()),
        ("currency", p.currency.clone()),
        ("amount", p.amount.clone()),
        ("pay_currency", pay_currency),
        ("pay_amount", pay_amount),
        ("agent_order_id", p.order_no.clone()),
    ];
    if let Some(t) = &p.trade_time {
        fields.push(("trade_time", t.clone()));
    }
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub async fn query_payment(
    State(sb): State<Arc<Sandbox>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let params = parse_form(q.unwrap_or_default().as_bytes());
    if let Err(res) = verify(&sb, &headers, &params) {
        return res;
    }
    let mut inner = sb.lock();
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
    for (k, v) in notification_fields(&sb, &p) {
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

/// `POST /payment_refund`: idempotent on `out_refund_id`. A new refund is `PROCESSING` and
/// becomes `SUCCESS` after `refund_settle_ms` (scaled); the refund faults change that.
pub async fn refund(State(sb): State<Arc<Sandbox>>, headers: HeaderMap, body: Bytes) -> Response {
    let params = parse_form(&body);
    if let Err(res) = verify(&sb, &headers, &params) {
        return res;
    }
    let (Some(payment_no), Some(out_refund_id)) = (
        param(&params, &["payment_no"]),
        param(&params, &["out_refund_id"]),
    ) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            40002,
            "payment_no and out_refund_id are required",
        );
    };
    let (answer, fault) = {
        let mut inner = sb.lock();
        let Some(order_no) = inner.by_payment_no.get(payment_no).cloned() else {
            return refuse(StatusCode::NOT_FOUND, 404, "payment not found");
        };
        let openid = match inner.payments.get_mut(&order_no) {
            Some(p) => {
                p.refund_calls += 1;
                p.openid.clone()
            }
            None => return refuse(StatusCode::NOT_FOUND, 404, "payment not found"),
        };
        let fault = inner.refund_fault(&openid);
        if fault == RefundFault::Refuse {
            let message = inner.faults.refuse_message.clone();
            drop(inner);
            return refuse(StatusCode::BAD_REQUEST, 40022, &message);
        }
        if let Some(existing) = inner.refunds.get(out_refund_id) {
            if existing.payment_no != payment_no {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    40023,
                    "out_refund_id already used for another payment",
                );
            }
            (refund_answer(&inner, existing, fault), fault)
        } else {
            let seq = inner.next_seq();
            let settle_in = sb
                .settings
                .scaled(Duration::from_millis(inner.faults.refund_settle_ms));
            let Some(p) = inner.payment_mut(&order_no) else {
                return refuse(StatusCode::NOT_FOUND, 404, "payment not found");
            };
            if p.status != Status::Paid {
                return refuse(StatusCode::BAD_REQUEST, 40020, "payment is not paid");
            }
            let Some(currency) = Currency::from_code(&p.currency) else {
                return refuse(StatusCode::BAD_REQUEST, 40004, "unsupported currency");
            };
            let minor = match param(&params, &["refund_amount"]) {
                None => p.amount_minor - p.refunded_minor,
                Some(raw) => match Money::parse_decimal(raw, currency) {
                    Some(m) if m.minor > 0 => m.minor,
                    _ => return refuse(StatusCode::BAD_REQUEST, 40005, "invalid refund_amount"),
                },
            };
            if minor <= 0 || p.refunded_minor + minor > p.amount_minor {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    40021,
                    "refunds would exceed the payment",
                );
            }
            p.refunded_minor += minor;
            let now = now_ms();
            let refund = Refund {
                refund_no: format!("R{now}{seq:04}"),
                out_refund_id: out_refund_id.to_owned(),
                payment_no: payment_no.to_owned(),
                amount: Money::new(minor, currency).decimal(),
                status: "SUCCESS",
                created_at_ms: now,
                settle_at_ms: now + i64::try_from(settle_in.as_millis()).unwrap_or(i64::MAX),
                openid,
            };
            let answer = refund_answer(&inner, &refund, fault);
            inner.refunds.insert(out_refund_id.to_owned(), refund);
            (answer, fault)
        }
    };
    if fault == RefundFault::Timeout {
        // The gateway acted but the answer never arrives in time.
        tokio::time::sleep(Duration::from_secs(120)).await;
    }
    envelope(StatusCode::OK, 200, "success", answer)
}

fn refund_json(r: &Refund, status: &str) -> Value {
    json!({
        "refund_no": r.refund_no,
        "out_refund_id": r.out_refund_id,
        "payment_no": r.payment_no,
        "refund_amount": r.amount,
        "status": status,
    })
}

/// The answer about refund `r`, or (fault `other_refund`) about another refund of the same
/// payment that has succeeded, or one made up.
fn refund_answer(inner: &Inner, r: &Refund, fault: RefundFault) -> Value {
    if fault != RefundFault::OtherRefund {
        return refund_json(r, inner.refund_status(r));
    }
    match inner
        .refunds
        .values()
        .find(|o| o.payment_no == r.payment_no && o.out_refund_id != r.out_refund_id)
    {
        Some(other) => refund_json(other, "SUCCESS"),
        None => json!({
            "refund_no": format!("{}9", r.refund_no),
            "out_refund_id": format!("{}-OTHER", r.out_refund_id),
            "payment_no": r.payment_no,
            "refund_amount": r.amount,
            "status": "SUCCESS",
        }),
    }
}

/// `GET /payment_refund?out_refund_id=…` (or `refund_no`).
pub async fn query_refund(
    State(sb): State<Arc<Sandbox>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let params = parse_form(q.unwrap_or_default().as_bytes());
    if let Err(res) = verify(&sb, &headers, &params) {
        return res;
    }
    let inner = sb.lock();
    let found = match (
        param(&params, &["out_refund_id"]),
        param(&params, &["refund_no"]),
    ) {
        (Some(id), _) => inner.refunds.get(id),
        (None, Some(no)) => inner.refunds.values().find(|r| r.refund_no == no),
        (None, None) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                40002,
                "refund_no or out_refund_id is required",
            )
        }
    };
    match found {
        Some(r) => {
            let answer = refund_answer(&inner, r, inner.refund_fault(&r.openid));
            envelope(StatusCode::OK, 200, "success", answer)
        }
        None => refuse(StatusCode::NOT_FOUND, 404, "refund not found"),
    }
}

/// The refunds of an order's payment as the gateway holds them, and how many refund requests
/// it received (tests: one refund, asked for once).
pub async fn refunds_of(State(sb): State<Arc<Sandbox>>, Path(order_no): Path<String>) -> Response {
    let inner = sb.lock();
    let Some(p) = inner.payments.get(&order_no) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response();
    };
    let mut refunds: Vec<&Refund> = inner
        .refunds
        .values()
        .filter(|r| r.payment_no == p.payment_no)
        .collect();
    refunds.sort_by_key(|r| r.created_at_ms);
    Json(json!({
        "refund_calls": p.refund_calls,
        "refunded_minor": p.refunded_minor,
        "refunds": refunds
            .into_iter()
            .map(|r| refund_json(r, inner.refund_status(r)))
            .collect::<Vec<_>>(),
    }))
    .into_response()
}

// ---- the pay sheet ---------------------------------------------------------------------

#[derive(Deserialize)]
pub struct PrepayQuery {
    package: String,
}

fn by_package(inner: &mut crate::state::Inner, package: &str) -> Option<String> {
    let prepay = package.strip_prefix("prepay_id=")?;
    inner.by_prepay.get(prepay).cloned()
}

/// What the pay sheet shows: the merchant's order as the gateway knows it.
pub async fn prepay_details(
    State(sb): State<Arc<Sandbox>>,
    axum::extract::Query(q): axum::extract::Query<PrepayQuery>,
) -> Response {
    let mut inner = sb.lock();
    let Some(p) = by_package(&mut inner, &q.package).and_then(|no| inner.payment_mut(&no).cloned())
    else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown prepay_id" })),
        )
            .into_response();
    };
    Json(json!({
        "merchant_no": sb.settings.merchant_no,
        "order_no": p.order_no,
        "amount": p.amount,
        "currency": p.currency,
        "product_info": p.product_info,
        "status": p.status.code(),
    }))
    .into_response()
}

/// The sheet's Pay button. The parameters must be exactly the ones the gateway issued
/// (the page passed `js_param` through untouched), and the prepay still payable.
pub async fn sheet_pay(State(sb): State<Arc<Sandbox>>, Json(params): Json<Value>) -> Response {
    let order_no = {
        let mut inner = sb.lock();
        let package = params
            .get("package")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(order_no) = by_package(&mut inner, package) else {
            return Json(json!({ "ok": false, "error": "unknown prepay_id" })).into_response();
        };
        let trade_time = app::time::format_datetime(now_ms() / 1000, app::time::CHINA_OFFSET_SECS);
        let Some(p) = inner.payment_mut(&order_no) else {
            return Json(json!({ "ok": false, "error": "unknown payment" })).into_response();
        };
        if p.js_param != params {
            return Json(
                json!({ "ok": false, "error": "pay parameters were altered (paySign mismatch)" }),
            )
            .into_response();
        }
        match p.status {
            Status::Init | Status::Fail => {
                p.status = Status::Paid;
                p.paid_at_ms = Some(now_ms());
                p.trade_time = Some(trade_time);
            }
            Status::Paid => {
                return Json(json!({ "ok": false, "error": "already paid" })).into_response()
            }
            Status::Expired => {
                return Json(json!({ "ok": false, "error": "payment expired" })).into_response()
            }
        }
        order_no
    };
    notify::spawn_deliveries(sb.clone(), order_no);
    Json(json!({ "ok": true })).into_response()
}

/// The sheet's Fail button: the attempt fails; the prepay stays payable, like WeChat's.
pub async fn sheet_fail(State(sb): State<Arc<Sandbox>>, Json(params): Json<Value>) -> Response {
    let mut inner = sb.lock();
    let package = params
        .get("package")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(order_no) = by_package(&mut inner, package) else {
        return Json(json!({ "ok": false })).into_response();
    };
    if let Some(p) = inner.payment_mut(&order_no) {
        if p.status == Status::Init {
            p.status = Status::Fail;
        }
    }
    Json(json!({ "ok": true })).into_response()
}

// ---- test controls ---------------------------------------------------------------------

pub async fn set_faults(
    State(sb): State<Arc<Sandbox>>,
    Json(faults): Json<crate::state::Faults>,
) -> Response {
    tracing::info!(?faults, "sandbox faults set");
    sb.lock().faults = faults.clone();
    Json(faults).into_response()
}

pub async fn get_faults(State(sb): State<Arc<Sandbox>>) -> Response {
    Json(sb.lock().faults.clone()).into_response()
}

#[derive(Deserialize)]
pub struct ExpireBody {
    order_no: String,
}

/// Makes a payment's prepay lapse now (an order expiring at the gateway).
pub async fn force_expire(
    State(sb): State<Arc<Sandbox>>,
    Json(body): Json<ExpireBody>,
) -> Response {
    let mut inner = sb.lock();
    match inner.payments.get_mut(&body.order_no) {
        Some(p) => {
            p.expires_at_ms = now_ms();
            let _ = inner.payment_mut(&body.order_no);
            Json(json!({ "ok": true })).into_response()
        }
        None => (StatusCode::NOT_FOUND, Json(json!({ "ok": false }))).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ForgedBody {
    order_no: String,
    /// The status the notification claims (default `PAID`), whatever the payment's is.
    status: Option<String>,
    /// How old its Timestamp is, in seconds (default 0).
    timestamp_age_secs: Option<i64>,
}

/// Sends one correctly signed notification for a payment that claims `status` (default
/// PAID) while the gateway's own record stays as it is: what another merchant of the same
/// gateway could produce by paying an order of its own with this shop's order number and
/// notify_url. Answers the shop's HTTP status and body.
pub async fn notify_forged(
    State(sb): State<Arc<Sandbox>>,
    Json(body): Json<ForgedBody>,
) -> Response {
    let Some(p) = sb.lock().payments.get(&body.order_no).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response();
    };
    let claimed = body.status.unwrap_or_else(|| "PAID".to_owned());
    let fields: Vec<(String, String)> = notification_fields(&sb, &p)
        .into_iter()
        .map(|(k, v)| {
            if k == "status" {
                (k, claimed.clone())
            } else {
                (k, v)
            }
        })
        .collect();
    let timestamp = (now_ms() / 1000 - body.timestamp_age_secs.unwrap_or(0)).to_string();
    let Ok(signature) =
        sb.settings
            .gateway_key
            .sign(&app::ssr::pay::signing::notification_string_to_verify(
                &fields, &timestamp,
            ))
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let sent = sb
        .http
        .post(&p.notify_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Timestamp", &timestamp)
        .header("Signature", &signature)
        .body(app::ssr::pay::wisecashier::encode_params(&fields))
        .send()
        .await;
    match sent {
        Ok(res) => {
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            Json(json!({ "http_status": status, "body": text })).into_response()
        }
        Err(err) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "error": err.without_url().to_string() })),
        )
            .into_response(),
    }
}

pub async fn payment_state(
    State(sb): State<Arc<Sandbox>>,
    Path(order_no): Path<String>,
) -> Response {
    let mut inner = sb.lock();
    match inner.payment_mut(&order_no) {
        Some(p) => Json(p.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown order" })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cny_conversion_is_integer_exact() {
        assert_eq!(super::cny_amount(3800, "HKD", "0.92"), "34.96");
        assert_eq!(super::cny_amount(1, "HKD", "0.92"), "0.01");
        assert_eq!(super::cny_amount(1000, "JPY", "0.0485"), "48.50");
    }
}
