//! The one way a server function starts (server side only): who may call it, the shop's
//! state, and the HTTP status of its answer. A server function's body is one call:
//!
//! ```ignore
//! buyer_call(&token, |call| async move { cart::count(&call.state.db, &call.buyer).await }).await
//! ```
//!
//! - [`shop_call`]: anyone (the catalogue);
//! - [`buyer_call`]: the buyer named by the page's form token (see `ssr::session`), which
//!   also proves the call came from the shop's own page;
//! - [`admin_call`]: a signed-in admin; [`owner_call`]: the shop's owner only.
//!
//! The admin guard (`ssr::admin::http::guard`) already refuses `/api/admin/` without a live
//! admin session; the helpers check again, so no function can be reached by mistake through
//! another route. Every refusal answers with [`ShopError::status`].

use crate::buyer::Openid;
use crate::error::ShopError;
use crate::ssr::admin::http::current_admin;
use crate::ssr::admin::store::{CurrentAdmin, Role};
use crate::ssr::context::{buyer_from_token, state, ShopState};
use std::future::Future;

/// What a buyer's server function acts with.
pub struct BuyerCall {
    pub state: ShopState,
    /// The buyer the form token names (and, with a session cookie, the same buyer).
    pub buyer: Openid,
}

/// What an admin's (or the owner's) server function acts with.
pub struct AdminCall {
    pub state: ShopState,
    pub admin: CurrentAdmin,
}

/// A server function anyone may call.
pub async fn shop_call<T, F, Fut>(body: F) -> Result<T, ShopError>
where
    F: FnOnce(ShopState) -> Fut,
    Fut: Future<Output = Result<T, ShopError>>,
{
    answer(async { body(state()?).await }.await)
}

/// A buyer's server function: refused with `SessionExpired` (401) unless `token` is a live
/// form token, and, when the request also carries a session cookie, the cookie's buyer's.
pub async fn buyer_call<T, F, Fut>(token: &str, body: F) -> Result<T, ShopError>
where
    F: FnOnce(BuyerCall) -> Fut,
    Fut: Future<Output = Result<T, ShopError>>,
{
    answer(
        async {
            let state = state()?;
            let buyer = buyer_from_token(&state, token)?;
            body(BuyerCall { state, buyer }).await
        }
        .await,
    )
}

/// An admin's server function: refused with `AdminOnly` (401) without a live admin session.
pub async fn admin_call<T, F, Fut>(body: F) -> Result<T, ShopError>
where
    F: FnOnce(AdminCall) -> Fut,
    Fut: Future<Output = Result<T, ShopError>>,
{
    answer(async { body(admin(None)?).await }.await)
}

/// The owner's server function (admin accounts): also refused with `OwnerOnly` (403) for a
/// staff account.
pub async fn owner_call<T, F, Fut>(body: F) -> Result<T, ShopError>
where
    F: FnOnce(AdminCall) -> Fut,
    Fut: Future<Output = Result<T, ShopError>>,
{
    answer(async { body(admin(Some(Role::Owner))?).await }.await)
}

fn admin(role: Option<Role>) -> Result<AdminCall, ShopError> {
    let admin = current_admin().ok_or(ShopError::AdminOnly)?;
    if role.is_some_and(|role| admin.role != role) {
        return Err(ShopError::OwnerOnly);
    }
    Ok(AdminCall {
        state: state()?,
        admin,
    })
}

/// A refusal answers with its own status (leptos would answer every error with 500).
fn answer<T>(result: Result<T, ShopError>) -> Result<T, ShopError> {
    if let Err(err) = &result {
        crate::ssr::web::set_call_status(err.status());
    }
    result
}
