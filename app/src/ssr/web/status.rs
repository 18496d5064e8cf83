//! The HTTP status of a server function's answer.

use http::StatusCode;
use leptos::prelude::use_context;

/// Whether the request being answered is a plain HTML form post (`Accept: text/html`: the
/// no-JavaScript path), which is answered with a redirect rather than data.
pub fn plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Sets the HTTP status of a server function's answer to a fetch call (the shop's islands, an
/// API client), and of nothing else:
/// - a plain form post (`Accept: text/html`, the no-JavaScript path) is answered by
///   server_fn with a redirect back to the form's page, the error in its URL, and a status
///   set here would replace that redirect (leptos_axum applies it last);
/// - a page that calls a server function while it renders (a resource on the server) keeps
///   the status the page chooses (see `components::notice::LoadError`): a refused cart
///   badge must not turn a page into a 401.
pub fn set_call_status(status: StatusCode) {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    if plain_form_post() || !parts.uri.path().starts_with("/api/") {
        return;
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}
