//! The buyer's after-sales server functions. Like the orders', each takes the buyer's form
//! `token`; a request or order that is not the token's buyer's is `NotFound`. Each answers a
//! plain form post with a redirect back to the order, so they work without JavaScript.

use crate::after_sales::CaseOffer;
use crate::error::ShopError;
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use super::call::buyer_call;
#[cfg(feature = "ssr")]
use crate::ssr::after_sales::service;

#[cfg(feature = "ssr")]
fn back_to_order(order_no: &str, note: &str) {
    leptos_axum::redirect(&format!(
        "/orders/{}{note}",
        crate::ssr::web::encode_component(order_no)
    ));
}

/// `POST /api/after-sales/offer`: what the buyer may ask for on an order (or why not).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(order_no = ?order_no), err(level = "info"))
)]
#[server(endpoint = "after-sales/offer")]
pub async fn after_sale_offer(token: String, order_no: String) -> Result<CaseOffer, ShopError> {
    buyer_call(&token, |call| async move {
        service::offer(&call.state, &call.buyer, &order_no).await
    })
    .await
}

/// `POST /api/after-sales/request` (multipart): fields `token`, `order_no`, `kind`, `reason`,
/// `amount` (empty: all that is left), `description` and up to three `photos`. Then back to
/// the order.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
#[server(endpoint = "after-sales/request", input = MultipartFormData)]
pub async fn request_after_sale(data: MultipartData) -> Result<String, ShopError> {
    // A refusal while reading answers with its own status, like every server function's.
    let posted = super::call::shop_call(|_| read_request(data)).await?;
    let token = posted.token.clone();
    buyer_call(&token, |call| async move {
        let case_no = service::request(
            &call.state,
            &call.buyer,
            &posted.order_no,
            &posted.form,
            posted.photos,
        )
        .await?;
        back_to_order(&posted.order_no, "?after_sale=requested");
        Ok(case_no)
    })
    .await
}

/// The request form as read from the multipart body.
#[cfg(feature = "ssr")]
struct Posted {
    token: String,
    order_no: String,
    form: service::CaseForm,
    photos: Vec<Vec<u8>>,
}

/// Reads the form, refusing (before reading on) a text field over 8 KB, a photo over the
/// product images' limit, or more photos than allowed.
#[cfg(feature = "ssr")]
async fn read_request(data: MultipartData) -> Result<Posted, ShopError> {
    use crate::after_sales::MAX_PHOTOS;
    use crate::i18n::after_sales::after_sales_t;
    use crate::ssr::admin::images::MAX_BYTES;
    const MAX_TEXT: usize = 8 * 1024;
    let s = after_sales_t();
    let too_large = || ShopError::Invalid(s.err_photo_large.to_owned());
    let mut multipart = data.into_inner().ok_or(ShopError::Internal)?;
    let mut posted = Posted {
        token: String::new(),
        order_no: String::new(),
        form: service::CaseForm::default(),
        photos: Vec::new(),
    };
    let mut fields = 0;
    let mut token_checked = false;
    loop {
        let next = multipart.next_field().await.map_err(|e| {
            tracing::info!(%e, "unreadable after-sales form");
            ShopError::Request(e.to_string())
        })?;
        let Some(mut field) = next else { break };
        fields += 1;
        if fields > 32 {
            return Err(ShopError::Request("too many fields".to_owned()));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photos" && posted.photos.len() == MAX_PHOTOS {
            // A fourth file is refused before it is read (an empty one is a file input with
            // nothing chosen: skipped below, but only the first three parts are read).
            return Err(ShopError::Invalid(s.err_photos.to_owned()));
        }
        if name == "photos" && !token_checked {
            // Megabytes are read only for a buyer's page (the form puts the token first).
            let state = crate::ssr::context::state()?;
            crate::ssr::context::buyer_from_token(&state, &posted.token)?;
            token_checked = true;
        }
        let limit = if name == "photos" {
            MAX_BYTES
        } else {
            MAX_TEXT
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| ShopError::Request(e.to_string()))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(if name == "photos" {
                    too_large()
                } else {
                    ShopError::Request(format!("field `{name}` is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "photos" {
            // An empty file input still posts one empty part.
            if !bytes.is_empty() {
                posted.photos.push(bytes);
            }
            continue;
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| ShopError::Request(format!("field `{name}` is not UTF-8")))?;
        match name.as_str() {
            "token" => posted.token = text,
            "order_no" => posted.order_no = text,
            "kind" => posted.form.kind = text,
            "reason" => posted.form.reason = text,
            "amount" => posted.form.amount = text,
            "description" => posted.form.description = text,
            _ => {}
        }
    }
    Ok(posted)
}

/// `POST /api/after-sales/withdraw`: the buyer takes a request back; then to the order.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(case_no = ?case_no), err(level = "info"))
)]
#[server(endpoint = "after-sales/withdraw")]
pub async fn withdraw_after_sale(token: String, case_no: String) -> Result<(), ShopError> {
    buyer_call(&token, |call| async move {
        let order_no = service::withdraw(&call.state, &call.buyer, &case_no).await?;
        back_to_order(&order_no, "");
        Ok(())
    })
    .await
}

/// `POST /api/after-sales/send-back`: the return's carrier and tracking number; then to the
/// order.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, fields(case_no = ?case_no), err(level = "info"))
)]
#[server(endpoint = "after-sales/send-back")]
pub async fn send_back_after_sale(
    token: String,
    case_no: String,
    carrier: String,
    tracking_no: String,
) -> Result<(), ShopError> {
    buyer_call(&token, |call| async move {
        let order_no =
            service::send_back(&call.state, &call.buyer, &case_no, &carrier, &tracking_no).await?;
        back_to_order(&order_no, "");
        Ok(())
    })
    .await
}
