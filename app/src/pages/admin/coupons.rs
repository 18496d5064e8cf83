//! Coupons: the list with claimed and used counts, pause and resume, issue to a buyer, and
//! the form for a new one.

use crate::api::admin::{
    admin_categories, admin_coupons, AdminCreateCoupon, AdminIssueCoupon, AdminPauseCoupon,
};
use crate::components::notice::{form_error, LoadError};
use crate::coupons::AdminCoupon;
use crate::i18n::coupons::{coupons_t, CouponStrings};
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn CouponsPage() -> impl IntoView {
    let c = coupons_t();
    let t = t();
    let refusal = form_error::<AdminCreateCoupon>()
        .or_else(form_error::<AdminPauseCoupon>)
        .or_else(form_error::<AdminIssueCoupon>)
        .map(|e| e.message(t));
    let list = Resource::new(|| (), |_| admin_coupons());
    let categories = Resource::new(|| (), |_| admin_categories());
    view! {
        <crate::components::PageTitle text=c.coupons/>
        <h1 class="page-title">{c.coupons}</h1>
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <ul class="order-list" data-testid="coupons">
                            {list.into_iter().map(|coupon| view! { <CouponRow coupon c/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="section-title">{c.new_coupon}</h2>
        <form method="post" action="/api/admin/coupon_create" class="stack-form" data-testid="coupon-form">
            <label>{c.name}<input name="name" required maxlength="40" data-testid="coupon-name"/></label>
            <label>{c.code}<input name="code" maxlength="32" autocomplete="off" data-testid="coupon-code"/></label>
            <label>{c.kind}
                <select name="kind" data-testid="coupon-kind">
                    <option value="fixed">{c.kind_fixed}</option>
                    <option value="percent">{c.kind_percent}</option>
                </select>
            </label>
            <label>{c.amount}<input name="amount" inputmode="decimal" placeholder="20.00" data-testid="coupon-amount"/></label>
            <label>{c.percent}<input name="percent_off" inputmode="numeric" data-testid="coupon-percent"/></label>
            <label>{c.cap}<input name="cap" inputmode="decimal" data-testid="coupon-cap"/></label>
            <label>{c.min_spend_label}<input name="min_spend" inputmode="decimal" data-testid="coupon-min-spend"/></label>
            <label>{c.scope}
                <select name="scope" data-testid="coupon-scope">
                    <option value="all">{c.scope_all}</option>
                    <option value="categories">{c.scope_categories}</option>
                    <option value="products">{c.scope_products}</option>
                </select>
            </label>
            <label>{c.scope_ids}<input name="scope_ids" data-testid="coupon-scope-ids"/></label>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    categories.await.ok().map(|list| view! {
                        <p class="muted">{list.into_iter().map(|cat| format!("{} #{}", cat.name, cat.id)).collect::<Vec<_>>().join(" · ")}</p>
                    })
                })}
            </Suspense>
            <label>{c.valid_from}<input type="date" name="valid_from" data-testid="coupon-from"/></label>
            <label>{c.valid_until_label}<input type="date" name="valid_until" data-testid="coupon-until"/></label>
            <label>{c.valid_days}<input name="valid_days" inputmode="numeric" data-testid="coupon-days"/></label>
            <label>{c.total}<input name="total" inputmode="numeric" required value="100" data-testid="coupon-total"/></label>
            <label>{c.per_buyer}<input name="per_buyer" inputmode="numeric" required value="1" data-testid="coupon-per-buyer"/></label>
            <label class="check"><input type="checkbox" name="in_centre" value="on" checked data-testid="coupon-in-centre"/>{c.in_centre}</label>
            <button type="submit" class="btn btn-primary btn-block" data-testid="coupon-create">{c.create}</button>
        </form>
    }
}

#[component]
fn CouponRow(coupon: AdminCoupon, c: &'static CouponStrings) -> impl IntoView {
    let id = coupon.id.to_string();
    let (pause_id, issue_id) = (id.clone(), id.clone());
    view! {
        <li class="order-row" data-testid="coupon-row" data-coupon-id=id>
            <div>
                <strong data-testid="coupon-row-name">{coupon.name}</strong>
                {coupon.code.map(|code| view! { " " <code data-testid="coupon-row-code">{code}</code> })}
                {coupon.in_centre.then(|| view! { " " <span class="tag" data-testid="coupon-row-centre">{c.centre}</span> })}
                {coupon.paused.then(|| view! { " " <span class="tag tag-muted">{c.paused}</span> })}
                <p class="muted">{coupon.terms}" · "{coupon.validity}</p>
                <p data-testid="coupon-counts">{(c.counts)(coupon.claimed, coupon.total, coupon.used)}</p>
            </div>
            <form method="post" action="/api/admin/coupon_pause" class="inline-form">
                <input type="hidden" name="id" value=pause_id/>
                <input type="hidden" name="paused" value=(!coupon.paused).to_string()/>
                <button type="submit" class="btn btn-small btn-ghost" data-testid="coupon-pause">
                    {if coupon.paused { c.resume } else { c.pause }}
                </button>
            </form>
            <form method="post" action="/api/admin/coupon_issue" class="inline-form">
                <input type="hidden" name="id" value=issue_id/>
                <input name="openid" required aria-label=c.issue_to placeholder=c.issue_to data-testid="coupon-issue-openid"/>
                <button type="submit" class="btn btn-small" data-testid="coupon-issue">{c.issue}</button>
            </form>
        </li>
    }
}
