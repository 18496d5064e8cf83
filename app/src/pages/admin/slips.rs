//! `/admin/slips`: packing slips to print. `?no=<order>` for one order, nothing for every
//! paid order waiting to ship; `?width=80mm` for a receipt printer, A4 otherwise. Each slip
//! has the order number (with its QR code, for a scanner at the packing desk), the items
//! and quantities, the address and the buyer's remark. One slip per printed page.

use crate::api::admin::admin_slips;
use crate::components::notice::LoadError;
use crate::error::ShopError;
use crate::i18n::{admin_t, t, AdminStrings};
use crate::orders::OrderDetail;
use crate::time::display_ms;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SlipsPage() -> impl IntoView {
    let a = admin_t();
    let query = use_query_map();
    let (no, narrow) = query.with_untracked(|q| {
        (
            q.get("no").unwrap_or_default(),
            q.get("width").as_deref() == Some("80mm"),
        )
    });
    let slips = Resource::new(
        {
            let no = no.clone();
            move || no.clone()
        },
        admin_slips,
    );
    let here = |width: &str| match (no.is_empty(), width) {
        (true, "") => "/admin/slips".to_owned(),
        (true, w) => format!("/admin/slips?width={w}"),
        (false, "") => format!(
            "/admin/slips?no={}",
            leptos_router::location::Url::escape(&no)
        ),
        (false, w) => format!(
            "/admin/slips?no={}&width={w}",
            leptos_router::location::Url::escape(&no)
        ),
    };
    let (a4, receipt) = (here(""), here("80mm"));
    view! {
        <crate::components::PageTitle text=a.packing_slips/>
        <div class="slip-toolbar no-print">
            <h1 class="page-title">{a.packing_slips}</h1>
            <a class="btn btn-small" class:btn-primary=!narrow href=a4 data-testid="slip-a4">"A4"</a>
            <a class="btn btn-small" class:btn-primary=narrow href=receipt data-testid="slip-80mm">"80 mm"</a>
            <button type="button" class="btn btn-small btn-primary" onclick="window.print()" data-testid="print">{a.print}</button>
        </div>
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || Suspend::new(async move {
                match slips.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty" data-testid="no-slips">{a.no_slips}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="slips" class:slips-80=narrow data-testid="slips">
                            {list.into_iter().map(|order| view! { <Slip order a/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(ShopError::NotFound) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Slip(order: OrderDetail, a: &'static AdminStrings) -> impl IntoView {
    let no = order.summary.order_no.clone();
    #[cfg(feature = "ssr")]
    let qr = crate::ssr::qr::svg(&no).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let qr = String::new();
    view! {
        <article class="slip" data-testid="slip" data-order=no.clone()>
            <header class="slip-head">
                <div>
                    <p class="slip-no" data-testid="slip-no">{no.clone()}</p>
                    <p class="muted">{a.placed}" "{display_ms(order.summary.created_at_ms)}</p>
                </div>
                <div class="slip-qr" inner_html=qr></div>
            </header>
            <section class="slip-to" data-testid="slip-to">
                <h2>{a.ship_to}</h2>
                {match order.ship_to {
                    Some(to) => view! {
                        <p><strong>{to.recipient.clone()}</strong>" "{to.phone.clone()}</p>
                        <p>{to.one_line()}</p>
                    }.into_any(),
                    None => view! { <p>{a.no_ship_to}</p> }.into_any(),
                }}
            </section>
            <table class="slip-lines">
                <thead><tr><th>{a.item}</th><th class="num">{a.quantity}</th></tr></thead>
                <tbody>
                    {order.lines.into_iter().map(|l| view! {
                        <tr data-testid="slip-line"><td>{l.name()}</td><td class="num">{l.quantity}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(!order.remark.is_empty()).then(|| view! {
                <section class="slip-remark" data-testid="slip-remark">
                    <h2>{a.remark}</h2>
                    <p>{order.remark.clone()}</p>
                </section>
            })}
        </article>
    }
}
