//! The sign-in form.

use crate::i18n::admin_t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let a = admin_t();
    let query = use_query_map();
    let (error, next, minutes) =
        query.with_untracked(|q| (q.get("error"), q.get("next"), q.get("minutes")));
    let message = match error.as_deref() {
        Some("invalid") => {
            crate::pages::set_status(401);
            Some(a.err_invalid.to_owned())
        }
        Some("limited") => {
            crate::pages::set_status(429);
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
