//! Paying in WeChat: the checkout button, the order page's pay panel, and the bridge to
//! `WeixinJSBridge.invoke('getBrandWCPayRequest', …)`. The pay sheet's answer only decides
//! where the buyer goes next; whether the order is paid is decided on the server, from a
//! verified notification or the shop's own query (`get_brand_wcpay_request:ok` is not
//! trusted).

use crate::address::{AddressId, AddressProblem};
use crate::api::orders::{cancel_order, checkout, pay_order, refresh_order};
use crate::error::ShopError;
use crate::i18n::t;
use crate::orders::PayParams;
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod bridge {
    use js_sys::{Function, Promise, Reflect, JSON};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn window() -> Option<web_sys::Window> {
        web_sys::window()
    }

    fn bridge() -> Option<JsValue> {
        let w = window()?;
        Reflect::get(&w, &JsValue::from_str("WeixinJSBridge"))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    /// Inside WeChat: the bridge is there, or WeChat's user agent says it is coming.
    pub fn in_wechat() -> bool {
        bridge().is_some()
            || window()
                .and_then(|w| w.navigator().user_agent().ok())
                .is_some_and(|ua| ua.contains("MicroMessenger"))
    }

    pub async fn sleep(ms: i32) {
        let promise = Promise::new(&mut |resolve, _| {
            if let Some(w) = window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = JsFuture::from(promise).await;
    }

    /// Waits (at most `ms`) for `WeixinJSBridgeReady`, as WeChat's docs prescribe when the
    /// bridge is not injected yet.
    async fn bridge_ready(ms: i32) {
        let promise = Promise::new(&mut |resolve, _| {
            let Some(w) = window() else { return };
            if let Some(doc) = w.document() {
                let options = web_sys::AddEventListenerOptions::new();
                options.set_once(true);
                let _ = doc.add_event_listener_with_callback_and_add_event_listener_options(
                    "WeixinJSBridgeReady",
                    &resolve,
                    &options,
                );
            }
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = JsFuture::from(promise).await;
    }

    /// Opens the pay sheet with the gateway's `js_param`, untouched, and answers the sheet's
    /// `err_msg` (or `no_bridge` outside WeChat).
    pub async fn wechat_pay(js_param: &str) -> String {
        if bridge().is_none() {
            bridge_ready(5000).await;
        }
        let (Some(bridge), Ok(params)) = (bridge(), JSON::parse(js_param)) else {
            return "no_bridge".to_owned();
        };
        let Some(invoke) = Reflect::get(&bridge, &JsValue::from_str("invoke"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return "no_bridge".to_owned();
        };
        let promise = Promise::new(&mut |resolve, _| {
            let callback = Closure::once_into_js(move |res: JsValue| {
                let msg = Reflect::get(&res, &JsValue::from_str("err_msg"))
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&msg));
            });
            let _ = invoke.call3(
                &bridge,
                &JsValue::from_str("getBrandWCPayRequest"),
                &params,
                &callback,
            );
        });
        JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }

    pub fn go_to(url: &str) {
        if let Some(w) = window() {
            let _ = w.location().replace(url);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod bridge {
    //! Event handlers only run in the browser; these keep the server build honest.
    pub fn in_wechat() -> bool {
        true
    }
    pub async fn sleep(_ms: i32) {}
    pub async fn wechat_pay(_js_param: &str) -> String {
        String::new()
    }
    pub fn go_to(_url: &str) {}
}

/// Opens the pay sheet for `params` and goes to the order page with the sheet's outcome.
/// Without pay parameters (the order is still being placed, or was just settled) it goes
/// straight to the order page.
async fn pay_and_go(params: PayParams) {
    let order = format!("/orders/{}", params.order_no);
    let Some(js_param) = params.js_param else {
        bridge::go_to(&order);
        return;
    };
    let outcome = match bridge::wechat_pay(&js_param).await.as_str() {
        "get_brand_wcpay_request:ok" => "ok",
        "get_brand_wcpay_request:cancel" => "cancel",
        "no_bridge" => "wechat",
        _ => "fail",
    };
    bridge::go_to(&format!("{order}?pay={outcome}"));
}

/// What both pay buttons do: nothing while busy; outside WeChat, show the "open in WeChat"
/// panel; otherwise get the pay parameters from the server (`params`) and open the pay
/// sheet. A refusal is shown (in the words `explain` gives it) and the button comes back.
fn start_payment<F, Fut>(
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    outside: RwSignal<bool>,
    params: F,
    explain: impl Fn(&ShopError) -> String + 'static,
) where
    F: FnOnce() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<PayParams, ShopError>> + 'static,
{
    if busy.get_untracked() {
        return;
    }
    if !bridge::in_wechat() {
        outside.set(true);
        return;
    }
    busy.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        match params().await {
            Ok(params) => pay_and_go(params).await,
            Err(err) => {
                error.set(Some(explain(&err)));
                busy.set(false);
            }
        }
    });
}

/// The cart's checkout button. `children` is the server-rendered "open in WeChat" panel
/// (with its QR code), shown instead of paying outside WeChat.
#[island(lazy)]
pub fn CheckoutButton(
    token: String,
    checkout_key: String,
    /// The delivery address shown above (none: the server refuses, and says so).
    address: Option<AddressId>,
    /// The buyer's coupon applied above, if any, and the amount the page shows to pay (the
    /// cart editor publishes both anew after each change; checkout is refused if the server's
    /// total differs).
    coupon: Option<i64>,
    to_pay_minor: i64,
    /// The remark box's label and placeholder (the address strings stay on the server).
    remark_label: String,
    remark_hint: String,
    /// What to show when there is no address to deliver to.
    no_address: String,
    /// What to show when the server refuses the remark, by problem (too long, or
    /// characters that cannot be printed); other refusals read as `ShopError::message`.
    remark_problems: Vec<(AddressProblem, String)>,
    children: Children,
) -> impl IntoView {
    let t = t();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let outside = RwSignal::new(false);
    let ready = super::hydrated();
    let remark = NodeRef::<leptos::html::Textarea>::new();
    let start = move |_| {
        // Outside WeChat the panel says where to pay; inside, an address comes first.
        if address.is_none() && bridge::in_wechat() {
            error.set(Some(no_address.clone()));
            return;
        }
        let (token, key) = (token.clone(), checkout_key.clone());
        let note = remark
            .get_untracked()
            .map(|r| r.value())
            .unwrap_or_default();
        let problems = remark_problems.clone();
        let explain = move |err: &ShopError| match err {
            ShopError::Address(p) => problems
                .iter()
                .find(|(known, _)| known == p)
                .map(|(_, text)| text.clone())
                .unwrap_or_else(|| err.message(t)),
            other => other.message(t),
        };
        start_payment(
            busy,
            error,
            outside,
            move || {
                let shown = super::shown_price::published().unwrap_or(super::shown_price::Shown {
                    coupon,
                    to_pay_minor,
                });
                checkout(
                    token,
                    key,
                    address,
                    shown.coupon,
                    Some(shown.to_pay_minor),
                    note,
                )
            },
            explain,
        );
    };
    view! {
        <label class="field remark">
            <span>{remark_label}</span>
            <textarea name="remark" rows="2" maxlength=crate::address::MAX_REMARK placeholder=remark_hint
                node_ref=remark data-testid="remark"></textarea>
        </label>
        {move || error.get().map(|e| view! { <p class="notice notice-error" role="alert" data-testid="checkout-error">{e}</p> })}
        <button type="button" class="btn btn-primary btn-block" data-testid="checkout"
            data-ready=move || ready.get().then_some("") disabled=move || busy.get() on:click=start>
            {move || if busy.get() { t.paying } else { t.checkout }}
        </button>
        <div hidden=move || !outside.get()>{children()}</div>
    }
}

/// The order page's actions while the order can be paid: pay again, cancel, and (after
/// the pay sheet said `ok`) waiting for the server to confirm the payment.
#[island(lazy)]
pub fn OrderPayPanel(
    token: String,
    order_no: String,
    /// The pay sheet said `ok`: wait for the server to confirm.
    confirming: bool,
    /// The pay sheet could not open (no WeChat bridge): show the "open in WeChat" panel.
    outside_wechat: bool,
    children: Children,
) -> impl IntoView {
    let t = t();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let outside = RwSignal::new(outside_wechat);
    let waiting = RwSignal::new(confirming);
    let slow = RwSignal::new(false);
    let ready = super::hydrated();
    let order_page = format!("/orders/{order_no}");

    Effect::new({
        let (token, order_no, order_page) = (token.clone(), order_no.clone(), order_page.clone());
        move |_| {
            if !confirming {
                return;
            }
            let (token, order_no, order_page) =
                (token.clone(), order_no.clone(), order_page.clone());
            leptos::task::spawn_local(async move {
                for _ in 0..40 {
                    bridge::sleep(1500).await;
                    if let Ok(status) = refresh_order(token.clone(), order_no.clone()).await {
                        if !status.is_payable() {
                            bridge::go_to(&order_page);
                            return;
                        }
                    }
                }
                slow.set(true);
            });
        }
    });

    let pay = {
        let (token, order_no) = (token.clone(), order_no.clone());
        move |_| {
            let (token, order_no) = (token.clone(), order_no.clone());
            start_payment(
                busy,
                error,
                outside,
                move || pay_order(token, order_no),
                move |err| err.message(t),
            );
        }
    };
    let cancel = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (token, order_no, order_page) = (token.clone(), order_no.clone(), order_page.clone());
        leptos::task::spawn_local(async move {
            match cancel_order(token, order_no).await {
                Ok(_) => bridge::go_to(&order_page),
                Err(err) => {
                    error.set(Some(err.message(t)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        {move || waiting.get().then(|| view! {
            <p class="notice" role="status" data-testid="confirming">
                {move || if slow.get() { t.confirm_slow } else { t.confirming_payment }}
            </p>
        })}
        {move || error.get().map(|e| view! { <p class="notice notice-error" role="alert" data-testid="pay-error">{e}</p> })}
        <div class="order-actions" data-testid="order-actions" data-ready=move || ready.get().then_some("")>
            <button type="button" class="btn btn-primary" data-testid="pay-again"
                disabled=move || busy.get() on:click=pay>{t.pay_now}</button>
            <button type="button" class="btn btn-ghost" data-testid="cancel-order"
                disabled=move || busy.get() on:click=cancel>{t.cancel_order}</button>
        </div>
        <div hidden=move || !outside.get()>{children()}</div>
    }
}

/// "Please open in WeChat", with a QR code of the page's URL on the shop's own host.
/// Rendered on the server only: it is the children of the islands above, which show it.
#[component]
pub fn OpenInWeChat(#[prop(into)] url: String) -> impl IntoView {
    let t = t();
    #[cfg(feature = "ssr")]
    let qr = crate::ssr::qr::svg(&url).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let qr = String::new();
    view! {
        <section class="open-in-wechat" data-testid="open-in-wechat">
            <h2>{t.open_in_wechat}</h2>
            <p>{t.open_in_wechat_body}</p>
            <div class="qr" inner_html=qr></div>
            <p class="muted qr-url">{url}</p>
        </section>
    }
}
