use crate::error::ShopError;
use crate::i18n::t;
use leptos::prelude::*;

/// The outcome of a cart action, as a message the buyer can read: `Some(Ok(()))` for
/// success, `Some(Err(_))` for a refusal, `None` before anything happened.
#[component]
pub fn ActionNotice(
    outcome: impl Fn() -> Option<Result<(), ShopError>> + Send + Sync + 'static,
    #[prop(optional)] success: Option<&'static str>,
) -> impl IntoView {
    let t = t();
    move || match outcome() {
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
    crate::pages::set_status(err.status().as_u16());
    view! { <p class="notice notice-error" role="alert">{err.message(t())}</p> }
}

/// The error a form posted without JavaScript came back with (`__path`/`__err` in the URL)
/// for server function `S`. Pages read it on the server and pass it to their island as a
/// prop: an island hydrates without the page's router, so it could not read it itself, and
/// server and browser must render the same notice.
pub fn form_error<S>() -> Option<ShopError>
where
    S: server_fn::ServerFn<Error = ShopError>,
{
    use server_fn::error::ServerFnUrlError;
    let error = use_context::<leptos::server::ServerActionError>()?;
    (error.path() == S::PATH).then(|| ServerFnUrlError::<ShopError>::decode_err(error.err()))
}
