//! The coupon centre (领券中心): coupons to claim, a code to redeem, and the buyer's own.
//! Rendered on the server. Claiming and redeeming are forms that post without JavaScript
//! and come back here; hydrated (as inside the payment container, whose origin only serves
//! pages) they call the shop and follow the same redirect.

use crate::api::coupons::{coupon_centre, ClaimCoupon, RedeemCoupon};
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::coupons::{Centre, Held};
use crate::error::ShopError;
use crate::i18n::coupons::coupons_t;
use crate::i18n::t;
use crate::page::use_page;
use crate::time::display_ms;
use leptos::prelude::*;
use server_fn::ServerFn as _;

#[component]
pub fn CouponsPage() -> impl IntoView {
    let t = t();
    let c = coupons_t();
    let token = use_page().buyer_token;
    // A refusal the forms came back with, without JavaScript.
    let claim_error = form_error::<ClaimCoupon>();
    let redeem_error = form_error::<RedeemCoupon>();
    let centre = Resource::new(|| (), {
        let token = token.clone();
        move |_| coupon_centre(token.clone())
    });
    view! {
        <crate::components::PageTitle text=c.centre/>
        <h1 class="page-title">{c.centre}</h1>
        <RedeemForm token=token.clone() label=c.redeem.to_owned() hint=c.code_hint.to_owned()
            url_error=redeem_error/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let (token, url_error) = (token.clone(), claim_error.clone());
                Suspend::new(async move {
                    match centre.await {
                        Ok(centre) => view! { <CentreView centre token url_error/> }.into_any(),
                        Err(err) => view! { <LoadError err/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CentreView(centre: Centre, token: String, url_error: Option<ShopError>) -> impl IntoView {
    let c = coupons_t();
    let t = t();
    let refusal = url_error.map(|e| {
        view! { <p class="notice notice-error" role="alert" data-testid="error">{e.message(t)}</p> }
    });
    let offers_empty = centre.offers.is_empty();
    let offers = centre.offers.into_iter().map(|o| {
        let full = o.held >= o.per_buyer;
        view! {
            <li class="coupon" data-testid="coupon-offer" data-coupon-id=o.id.to_string()>
                <div class="coupon-body">
                    <strong class="coupon-name">{o.name}</strong>
                    <p class="coupon-terms" data-testid="coupon-terms">{o.terms}</p>
                    <p class="muted">{o.validity}" · "{(c.remaining)(o.remaining)}</p>
                </div>
                {if full {
                    view! { <span class="tag tag-muted" data-testid="coupon-claimed">{c.claimed}</span> }.into_any()
                } else {
                    view! { <ClaimButton token=token.clone() coupon_id=o.id label=c.claim.to_owned()/> }.into_any()
                }}
            </li>
        }
    }).collect_view();
    let mine_empty = centre.mine.is_empty();
    let mine = centre.mine.into_iter().map(|m| view! {
        <li class="coupon" class:coupon-spent=m.held != Held::Available data-testid="my-coupon">
            <div class="coupon-body">
                <strong class="coupon-name">{m.name}</strong>
                <p class="coupon-terms">{m.terms}</p>
                <p class="muted">{c.valid_until}" "{display_ms(m.valid_until_ms)}</p>
            </div>
            <span class="tag" data-testid="my-coupon-state">{(c.held)(m.held)}</span>
        </li>
    }).collect_view();
    view! {
        {refusal}
        {offers_empty.then(|| view! { <p class="empty-note" data-testid="no-offers">{c.centre_empty}</p> })}
        <ul class="coupons" data-testid="coupon-offers">{offers}</ul>
        <h2 class="section-title">{c.mine}</h2>
        {mine_empty.then(|| view! { <p class="empty-note">{c.mine_empty}</p> })}
        <ul class="coupons" data-testid="my-coupons">{mine}</ul>
    }
}

/// Claims one coupon; hydrated, a refusal is said beside the button.
#[island(lazy)]
fn ClaimButton(token: String, coupon_id: i64, label: String) -> impl IntoView {
    let claim = ServerAction::<ClaimCoupon>::new();
    let outcome = move || {
        claim
            .value()
            .get()
            .and_then(Result::err)
            .map(Err::<(), ShopError>)
    };
    let ready = crate::components::hydrated();
    crate::components::follow_redirects();
    let on_submit = {
        let token = token.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            claim.dispatch(ClaimCoupon {
                token: token.clone(),
                coupon_id,
            });
        }
    };
    view! {
        <form method="post" action=ClaimCoupon::PATH class="inline-form" on:submit=on_submit>
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="coupon_id" value=coupon_id.to_string()/>
            <button type="submit" class="btn btn-small btn-primary" data-testid="claim"
                disabled=move || claim.pending().get()
                data-ready=move || ready.get().then_some("")>{label}</button>
        </form>
        <ActionNotice outcome/>
    }
}

/// A coupon code to redeem.
#[island(lazy)]
fn RedeemForm(
    token: String,
    label: String,
    hint: String,
    url_error: Option<ShopError>,
) -> impl IntoView {
    let redeem = ServerAction::<RedeemCoupon>::new();
    let outcome = move || {
        redeem
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| url_error.clone())
            .map(Err::<(), ShopError>)
    };
    let ready = crate::components::hydrated();
    crate::components::follow_redirects();
    let code = NodeRef::<leptos::html::Input>::new();
    let on_submit = {
        let token = token.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            redeem.dispatch(RedeemCoupon {
                token: token.clone(),
                code: code.get().map(|c| c.value()).unwrap_or_default(),
            });
        }
    };
    view! {
        <ActionNotice outcome/>
        <form method="post" action=RedeemCoupon::PATH class="search" data-testid="redeem-form" on:submit=on_submit>
            <input type="hidden" name="token" value=token/>
            <input name="code" required maxlength="32" autocomplete="off" placeholder=hint.clone()
                aria-label=hint data-testid="coupon-code" node_ref=code/>
            <button type="submit" class="btn btn-small" data-testid="redeem"
                disabled=move || redeem.pending().get()
                data-ready=move || ready.get().then_some("")>{label}</button>
        </form>
    }
}
