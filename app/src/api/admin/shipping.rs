//! The shipping page: the shop's fee rules. Only the owner changes them (they set what
//! buyers pay); staff may read them.

// The rule form's function has as many arguments as the form has fields.
#![allow(clippy::too_many_arguments)]

use crate::admin::ShippingSettings;
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::{admin_call, owner_call};
#[cfg(feature = "ssr")]
use crate::ssr::shipping;

/// `POST /api/admin/shipping`
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/shipping")]
pub async fn admin_shipping() -> Result<ShippingSettings, ShopError> {
    admin_call(|call| async move {
        shipping::settings(&call.state.db, call.state.config.currency).await
    })
    .await
}

/// `POST /api/admin/shipping_save`: the rule for a region (`region_code` empty: the whole
/// shop). `delivers` is a checkbox: absent means "does not deliver".
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(region_code = ?region_code), err(level = "info"))
)]
#[server(endpoint = "admin/shipping_save")]
pub async fn admin_save_shipping(
    region_code: String,
    #[server(default)] delivers: Option<String>,
    first: String,
    additional: String,
    free_above: String,
    // `weight` charges by weight; anything else (or nothing) by item.
    #[server(default)] charge_by: String,
    #[server(default)] first_weight: String,
    #[server(default)] step_weight: String,
) -> Result<(), ShopError> {
    owner_call(|call| async move {
        let form = shipping::RuleForm {
            region_code: &region_code,
            delivers: delivers.is_some(),
            first: &first,
            additional: &additional,
            free_above: &free_above,
            by_weight: charge_by == "weight",
            first_weight: &first_weight,
            step_weight: &step_weight,
        };
        shipping::save(&call.state.db, &form, call.state.config.currency).await
    })
    .await
}

/// `POST /api/admin/shipping_remove`: a region's rule goes; its parcels follow the shop's.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(region_code = ?region_code), err(level = "info"))
)]
#[server(endpoint = "admin/shipping_remove")]
pub async fn admin_remove_shipping(region_code: String) -> Result<(), ShopError> {
    owner_call(|call| async move { shipping::remove(&call.state.db, &region_code).await }).await
}
