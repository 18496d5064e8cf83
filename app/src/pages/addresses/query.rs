//! The address pages' query parameters.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A non-empty query parameter.
pub fn query(name: &str) -> Option<String> {
    use_query_map()
        .read_untracked()
        .get(name)
        .filter(|v| !v.is_empty())
}

/// `?pick=1`: the cart's "change address".
pub fn picking() -> bool {
    query("pick").as_deref() == Some("1")
}
