use crate::error::ShopError;
use crate::i18n::t;
use leptos::prelude::*;

/// The outcome of a cart action, as a message the buyer can read.
#[component]
pub fn ActionNotice(
    value: impl Get<Value = Option<Result<(), ShopError>>> + Send + Sync + 'static,
    #[prop(optional)] success: Option<&'static str>,
) -> impl IntoView {
    let t = t();
    move || match value.get() {
        Some(Err(err)) => Some(
            view! {
                <p class="notice notice-error" role="alert" data-testid="error">{err.message(t)}</p>
            }
            .into_any(),
        ),
        Some(Ok(_)) => success.map(|msg| {
            view! {
                <p class="notice notice-ok" role="status" data-testid="success">{msg}</p>
            }
            .into_any()
        }),
        None => None,
    }
}

/// A page whose data could not be loaded: the buyer's message, and on the server the
/// response status that goes with it.
#[component]
pub fn LoadError(err: ShopError) -> impl IntoView {
    crate::pages::set_status(err.status());
    view! { <p class="notice notice-error" role="alert">{err.message(t())}</p> }
}
