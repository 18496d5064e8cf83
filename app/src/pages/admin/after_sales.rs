//! After-sales in the back office: the list of requests, and one order's requests with the
//! merchant's actions (shown on the order's page).

use crate::after_sales::{CaseKind, CaseStatus, CaseView};
use crate::api::admin::{
    admin_after_sales, AdminAfterSaleApprove, AdminAfterSaleReceived, AdminAfterSaleRefuse,
    AdminAfterSaleRetry,
};
use crate::carriers::describe;
use crate::components::notice::{form_error, LoadError};
use crate::error::ShopError;
use crate::i18n::after_sales::after_sales_t;
use crate::i18n::{t, use_lang};
use crate::pages::after_sales::CasePhotos;
use crate::time::display_ms;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/admin/after-sales`: the requests waiting for the merchant, oldest first (`?all=1`:
/// every request, newest first).
#[component]
pub fn AfterSalesPage() -> impl IntoView {
    let s = after_sales_t();
    let all = use_query_map().read_untracked().get("all").is_some();
    let list = Resource::new(move || all, admin_after_sales);
    view! {
        <crate::components::PageTitle text=s.list_title/>
        <h1 class="page-title">{s.list_title}</h1>
        <nav class="filter-form" data-testid="after-sales-filter">
            <a class=if all { "btn btn-small btn-ghost" } else { "btn btn-small btn-primary" } href="/admin/after-sales">{s.open_only}</a>
            <a class=if all { "btn btn-small btn-primary" } else { "btn btn-small btn-ghost" } href="/admin/after-sales?all=1">{s.all_cases}</a>
        </nav>
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted" data-testid="no-cases">{s.no_cases}</p> }.into_any(),
                    Ok(rows) => view! {
                        <ul class="order-list case-list" data-testid="cases">
                            {rows.into_iter().map(|c| view! {
                                <li class="order-row" data-testid="case-row" data-case-no=c.case_no.clone() data-status=c.status.code()>
                                    <a href=format!("/admin/orders/{}#after-sales", c.order_no)>
                                        <span class="nowrap">{c.case_no.clone()}</span>
                                        <span>{(s.kind_label)(c.kind)}</span>
                                        <span class="status">{(s.status_label)(c.status)}</span>
                                        <span>{(s.reason_label)(c.reason)}</span>
                                        <strong class="price nowrap">{c.amount.to_string()}</strong>
                                        <span class="muted nowrap">{display_ms(c.created_at_ms)}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The refusal of an after-sales action posted from the order's page, if any.
pub fn after_sale_refusal() -> Option<ShopError> {
    form_error::<AdminAfterSaleApprove>()
        .or_else(form_error::<AdminAfterSaleRefuse>)
        .or_else(form_error::<AdminAfterSaleReceived>)
        .or_else(form_error::<AdminAfterSaleRetry>)
}

/// One order's requests on its page, newest first, with what the merchant can do.
#[component]
pub fn CaseAdmin(cases: Vec<CaseView>, return_address: String) -> impl IntoView {
    let s = after_sales_t();
    (!cases.is_empty()).then(|| {
        view! {
            <h2 class="section-title" id="after-sales">{s.after_sales}</h2>
            <ul class="notifications" data-testid="admin-cases">
                {cases.into_iter().map(|c| view! { <CaseCard case=c return_address=return_address.clone()/> }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn CaseCard(case: CaseView, return_address: String) -> impl IntoView {
    let s = after_sales_t();
    let lang = use_lang();
    let no = case.case_no.clone();
    let status = case.status;
    let kind = case.kind;
    let returned = case
        .return_carrier
        .clone()
        .zip(case.return_tracking_no.clone())
        .map(|(carrier, no)| {
            let (name, link) = describe(&carrier, &no, lang);
            view! {
                <p data-testid="admin-return-parcel">{s.return_carrier}": "{name}" · "{s.return_tracking}" "
                    <strong>{no.clone()}</strong>
                    {link.map(|href| view! { " "<a href=href target="_blank" rel="noopener noreferrer">"↗"</a> })}
                </p>
            }
        });
    let approve = (status == CaseStatus::Requested).then(|| {
        let label = match kind {
            CaseKind::RefundOnly => s.approve_refund,
            CaseKind::ReturnRefund => s.approve,
        };
        view! {
            <form method="post" action="/api/admin/after-sales/approve" class="filter-form" data-testid="case-approve-form">
                <input type="hidden" name="case_no" value=no.clone()/>
                {(kind == CaseKind::ReturnRefund).then(|| view! {
                    <input name="return_to" value=return_address.clone() placeholder=s.return_to aria-label=s.return_to
                        maxlength="200" required class="wide" data-testid="case-return-to"/>
                })}
                <button type="submit" class="btn btn-small btn-primary" data-testid="case-approve">{label}</button>
            </form>
        }
    });
    let refuse = matches!(
        status,
        CaseStatus::Requested | CaseStatus::AwaitingReturn | CaseStatus::Returning | CaseStatus::RefundFailed
    )
    .then(|| view! {
        <form method="post" action="/api/admin/after-sales/refuse" class="filter-form" data-testid="case-refuse-form">
            <input type="hidden" name="case_no" value=no.clone()/>
            <input name="reason" placeholder=s.refuse_reason aria-label=s.refuse_reason maxlength="200" required data-testid="case-refusal"/>
            <button type="submit" class="btn btn-small" data-testid="case-refuse">{s.refuse}</button>
        </form>
    });
    let goods_back = (status == CaseStatus::Returning).then(|| view! {
        <form method="post" action="/api/admin/after-sales/received" class="inline-form">
            <input type="hidden" name="case_no" value=no.clone()/>
            <button type="submit" class="btn btn-small btn-primary" data-testid="case-goods-back">{s.goods_back}</button>
        </form>
    });
    let retry = (status == CaseStatus::RefundFailed).then(|| view! {
        <form method="post" action="/api/admin/after-sales/retry" class="inline-form">
            <input type="hidden" name="case_no" value=no.clone()/>
            <button type="submit" class="btn btn-small btn-primary" data-testid="case-retry">{s.retry_refund}</button>
        </form>
    });
    view! {
        <li class="case-card" data-testid="admin-case" data-case-no=no.clone() data-status=status.code()>
            <p>
                <strong>{(s.kind_label)(kind)}</strong>" · "
                <span class="status" data-testid="admin-case-status">{(s.status_label)(status)}</span>" · "
                <strong class="price nowrap">{case.amount.to_string()}</strong>
                <span class="muted">" "{s.case_no}" "{no.clone()}" · "{display_ms(case.created_at_ms)}</span>
            </p>
            <p>{s.reason}": "{(s.reason_label)(case.reason)}</p>
            {(!case.description.is_empty()).then(|| view! { <p class="remark-text" data-testid="admin-case-description">{case.description.clone()}</p> })}
            <CasePhotos photos=case.photos.clone()/>
            {(!case.return_to.is_empty()).then(|| view! { <p>{s.return_to}": "{case.return_to.clone()}</p> })}
            {returned}
            {(!case.refusal.is_empty()).then(|| view! { <p>{s.refusal}": "{case.refusal.clone()}</p> })}
            {case.refund_no.clone().map(|r| view! { <p class="muted">{r}</p> })}
            <div class="admin-actions">{approve}{goods_back}{retry}{refuse}</div>
        </li>
    }
}
