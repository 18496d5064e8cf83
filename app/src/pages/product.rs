use crate::api::cart::AddToCart;
use crate::api::catalog::get_product;
use crate::components::cart_count;
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::error::ShopError;
use crate::i18n::t;
use crate::ids::{ProductId, VariantId};
use crate::model::{ProductDetail, MAX_LINE_QUANTITY};
use crate::page::use_page;
use crate::variants::{availability, choice_of, default_variant, read_choice, Choice};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

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

/// One combination as the buy box needs it, formatted on the server (the island carries no
/// money or stock wording of its own).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sku {
    pub id: i64,
    /// One value per option.
    pub values: Vec<String>,
    pub price: String,
    pub stock: i64,
    /// `库存 12 件`, `仅剩 2 件`, `已售罄`.
    pub stock_text: String,
    /// Its own picture, or empty.
    pub image: String,
}

/// One option of the picker: its name and, per value, the link that picks it (with the
/// other options as the page opened).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OptionRow {
    pub name: String,
    pub chips: Vec<(String, String)>,
}

fn stock_words(t: &'static crate::i18n::Strings, stock: i64) -> String {
    match stock {
        0 => t.sold_out.to_owned(),
        n if n <= 5 => (t.only_left)(n),
        n => (t.in_stock)(n),
    }
}

/// The picker's rows: each value links to the page with it picked and the others kept.
fn option_rows(product: &ProductDetail, choice: &Choice) -> Vec<OptionRow> {
    let escape = leptos_router::location::Url::escape;
    product
        .options
        .iter()
        .enumerate()
        .map(|(i, option)| OptionRow {
            name: option.name.clone(),
            chips: option
                .values
                .iter()
                .map(|value| {
                    let query: Vec<String> = choice
                        .iter()
                        .enumerate()
                        .filter_map(|(k, picked)| {
                            let v = if k == i { Some(value) } else { picked.as_ref() };
                            v.map(|v| format!("o{}={}", k + 1, escape(v)))
                        })
                        .collect();
                    (
                        value.clone(),
                        format!("/product/{}?{}", product.id, query.join("&")),
                    )
                })
                .collect(),
        })
        .collect()
}

#[component]
fn ProductView(product: ProductDetail, asked: Asked) -> impl IntoView {
    let t = t();
    let token = use_page().buyer_token;
    let url_error = form_error::<AddToCart>();
    let choice = asked.choice(&product);
    let rows = option_rows(&product, &choice);
    let skus: Vec<Sku> = product
        .variants
        .iter()
        .map(|v| Sku {
            id: v.id.0,
            values: v.values.clone(),
            price: v.price.to_string(),
            stock: v.stock,
            stock_text: stock_words(t, v.stock),
            image: v.image.as_ref().map(|i| i.url.clone()).unwrap_or_default(),
        })
        .collect();
    let any_price = if product.max_price.minor > product.price.minor {
        format!("{} – {}", product.price, product.max_price)
    } else {
        product.price.to_string()
    };
    let picked: Vec<String> = choice.into_iter().map(Option::unwrap_or_default).collect();
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
                        srcset=(!img.srcset.is_empty()).then_some(img.srcset) sizes="(min-width: 640px) 640px, 100vw"
                        loading=if n == 0 { "eager" } else { "lazy" } decoding="async"/>
                }).collect_view()}
            </div>
            <div class="product-head">
                <h1 class="product-title">{product.title}</h1>
                <p class="product-sub">{product.subtitle}</p>
                <a class="product-cat" href=format!("/?category={}", product.category.slug)>{product.category.name}</a>
            </div>
            {view! { <BuyBox token product_id=product.id rows skus picked any_price url_error/> }.into_any()}
            <section class="product-desc">
                <h2>{t.description}</h2>
                {paragraphs}
            </section>
        </article>
    }
}

/// The buy box: the chosen variant's price, picture and stock, the option picker and the
/// add-to-cart form. Before hydration each option value is a link (the server answers the
/// chosen variant) and adding is a plain POST to `/api/cart/add`; hydrated, picking is
/// instant and adding happens without a page load and updates the header's badge.
#[island]
fn BuyBox(
    token: String,
    product_id: ProductId,
    rows: Vec<OptionRow>,
    skus: Vec<Sku>,
    /// The value picked per option ("" for none yet).
    picked: Vec<String>,
    /// What to show as the price while no variant is picked.
    any_price: String,
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
    // Rendered once if any variant has a picture; its source follows the choice (an empty
    // `src` would be a request for the page itself).
    let first_image = skus
        .iter()
        .map(|k| k.image.clone())
        .find(|src| !src.is_empty());
    let skus = StoredValue::new(skus);
    let picked = RwSignal::new(picked);
    // The picked variant's row, if the choice names one (a handful of rows: no memo needed).
    let with_sku = move |get: fn(&Sku) -> String| {
        picked.with(|p| skus.with_value(|s| s.iter().find(|k| k.values == *p).map(get)))
    };
    let buyable = move || {
        picked.with(|p| skus.with_value(|s| s.iter().any(|k| k.values == *p && k.stock > 0)))
    };
    let status = move || {
        with_sku(|k| k.stock_text.clone()).unwrap_or_else(|| {
            let whole = picked.with(|p| p.iter().all(|v| !v.is_empty()));
            if whole {
                t.no_such_variant
            } else {
                t.err_choose_variant
            }
            .to_owned()
        })
    };
    let ready = crate::components::hydrated();
    // Hydrated, the form is sent by the server function's own client (no form decoding in
    // the page's wasm); before, it is a plain POST to the same URL.
    let quantity = NodeRef::<leptos::html::Input>::new();
    let on_submit = {
        let token = token.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let variant_id = picked.with(|p| {
                skus.with_value(|s| s.iter().find(|k| k.values == *p).map(|k| VariantId(k.id)))
            });
            add.dispatch(AddToCart {
                token: token.clone(),
                product_id,
                variant_id,
                quantity: quantity.get().map(|q| q.value()).unwrap_or_default(),
            });
        }
    };
    let picker = (!rows.is_empty()).then(|| {
        rows.into_iter()
            .enumerate()
            .map(|(i, row)| {
                let chips = row
                    .chips
                    .into_iter()
                    .map(|(value, href)| {
                        let (on, state, pick) = (value.clone(), value.clone(), value.clone());
                        view! {
                            <a class="option-chip" href=href rel="nofollow" data-testid="option-value"
                                data-availability=move || picked.with(|p| skus.with_value(|s| {
                                    availability(s.iter().map(|k| (k.values.as_slice(), k.stock)), p, i, &state).code()
                                }))
                                aria-current=move || picked.with(|p| p.get(i) == Some(&on)).then_some("true")
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    picked.update(|p| {
                                        if let Some(slot) = p.get_mut(i) {
                                            slot.clone_from(&pick);
                                        }
                                    });
                                }>{value}</a>
                        }
                    })
                    .collect_view();
                let label = row.name.clone();
                view! {
                    <div class="option-group" role="group" aria-label=label data-testid="option-group">
                        <span class="option-name">{row.name}</span>
                        {chips}
                    </div>
                }
            })
            .collect_view()
            .into_any()
    });
    view! {
        <div class="buy-box">
            <div class="buy-summary">
                {first_image.map(|first| view! {
                    <img class="variant-img" alt="" width="64" height="64" data-testid="variant-image"
                        src=move || with_sku(|k| k.image.clone()).filter(|src| !src.is_empty()).unwrap_or_else(|| first.clone())
                        hidden=move || with_sku(|k| k.image.clone()).is_none_or(|src| src.is_empty())/>
                })}
                <p class="product-price" data-testid="price">{move || with_sku(|k| k.price.clone()).unwrap_or_else(|| any_price.clone())}</p>
                <p class="product-stock" data-testid="stock">{status}</p>
            </div>
            <div class="option-picker" data-testid="option-picker">{picker}</div>
            <form method="post" action=AddToCart::PATH class="buy-bar" on:submit=on_submit>
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="product_id" value=product_id.to_string()/>
                <input type="hidden" name="variant_id" value=move || with_sku(|k| k.id.to_string()).unwrap_or_default()/>
                <label class="qty">
                    <span>{t.quantity}</span>
                    <input type="number" name="quantity" value="1" min="1" max=MAX_LINE_QUANTITY
                        inputmode="numeric" required node_ref=quantity data-testid="quantity"/>
                </label>
                <button type="submit" class="btn btn-primary" disabled=move || !buyable() data-testid="add-to-cart"
                    data-ready=move || ready.get().then_some("")>
                    {move || if buyable() { t.add_to_cart.to_owned() } else { status() }}
                </button>
            </form>
            <ActionNotice outcome success=t.added_to_cart/>
        </div>
    }
}
