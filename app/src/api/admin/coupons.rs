//! The coupons page. Staff may see them; only the owner creates, pauses or issues them
//! (they are money).

// The new-coupon form's fields are the function's arguments, one per field.
#![allow(clippy::too_many_arguments)]

use crate::coupons::AdminCoupon;
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::call::{admin_call, owner_call};
#[cfg(feature = "ssr")]
use crate::ssr::coupons;

/// `POST /api/admin/coupons`
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "admin/coupons")]
pub async fn admin_coupons() -> Result<Vec<AdminCoupon>, ShopError> {
    admin_call(|call| async move {
        coupons::admin_list(&call.state.db, call.state.config.currency).await
    })
    .await
}

/// `POST /api/admin/coupon_create`: answers the new coupon's id.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(name = ?name), err(level = "info")))]
#[server(endpoint = "admin/coupon_create")]
pub async fn admin_create_coupon(
    name: String,
    #[server(default)] code: String,
    kind: String,
    #[server(default)] amount: String,
    #[server(default)] percent_off: String,
    #[server(default)] cap: String,
    #[server(default)] min_spend: String,
    scope: String,
    #[server(default)] scope_ids: String,
    #[server(default)] valid_from: String,
    #[server(default)] valid_until: String,
    #[server(default)] valid_days: String,
    total: String,
    per_buyer: String,
    #[server(default)] in_centre: Option<String>,
) -> Result<i64, ShopError> {
    owner_call(|call| async move {
        let form = coupons::CouponForm {
            name: &name,
            code: &code,
            kind: &kind,
            amount: &amount,
            percent_off: &percent_off,
            cap: &cap,
            min_spend: &min_spend,
            scope: &scope,
            scope_ids: &scope_ids,
            valid_from: &valid_from,
            valid_until: &valid_until,
            valid_days: &valid_days,
            total: &total,
            per_buyer: &per_buyer,
            in_centre: in_centre.is_some(),
        };
        coupons::create(&call.state.db, &form, call.state.config.currency).await
    })
    .await
}

/// `POST /api/admin/coupon_pause`: `paused=true` stops claims; `false` resumes them.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id, paused), err(level = "info"))
)]
#[server(endpoint = "admin/coupon_pause")]
pub async fn admin_pause_coupon(id: i64, paused: bool) -> Result<(), ShopError> {
    owner_call(|call| async move { coupons::set_paused(&call.state.db, id, paused).await }).await
}

/// `POST /api/admin/coupon_issue`: gives one of coupon `id` to the buyer `openid` (beyond
/// the per-buyer limit, within the total).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(id), err(level = "info"))
)]
#[server(endpoint = "admin/coupon_issue")]
pub async fn admin_issue_coupon(id: i64, openid: String) -> Result<(), ShopError> {
    owner_call(|call| async move {
        let buyer = crate::buyer::Openid::parse(openid.trim()).map_err(|_| {
            ShopError::Invalid(crate::i18n::coupons::coupons_t().err_openid.to_owned())
        })?;
        coupons::claim(&call.state.db, &buyer, id, coupons::Source::Issued).await
    })
    .await
}
