//! `POST /useepay/api`: the signed V1 gateway. `transactionType` selects `pay`, `query` or
//! `refund`; every request's signature is checked first (a bad one is refused, unsigned,
//! like any refusal before the merchant is known), and every answer is signed with the
//! merchant's signature type.
//!
//! What no public source gives, and this stand-in defines: answers are JSON with string
//! values; `pay` answers `pending` with the WeChat parameters in `redirectParam`; an unknown
//! transaction is `resultCode=failed`, `errorCode=ORDER_NOT_EXIST`; the refund answer has the
//! pay answer's shape; refunds are idempotent on their `transactionId`.

use super::notify;
use super::state::{Gateway, Payment, Refund};
use crate::clock::{now_ms, random_hex};
use crate::faults::{MpPayFault, QueryFault, RefundFault};
use app::money::Currency;
use app::ssr::pay::useepay::protocol::{
    field, parse_minor, ResultCode, SignType, MAX_EXPIRATION_MINUTES, PAYMENT_METHOD, VERSION,
};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

type Fields = Vec<(String, String)>;

fn s(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_owned(), v.into())
}

/// An unsigned refusal (the request could not be tied to a merchant's keys).
fn refuse_unsigned(code: &str, message: &str) -> Response {
    tracing::info!(code, message, "UseePay sandbox refused a request");
    Json(json!({ "resultCode": "failed", "errorCode": code, "errorMsg": message })).into_response()
}

/// A signed answer of `fields` for a merchant of `sign_type`.
fn answer(gw: &Gateway, sign_type: SignType, fields: Fields) -> Response {
    let mut fields = fields;
    fields.push(s("merchantNo", &gw.settings.useepay.merchant_no));
    match gw.signer(sign_type).signed(fields) {
        Ok(signed) => {
            let obj: Map<String, Value> = signed
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            Json(Value::Object(obj)).into_response()
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "signing failed").into_response(),
    }
}

/// A signed refusal.
fn refuse(gw: &Gateway, sign_type: SignType, kind: &str, code: &str, message: &str) -> Response {
    tracing::info!(code, message, "UseePay sandbox refused a request");
    answer(
        gw,
        sign_type,
        vec![
            s("transactionType", kind),
            s("resultCode", "failed"),
            s("errorCode", code),
            s("errorMsg", message),
        ],
    )
}

pub async fn api(State(gw): State<Arc<Gateway>>, body: Bytes) -> Response {
    let fields: Fields = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| field(&fields, k).unwrap_or_default().to_owned();
    let Some(sign_type) = SignType::parse(&get("signType")) else {
        return refuse_unsigned("PARAM_ERROR", "signType must be RSA or MD5");
    };
    if !gw.verifier(sign_type).verify(&fields) {
        return refuse_unsigned("SIGN_ERROR", "签名错误 (invalid sign)");
    }
    let kind = get("transactionType");
    if get("version") != VERSION {
        return refuse(&gw, sign_type, &kind, "PARAM_ERROR", "unsupported version");
    }
    if get("merchantNo") != gw.settings.useepay.merchant_no {
        return refuse(
            &gw,
            sign_type,
            &kind,
            "MERCHANT_ERROR",
            "unknown merchantNo",
        );
    }
    match kind.as_str() {
        "pay" => pay(gw, sign_type, &fields).await,
        "query" => query(&gw, sign_type, &fields),
        "refund" => refund(gw, sign_type, &fields).await,
        other => refuse(
            &gw,
            sign_type,
            other,
            "PARAM_ERROR",
            "unsupported transactionType",
        ),
    }
}

/// The JSAPI parameters WeChat's pay sheet needs; `paySign` is RSA-SHA256 by the gateway over
/// `appId\ntimeStamp\nnonceStr\npackage\n`, as for WeChat Pay v3 (`signType: RSA`).
fn pay_params(gw: &Gateway, appid: &str, prepay_id: &str) -> Option<Value> {
    let time_stamp = (now_ms() / 1000).to_string();
    let nonce = random_hex(16);
    let package = format!("prepay_id={prepay_id}");
    let pay_sign = gw
        .settings
        .useepay
        .gateway_key
        .sign(&format!("{appid}\n{time_stamp}\n{nonce}\n{package}\n"))
        .ok()?;
    Some(json!({
        "appId": appid,
        "timeStamp": time_stamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": pay_sign,
    }))
}

fn pay_answer(p: &Payment) -> Fields {
    vec![
        s("transactionType", "pay"),
        s("transactionId", &p.transaction_id),
        s("reference", &p.reference),
        s("amount", p.amount_minor.to_string()),
        s("currency", &p.currency),
        s("resultCode", p.result.code()),
        s("redirectParam", p.pay_params.to_string()),
    ]
}

async fn pay(gw: Arc<Gateway>, sign_type: SignType, fields: &Fields) -> Response {
    let get = |k: &str| field(fields, k).unwrap_or_default().to_owned();
    let bad = |message: &str| refuse(&gw, sign_type, "pay", "PARAM_ERROR", message);
    for name in [
        "transactionId",
        "appId",
        "amount",
        "currency",
        "notifyUrl",
        "payerInfo",
    ] {
        if get(name).is_empty() {
            return bad(&format!("missing {name}"));
        }
    }
    if get("appId") != gw.settings.useepay.app_id {
        return refuse(
            &gw,
            sign_type,
            "pay",
            "APPID_ERROR",
            "appId is not the site approved for this merchant",
        );
    }
    let Ok(Value::Object(payer)) = serde_json::from_str::<Value>(&get("payerInfo")) else {
        return bad("payerInfo is not a JSON object");
    };
    let payer_get = |k: &str| payer.get(k).and_then(Value::as_str).unwrap_or_default();
    if payer_get("paymentMethod") != PAYMENT_METHOD {
        return bad("payerInfo.paymentMethod must be wechat_jsapi");
    }
    if payer_get("sub_appid") != gw.settings.wechat_appid {
        return bad("payerInfo.sub_appid is not the official account bound to this merchant");
    }
    let openid = payer_get("sub_openid").to_owned();
    if openid.is_empty() {
        return bad("payerInfo.sub_openid is required");
    }
    let minutes = match get("transactionExpirationTime").as_str() {
        "" => MAX_EXPIRATION_MINUTES,
        raw => match raw.parse::<u64>() {
            Ok(m) if (1..=MAX_EXPIRATION_MINUTES).contains(&m) => m,
            _ => return bad("transactionExpirationTime must be 1 to 20 minutes"),
        },
    };
    let Some(currency) = Currency::from_code(&get("currency")) else {
        return bad("unsupported currency");
    };
    let Some(amount) = parse_minor(&get("amount")).filter(|m| *m > 0) else {
        return bad("amount must be a positive integer of minor units");
    };
    let subject = serde_json::from_str::<Value>(&get("orderInfo"))
        .ok()
        .and_then(|v| v.get("subject").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();

    let fault = gw.lock().faults.take_placement(&openid);
    match fault {
        MpPayFault::ServerError | MpPayFault::Garbage => {
            return crate::faults::broken_answer(fault == MpPayFault::ServerError)
        }
        MpPayFault::Refuse => {
            let message = gw.lock().faults.refuse_message.clone();
            return refuse(&gw, sign_type, "pay", "RISK_REJECT", &message);
        }
        MpPayFault::None | MpPayFault::Timeout => {}
    }
    let id = get("transactionId");
    let placed = {
        let mut inner = gw.lock();
        let seq = inner.next_seq();
        match inner.payment_mut(&id) {
            Some((existing, _)) => {
                // The same transaction again: the same prepay, while it can still be paid.
                let same = existing.amount_minor == amount
                    && existing.currency == currency.code()
                    && existing.openid == openid;
                if !same {
                    return refuse(
                        &gw,
                        sign_type,
                        "pay",
                        "DUPLICATE_TRANSACTION",
                        "transactionId already used for another payment",
                    );
                }
                if existing.result.is_final() {
                    return refuse(
                        &gw,
                        sign_type,
                        "pay",
                        "TRANSACTION_CLOSED",
                        &format!("transaction is {}", existing.result.code()),
                    );
                }
                existing.clone()
            }
            None => {
                let prepay_id = format!("wx{}{}", now_ms(), random_hex(8));
                let Some(params) = pay_params(&gw, &gw.settings.wechat_appid, &prepay_id) else {
                    return (StatusCode::INTERNAL_SERVER_ERROR, "signing failed").into_response();
                };
                let window = gw
                    .settings
                    .scaled(
                        inner
                            .faults
                            .pay_window(&openid, Duration::from_secs(minutes * 60)),
                    )
                    .as_millis();
                let p = Payment {
                    transaction_id: id.clone(),
                    reference: format!("UP{}{seq:04}", now_ms()),
                    amount_minor: amount,
                    currency: currency.code().to_owned(),
                    sub_appid: payer_get("sub_appid").to_owned(),
                    openid,
                    subject,
                    notify_url: get("notifyUrl"),
                    result: ResultCode::Pending,
                    sign_type,
                    prepay_id: prepay_id.clone(),
                    pay_params: params,
                    created_at_ms: now_ms(),
                    expires_at_ms: now_ms() + i64::try_from(window).unwrap_or(i64::MAX),
                    paid_at_ms: None,
                    refunded_minor: 0,
                    deliveries: Vec::new(),
                    acknowledged: false,
                    refund_calls: 0,
                };
                inner.by_prepay.insert(prepay_id, id.clone());
                inner.payments.insert(id.clone(), p.clone());
                notify::close_when_lapsed(gw.clone(), id.clone(), p.expires_at_ms);
                p
            }
        }
    };
    if fault == MpPayFault::Timeout {
        // The gateway acted but the answer never arrives in time.
        tokio::time::sleep(Duration::from_secs(120)).await;
    }
    answer(&gw, sign_type, pay_answer(&placed))
}

/// `transactionInfo` of a payment or a refund.
pub fn transaction_info(p: Option<&Payment>, r: Option<(&Refund, ResultCode)>) -> Fields {
    match (p, r) {
        (_, Some((r, result))) => vec![
            s("transactionId", &r.transaction_id),
            s("originalTransactionId", &r.original_transaction_id),
            s("reference", &r.reference),
            s("transactionType", "refund"),
            s("amount", r.amount_minor.to_string()),
            s("currency", &r.currency),
            s("resultCode", result.code()),
        ],
        (Some(p), None) => vec![
            s("transactionId", &p.transaction_id),
            s("reference", &p.reference),
            s("transactionType", "pay"),
            s("amount", p.amount_minor.to_string()),
            s("currency", &p.currency),
            s("resultCode", p.result.code()),
        ],
        (None, None) => Vec::new(),
    }
}

fn query(gw: &Arc<Gateway>, sign_type: SignType, fields: &Fields) -> Response {
    let id = field(fields, "transactionId")
        .unwrap_or_default()
        .to_owned();
    let not_found = || {
        refuse(
            gw,
            sign_type,
            "query",
            "ORDER_NOT_EXIST",
            "交易不存在 (transaction not found)",
        )
    };
    let mut inner = gw.lock();
    let info = if let Some(r) = inner.refunds.get(&id).cloned() {
        let result = inner.refund_result(&r);
        if inner.refund_fault(&r.openid) == RefundFault::OtherRefund {
            let other = other_refund(&inner, &r);
            transaction_info(None, Some((&other, ResultCode::Succeed)))
        } else {
            transaction_info(None, Some((&r, result)))
        }
    } else {
        let Some((p, lapsed)) = inner.payment_mut(&id) else {
            drop(inner);
            return not_found();
        };
        let mut p = p.clone();
        if lapsed {
            notify::spawn(gw.clone(), notify::Subject::Payment(id.clone()));
        }
        if inner.faults.applies_to(&p.openid) {
            match inner.faults.query {
                QueryFault::Truthful => {}
                QueryFault::ServerError => {
                    return (StatusCode::SERVICE_UNAVAILABLE, "<html>503</html>").into_response()
                }
                QueryFault::NotFound => {
                    drop(inner);
                    return not_found();
                }
                QueryFault::OtherOrder => {
                    let other = inner
                        .payments
                        .values()
                        .filter(|o| o.transaction_id != p.transaction_id)
                        .max_by_key(|o| (o.result == ResultCode::Succeed, o.created_at_ms))
                        .cloned();
                    if let Some(other) = other {
                        p = other;
                    }
                }
            }
        }
        transaction_info(Some(&p), None)
    };
    drop(inner);
    let info_obj: Map<String, Value> = info
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let result = field(&info, "resultCode").unwrap_or_default().to_owned();
    answer(
        gw,
        sign_type,
        vec![
            s("transactionType", "query"),
            s("resultCode", result),
            s("transactionInfo", Value::Object(info_obj).to_string()),
        ],
    )
}

/// Another refund than `r` (fault `other_refund`): one of the ledger's, or one made up.
fn other_refund(inner: &super::state::Ledger, r: &Refund) -> Refund {
    inner
        .refunds
        .values()
        .find(|o| o.transaction_id != r.transaction_id)
        .cloned()
        .unwrap_or_else(|| Refund {
            transaction_id: format!("{}-OTHER", r.transaction_id),
            reference: format!("{}-OTHER", r.reference),
            ..r.clone()
        })
}

async fn refund(gw: Arc<Gateway>, sign_type: SignType, fields: &Fields) -> Response {
    let get = |k: &str| field(fields, k).unwrap_or_default().to_owned();
    let bad = |message: &str| refuse(&gw, sign_type, "refund", "PARAM_ERROR", message);
    let (id, original) = (get("transactionId"), get("originalTransactionId"));
    if id.is_empty() || original.is_empty() {
        return bad("transactionId and originalTransactionId are required");
    }
    let Some(amount) = parse_minor(&get("amount")).filter(|m| *m > 0) else {
        return bad("amount must be a positive integer of minor units");
    };
    let answered = {
        let mut inner = gw.lock();
        let Some((p, _)) = inner.payment_mut(&original) else {
            return refuse(
                &gw,
                sign_type,
                "refund",
                "ORDER_NOT_EXIST",
                "original transaction not found",
            );
        };
        p.refund_calls += 1;
        let p = p.clone();
        if get("currency") != p.currency {
            return bad("currency is not the payment's");
        }
        let fault = inner.refund_fault(&p.openid);
        if fault == RefundFault::Refuse {
            let message = inner.faults.refuse_message.clone();
            return refuse(&gw, sign_type, "refund", "REFUND_REJECT", &message);
        }
        let r = match inner.refunds.get(&id).cloned() {
            Some(existing) => {
                // The same refund asked for again: the same refund.
                if existing.original_transaction_id != original || existing.amount_minor != amount {
                    return refuse(
                        &gw,
                        sign_type,
                        "refund",
                        "DUPLICATE_TRANSACTION",
                        "transactionId already used for another refund",
                    );
                }
                existing
            }
            None => {
                if p.result != ResultCode::Succeed {
                    return refuse(
                        &gw,
                        sign_type,
                        "refund",
                        "ORDER_NOT_PAID",
                        "the original transaction is not paid",
                    );
                }
                if p.refunded_minor + amount > p.amount_minor {
                    return refuse(
                        &gw,
                        sign_type,
                        "refund",
                        "AMOUNT_EXCEEDED",
                        "refund exceeds what is left of the payment",
                    );
                }
                let seq = inner.next_seq();
                let settle = gw
                    .settings
                    .scaled(Duration::from_millis(inner.faults.refund_settle_ms))
                    .as_millis();
                let r = Refund {
                    transaction_id: id.clone(),
                    original_transaction_id: original.clone(),
                    reference: format!("UR{}{seq:04}", now_ms()),
                    amount_minor: amount,
                    currency: p.currency.clone(),
                    notify_url: get("notifyUrl"),
                    sign_type,
                    created_at_ms: now_ms(),
                    settle_at_ms: now_ms() + i64::try_from(settle).unwrap_or(i64::MAX),
                    openid: p.openid.clone(),
                    deliveries: Vec::new(),
                };
                if let Some((p, _)) = inner.payment_mut(&original) {
                    p.refunded_minor += amount;
                }
                inner.refunds.insert(id.clone(), r.clone());
                notify::settle_refund_later(gw.clone(), id.clone(), r.settle_at_ms);
                r
            }
        };
        let shown = if fault == RefundFault::OtherRefund {
            (other_refund(&inner, &r), ResultCode::Succeed)
        } else {
            let result = inner.refund_result(&r);
            (r, result)
        };
        (shown, fault)
    };
    let ((r, result), fault) = answered;
    if fault == RefundFault::Timeout {
        tokio::time::sleep(Duration::from_secs(120)).await;
    }
    let mut fields = transaction_info(None, Some((&r, result)));
    fields.retain(|(k, _)| k != "transactionType");
    fields.push(s("transactionType", "refund"));
    answer(&gw, sign_type, fields)
}
