use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    super::set_status(404);
    let t = t();
    view! {
        <crate::components::PageTitle text=t.not_found_title/>
        <section class="empty" data-testid="not-found">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_body}</p>
            <a class="btn" href="/">{t.back_home}</a>
        </section>
    }
}
