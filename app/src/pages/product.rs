use crate::api::cart::AddToCart;
use crate::api::catalog::get_product;
use crate::components::cart_count;
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::error::ShopError;
use crate::i18n::t;
use crate::ids::ProductId;
use crate::model::ProductDetail;
use crate::page::use_page;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let t = t();
    let params = use_params_map();
    // A non-numeric id is a missing product, not a server error.
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|raw| raw.parse::<ProductId>().ok())
    };
    let product = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_product(id).await,
            None => Err(ShopError::NotFound),
        }
    });
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <ProductView product/> }.into_any(),
                    Err(ShopError::NotFound) => view! { <super::not_found::NotFound/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let t = t();
    let token = use_page().buyer_token;
    let url_error = form_error::<AddToCart>();
    let stock_text = match product.stock {
        0 => t.sold_out.to_owned(),
        n if n <= 5 => (t.only_left)(n),
        n => (t.in_stock)(n),
    };
    let paragraphs = product
        .description
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| view! { <p>{l.to_owned()}</p> })
        .collect_view();
    view! {
        <crate::components::PageTitle text=product.title.clone()/>
        <article class="product" data-testid="product">
            <div class="gallery">
                {product.images.into_iter().enumerate().map(|(n, img)| view! {
                    <img src=img.url alt=img.alt width=img.width height=img.height
                        loading=if n == 0 { "eager" } else { "lazy" } decoding="async"/>
                }).collect_view()}
            </div>
            <div class="product-head">
                <p class="product-price">{product.price.to_string()}</p>
                <h1 class="product-title">{product.title}</h1>
                <p class="product-sub">{product.subtitle}</p>
                <p class="product-stock" class:tag-warn=product.stock <= 5 data-testid="stock">{stock_text}</p>
                <a class="product-cat" href=format!("/?category={}", product.category.slug)>{product.category.name}</a>
            </div>
            <AddToCartForm token product_id=product.id stock=product.stock
                url_error/>
            <section class="product-desc">
                <h2>{t.description}</h2>
                {paragraphs}
            </section>
        </article>
    }
}

/// The buy bar: a plain form that posts to `/api/cart/add` before hydration, and once
/// hydrated adds without a page load and updates the header's badge.
#[island]
fn AddToCartForm(
    token: String,
    product_id: ProductId,
    stock: i64,
    url_error: Option<ShopError>,
) -> impl IntoView {
    let t = t();
    let add = ServerAction::<AddToCart>::new();
    Effect::new(move || {
        if let Some(Ok(count)) = add.value().get() {
            cart_count::publish(count);
        }
    });
    let outcome = move || match add.value().get() {
        Some(result) => Some(result.map(|_| ())),
        None => url_error.clone().map(Err),
    };
    let sold_out = stock == 0;
    let ready = crate::components::hydrated();
    view! {
        <ActionForm action=add attr:class="buy-bar">
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="product_id" value=product_id.to_string()/>
            <label class="qty">
                <span>{t.quantity}</span>
                <input type="number" name="quantity" value="1" min="1" max=stock.max(1)
                    inputmode="numeric" required disabled=sold_out data-testid="quantity"/>
            </label>
            <button type="submit" class="btn btn-primary" disabled=sold_out data-testid="add-to-cart"
                data-ready=move || ready.get().then_some("")>
                {if sold_out { t.sold_out } else { t.add_to_cart }}
            </button>
        </ActionForm>
        <ActionNotice outcome success=t.added_to_cart/>
    }
}
