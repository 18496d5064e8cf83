//! The coupon centre (领券中心): coupons to claim, a code to redeem, and the buyer's own.
//! Rendered on the server; every action is a plain form, so it works without JavaScript.

use crate::api::coupons::{coupon_centre, ClaimCoupon, RedeemCoupon};
use crate::components::notice::{form_error, LoadError};
use crate::coupons::{Centre, Held};
use crate::i18n::coupons::coupons_t;
use crate::i18n::t;
use crate::page::use_page;
use crate::time::display_ms;
use leptos::prelude::*;

#[component]
pub fn CouponsPage() -> impl IntoView {
    let t = t();
    let c = coupons_t();
    let token = use_page().buyer_token;
    let refusal = form_error::<ClaimCoupon>()
        .or_else(form_error::<RedeemCoupon>)
        .map(|e| e.message(t));
    let centre = Resource::new(|| (), {
        let token = token.clone();
        move |_| coupon_centre(token.clone())
    });
    view! {
        <crate::components::PageTitle text=c.centre/>
        <h1 class="page-title">{c.centre}</h1>
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="coupon-error">{m}</p> })}
        <form class="search" method="post" action="/api/coupons/redeem" data-testid="redeem-form">
            <input type="hidden" name="token" value=token.clone()/>
            <input name="code" required maxlength="32" autocomplete="off" placeholder=c.code_hint
                aria-label=c.code data-testid="coupon-code"/>
            <button type="submit" class="btn btn-small" data-testid="redeem">{c.redeem}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match centre.await {
                        Ok(centre) => view! { <CentreView centre token/> }.into_any(),
                        Err(err) => view! { <LoadError err/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CentreView(centre: Centre, token: String) -> impl IntoView {
    let c = coupons_t();
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
                    view! {
                        <form method="post" action="/api/coupons/claim">
                            <input type="hidden" name="token" value=token.clone()/>
                            <input type="hidden" name="coupon_id" value=o.id.to_string()/>
                            <button type="submit" class="btn btn-small btn-primary" data-testid="claim">{c.claim}</button>
                        </form>
                    }.into_any()
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
        {offers_empty.then(|| view! { <p class="empty-note" data-testid="no-offers">{c.centre_empty}</p> })}
        <ul class="coupons" data-testid="coupon-offers">{offers}</ul>
        <h2 class="section-title">{c.mine}</h2>
        {mine_empty.then(|| view! { <p class="empty-note">{c.mine_empty}</p> })}
        <ul class="coupons" data-testid="my-coupons">{mine}</ul>
    }
}
