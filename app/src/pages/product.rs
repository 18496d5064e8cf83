use crate::api::cart::AddToCart;
use crate::api::catalog::get_product;
use crate::components::cart_count;
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::error::ShopError;
use crate::i18n::t;
use crate::ids::ProductId;
use crate::model::ProductDetail;
use crate::money::Money;
use crate::page::use_page;
use crate::variants::{
    availability, choice_of, default_variant, find, read_choice, Availability, Choice,
    ProductOption, Variant,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

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
    // The variant asked for: `?sku=` (links from the cart and orders) or one value per
    // option (`?o1=&o2=&o3=`, the option form without JavaScript).
    let query = use_query_map();
    let asked = query.with_untracked(|q| Asked {
        sku: q.get("sku").and_then(|raw| raw.parse().ok()),
        values: ["o1", "o2", "o3"].map(|k| q.get(k)),
    });
    let product = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_product(id).await,
            None => Err(ShopError::NotFound),
        }
    });
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let asked = asked.clone();
                Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <ProductView product asked/> }.into_any(),
                    Err(ShopError::NotFound) => view! { <super::not_found::NotFound/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}}
        </Transition>
    }
}

#[derive(Clone, Default)]
struct Asked {
    sku: Option<crate::ids::VariantId>,
    values: [Option<String>; 3],
}

impl Asked {
    /// The choice the page opens with: the variant asked for, else the values asked for
    /// (some options may be left unpicked), else the first variant in stock.
    fn choice(&self, product: &ProductDetail) -> Choice {
        if let Some(v) = self
            .sku
            .and_then(|id| product.variants.iter().find(|v| v.id == id))
        {
            return choice_of(v);
        }
        let picked = read_choice(
            &product.options,
            self.values.each_ref().map(|v| v.as_deref()),
        );
        if picked.iter().any(Option::is_some) {
            return picked;
        }
        default_variant(&product.variants)
            .map(choice_of)
            .unwrap_or(picked)
    }
}

#[component]
fn ProductView(product: ProductDetail, asked: Asked) -> impl IntoView {
    let token = use_page().buyer_token;
    let url_error = form_error::<AddToCart>();
    let choice = asked.choice(&product);
    let paragraphs = product
        .description
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| view! { <p>{l.to_owned()}</p> })
        .collect_view();
    let t = t();
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
                <h1 class="product-title">{product.title}</h1>
                <p class="product-sub">{product.subtitle}</p>
                <a class="product-cat" href=format!("/?category={}", product.category.slug)>{product.category.name}</a>
            </div>
            {view! { <BuyBox token product_id=product.id options=product.options variants=product.variants
                choice prices=(product.price, product.max_price) url_error/> }.into_any()}
            <section class="product-desc">
                <h2>{t.description}</h2>
                {paragraphs}
            </section>
        </article>
    }
}

/// What the buy box says of the stock of the chosen variant (or why none is chosen).
fn stock_text(
    t: &'static crate::i18n::Strings,
    options: usize,
    picked: &Choice,
    v: Option<&Variant>,
) -> String {
    match v {
        Some(v) if v.stock == 0 => t.sold_out.to_owned(),
        Some(v) if v.stock <= 5 => (t.only_left)(v.stock),
        Some(v) => (t.in_stock)(v.stock),
        None if options > 0 && picked.iter().all(Option::is_some) => t.no_such_variant.to_owned(),
        None if options > 0 => t.err_choose_variant.to_owned(),
        None => t.sold_out.to_owned(),
    }
}

/// The buy box: the chosen variant's price, picture and stock, the option picker and the
/// add-to-cart form. Before hydration the picker is a GET form (the server answers the
/// chosen variant) and adding is a plain POST to `/api/cart/add`; hydrated, picking is
/// instant and adding happens without a page load and updates the header's badge.
#[island]
fn BuyBox(
    token: String,
    product_id: ProductId,
    options: Vec<ProductOption>,
    variants: Vec<Variant>,
    choice: Choice,
    prices: (Money, Money),
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
    let option_count = options.len();
    let variants = StoredValue::new(variants);
    let choice = RwSignal::new(choice);
    let selected =
        Memo::new(move |_| choice.with(|c| variants.with_value(|vs| find(vs, c).cloned())));
    let (low, high) = prices;
    let price_text = move || match selected.get() {
        Some(v) => v.price.to_string(),
        None if high.minor > low.minor => format!("{low} – {high}"),
        None => low.to_string(),
    };
    let stock = move || selected.get().map_or(0, |v| v.stock);
    let status = move || choice.with(|c| stock_text(t, option_count, c, selected.get().as_ref()));
    let buyable = move || stock() > 0;
    let ready = crate::components::hydrated();
    let picker = (option_count > 0).then(|| {
        let groups = options
            .into_iter()
            .enumerate()
            .map(|(i, option)| {
                let name = format!("o{}", i + 1);
                let values = option
                    .values
                    .into_iter()
                    .map(|value| {
                        let checked = choice.with_untracked(|c| c.get(i).cloned().flatten()) == Some(value.clone());
                        let state = {
                            let value = value.clone();
                            move || {
                                let a = choice.with(|c| variants.with_value(|vs| availability(vs, c, i, &value)));
                                match a {
                                    Availability::Available => "available",
                                    Availability::SoldOut => "sold-out",
                                    Availability::Missing => "missing",
                                }
                            }
                        };
                        let pick = value.clone();
                        view! {
                            <label class="option-chip" data-testid="option-value" data-availability=state>
                                <input type="radio" name=name.clone() value=value.clone() checked=checked
                                    on:change=move |_| choice.update(|c| {
                                        if let Some(slot) = c.get_mut(i) {
                                            *slot = Some(pick.clone());
                                        }
                                    })/>
                                <span>{value}</span>
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset class="option-group" data-testid="option-group">
                        <legend>{option.name}</legend>
                        {values}
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <form method="get" action=format!("/product/{product_id}") class="option-form" data-testid="option-form">
                {groups}
                <button type="submit" class="btn btn-small" hidden=move || ready.get()
                    data-testid="choose-variant">{t.choose_variant}</button>
            </form>
        }
        .into_any()
    });
    view! {
        <div class="buy-box">
            <div class="buy-summary">
                {move || selected.get().and_then(|v| v.image).map(|img| view! {
                    <img class="variant-img" src=img.url alt=img.alt width="64" height="64" data-testid="variant-image"/>
                })}
                <p class="product-price" data-testid="price">{price_text}</p>
                <p class="product-stock" class:tag-warn=move || stock() <= 5 data-testid="stock">{status}</p>
            </div>
            {picker}
            <ActionForm action=add attr:class="buy-bar">
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="product_id" value=product_id.to_string()/>
                {move || selected.get().map(|v| view! {
                    <input type="hidden" name="variant_id" value=v.id.to_string()/>
                })}
                <label class="qty">
                    <span>{t.quantity}</span>
                    <input type="number" name="quantity" value="1" min="1" max=move || stock().max(1)
                        inputmode="numeric" required disabled=move || !buyable() data-testid="quantity"/>
                </label>
                <button type="submit" class="btn btn-primary" disabled=move || !buyable() data-testid="add-to-cart"
                    data-ready=move || ready.get().then_some("")>
                    {move || if buyable() { t.add_to_cart.to_owned() } else { status() }}
                </button>
            </ActionForm>
            <ActionNotice outcome success=t.added_to_cart/>
        </div>
    }
}
