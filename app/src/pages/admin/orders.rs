//! The order list, with filters that are plain GET forms.

use crate::admin::{AdminOrderRow, OrderFilter};
use crate::api::admin::admin_orders;
use crate::components::notice::LoadError;
use crate::i18n::{admin_t, t};
use crate::orders::OrderStatus;
use crate::time::display_ms;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::location::Url;

fn filter_from_query() -> OrderFilter {
    let query = use_query_map();
    query.with_untracked(|q| OrderFilter {
        status: q.get("status"),
        from: q.get("from"),
        to: q.get("to"),
        q: q.get("q"),
    })
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let a = admin_t();
    let t = t();
    let filter = filter_from_query();
    let csv_query = [
        ("status", &filter.status),
        ("from", &filter.from),
        ("to", &filter.to),
        ("q", &filter.q),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{k}={}", Url::escape(v)))
    })
    .collect::<Vec<_>>()
    .join("&");
    let form = filter.clone();
    let rows = Resource::new(move || filter.clone(), admin_orders);
    let selected = form.status.clone().unwrap_or_default();
    view! {
        <crate::components::PageTitle text=a.orders/>
        <h1 class="page-title">{a.orders}</h1>
        <form method="get" action="/admin/orders" class="filter-form">
            <select name="status" aria-label=a.status>
                <option value="" selected=selected.is_empty()>{a.all}</option>
                <option value="attention" selected=selected == "attention">{a.attention}</option>
                {OrderStatus::ALL.into_iter().filter(|s| *s != OrderStatus::Pending).map(|s| view! {
                    <option value=s.code() selected=selected == s.code()>{(t.status_label)(s)}</option>
                }).collect_view()}
            </select>
            <input type="date" name="from" aria-label=a.from value=form.from.clone().unwrap_or_default()/>
            <input type="date" name="to" aria-label=a.to value=form.to.clone().unwrap_or_default()/>
            <input type="search" name="q" placeholder=a.search value=form.q.clone().unwrap_or_default() data-testid="order-search"/>
            <button type="submit" class="btn btn-small">{a.filter}</button>
            <a class="btn btn-small btn-ghost" href=format!("/admin/orders.csv?{csv_query}") data-testid="export-csv">{a.export_csv}</a>
            <a class="btn btn-small btn-ghost" href="/admin/slips" data-testid="print-waiting">{a.print_waiting}</a>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="empty-note">{a.no_orders}</p> }.into_any(),
                    Ok(rows) => view! { <OrderTable rows/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderTable(rows: Vec<AdminOrderRow>) -> impl IntoView {
    let t = t();
    let a = admin_t();
    view! {
        <ul class="order-list admin-orders">
            // Column heads, shown only where the list is laid out as a table (desktop).
            <li class="order-row order-row-heads" aria-hidden="true">
                <span>{t.order_no}</span>
                <span>{a.item}</span>
                <span>{a.placed}" · "{a.buyer}</span>
                <span>{a.status}</span>
                <span class="num">{a.amount}</span>
            </li>
            {rows.into_iter().map(|r| view! {
                <li class="order-row" data-testid="admin-order-row" data-order-no=r.order_no.clone()>
                    <a href=format!("/admin/orders/{}", r.order_no)>
                        <div class="order-row-head">
                            <span class="muted order-row-no">{r.order_no.clone()}</span>
                            <span class="status" data-status=r.status.code()>{(t.status_label)(r.status)}</span>
                        </div>
                        <p class="order-row-title">{r.title}</p>
                        {r.needs_attention.then(|| view! { <p class="notice notice-error">{a.attention}</p> })}
                        <div class="order-row-foot">
                            <span class="muted order-row-who">{display_ms(r.created_at_ms)}" · "{r.openid}</span>
                            <strong class="price">{r.total.to_string()}</strong>
                        </div>
                    </a>
                </li>
            }).collect_view()}
        </ul>
    }
}
