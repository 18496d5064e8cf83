//! The buyer's coupons: the coupon centre, claiming one, redeeming a code. Like the cart's,
//! each takes the buyer's form `token`. The forms post without JavaScript and come back to
//! the coupon centre.

use crate::coupons::Centre;
use crate::error::ShopError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::call::buyer_call;
#[cfg(feature = "ssr")]
use crate::ssr::coupons;

/// `POST /api/coupons/centre`: what can be claimed and what the buyer holds.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "coupons/centre")]
pub async fn coupon_centre(token: String) -> Result<Centre, ShopError> {
    buyer_call(&token, |call| async move {
        coupons::centre(&call.state.db, &call.buyer, call.state.config.currency).await
    })
    .await
}

/// `POST /api/coupons/claim`: the buyer claims coupon `coupon_id` from the centre.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(coupon_id = coupon_id), err(level = "info"))
)]
#[server(endpoint = "coupons/claim")]
pub async fn claim_coupon(token: String, coupon_id: i64) -> Result<(), ShopError> {
    buyer_call(&token, |call| async move {
        coupons::claim(
            &call.state.db,
            &call.buyer,
            coupon_id,
            coupons::Source::Centre,
        )
        .await?;
        leptos_axum::redirect("/coupons");
        Ok(())
    })
    .await
}

/// `POST /api/coupons/redeem`: the buyer types a coupon code.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "coupons/redeem")]
pub async fn redeem_coupon(token: String, code: String) -> Result<(), ShopError> {
    buyer_call(&token, |call| async move {
        coupons::redeem(&call.state.db, &call.buyer, &code).await?;
        leptos_axum::redirect("/coupons");
        Ok(())
    })
    .await
}
