use crate::api::catalog::get_listing;
use crate::components::notice::LoadError;
use crate::components::product_card::ProductCardView;
use crate::i18n::t;
use crate::model::Listing;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The product list, filtered by `?category=<slug>`. Category chips are plain links, so
/// filtering works before hydration and without JavaScript.
#[component]
pub fn HomePage() -> impl IntoView {
    let t = t();
    let query = use_query_map();
    let category = move || query.read().get("category");
    let listing = Resource::new(category, get_listing);
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
    let selected = listing.selected.clone();
    let chip = move |href: String, label: String, active: bool| {
        view! {
            <li><a class="chip" class:chip-active=active href=href aria-current=active.then_some("page")>{label}</a></li>
        }
    };
    let chips = std::iter::once(chip(
        "/".to_owned(),
        t.all_products.to_owned(),
        selected.is_none(),
    ))
    .chain(listing.categories.into_iter().map(|c| {
        let active = selected.as_deref() == Some(c.slug.as_str());
        chip(format!("/?category={}", c.slug), c.name, active)
    }))
    .collect_view();
    let empty = listing.products.is_empty();
    view! {
        <nav class="chips" aria-label=t.categories><ul>{chips}</ul></nav>
        {empty.then(|| view! { <p class="empty-note">{t.no_products}</p> })}
        <ul class="grid">
            {listing.products.into_iter().map(|product| view! { <ProductCardView product/> }).collect_view()}
        </ul>
    }
}
