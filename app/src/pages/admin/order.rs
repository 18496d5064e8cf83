//! One order: its items, payment, refunds, shipping and the actions on it.

use crate::admin::{AdminOrderDetail, RefundStatus};
use crate::api::admin::{
    admin_order, AdminCancel, AdminRefund, AdminRefundRetry, AdminResolve, AdminShip,
};
use crate::carriers::{describe, Carrier};
use crate::components::notice::form_error;
use crate::components::notice::LoadError;
use crate::error::ShopError;
use crate::i18n::{admin_t, t, use_lang};
use crate::orders::OrderStatus;
use crate::time::display_ms;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let no = move || params.read().get("no").unwrap_or_default();
    let order = Resource::new(no, admin_order);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(detail) => view! { <OrderDetailView detail/> }.into_any(),
                    Err(ShopError::NotFound) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderDetailView(detail: AdminOrderDetail) -> impl IntoView {
    let t = t();
    let a = admin_t();
    let lang = use_lang();
    let s = &detail.order.summary;
    let dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    // A refused action comes back in the URL (`__err`); show it above the forms.
    let refusal = form_error::<AdminShip>()
        .or_else(form_error::<AdminCancel>)
        .or_else(form_error::<AdminRefund>)
        .or_else(form_error::<AdminRefundRetry>)
        .or_else(form_error::<AdminResolve>)
        .or_else(super::after_sales::after_sale_refusal)
        .map(|e| e.message(t));
    let no = s.order_no.clone();
    let status = s.status;
    let refundable = detail.refundable;
    let refund_key = detail.refund_key.clone();
    let refunds_seen = detail.refunds.len().to_string();
    // The address this page shows: shipping is refused if the buyer changed it meanwhile.
    let ship_to_seen = crate::address::ShipTo::label_of(detail.order.ship_to.as_ref());
    let actions = view! {
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        {matches!(status, OrderStatus::Paid | OrderStatus::Shipped).then(|| view! {
            <a class="btn btn-small" href=format!("/admin/slips?no={no}") data-testid="print-slip">{a.print_slip}</a>
        })}
        {(status == OrderStatus::Paid).then(|| view! {
            <form method="post" action="/api/admin/ship" class="filter-form" data-testid="ship-form">
                <input type="hidden" name="order_no" value=no.clone()/>
                <input type="hidden" name="ship_to_seen" value=ship_to_seen.clone() data-testid="ship-to-seen"/>
                <select name="carrier" aria-label=a.carrier required data-testid="carrier">
                    <option value="">{a.carrier}</option>
                    {Carrier::ALL.into_iter().map(|c| view! { <option value=c.code()>{c.name(lang)}</option> }).collect_view()}
                </select>
                <input name="tracking_no" placeholder=a.tracking_no required data-testid="tracking-no"/>
                <button type="submit" class="btn btn-small btn-primary" data-testid="ship">{a.ship}</button>
            </form>
        })}
        {status.is_payable().then(|| view! {
            <form method="post" action="/api/admin/cancel" class="inline-form">
                <input type="hidden" name="order_no" value=no.clone()/>
                <button type="submit" class="btn btn-small" data-testid="admin-cancel">{a.cancel_unpaid}</button>
            </form>
        })}
        {(refundable.minor > 0).then(|| view! {
            <form method="post" action="/api/admin/refund" class="filter-form" data-testid="refund-form">
                <input type="hidden" name="order_no" value=no.clone()/>
                // A double submit or a retried post carries the same key: one refund.
                <input type="hidden" name="refund_key" value=refund_key.clone() data-testid="refund-key"/>
                // A page that is out of date (another tab refunded meanwhile) is refused.
                <input type="hidden" name="refunds_seen" value=refunds_seen data-testid="refunds-seen"/>
                // A reload never brings back an amount typed for an earlier refund.
                <input name="amount" inputmode="decimal" autocomplete="off" placeholder=(a.refund_amount_hint)(&refundable.to_string()) data-testid="refund-amount"/>
                <input name="reason" autocomplete="off" placeholder=a.refund_reason data-testid="refund-reason"/>
                {(status == OrderStatus::Paid).then(|| view! {
                    <label class="check"><input type="checkbox" name="restock" data-testid="refund-restock"/>{a.refund_restock}</label>
                })}
                <button type="submit" class="btn btn-small" data-testid="refund">{a.refund}</button>
            </form>
        })}
        {detail.needs_attention.then(|| view! {
            <form method="post" action="/api/admin/resolve" class="inline-form">
                <input type="hidden" name="order_no" value=no.clone()/>
                <button type="submit" class="btn btn-small" data-testid="resolve">{a.resolve}</button>
            </form>
        })}
    };
    // A slip printed before the buyer changed the address carries the old one.
    let paid_at = detail.order.paid_at_ms.unwrap_or(i64::MAX);
    let moved_after_pay = (status == OrderStatus::Paid)
        .then(|| {
            detail
                .events
                .iter()
                .rev()
                .find(|e| e.event == crate::orders::StepKind::ADDRESS_CHANGED && e.at_ms > paid_at)
                .map(|e| e.at_ms)
        })
        .flatten();
    let shipping = detail.order.shipping.clone();
    let refunds = detail.refunds.clone();
    view! {
        <crate::components::PageTitle text=s.order_no.clone()/>
        <section class="order-head">
            <h1 class="page-title" data-testid="admin-order-no">{s.order_no.clone()}</h1>
            <span class="status" data-testid="admin-order-status" data-status=s.status.code()>{(t.status_label)(s.status)}</span>
        </section>
        {detail.attention_note.map(|note| view! { <p class="notice notice-error" data-testid="attention-note">{a.attention}": "{note}</p> })}
        <dl class="facts">
            <dt>{a.buyer}</dt><dd>{detail.openid}</dd>
            <dt>{a.placed}</dt><dd>{display_ms(s.created_at_ms)}</dd>
            <dt>{a.amount}</dt><dd class="price">{s.total.to_string()}</dd>
            {(detail.order.discount.minor > 0).then(|| view! {
                <dt>{t.coupon}</dt>
                <dd class="price" data-testid="admin-order-discount">
                    "−"{detail.order.discount.to_string()}" "{detail.order.coupon_name.clone().unwrap_or_default()}
                </dd>
            })}
            <dt>{t.shipping_fee}</dt><dd class="price" data-testid="admin-order-shipping">{crate::pages::orders::shipping_text(detail.order.shipping_fee, t)}</dd>
            <dt>{a.payment_no}</dt><dd data-testid="payment-no">{dash(detail.payment_no)}</dd>
            <dt>{a.paid_amount}</dt><dd>{detail.pay_currency.zip(detail.pay_amount).map(|(c, v)| format!("{c} {v}")).unwrap_or_else(|| "—".into())}</dd>
            <dt>{a.exchange_rate}</dt><dd data-testid="exchange-rate">{dash(detail.exchange_rate)}</dd>
            <dt>{a.trade_time}</dt><dd>{dash(detail.trade_time)}</dd>
            <dt>{a.ship_to}</dt>
            <dd data-testid="admin-ship-to">{match detail.order.ship_to.clone() {
                Some(to) => to.label(),
                None => a.no_ship_to.to_owned(),
            }}</dd>
            {(!detail.order.remark.is_empty()).then(|| view! {
                <dt>{a.remark}</dt><dd data-testid="admin-remark">{detail.order.remark.clone()}</dd>
            })}
            {shipping.map(|sh| view! {
                <dt>{a.carrier}</dt><dd data-testid="admin-carrier">{describe(&sh.carrier, &sh.tracking_no, lang).0}</dd>
                <dt>{a.tracking_no}</dt><dd data-testid="admin-tracking">{sh.tracking_no}</dd>
            })}
        </dl>
        {moved_after_pay.map(|at| view! {
            <p class="notice notice-error" role="alert" data-testid="address-changed-after-pay">
                {(a.address_changed_after_pay)(&display_ms(at))}
            </p>
        })}
        <div class="admin-actions">{actions}</div>
        <super::CaseAdmin cases=detail.order.after_sales.clone() return_address=detail.return_address.clone()/>
        {(!refunds.is_empty()).then(|| view! {
            <h2 class="section-title">{a.refunds}</h2>
            <ul class="notifications" data-testid="refunds">
                {refunds.into_iter().map(|r| {
                    let pending = r.status == RefundStatus::Pending;
                    let refund_no = r.refund_no.clone();
                    let row_no = r.refund_no.clone();
                    let restock = match (r.restock, r.restocked) {
                        (_, true) => Some(a.restocked),
                        (true, false) => Some(a.restock_asked),
                        _ => None,
                    };
                    view! {
                        <li data-testid="refund-row" data-status=r.status.code() data-refund-no=row_no>
                            <span class="muted">{display_ms(r.created_at_ms)}</span>
                            <strong>{r.amount.to_string()}</strong>
                            <span>{(a.refund_status)(r.status)}</span>
                            {restock.map(|label| view! { <span data-testid="refund-restocked">{label}</span> })}
                            <span class="muted">{r.refund_no}" · "{r.admin}" "{r.detail}</span>
                            {pending.then(|| view! {
                                <form method="post" action="/api/admin/refund_retry" class="inline-form">
                                    <input type="hidden" name="refund_no" value=refund_no/>
                                    <button type="submit" class="btn btn-small">{a.retry}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        <h2 class="section-title">{t.order_items}</h2>
        <ul class="order-lines">
            {detail.order.lines.into_iter().map(|l| view! {
                <li class="order-line">
                    <span>{l.title}</span>
                    {(!l.option_text.is_empty()).then(|| view! { <span class="muted" data-testid="admin-line-options">{l.option_text}</span> })}
                    <span class="muted">{l.unit_price.to_string()}" × "{l.quantity}</span>
                    <strong class="price">{l.line_total.to_string()}</strong>
                </li>
            }).collect_view()}
        </ul>
        <h2 class="section-title">{a.order_log}</h2>
        <ol class="timeline" data-testid="order-log">
            {detail.events.into_iter().map(|e| {
                let code = e.event.clone();
                view! {
                <li data-status=e.status.code() data-event=code>
                    <span>{match crate::after_sales::CaseStatus::from_step_event(&e.event) {
                        Some(step) => (crate::i18n::after_sales::after_sales_t().step)(step),
                        None => (t.step_label)(e.status),
                    }}</span>
                    <span class="muted">{display_ms(e.at_ms)}" · "{e.event}" · "{e.source}" "{e.detail}</span>
                </li>
            }}).collect_view()}
        </ol>
        <h2 class="section-title">{a.notifications}</h2>
        {if detail.notifications.is_empty() {
            view! { <p class="muted">{a.no_notifications}</p> }.into_any()
        } else {
            view! {
                <ul class="notifications" data-testid="notifications">
                    {detail.notifications.into_iter().map(|n| {
                        let verdict = n.verdict.clone();
                        view! {
                        <li data-testid="notification" data-verdict=verdict>
                            <span class="muted">{display_ms(n.received_at_ms)}</span>
                            <span>{n.status.unwrap_or_default()}</span>
                            <strong>{n.verdict}</strong>
                            <span class="muted">{n.detail}</span>
                        </li>
                    }}).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
