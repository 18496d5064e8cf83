use crate::api::catalog::get_listing;
use crate::components::notice::LoadError;
use crate::components::product_card::ProductCardView;
use crate::i18n::t;
use crate::model::{Listing, ListingQuery, Sort};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The product list: `/?category=<slug>&q=<words>&sort=<order>&page=<n>`. The search is a
/// GET form, and categories, sorts and pages are plain links, so all of it works before
/// hydration and without JavaScript.
#[component]
pub fn HomePage() -> impl IntoView {
    let t = t();
    let params = use_query_map();
    let asked = move || {
        let params = params.read();
        ListingQuery::read(
            params.get_str("category"),
            params.get_str("q"),
            params.get_str("sort"),
            params.get_str("page"),
        )
    };
    let listing = Resource::new(asked, get_listing);
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(listing) => view! { <ListingView listing/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListingView(listing: Listing) -> impl IntoView {
    let t = t();
    let query = listing.query;
    let chip = |href: String, label: String, active: bool| {
        view! {
            <li><a class="chip" class:chip-active=active href=href aria-current=active.then_some("page")>{label}</a></li>
        }
    };
    let chips = std::iter::once(chip(
        query.in_category(None).href(),
        t.all_products.to_owned(),
        query.category.is_none(),
    ))
    .chain(listing.categories.into_iter().map(|c| {
        let active = query.category.as_deref() == Some(c.slug.as_str());
        chip(query.in_category(Some(c.slug)).href(), c.name, active)
    }))
    .collect_view();
    let sorts = Sort::ALL
        .into_iter()
        .map(|sort| {
            let active = sort == query.sort;
            view! {
                <li><a class="sort" class:sort-active=active href=query.sorted(sort).href()
                    aria-current=active.then_some("true") data-testid="sort" data-sort=sort.code()>{(t.sort_name)(sort)}</a></li>
            }
        })
        .collect_view();
    let empty = listing.products.is_empty();
    let heading = query.q.clone().map(|q| {
        let text = if empty {
            (t.no_results)(&q)
        } else {
            (t.search_results)(&q)
        };
        view! { <p class="search-note" data-testid="search-note">{text}</p> }
    });
    let empty_note =
        (empty && query.q.is_none()).then(|| view! { <p class="empty-note">{t.no_products}</p> });
    let previous = (query.page > 1).then(|| {
        view! { <a class="btn btn-small" rel="prev" href=query.at_page(query.page - 1).href() data-testid="previous-page">{t.previous_page}</a> }
    });
    let next = listing.has_next.then(|| {
        view! { <a class="btn btn-small" rel="next" href=query.at_page(query.page + 1).href() data-testid="next-page">{t.next_page}</a> }
    });
    let pager = (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=(t.page_number)(query.page)>
                {previous}
                <span class="pager-at" data-testid="page-number">{(t.page_number)(query.page)}</span>
                {next}
            </nav>
        }
    });
    view! {
        <form class="search" method="get" action="/" role="search" data-testid="search-form">
            {query.category.clone().map(|c| view! { <input type="hidden" name="category" value=c/> })}
            {(query.sort != Sort::Featured).then(|| view! { <input type="hidden" name="sort" value=query.sort.code()/> })}
            <input type="search" name="q" value=query.q.clone() placeholder=t.search_placeholder
                aria-label=t.search_placeholder maxlength=ListingQuery::MAX_Q_CHARS enterkeyhint="search" data-testid="search-input"/>
            <button type="submit" class="btn btn-small" data-testid="search-submit">{t.search}</button>
        </form>
        <nav class="chips" aria-label=t.categories><ul>{chips}</ul></nav>
        <nav class="sorts" aria-label=t.sort_by><ul>{sorts}</ul></nav>
        {heading}
        {empty_note}
        <ul class="grid">
            {listing.products.into_iter().map(|product| view! { <ProductCardView product/> }).collect_view()}
        </ul>
        {pager}
    }
}
