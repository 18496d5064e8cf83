//! The back office's pages: sign-in, dashboard, orders, products, categories and accounts. They
//! render on the server only (no islands), so nothing here reaches the buyer's wasm; forms
//! are plain GET filters and POSTs to the guarded endpoints.

use crate::admin::{
    AdminOrderDetail, AdminOrderRow, AdminProduct, OrderFilter, Period, ProductEditor,
    ProductFilter, RefundStatus,
};
use crate::api::admin::{
    admin_accounts, admin_categories, admin_dashboard, admin_order, admin_orders, admin_product,
    admin_products, AdminAdjustStock, AdminArchiveCategory, AdminArchiveProduct, AdminCancel,
    AdminCreateAccount, AdminDeleteImage, AdminMoveImage, AdminRefund, AdminRefundRetry,
    AdminResolve, AdminSaveCategory, AdminSaveProduct, AdminSetDisabled, AdminShip,
};
use crate::components::layout::encode_component;
use crate::components::notice::form_error;
use crate::components::notice::LoadError;
use crate::error::ShopError;
use crate::i18n::{admin_t, t};
use crate::money::Money;
use crate::orders::OrderStatus;
use crate::time::display_ms;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The admin area's top bar (instead of the shop's header).
#[component]
pub fn AdminHeader() -> impl IntoView {
    let a = admin_t();
    #[cfg(feature = "ssr")]
    let who = crate::ssr::admin::http::current_admin().map(|admin| admin.username);
    #[cfg(not(feature = "ssr"))]
    let who: Option<String> = None;
    view! {
        <header class="topbar admin-bar">
            <a class="brand" href="/admin">{a.back_office}</a>
            <a class="lang-switch" href=format!("/lang?to={}&back=%2Fadmin", if matches!(crate::i18n::use_lang(), crate::i18n::Lang::Zh) { "en" } else { "zh" }) rel="external">
                {t().switch_language}
            </a>
            {who.map(|who| view! {
                <nav class="topbar-actions">
                    <a href="/admin">{a.dashboard}</a>
                    <a href="/admin/orders" data-testid="admin-orders-link">{a.orders}</a>
                    <a href="/admin/products" data-testid="admin-products-link">{a.products}</a>
                    <a href="/admin/categories">{a.categories}</a>
                    <a href="/admin/accounts">{a.accounts}</a>
                    <form method="post" action="/admin/logout" class="inline-form">
                        <button type="submit" class="link-button" data-testid="logout" title=format!("{} {who}", a.signed_in_as)>
                            {a.logout}
                        </button>
                    </form>
                </nav>
            })}
        </header>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let a = admin_t();
    let query = use_query_map();
    let (error, next, minutes) =
        query.with_untracked(|q| (q.get("error"), q.get("next"), q.get("minutes")));
    let message = match error.as_deref() {
        Some("invalid") => {
            super::set_status(401);
            Some(a.err_invalid.to_owned())
        }
        Some("limited") => {
            super::set_status(429);
            Some(
                match minutes
                    .and_then(|m| m.parse::<i64>().ok())
                    .filter(|m| (1..=1440).contains(m))
                {
                    Some(m) => (a.err_limited_minutes)(m),
                    None => a.err_limited.to_owned(),
                },
            )
        }
        Some(_) => Some(a.err_unavailable.to_owned()),
        None => None,
    };
    view! {
        <crate::components::PageTitle text=a.login_title/>
        <section class="admin-login">
            <h1 class="page-title">{a.login_title}</h1>
            {message.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="login-error">{m}</p> })}
            <form method="post" action="/admin/login" class="stack-form">
                <input type="hidden" name="next" value=next.unwrap_or_default()/>
                <label>{a.username}<input name="username" autocomplete="username" required data-testid="login-username"/></label>
                <label>{a.password}<input name="password" type="password" autocomplete="current-password" required data-testid="login-password"/></label>
                <button type="submit" class="btn btn-primary btn-block" data-testid="login-submit">{a.sign_in}</button>
            </form>
        </section>
    }
}

fn money_list(list: &[Money]) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter()
        .map(Money::to_string)
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
fn PeriodCard(title: &'static str, period: Period, testid: &'static str) -> impl IntoView {
    let a = admin_t();
    view! {
        <section class="stat-card" data-testid=testid>
            <h2>{title}</h2>
            <dl>
                <dt>{a.paid_orders}</dt><dd data-testid="paid-orders">{period.paid_orders}</dd>
                <dt>{a.revenue}</dt><dd data-testid="revenue">{money_list(&period.revenue)}</dd>
                <dt>{a.average_order}</dt><dd>{money_list(&period.average)}</dd>
            </dl>
        </section>
    }
}

fn chart(daily: &[(String, Money)]) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::admin::orders::chart_svg(daily)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = daily;
        String::new()
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let a = admin_t();
    let data = Resource::new(|| (), |_| admin_dashboard());
    view! {
        <crate::components::PageTitle text=a.dashboard/>
        <h1 class="page-title">{a.dashboard}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! {
                        <div class="stat-grid">
                            <PeriodCard title=a.today period=d.today testid="today"/>
                            <PeriodCard title=a.last_7_days period=d.last_7_days testid="week"/>
                            <a class="stat-card" href="/admin/orders?status=paid" data-testid="to-ship">
                                <h2>{a.to_ship}</h2><strong>{d.to_ship}</strong>
                            </a>
                            <a class="stat-card" href="/admin/orders?status=attention" data-testid="flagged">
                                <h2>{a.flagged}</h2><strong>{d.flagged}</strong>
                            </a>
                            <a class="stat-card" href="/admin/products" data-testid="low-stock">
                                <h2>{a.low_stock}</h2><strong>{d.low_stock}</strong>
                            </a>
                        </div>
                        <section class="stat-card chart-card" data-testid="revenue-chart">
                            <h2>{a.revenue_14_days}</h2>
                            <div inner_html=chart(&d.daily)></div>
                        </section>
                    }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

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
            .map(|v| format!("{k}={}", encode_component(v)))
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
            {rows.into_iter().map(|r| view! {
                <li class="order-row" data-testid="admin-order-row" data-order-no=r.order_no.clone()>
                    <a href=format!("/admin/orders/{}", r.order_no)>
                        <div class="order-row-head">
                            <span class="muted">{r.order_no.clone()}</span>
                            <span class="status" data-status=r.status.code()>{(t.status_label)(r.status)}</span>
                        </div>
                        <p class="order-row-title">{r.title}</p>
                        {r.needs_attention.then(|| view! { <p class="notice notice-error">{a.attention}</p> })}
                        <div class="order-row-foot">
                            <span class="muted">{display_ms(r.created_at_ms)}" · "{r.openid}</span>
                            <strong class="price">{r.total.to_string()}</strong>
                        </div>
                    </a>
                </li>
            }).collect_view()}
        </ul>
    }
}

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
                    Err(ShopError::NotFound) => view! { <super::not_found::NotFound/> }.into_any(),
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
    let s = &detail.order.summary;
    let dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    // A refused action comes back in the URL (`__err`); show it above the forms.
    let refusal = form_error::<AdminShip>()
        .or_else(form_error::<AdminCancel>)
        .or_else(form_error::<AdminRefund>)
        .or_else(form_error::<AdminRefundRetry>)
        .or_else(form_error::<AdminResolve>)
        .map(|e| e.message(t));
    let no = s.order_no.clone();
    let status = s.status;
    let refundable = detail.refundable;
    let refund_key = detail.refund_key.clone();
    let refunds_seen = detail.refunds.len().to_string();
    let actions = view! {
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        {(status == OrderStatus::Paid).then(|| view! {
            <form method="post" action="/api/admin/ship" class="filter-form" data-testid="ship-form">
                <input type="hidden" name="order_no" value=no.clone()/>
                <input name="carrier" placeholder=a.carrier required data-testid="carrier"/>
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
                <input name="amount" inputmode="decimal" placeholder=(a.refund_amount_hint)(&refundable.to_string()) data-testid="refund-amount"/>
                <input name="reason" placeholder=a.refund_reason data-testid="refund-reason"/>
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
            <dt>{a.payment_no}</dt><dd data-testid="payment-no">{dash(detail.payment_no)}</dd>
            <dt>{a.paid_amount}</dt><dd>{detail.pay_currency.zip(detail.pay_amount).map(|(c, v)| format!("{c} {v}")).unwrap_or_else(|| "—".into())}</dd>
            <dt>{a.exchange_rate}</dt><dd data-testid="exchange-rate">{dash(detail.exchange_rate)}</dd>
            <dt>{a.trade_time}</dt><dd>{dash(detail.trade_time)}</dd>
            {shipping.map(|sh| view! {
                <dt>{a.carrier}</dt><dd>{sh.carrier}</dd>
                <dt>{a.tracking_no}</dt><dd data-testid="admin-tracking">{sh.tracking_no}</dd>
            })}
        </dl>
        <div class="admin-actions">{actions}</div>
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
                    <span>{(t.step_label)(e.status)}</span>
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

/// The reasons a merchant can give for a stock change (the ledger's `reason`).
const STOCK_REASONS: [&str; 4] = ["restock", "damaged", "correction", "returned"];

fn product_filter_from_query() -> ProductFilter {
    let query = use_query_map();
    query.with_untracked(|q| ProductFilter {
        q: q.get("q"),
        category: q.get("category"),
        state: q.get("state"),
        page: q.get("page"),
    })
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let a = admin_t();
    let filter = product_filter_from_query();
    let form = filter.clone();
    let page = Resource::new(move || filter.clone(), admin_products);
    let editor = Resource::new(|| (), |_| admin_product(String::new()));
    let state = form.state.clone().unwrap_or_default();
    let link_for = move |p: i64| {
        let mut parts = vec![format!("page={p}")];
        for (k, v) in [
            ("q", &form.q),
            ("category", &form.category),
            ("state", &form.state),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", encode_component(v)));
            }
        }
        format!("/admin/products?{}", parts.join("&"))
    };
    let q = product_filter_from_query().q.unwrap_or_default();
    let category = product_filter_from_query().category.unwrap_or_default();
    view! {
        <crate::components::PageTitle text=a.products/>
        <h1 class="page-title">{a.products}</h1>
        <form method="get" action="/admin/products" class="filter-form">
            <input type="search" name="q" placeholder=a.title value=q data-testid="product-search"/>
            <Suspense fallback=|| ()>
                {move || {
                    let category = category.clone();
                    Suspend::new(async move {
                        editor.await.ok().map(|ed| view! {
                            <select name="category" aria-label=a.category>
                                <option value="">{a.all}</option>
                                {ed.categories.into_iter().map(|c| {
                                    let selected = category == c.id.to_string();
                                    view! { <option value=c.id selected=selected>{c.name}</option> }
                                }).collect_view()}
                            </select>
                        })
                    })
                }}
            </Suspense>
            <select name="state" aria-label=a.status>
                <option value="" selected=state.is_empty()>{a.all}</option>
                <option value="on_sale" selected=state == "on_sale">{a.on_sale}</option>
                <option value="off_sale" selected=state == "off_sale">{a.off_sale}</option>
                <option value="archived" selected=state == "archived">{a.archived}</option>
            </select>
            <button type="submit" class="btn btn-small">{a.filter}</button>
            <a class="btn btn-small btn-primary" href="/admin/products/new" data-testid="new-product">{a.new_product}</a>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || {
                let link_for = link_for.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! {
                            <ul class="order-list">
                                {p.rows.into_iter().map(|r| view! {
                                    <li class="order-row" data-testid="admin-product-row">
                                        <a href=format!("/admin/products/{}", r.id)>
                                            <div class="order-row-head">
                                                <span class="order-row-title">{r.title}</span>
                                                <strong class="price">{r.price.to_string()}</strong>
                                            </div>
                                            <div class="order-row-foot">
                                                <span class="muted">{r.category}" · "{if r.archived { a.archived } else if r.on_sale { a.on_sale } else { a.off_sale }}</span>
                                                <span class=if r.low_stock { "status status-open" } else { "muted" }>{a.stock}" "{r.stock}</span>
                                            </div>
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <nav class="pager">
                                {(p.page > 1).then(|| view! { <a class="btn btn-small" href=link_for(p.page - 1)>"‹"</a> })}
                                <span class="muted">{(a.page_of)(p.page, p.pages)}</span>
                                {(p.page < p.pages).then(|| view! { <a class="btn btn-small" href=link_for(p.page + 1)>"›"</a> })}
                            </nav>
                        }.into_any(),
                        Err(err) => view! { <LoadError err/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn ProductEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, admin_product);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(editor) => view! { <ProductEditor editor/> }.into_any(),
                    Err(ShopError::NotFound) => view! { <super::not_found::NotFound/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductEditor(editor: ProductEditor) -> impl IntoView {
    let a = admin_t();
    let t = t();
    let upload_error = use_query_map().with_untracked(|q| q.get("error"));
    let refusal = form_error::<AdminSaveProduct>()
        .or_else(form_error::<AdminAdjustStock>)
        .or_else(form_error::<AdminArchiveProduct>)
        .or_else(form_error::<AdminMoveImage>)
        .or_else(form_error::<AdminDeleteImage>)
        .map(|e| e.message(t))
        .or(upload_error);
    let p = editor.product.clone();
    let is_new = p.is_none();
    let id = p.as_ref().map(|p| p.id.to_string()).unwrap_or_default();
    let field = |f: fn(&AdminProduct) -> String| p.as_ref().map(f).unwrap_or_default();
    let category_id = p.as_ref().map(|p| p.category_id);
    let on_sale = p.as_ref().map(|p| p.on_sale).unwrap_or(true);
    let heading = p
        .as_ref()
        .map(|p| p.title.clone())
        .unwrap_or_else(|| a.new_product.to_owned());
    view! {
        <crate::components::PageTitle text=heading.clone()/>
        <h1 class="page-title" data-testid="product-heading">{heading}</h1>
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        <form method="post" action="/api/admin/product_save" class="stack-form" data-testid="product-form">
            <input type="hidden" name="id" value=id.clone()/>
            <label>{a.title}<input name="title" required maxlength="200" value=field(|p| p.title.clone()) data-testid="product-title"/></label>
            <label>{a.subtitle}<input name="subtitle" maxlength="200" value=field(|p| p.subtitle.clone())/></label>
            <label>{a.description}<textarea name="description" rows="5">{field(|p| p.description.clone())}</textarea></label>
            <label>{a.category}
                <select name="category_id" required data-testid="product-category">
                    {editor.categories.into_iter().map(|c| view! {
                        <option value=c.id selected=category_id == Some(c.id)>{c.name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{a.price}<input name="price" inputmode="decimal" required value=field(|p| p.price.clone()) data-testid="product-price"/></label>
            {is_new.then(|| view! {
                <label>{a.initial_stock}<input name="initial_stock" inputmode="numeric" value="0" data-testid="product-stock"/></label>
            })}
            <label class="check"><input type="checkbox" name="on_sale" checked=on_sale data-testid="product-on-sale"/>{a.on_sale}</label>
            <label>{a.sort_order}<input name="sort_order" inputmode="numeric" value=field(|p| p.sort_order.to_string())/></label>
            <label>{a.low_stock_threshold}<input name="low_stock_threshold" inputmode="numeric" value=p.as_ref().map(|p| p.low_stock_threshold.to_string()).unwrap_or_else(|| "5".into())/></label>
            <button type="submit" class="btn btn-primary btn-block" data-testid="product-save">{a.save}</button>
        </form>
        {p.map(|p| {
            let id = p.id;
            view! {
                <h2 class="section-title">{a.images}</h2>
                <ul class="image-list" data-testid="images">
                    {p.images.into_iter().map(|img| view! {
                        <li data-testid="image-row">
                            <img src=img.url width="96" height="96" alt=""/>
                            <form method="post" action="/api/admin/image_move" class="inline-form">
                                <input type="hidden" name="id" value=img.id/>
                                <input type="hidden" name="up" value="true"/>
                                <button type="submit" class="btn btn-small btn-ghost">{a.move_up}</button>
                            </form>
                            <form method="post" action="/api/admin/image_move" class="inline-form">
                                <input type="hidden" name="id" value=img.id/>
                                <input type="hidden" name="up" value="false"/>
                                <button type="submit" class="btn btn-small btn-ghost">{a.move_down}</button>
                            </form>
                            <form method="post" action="/api/admin/image_delete" class="inline-form">
                                <input type="hidden" name="id" value=img.id/>
                                <button type="submit" class="btn btn-small btn-ghost">{a.delete}</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
                <form method="post" action=format!("/admin/products/{id}/images") enctype="multipart/form-data" class="filter-form" data-testid="upload-form">
                    <input type="file" name="images" multiple accept="image/png,image/jpeg" required data-testid="image-files"/>
                    <button type="submit" class="btn btn-small" data-testid="image-upload">{a.upload}</button>
                </form>
                <h2 class="section-title">{a.stock}": "<span data-testid="product-stock-now">{p.stock}</span></h2>
                <form method="post" action="/api/admin/stock" class="filter-form" data-testid="stock-form">
                    <input type="hidden" name="id" value=id/>
                    <input name="delta" inputmode="numeric" placeholder=a.delta required data-testid="stock-delta"/>
                    <select name="reason" aria-label=a.reason data-testid="stock-reason">
                        {STOCK_REASONS.into_iter().map(|r| view! { <option value=r>{(a.reason_label)(r)}</option> }).collect_view()}
                    </select>
                    <input name="note" placeholder=a.note/>
                    <button type="submit" class="btn btn-small" data-testid="stock-submit">{a.adjust_stock}</button>
                </form>
                <h2 class="section-title">{a.ledger}</h2>
                <ul class="notifications" data-testid="ledger">
                    {p.movements.into_iter().map(|m| view! {
                        <li data-testid="ledger-row">
                            <span class="muted">{display_ms(m.at_ms)}</span>
                            <strong>{if m.delta > 0 { format!("+{}", m.delta) } else { m.delta.to_string() }}</strong>
                            <span>{"→ "}{m.stock_after}</span>
                            <span>{(a.reason_label)(&m.reason)}</span>
                            <span class="muted">{m.admin}" "{m.note}</span>
                        </li>
                    }).collect_view()}
                </ul>
                {(!p.archived).then(|| view! {
                    <form method="post" action="/api/admin/product_archive" class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="btn btn-small btn-ghost" data-testid="product-archive">{a.archive}</button>
                    </form>
                })}
            }
        })}
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let a = admin_t();
    let t = t();
    let refusal = form_error::<AdminCreateAccount>()
        .or_else(form_error::<AdminSetDisabled>)
        .map(|e| e.message(t));
    let accounts = Resource::new(|| (), |_| admin_accounts());
    view! {
        <crate::components::PageTitle text=a.accounts/>
        <h1 class="page-title">{a.accounts}</h1>
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(list) => view! {
                        <ul class="notifications" data-testid="accounts">
                            {list.into_iter().map(|acc| view! {
                                <li data-testid="account-row">
                                    <strong>{acc.username}</strong>
                                    <span>{(a.role_label)(&acc.role)}</span>
                                    {acc.disabled.then(|| view! { <span class="status status-closed">{a.disabled}</span> })}
                                    <form method="post" action="/api/admin/account_disable" class="inline-form">
                                        <input type="hidden" name="id" value=acc.id/>
                                        <input type="hidden" name="disabled" value=(!acc.disabled).to_string()/>
                                        <button type="submit" class="btn btn-small btn-ghost">{if acc.disabled { a.enable } else { a.disable }}</button>
                                    </form>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="section-title">{a.add_account}</h2>
        <form method="post" action="/api/admin/account_create" class="stack-form">
            <label>{a.username}<input name="username" required autocomplete="off"/></label>
            <label>{a.password}<input name="password" type="password" required minlength="8" autocomplete="new-password"/></label>
            <label>{a.role}
                <select name="role">
                    <option value="staff">{(a.role_label)("staff")}</option>
                    <option value="owner">{(a.role_label)("owner")}</option>
                </select>
            </label>
            <button type="submit" class="btn btn-primary btn-block">{a.add_account}</button>
        </form>
    }
}

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let a = admin_t();
    let t = t();
    let refusal = form_error::<AdminSaveCategory>()
        .or_else(form_error::<AdminArchiveCategory>)
        .map(|e| e.message(t));
    let list = Resource::new(|| (), |_| admin_categories());
    view! {
        <crate::components::PageTitle text=a.categories/>
        <h1 class="page-title">{a.categories}</h1>
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <ul class="order-list" data-testid="categories">
                            {list.into_iter().map(|c| view! {
                                <li class="order-row" data-testid="category-row">
                                    <form method="post" action="/api/admin/category_save" class="filter-form">
                                        <input type="hidden" name="id" value=c.id/>
                                        <input name="name" value=c.name.clone() aria-label=a.title required/>
                                        <input name="slug" value=c.slug.clone() aria-label=a.slug required/>
                                        <input name="sort_order" value=c.sort_order inputmode="numeric" aria-label=a.sort_order class="narrow"/>
                                        <button type="submit" class="btn btn-small">{a.save}</button>
                                    </form>
                                    <form method="post" action="/api/admin/category_archive" class="inline-form">
                                        <input type="hidden" name="id" value=c.id/>
                                        <input type="hidden" name="archived" value=(!c.archived).to_string()/>
                                        <span class="muted">{a.products}" "{c.products}{c.archived.then_some(" · ")}{c.archived.then_some(a.archived)}" "</span>
                                        <button type="submit" class="btn btn-small btn-ghost">{if c.archived { a.restore } else { a.archive }}</button>
                                    </form>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="section-title">{a.add_category}</h2>
        <form method="post" action="/api/admin/category_save" class="stack-form" data-testid="category-form">
            <input type="hidden" name="id" value=""/>
            <label>{a.title}<input name="name" required maxlength="40" data-testid="category-name"/></label>
            <label>{a.slug}<input name="slug" required pattern="[a-z0-9\\-]+" data-testid="category-slug"/></label>
            <label>{a.sort_order}<input name="sort_order" inputmode="numeric" value="0"/></label>
            <button type="submit" class="btn btn-primary btn-block" data-testid="category-save">{a.add_category}</button>
        </form>
    }
}
