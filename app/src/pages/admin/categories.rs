//! Categories.

use crate::api::admin::{admin_categories, AdminArchiveCategory, AdminSaveCategory};
use crate::components::notice::form_error;
use crate::components::notice::LoadError;
use crate::i18n::{admin_t, t};
use leptos::prelude::*;

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
