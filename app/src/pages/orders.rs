//! The buyer's orders: a list and a detail page, rendered on the server for the buyer the
//! session names. Someone else's order number is a 404, exactly like a missing one.

use super::after_sales::CaseSection;
use crate::api::orders::{get_order, list_orders, ConfirmReceipt};
use crate::carriers::describe;
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::components::pay::{OpenInWeChat, OrderPayPanel};
use crate::error::ShopError;
use crate::i18n::address::address_t;
use crate::i18n::after_sales::after_sales_t;
use crate::i18n::{t, use_lang};
use crate::orders::{OrderDetail, OrderStatus, OrderSummary, StepKind};
use crate::page::use_page;
use crate::time::display_ms;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn as _;

fn status_class(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending | OrderStatus::AwaitingPayment => "status status-open",
        OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed => "status status-paid",
        OrderStatus::RefundPending | OrderStatus::Refunded => "status status-refund",
        OrderStatus::Cancelled | OrderStatus::Expired => "status status-closed",
    }
}

#[component]
fn StatusBadge(status: OrderStatus) -> impl IntoView {
    view! {
        <span class=status_class(status) data-testid="order-status" data-status=status.code()>
            {(t().status_label)(status)}
        </span>
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let t = t();
    let token = use_page().buyer_token;
    let orders = Resource::new(|| (), move |_| list_orders(token.clone()));
    view! {
        <crate::components::PageTitle text=t.my_orders/>
        <h1 class="page-title">{t.my_orders}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.is_empty() => view! {
                        <section class="empty" data-testid="orders-empty">
                            <p>{t.orders_empty}</p>
                            <a class="btn" href="/">{t.go_shopping}</a>
                        </section>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="order-list">
                            {list.into_iter().map(|o| view! { <OrderRow order=o/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderRow(order: OrderSummary) -> impl IntoView {
    let t = t();
    view! {
        <li class="order-row" data-testid="order-row" data-order-no=order.order_no.clone()>
            <a href=format!("/orders/{}", order.order_no)>
                <div class="order-row-head">
                    <span class="muted">{t.order_no}" "{order.order_no.clone()}</span>
                    <StatusBadge status=order.status/>
                </div>
                <p class="order-row-title">{order.title}</p>
                <div class="order-row-foot">
                    <span class="muted">{display_ms(order.created_at_ms)}</span>
                    <span>{(t.items_count)(order.item_count)}" "<strong class="price">{order.total.to_string()}</strong></span>
                </div>
            </a>
        </li>
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let t = t();
    let token = use_page().buyer_token;
    let params = use_params_map();
    let query = use_query_map();
    let order_no = move || params.read().get("no").unwrap_or_default();
    let order = Resource::new(order_no, {
        let token = token.clone();
        move |no| get_order(token.clone(), no)
    });
    let outcome = query.read_untracked().get("pay");
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let (token, outcome) = (token.clone(), outcome.clone());
                Suspend::new(async move {
                    match order.await {
                        Ok(order) => view! { <OrderView order token outcome/> }.into_any(),
                        Err(ShopError::NotFound) => view! { <super::not_found::NotFound/> }.into_any(),
                        Err(err) => view! { <LoadError err/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn OrderView(order: OrderDetail, token: String, outcome: Option<String>) -> impl IntoView {
    let t = t();
    let s = &order.summary;
    let (goods, shipping_fee) = (order.goods(), order.shipping_fee);
    let discount = (order.discount.minor > 0).then(|| {
        let name = order.coupon_name.clone().unwrap_or_default();
        view! {
            <dt>{t.coupon}" · "{name}</dt>
            <dd class="price" data-testid="order-discount">{format!("−{}", order.discount)}</dd>
        }
    });
    let status = s.status;
    let notice = match status {
        OrderStatus::Paid | OrderStatus::Shipped => Some(("notice notice-ok", t.order_paid_notice)),
        OrderStatus::Completed => Some(("notice notice-ok", t.order_completed_notice)),
        OrderStatus::Cancelled => Some(("notice", t.order_cancelled_notice)),
        OrderStatus::Expired => Some(("notice", t.order_expired_notice)),
        _ => match outcome.as_deref() {
            Some("cancel") if status.is_payable() => Some(("notice", t.pay_cancelled)),
            Some("fail") if status.is_payable() => Some(("notice notice-error", t.pay_failed)),
            _ => None,
        },
    };
    let here = format!("{}/orders/{}", use_page().asset_base, s.order_no);
    let a = address_t();
    let address_notice = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("address")
        .is_some();
    let s_as = after_sales_t();
    let after_sale_notice = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("after_sale")
        .is_some();
    let latest_case = order.after_sales.first().cloned();
    // The request page says exactly why not (the window after completion, say); the link
    // shows wherever a request could be possible.
    let may_ask = matches!(
        status,
        OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Completed
    ) && !order.after_sales.iter().any(|c| c.status.is_open())
        && order.refunded.is_none_or(|r| r.minor < s.total.minor);
    let panel = status.is_payable().then(|| {
        let confirming = outcome.as_deref() == Some("ok");
        let outside_wechat = outcome.as_deref() == Some("wechat");
        let order_no = s.order_no.clone();
        view! {
            <p class="muted" data-testid="pay-before">{t.pay_before}{display_ms(order.expires_at_ms)}</p>
            <OrderPayPanel token=token.clone() order_no confirming outside_wechat>
                <OpenInWeChat url=here/>
            </OrderPayPanel>
        }
    });
    view! {
        <crate::components::PageTitle text=format!("{} {}", t.order_no, s.order_no)/>
        <section class="order-head">
            <h1 class="page-title">{t.order_no}" "<span data-testid="order-no">{s.order_no.clone()}</span></h1>
            <StatusBadge status/>
        </section>
        {notice.map(|(class, text)| view! { <p class=class role="status" data-testid="order-notice">{text}</p> })}
        {panel}
        {order.shipping.map(|sh| {
            let (carrier, link) = describe(&sh.carrier, &sh.tracking_no, use_lang());
            view! {
                <p class="notice notice-ok" data-testid="shipping">
                    {t.shipped_with}" "<span data-testid="carrier">{carrier}</span>" · "{t.tracking_no}" "
                    <strong data-testid="tracking-no">{sh.tracking_no}</strong>
                    {link.map(|href| view! {
                        " "<a href=href target="_blank" rel="noopener noreferrer" data-testid="track-parcel">{t.track_parcel}</a>
                    })}
                </p>
            }
        })}
        {(status == OrderStatus::Shipped).then(|| {
            let url_error = form_error::<ConfirmReceipt>();
            view! {
                <ReceiptButton token=token.clone() order_no=s.order_no.clone() label=t.confirm_receipt.to_owned()
                    hint=t.confirm_receipt_hint.to_owned() url_error/>
            }
        })}
        {order.refunded.map(|m| view! { <p class="notice" data-testid="refunded">{t.refunded_amount}" "{m.to_string()}</p> })}
        {after_sale_notice.then(|| view! { <p class="notice notice-ok" role="status" data-testid="case-notice">{s_as.requested_notice}</p> })}
        {latest_case.map(|case| view! { <CaseSection case token=token.clone()/> })}
        {may_ask.then(|| view! {
            <p><a class="btn btn-block btn-ghost" href=format!("/orders/{}/after-sales", s.order_no) data-testid="ask-after-sale">{s_as.ask}</a></p>
        })}
        {address_notice.then(|| view! { <p class="notice notice-ok" role="status" data-testid="address-notice">{a.address_changed_notice}</p> })}
        <h2 class="section-title">{a.ship_to}</h2>
        <section class="ship-to" data-testid="order-ship-to">
            {match order.ship_to {
                Some(to) => view! {
                    <p><strong data-testid="ship-to-recipient">{to.recipient.clone()}</strong>" "
                        <span class="muted" data-testid="ship-to-phone">{to.phone.clone()}</span></p>
                    <p data-testid="ship-to-line">{to.one_line()}</p>
                }.into_any(),
                None => view! { <p class="muted">{a.no_ship_to}</p> }.into_any(),
            }}
            {(!order.remark.is_empty()).then(|| view! {
                <p class="remark-text"><span class="muted">{a.remark}": "</span><span data-testid="order-remark">{order.remark.clone()}</span></p>
            })}
            {status.address_changeable().then(|| view! {
                <a href=format!("/addresses?order={}", s.order_no) data-testid="change-order-address">{a.change_order_address}</a>
            })}
        </section>
        <h2 class="section-title">{t.order_items}</h2>
        <ul class="order-lines">
            {order.lines.into_iter().map(|l| view! {
                <li class="order-line" data-testid="order-line">
                    <a href=format!("/product/{}", l.product_id)>{l.title}</a>
                    {(!l.option_text.is_empty()).then(|| view! { <span class="muted" data-testid="order-line-options">{l.option_text}</span> })}
                    <span class="muted">{l.unit_price.to_string()}" × "{l.quantity}</span>
                    <strong class="price">{l.line_total.to_string()}</strong>
                </li>
            }).collect_view()}
        </ul>
        <dl class="money-lines">
            <dt>{t.goods}</dt><dd class="price" data-testid="order-goods">{goods.to_string()}</dd>
            {discount}
            <dt>{t.shipping_fee}</dt><dd class="price" data-testid="order-shipping">{shipping_text(shipping_fee, t)}</dd>
        </dl>
        <footer class="cart-total">
            <span>{(t.items_count)(s.item_count)}</span>
            <span>{t.subtotal}" "<strong class="price" data-testid="order-total">{s.total.to_string()}</strong></span>
        </footer>
        <h2 class="section-title">{t.order_progress}</h2>
        <ol class="timeline" data-testid="timeline">
            {order.timeline.into_iter().map(|step| view! {
                <li data-status=step.status.code() data-kind=match step.kind {
                    StepKind::Reached => "reached",
                    StepKind::AddressChanged => "address",
                    StepKind::AfterSale(_) => "after_sale",
                }>
                    <span>{match step.kind {
                        StepKind::Reached => (t.step_label)(step.status),
                        StepKind::AddressChanged => a.step_address_changed,
                        StepKind::AfterSale(case) => (s_as.step)(case),
                    }}</span>
                    <span class="muted">{display_ms(step.at_ms)}</span>
                </li>
            }).collect_view()}
        </ol>
        <p><a href="/orders">{t.my_orders}</a></p>
    }
}

/// "I received it": a form that posts without JavaScript and comes back to the order page;
/// hydrated (also inside the payment container, at the gateway's origin) it calls the shop
/// and follows the same redirect.
#[island(lazy)]
fn ReceiptButton(
    token: String,
    order_no: String,
    label: String,
    hint: String,
    url_error: Option<ShopError>,
) -> impl IntoView {
    let confirm = ServerAction::<ConfirmReceipt>::new();
    let outcome = move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| url_error.clone())
            .map(Err::<(), ShopError>)
    };
    let ready = crate::components::hydrated();
    crate::components::follow_redirects();
    let on_submit = {
        let (token, order_no) = (token.clone(), order_no.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            confirm.dispatch(ConfirmReceipt {
                token: token.clone(),
                order_no: order_no.clone(),
            });
        }
    };
    view! {
        <ActionNotice outcome/>
        <form method="post" action=ConfirmReceipt::PATH class="receipt-form" data-testid="receipt-form" on:submit=on_submit>
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="order_no" value=order_no/>
            <button type="submit" class="btn btn-primary btn-block" data-testid="confirm-receipt"
                disabled=move || confirm.pending().get()
                data-ready=move || ready.get().then_some("")>{label}</button>
            <p class="muted">{hint}</p>
        </form>
    }
}

/// A shipping fee as the buyer reads it: the amount, or 包邮 when there is none.
pub fn shipping_text(fee: crate::money::Money, t: &crate::i18n::Strings) -> String {
    if fee.minor == 0 {
        t.free_shipping.to_owned()
    } else {
        fee.to_string()
    }
}
