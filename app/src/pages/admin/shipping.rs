//! Shipping fees: the shop-wide rule and the provinces' own rules.

use crate::admin::ShippingRuleView;
use crate::api::admin::{admin_shipping, AdminRemoveShipping, AdminSaveShipping};
use crate::components::notice::{form_error, LoadError};
use crate::i18n::shipping::{shipping_t, ShippingStrings};
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn ShippingPage() -> impl IntoView {
    let s = shipping_t();
    let t = t();
    let refusal = form_error::<AdminSaveShipping>()
        .or_else(form_error::<AdminRemoveShipping>)
        .map(|e| e.message(t));
    let settings = Resource::new(|| (), |_| admin_shipping());
    view! {
        <crate::components::PageTitle text=s.title/>
        <h1 class="page-title">{s.title}</h1>
        <p class="muted">{s.intro}</p>
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => {
                        let provinces = settings.provinces;
                        view! {
                            <ul class="order-list" data-testid="shipping-rules">
                                {settings.rules.into_iter().map(|rule| view! { <RuleRow rule s/> }).collect_view()}
                            </ul>
                            <h2 class="section-title">{s.add_rule}</h2>
                            <form method="post" action="/api/admin/shipping_save" class="stack-form" data-testid="shipping-add">
                                <label>{s.region}
                                    <select name="region_code" required data-testid="shipping-region">
                                        <option value="">{s.choose_province}</option>
                                        {provinces.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                                    </select>
                                </label>
                                <RuleFields rule=None s/>
                                <button type="submit" class="btn btn-primary btn-block" data-testid="shipping-add-save">{s.add_rule}</button>
                            </form>
                        }.into_any()
                    }
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One rule, edited in place (and removed, unless it is the shop's).
#[component]
fn RuleRow(rule: ShippingRuleView, s: &'static ShippingStrings) -> impl IntoView {
    let whole_shop = rule.region_code.is_empty();
    let name = if whole_shop {
        s.whole_shop.to_owned()
    } else {
        rule.region_name.clone()
    };
    let code = rule.region_code.clone();
    let removed = code.clone();
    view! {
        <li class="order-row" data-testid="shipping-rule" data-region=code.clone()>
            <form method="post" action="/api/admin/shipping_save" class="stack-form">
                <strong>{name}</strong>
                <input type="hidden" name="region_code" value=code.clone()/>
                <RuleFields rule=Some(rule) s/>
                <button type="submit" class="btn btn-small" data-testid="shipping-save">{s.save}</button>
            </form>
            {(!whole_shop).then(|| view! {
                <form method="post" action="/api/admin/shipping_remove" class="inline-form">
                    <input type="hidden" name="region_code" value=removed/>
                    <button type="submit" class="btn btn-small btn-ghost" data-testid="shipping-remove">{s.remove}</button>
                </form>
            })}
        </li>
    }
}

/// The fields every rule has; a new rule delivers and costs nothing until filled in.
#[component]
fn RuleFields(rule: Option<ShippingRuleView>, s: &'static ShippingStrings) -> impl IntoView {
    let delivers = rule.as_ref().is_none_or(|r| r.delivers);
    let first = rule.as_ref().map(|r| r.first.decimal()).unwrap_or_default();
    let additional = rule
        .as_ref()
        .map(|r| r.additional.decimal())
        .unwrap_or_default();
    let free_above = rule
        .as_ref()
        .and_then(|r| r.free_above.map(|m| m.decimal()))
        .unwrap_or_default();
    let weights = rule.as_ref().and_then(|r| r.by_weight);
    let by_weight = weights.is_some();
    let first_weight = weights.map(|w| w.first_g.to_string()).unwrap_or_default();
    let step_weight = weights.map(|w| w.step_g.to_string()).unwrap_or_default();
    view! {
        <label class="check"><input type="checkbox" name="delivers" value="on" checked=delivers data-testid="shipping-delivers"/>{s.delivers}</label>
        <label>{s.charge_by}
            <select name="charge_by" data-testid="shipping-charge-by">
                <option value="item" selected=!by_weight>{s.by_item}</option>
                <option value="weight" selected=by_weight>{s.by_weight}</option>
            </select>
        </label>
        <label>{s.first_weight}<input name="first_weight" value=first_weight inputmode="numeric" placeholder="1000" autocomplete="off" data-testid="shipping-first-weight"/></label>
        <label>{s.step_weight}<input name="step_weight" value=step_weight inputmode="numeric" placeholder="500" autocomplete="off" data-testid="shipping-step-weight"/></label>
        <p class="muted">{s.weight_hint}</p>
        <label>{s.first}<input name="first" value=first inputmode="decimal" placeholder="0.00" autocomplete="off" data-testid="shipping-first"/></label>
        <label>{s.additional}<input name="additional" value=additional inputmode="decimal" placeholder="0.00" autocomplete="off" data-testid="shipping-additional"/></label>
        <label>{s.free_above}<input name="free_above" value=free_above inputmode="decimal" placeholder=s.free_above_hint autocomplete="off" data-testid="shipping-free-above"/></label>
    }
}
