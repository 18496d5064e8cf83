//! The buyer's address book. Like the cart's, every function takes the buyer's form
//! `token`; an address that is not the token's buyer's is `NotFound`.
//!
//! The address form is a plain HTML form, so it works before hydration and without
//! JavaScript: a refused save, and the region picker's "next" step, come back to the form
//! with what was typed (in the query, never the token), and a saved address goes on to the
//! list or to `next` (the cart, when the buyer came from checkout).

// The address form's fields are `save_address`'s arguments, one per field, so the plain
// form posts them as they are (the server macro's generated code carries the lint).
#![allow(clippy::too_many_arguments)]

use crate::address::{Address, AddressId};
use crate::error::ShopError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::call::{buyer_call, shop_call};
#[cfg(feature = "ssr")]
use crate::ssr::addresses;

/// One choice of the region picker: code and name.
pub type Choice = (String, String);

/// The picker's lists for a province and city: all provinces, the province's cities and
/// the city's districts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionLists {
    pub provinces: Vec<Choice>,
    pub cities: Vec<Choice>,
    pub districts: Vec<Choice>,
}

/// `POST /api/addresses/list`: the buyer's addresses, the default first.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "addresses/list")]
pub async fn list_addresses(token: String) -> Result<Vec<Address>, ShopError> {
    buyer_call(&token, |call| async move {
        addresses::list(&call.state.db, &call.buyer).await
    })
    .await
}

/// `POST /api/addresses/get`: one of the buyer's addresses.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(id = %id), err(level = "info")))]
#[server(endpoint = "addresses/get")]
pub async fn get_address(token: String, id: AddressId) -> Result<Address, ShopError> {
    buyer_call(&token, |call| async move {
        addresses::get(&call.state.db, &call.buyer, id).await
    })
    .await
}

/// `POST /api/addresses/chosen`: the address checkout offers: `address` when it is one of
/// the buyer's, else the default, else none.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "addresses/chosen")]
pub async fn chosen_address(
    token: String,
    #[server(default)] address: Option<AddressId>,
) -> Result<Option<Address>, ShopError> {
    buyer_call(&token, |call| async move {
        addresses::chosen(&call.state.db, &call.buyer, address).await
    })
    .await
}

/// `POST /api/addresses/regions`: the picker's lists for `province` and `city` (either may
/// be empty, or not match: then the lists below it are empty).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "addresses/regions")]
pub async fn region_choices(province: String, city: String) -> Result<RegionLists, ShopError> {
    shop_call(|_| async move {
        let table = crate::ssr::regions::regions();
        let list = |parent: &str| -> Vec<Choice> {
            if parent.is_empty() {
                return Vec::new();
            }
            table
                .children(parent)
                .iter()
                .map(|r| (r.code.to_owned(), r.name.to_owned()))
                .collect()
        };
        let cities = list(&province);
        let districts = if city.starts_with(province.as_str()) {
            list(&city)
        } else {
            Vec::new()
        };
        let provinces = table
            .children("")
            .iter()
            .map(|r| (r.code.to_owned(), r.name.to_owned()))
            .collect();
        Ok(RegionLists {
            provinces,
            cities,
            districts,
        })
    })
    .await
}

/// `GET /api/addresses/region-table`: the whole region table (`code<TAB>name` lines, about
/// 20 KB compressed), which the hydrated picker loads once to fill each level at once.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "addresses/region-table", input = server_fn::codec::GetUrl)]
pub async fn region_table() -> Result<String, ShopError> {
    shop_call(|_| async move {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.insert_header(
                http::header::CACHE_CONTROL,
                http::HeaderValue::from_static("public, max-age=86400"),
            );
        }
        Ok(crate::ssr::regions::regions().as_text().to_owned())
    })
    .await
}

/// `POST /api/addresses/save`: adds an address (`id` empty) or replaces one. `default` is
/// the checkbox; `province` and `city` are the picker's upper levels (only `region`, the
/// district, is stored). `step` is the picker's "next" button without JavaScript: nothing
/// is saved, the form comes back with the next level to choose.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(id = ?id), err(level = "info")))]
#[server(endpoint = "addresses/save")]
pub async fn save_address(
    token: String,
    #[server(default)] id: String,
    #[server(default)] recipient: String,
    #[server(default)] area: String,
    #[server(default)] mobile: String,
    #[server(default)] province: String,
    #[server(default)] city: String,
    #[server(default)] region: String,
    #[server(default)] detail: String,
    #[server(default)] postcode: String,
    #[server(default)] default: Option<String>,
    #[server(default)] next: String,
    #[server(default)] pick: String,
    #[server(default)] step: Option<String>,
) -> Result<Option<Address>, ShopError> {
    buyer_call(&token, |call| async move {
        let draft = crate::ssr::addresses::Draft {
            id,
            form: crate::address::AddressForm {
                recipient,
                area,
                mobile,
                region,
                detail,
                postcode,
            },
            province,
            city,
            default: default.is_some(),
            next,
            pick: pick == "1",
        };
        addresses::save_from_form(&call.state.db, &call.buyer, draft, step.is_some()).await
    })
    .await
}

/// After an action on the list: back to `back` (a local path), or the list.
#[cfg(feature = "ssr")]
fn back_to(back: &str) {
    leptos_axum::redirect(crate::ssr::web::local_path(back).unwrap_or("/addresses"));
}

/// `POST /api/addresses/default`: then back to `back`.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(id = %id), err(level = "info")))]
#[server(endpoint = "addresses/default")]
pub async fn set_default_address(
    token: String,
    id: AddressId,
    #[server(default)] back: String,
) -> Result<(), ShopError> {
    buyer_call(&token, |call| async move {
        addresses::set_default(&call.state.db, &call.buyer, id).await?;
        back_to(&back);
        Ok(())
    })
    .await
}

/// `POST /api/addresses/delete`: then back to `back`. Orders keep their own copy.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(id = %id), err(level = "info")))]
#[server(endpoint = "addresses/delete")]
pub async fn delete_address(
    token: String,
    id: AddressId,
    #[server(default)] back: String,
) -> Result<(), ShopError> {
    buyer_call(&token, |call| async move {
        addresses::delete(&call.state.db, &call.buyer, id).await?;
        back_to(&back);
        Ok(())
    })
    .await
}
