//! The buyer's side of after-sales: the request form (`/orders/:no/after-sales`) and the
//! request as the order page shows it, with withdrawing and sending a return back.
//!
//! Every form posts without JavaScript and comes back to the order; hydrated (also inside the
//! payment container, at the gateway's origin) it calls the shop's server function instead.

use crate::after_sales::{CaseKind, CaseStatus, CaseView, Reason, MAX_DESCRIPTION};
use crate::api::after_sales::{
    after_sale_offer, RequestAfterSale, SendBackAfterSale, WithdrawAfterSale,
};
use crate::carriers::{describe, Carrier};
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::error::ShopError;
use crate::i18n::after_sales::after_sales_t;
use crate::i18n::{t, use_lang};
use crate::page::use_page;
use crate::time::display_ms;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use server_fn::ServerFn as _;

/// `/orders/:no/after-sales`: what the buyer may ask for, as a form.
#[component]
pub fn RequestPage() -> impl IntoView {
    let s = after_sales_t();
    let token = use_page().buyer_token;
    let no = use_params_map()
        .read_untracked()
        .get("no")
        .unwrap_or_default();
    let offer = Resource::new(
        {
            let no = no.clone();
            move || no.clone()
        },
        {
            let token = token.clone();
            move |no| after_sale_offer(token.clone(), no)
        },
    );
    let url_error = form_error::<RequestAfterSale>();
    view! {
        <crate::components::PageTitle text=s.ask_title/>
        <h1 class="page-title">{s.ask_title}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || {
                let (token, no, url_error) = (token.clone(), no.clone(), url_error.clone());
                Suspend::new(async move {
                    match offer.await {
                        Ok(offer) => {
                            let text = FormText::of(&offer.max_amount.to_string(), &offer.kinds);
                            view! {
                                <CaseRequestForm token order_no=offer.order_no text
                                    problem=url_error.map(|e| e.message(t()))/>
                            }.into_any()
                        }
                        Err(ShopError::NotFound) => view! { <super::not_found::NotFound/> }.into_any(),
                        Err(err) => view! {
                            <LoadError err/>
                            <p><a href=format!("/orders/{no}") data-testid="back-to-order">{s.cancel}</a></p>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The request form's words, handed to the island (the string tables stay on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormText {
    /// (code, label, hint) of each kind the order allows.
    kinds: Vec<(String, String, String)>,
    reasons: Vec<(String, String)>,
    kind: String,
    reason: String,
    choose_reason: String,
    amount: String,
    amount_hint: String,
    description: String,
    description_hint: String,
    photos: String,
    photos_hint: String,
    submit: String,
    cancel: String,
}

impl FormText {
    fn of(max_amount: &str, kinds: &[CaseKind]) -> FormText {
        let s = after_sales_t();
        FormText {
            kinds: kinds
                .iter()
                .map(|k| {
                    (
                        k.code().to_owned(),
                        (s.kind_label)(*k).to_owned(),
                        (s.kind_hint)(*k).to_owned(),
                    )
                })
                .collect(),
            reasons: Reason::ALL
                .into_iter()
                .map(|r| (r.code().to_owned(), (s.reason_label)(r).to_owned()))
                .collect(),
            kind: s.kind.to_owned(),
            reason: s.reason.to_owned(),
            choose_reason: s.choose_reason.to_owned(),
            amount: s.amount.to_owned(),
            amount_hint: (s.amount_hint)(max_amount),
            description: s.description.to_owned(),
            description_hint: s.description_hint.to_owned(),
            photos: s.photos.to_owned(),
            photos_hint: s.photos_hint.to_owned(),
            submit: s.submit.to_owned(),
            cancel: s.cancel.to_owned(),
        }
    }
}

/// The request form: a multipart form that posts without JavaScript; hydrated it sends the
/// same fields (photos included) through the server function and goes to the order.
#[island(lazy)]
fn CaseRequestForm(
    token: String,
    order_no: String,
    text: FormText,
    /// The refusal a form posted without JavaScript came back with.
    problem: Option<String>,
) -> impl IntoView {
    let pending = RwSignal::new(false);
    let error = RwSignal::new(problem);
    let ready = crate::components::hydrated();
    let back = format!("/orders/{order_no}");
    let on_submit = {
        let _order_no = order_no.clone();
        move |ev: leptos::ev::SubmitEvent| {
            #[cfg(feature = "hydrate")]
            submit(ev, pending, error, _order_no.clone());
            #[cfg(not(feature = "hydrate"))]
            let _ = ev;
        }
    };
    let single = text.kinds.len() == 1;
    view! {
        {move || error.get().map(|m| view! { <p class="notice notice-error" role="alert" data-testid="error">{m}</p> })}
        <form method="post" action="/api/after-sales/request" enctype="multipart/form-data"
            class="stack-form" data-testid="case-form" on:submit=on_submit>
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="order_no" value=order_no/>
            <fieldset class="field">
                <legend>{text.kind}</legend>
                {text.kinds.into_iter().map(|(code, label, hint)| {
                    let testid = format!("kind-{code}");
                    view! {
                        <label class="check">
                            <input type="radio" name="kind" value=code required checked=single data-testid=testid/>
                            <span>{label}" "<span class="muted">{hint}</span></span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="field">
                <span>{text.reason}</span>
                <select name="reason" required data-testid="case-reason">
                    <option value="">{text.choose_reason}</option>
                    {text.reasons.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{text.amount}</span>
                <input name="amount" inputmode="decimal" placeholder=text.amount_hint data-testid="case-amount"/>
            </label>
            <label class="field">
                <span>{text.description}</span>
                <textarea name="description" rows="4" maxlength=MAX_DESCRIPTION.to_string()
                    placeholder=text.description_hint data-testid="case-description"></textarea>
            </label>
            <label class="field">
                <span>{text.photos}</span>
                <input type="file" name="photos" accept="image/png,image/jpeg" multiple data-testid="case-photos-input"/>
                <span class="muted">{text.photos_hint}</span>
            </label>
            <button type="submit" class="btn btn-primary btn-block" data-testid="case-submit"
                disabled=move || pending.get() data-ready=move || ready.get().then_some("")>{text.submit}</button>
            <a class="btn btn-block btn-ghost" href=back>{text.cancel}</a>
        </form>
    }
}

/// Sends the form through the server function; on success to the order page (relative, so
/// inside the payment container it stays in the container).
#[cfg(feature = "hydrate")]
fn submit(
    ev: leptos::ev::SubmitEvent,
    pending: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    order_no: String,
) {
    use wasm_bindgen::JsCast;
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let Ok(data) = web_sys::FormData::new_with_form(&form) else {
        return;
    };
    ev.prevent_default();
    if pending.get_untracked() {
        return;
    }
    pending.set(true);
    leptos::task::spawn_local(async move {
        let result = crate::api::after_sales::request_after_sale(data.into()).await;
        match result {
            Ok(_) => {
                let _ = window()
                    .location()
                    .set_href(&format!("/orders/{order_no}?after_sale=requested"));
            }
            Err(err) => {
                pending.set(false);
                error.set(Some(err.message(crate::i18n::t())));
            }
        }
    });
}

/// The order's latest request on the order page, with what the buyer can do.
#[component]
pub fn CaseSection(case: CaseView, token: String) -> impl IntoView {
    let s = after_sales_t();
    let lang = use_lang();
    let status = case.status;
    let returned = case
        .return_carrier
        .clone()
        .zip(case.return_tracking_no.clone())
        .map(|(carrier, no)| {
            let (name, _) = describe(&carrier, &no, lang);
            view! { <p data-testid="return-parcel">{s.return_carrier}": "{name}" · "{s.return_tracking}" "<strong>{no}</strong></p> }
        });
    let labels = ActionLabels {
        withdraw: s.withdraw.to_owned(),
        send_back: s.send_back.to_owned(),
        carrier: s.return_carrier.to_owned(),
        tracking: s.return_tracking.to_owned(),
        carriers: Carrier::ALL
            .into_iter()
            .map(|c| (c.code().to_owned(), c.name(lang).to_owned()))
            .collect(),
    };
    let url_error = form_error::<WithdrawAfterSale>().or_else(form_error::<SendBackAfterSale>);
    let withdrawable = matches!(status, CaseStatus::Requested | CaseStatus::AwaitingReturn);
    let sendable = status == CaseStatus::AwaitingReturn;
    view! {
        <h2 class="section-title">{s.after_sales}</h2>
        <section class="case-card" data-testid="case" data-case-no=case.case_no.clone() data-status=status.code()>
            <p>
                <strong>{(s.kind_label)(case.kind)}</strong>" · "
                <span class="status" data-testid="case-status">{(s.status_label)(status)}</span>" · "
                <strong class="price" data-testid="case-amount-shown">{case.amount.to_string()}</strong>
            </p>
            <p class="muted" data-testid="case-next">{(s.buyer_next)(status)}</p>
            <p class="muted">{s.case_no}" "{case.case_no.clone()}" · "{display_ms(case.created_at_ms)}</p>
            <p>{s.reason}": "{(s.reason_label)(case.reason)}</p>
            {(!case.description.is_empty()).then(|| view! { <p class="remark-text">{case.description.clone()}</p> })}
            <CasePhotos photos=case.photos.clone()/>
            {(!case.return_to.is_empty() && matches!(status, CaseStatus::AwaitingReturn | CaseStatus::Returning)).then(|| view! {
                <p data-testid="return-to">{s.return_to}": "<strong>{case.return_to.clone()}</strong></p>
            })}
            {returned}
            {(!case.refusal.is_empty()).then(|| view! { <p class="notice" data-testid="case-refusal-shown">{s.refusal}": "{case.refusal.clone()}</p> })}
            {(withdrawable || sendable).then(|| view! {
                <CaseActions token case_no=case.case_no.clone() labels withdrawable sendable url_error/>
            })}
        </section>
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionLabels {
    withdraw: String,
    send_back: String,
    carrier: String,
    tracking: String,
    carriers: Vec<(String, String)>,
}

/// Withdrawing and sending a return back: plain forms that come back to the order; hydrated
/// they call the shop and follow the same redirect.
#[island(lazy)]
fn CaseActions(
    token: String,
    case_no: String,
    labels: ActionLabels,
    withdrawable: bool,
    sendable: bool,
    url_error: Option<ShopError>,
) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawAfterSale>::new();
    let send = ServerAction::<SendBackAfterSale>::new();
    let outcome = move || {
        send.value()
            .get()
            .and_then(Result::err)
            .or_else(|| withdraw.value().get().and_then(Result::err))
            .or_else(|| url_error.clone())
            .map(Err::<(), ShopError>)
    };
    let ready = crate::components::hydrated();
    crate::components::follow_redirects();
    let ActionLabels {
        withdraw: withdraw_label,
        send_back,
        carrier,
        tracking,
        carriers,
    } = labels;
    view! {
        <ActionNotice outcome/>
        {sendable.then(|| {
            let (token, case_no) = (token.clone(), case_no.clone());
            let carrier_label = carrier.clone();
            let tracking_label = tracking.clone();
            let (carrier_ref, tracking_ref) = (
                NodeRef::<leptos::html::Select>::new(),
                NodeRef::<leptos::html::Input>::new(),
            );
            let on_send = {
                let (token, case_no) = (token.clone(), case_no.clone());
                move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    send.dispatch(SendBackAfterSale {
                        token: token.clone(),
                        case_no: case_no.clone(),
                        carrier: carrier_ref.get().map(|c| c.value()).unwrap_or_default(),
                        tracking_no: tracking_ref.get().map(|t| t.value()).unwrap_or_default(),
                    });
                }
            };
            view! {
            <form method="post" action=SendBackAfterSale::PATH class="stack-form" data-testid="send-back-form" on:submit=on_send>
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="case_no" value=case_no/>
                <select name="carrier" aria-label=carrier_label required data-testid="return-carrier" node_ref=carrier_ref>
                    <option value="">{carrier}</option>
                    {carriers.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                </select>
                <input name="tracking_no" placeholder=tracking_label aria-label=tracking required maxlength="64" data-testid="return-tracking" node_ref=tracking_ref/>
                <button type="submit" class="btn btn-primary btn-block" data-testid="send-back"
                    disabled=move || send.pending().get() data-ready=move || ready.get().then_some("")>{send_back}</button>
            </form>
        }})}
        {withdrawable.then(|| {
            let on_withdraw = {
                let (token, case_no) = (token.clone(), case_no.clone());
                move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    withdraw.dispatch(WithdrawAfterSale {
                        token: token.clone(),
                        case_no: case_no.clone(),
                    });
                }
            };
            view! {
            <form method="post" action=WithdrawAfterSale::PATH class="receipt-form" data-testid="withdraw-form" on:submit=on_withdraw>
                <input type="hidden" name="token" value=token.clone()/>
                <input type="hidden" name="case_no" value=case_no.clone()/>
                <button type="submit" class="btn btn-block btn-ghost" data-testid="withdraw"
                    disabled=move || withdraw.pending().get() data-ready=move || ready.get().then_some("")>{withdraw_label}</button>
            </form>
        }})}
    }
}

/// The buyer's photos, as thumbnails that open the full picture.
#[component]
pub fn CasePhotos(photos: Vec<crate::after_sales::CasePhoto>) -> impl IntoView {
    // Absolute on the shop: inside the payment container the page is at the gateway's origin.
    let base = crate::page::use_page().asset_base;
    (!photos.is_empty()).then(|| {
        view! {
            <div class="case-photos" data-testid="case-photos">
                {photos.into_iter().map(|p| view! {
                    <a href=format!("{base}{}", p.url) target="_blank" rel="noopener">
                        <img src=format!("{base}{}", p.thumb_url) alt="" width="72" height="72" loading="lazy"/>
                    </a>
                }).collect_view()}
            </div>
        }
    })
}
