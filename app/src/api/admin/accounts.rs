//! The admin accounts page (the owner's only).

use crate::admin::AdminAccount;
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::owner_call;
#[cfg(feature = "ssr")]
use crate::ssr::admin::store;

/// `POST /api/admin/accounts`: the admin accounts (owner only).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/accounts")]
pub async fn admin_accounts() -> Result<Vec<AdminAccount>, ShopError> {
    owner_call(|call| async move { store::accounts(&call.state.db).await }).await
}

/// `POST /api/admin/account_create`: a new owner or staff account (owner only). The
/// password is never logged.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(username = ?username, role = ?role), err(level = "info"))
)]
#[server(endpoint = "admin/account_create")]
pub async fn admin_create_account(
    username: String,
    password: String,
    role: String,
) -> Result<(), ShopError> {
    use store::{create, CreateError, Role};
    owner_call(|call| async move {
        let role = Role::parse(&role).ok_or_else(|| ShopError::Invalid("role".into()))?;
        create(&call.state.db, username.trim(), &password, role)
            .await
            .map(|_| ())
            .map_err(|e| match e {
                CreateError::Database(err) => ShopError::from(err),
                other => ShopError::Invalid(other.to_string()),
            })
    })
    .await
}

/// `POST /api/admin/account_disable`: disable (`disabled=true`, ending its sessions) or
/// enable an account (owner only; never one's own).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id = id, disabled = disabled), err(level = "info"))
)]
#[server(endpoint = "admin/account_disable")]
pub async fn admin_set_disabled(id: i64, disabled: bool) -> Result<(), ShopError> {
    owner_call(|call| async move {
        if call.admin.id == id {
            return Err(ShopError::Invalid(
                crate::i18n::admin_t().err_self_disable.to_owned(),
            ));
        }
        store::set_disabled(&call.state.db, id, disabled).await
    })
    .await
}
