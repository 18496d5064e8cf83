//! The product list.

use crate::admin::ProductFilter;
use crate::api::admin::{admin_product, admin_products};
use crate::components::notice::LoadError;
use crate::i18n::{admin_t, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::location::Url;

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
                parts.push(format!("{k}={}", Url::escape(v)));
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
