//! Admin accounts (owner only).

use crate::api::admin::{admin_accounts, AdminCreateAccount, AdminSetDisabled};
use crate::components::notice::form_error;
use crate::components::notice::LoadError;
use crate::i18n::{admin_t, t};
use leptos::prelude::*;

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
