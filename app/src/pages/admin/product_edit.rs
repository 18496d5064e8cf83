//! Editing one product: details, images and stock.

use crate::admin::{AdminProduct, AdminVariant, ProductEditor};
use crate::api::admin::{
    admin_product, AdminAdjustStock, AdminArchiveProduct, AdminDeleteImage, AdminMoveImage,
    AdminSaveOptions, AdminSaveProduct,
};
use crate::components::notice::form_error;
use crate::components::notice::LoadError;
use crate::error::ShopError;
use crate::i18n::{admin_t, t};
use crate::time::display_ms;
use crate::variants::{ProductOption, MAX_OPTIONS};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The reasons a merchant can give for a stock change (the ledger's `reason`).
const STOCK_REASONS: [&str; 4] = ["restock", "damaged", "correction", "returned"];

#[component]
pub fn ProductEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, admin_product);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t().loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(editor) => view! { <ProductEditor editor/> }.into_any(),
                    Err(ShopError::NotFound) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(err) => view! { <LoadError err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductEditor(editor: ProductEditor) -> impl IntoView {
    let a = admin_t();
    let t = t();
    let upload_error = use_query_map().with_untracked(|q| q.get("error"));
    let refusal = form_error::<AdminSaveProduct>()
        .or_else(form_error::<AdminAdjustStock>)
        .or_else(form_error::<AdminArchiveProduct>)
        .or_else(form_error::<AdminMoveImage>)
        .or_else(form_error::<AdminDeleteImage>)
        .or_else(form_error::<AdminSaveOptions>)
        .map(|e| e.message(t))
        .or(upload_error);
    let p = editor.product.clone();
    let is_new = p.is_none();
    let id = p.as_ref().map(|p| p.id.to_string()).unwrap_or_default();
    let field = |f: fn(&AdminProduct) -> String| p.as_ref().map(f).unwrap_or_default();
    let category_id = p.as_ref().map(|p| p.category_id);
    let on_sale = p.as_ref().map(|p| p.on_sale).unwrap_or(true);
    // A product with options is priced per variant, in the variant table.
    let priced_here = p.as_ref().is_none_or(|p| p.options.is_empty());
    let heading = p
        .as_ref()
        .map(|p| p.title.clone())
        .unwrap_or_else(|| a.new_product.to_owned());
    view! {
        <crate::components::PageTitle text=heading.clone()/>
        <h1 class="page-title" data-testid="product-heading">{heading}</h1>
        {refusal.map(|m| view! { <p class="notice notice-error" role="alert" data-testid="action-error">{m}</p> })}
        <form method="post" action="/api/admin/product_save" class="stack-form" data-testid="product-form">
            <input type="hidden" name="id" value=id.clone()/>
            <label>{a.title}<input name="title" required maxlength="200" value=field(|p| p.title.clone()) data-testid="product-title"/></label>
            <label>{a.subtitle}<input name="subtitle" maxlength="200" value=field(|p| p.subtitle.clone())/></label>
            <label>{a.description}<textarea name="description" rows="5">{field(|p| p.description.clone())}</textarea></label>
            <label>{a.category}
                <select name="category_id" required data-testid="product-category">
                    {editor.categories.into_iter().map(|c| view! {
                        <option value=c.id selected=category_id == Some(c.id)>{c.name}</option>
                    }).collect_view()}
                </select>
            </label>
            {if priced_here {
                view! { <label>{a.price}<input name="price" inputmode="decimal" required value=field(|p| p.price.clone()) data-testid="product-price"/></label> }.into_any()
            } else {
                view! { <p class="muted">{a.prices_per_variant}</p> }.into_any()
            }}
            {is_new.then(|| view! {
                <label>{a.initial_stock}<input name="initial_stock" inputmode="numeric" value="0" data-testid="product-stock"/></label>
            })}
            <label class="check"><input type="checkbox" name="on_sale" checked=on_sale data-testid="product-on-sale"/>{a.on_sale}</label>
            <label>{a.sort_order}<input name="sort_order" inputmode="numeric" value=field(|p| p.sort_order.to_string())/></label>
            <label>{a.low_stock_threshold}<input name="low_stock_threshold" inputmode="numeric" value=p.as_ref().map(|p| p.low_stock_threshold.to_string()).unwrap_or_else(|| "5".into())/></label>
            <button type="submit" class="btn btn-primary btn-block" data-testid="product-save">{a.save}</button>
        </form>
        {p.map(|p| {
            let id = p.id;
            let image_ids: Vec<(i64, String)> = p.images.iter().enumerate()
                .map(|(n, img)| (img.id, format!("#{}", n + 1))).collect();
            let live: Vec<AdminVariant> = p.variants.iter().filter(|v| !v.archived).cloned().collect();
            view! {
                <h2 class="section-title">{a.images}</h2>
                <ul class="image-list" data-testid="images">
                    {p.images.into_iter().map(|img| view! {
                        <li data-testid="image-row">
                            <img src=img.url width="96" height="96" alt=""/>
                            <form method="post" action="/api/admin/image_move" class="inline-form">
                                <input type="hidden" name="id" value=img.id/>
                                <input type="hidden" name="up" value="true"/>
                                <button type="submit" class="btn btn-small btn-ghost">{a.move_up}</button>
                            </form>
                            <form method="post" action="/api/admin/image_move" class="inline-form">
                                <input type="hidden" name="id" value=img.id/>
                                <input type="hidden" name="up" value="false"/>
                                <button type="submit" class="btn btn-small btn-ghost">{a.move_down}</button>
                            </form>
                            <form method="post" action="/api/admin/image_delete" class="inline-form">
                                <input type="hidden" name="id" value=img.id/>
                                <button type="submit" class="btn btn-small btn-ghost">{a.delete}</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
                <form method="post" action=format!("/admin/products/{id}/images") enctype="multipart/form-data" class="filter-form" data-testid="upload-form">
                    <input type="file" name="images" multiple accept="image/png,image/jpeg" required data-testid="image-files"/>
                    <button type="submit" class="btn btn-small" data-testid="image-upload">{a.upload}</button>
                </form>
                <VariantsSection id options=p.options.clone() variants=p.variants.clone() images=image_ids/>
                <h2 class="section-title">{a.stock}": "<span data-testid="product-stock-now">{p.stock}</span></h2>
                <form method="post" action="/api/admin/stock" class="filter-form" data-testid="stock-form">
                    <input type="hidden" name="id" value=id/>
                    {(live.len() > 1).then(|| view! {
                        <select name="variant" aria-label=a.variant data-testid="stock-variant">
                            {live.iter().map(|v| view! { <option value=v.id>{v.option_text.clone()}</option> }).collect_view()}
                        </select>
                    })}
                    <input name="delta" inputmode="numeric" placeholder=a.delta required data-testid="stock-delta"/>
                    <select name="reason" aria-label=a.reason data-testid="stock-reason">
                        {STOCK_REASONS.into_iter().map(|r| view! { <option value=r>{(a.reason_label)(r)}</option> }).collect_view()}
                    </select>
                    <input name="note" placeholder=a.note/>
                    <button type="submit" class="btn btn-small" data-testid="stock-submit">{a.adjust_stock}</button>
                </form>
                <h2 class="section-title">{a.ledger}</h2>
                <ul class="notifications" data-testid="ledger">
                    {p.movements.into_iter().map(|m| view! {
                        <li data-testid="ledger-row">
                            <span class="muted">{display_ms(m.at_ms)}</span>
                            {(!m.variant.is_empty()).then(|| view! { <span data-testid="ledger-variant">{m.variant.clone()}</span> })}
                            <strong>{if m.delta > 0 { format!("+{}", m.delta) } else { m.delta.to_string() }}</strong>
                            <span>{"→ "}{m.stock_after}</span>
                            <span>{(a.reason_label)(&m.reason)}</span>
                            <span class="muted">{m.admin}" "{m.note}</span>
                        </li>
                    }).collect_view()}
                </ul>
                {(!p.archived).then(|| view! {
                    <form method="post" action="/api/admin/product_archive" class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="btn btn-small btn-ghost" data-testid="product-archive">{a.archive}</button>
                    </form>
                })}
            }
        })}
    }
}

/// The product's options (up to three rows of a name and its values) and its variant table:
/// price, stock change, barcode, weight and picture per variant, saved together.
#[component]
fn VariantsSection(
    id: i64,
    options: Vec<ProductOption>,
    variants: Vec<AdminVariant>,
    images: Vec<(i64, String)>,
) -> impl IntoView {
    let a = admin_t();
    let rows = (0..MAX_OPTIONS)
        .map(|i| {
            let (name, values) = options
                .get(i)
                .map(|o| (o.name.clone(), o.values.join(", ")))
                .unwrap_or_default();
            let n = i + 1;
            view! {
                <div class="option-row" data-testid="option-row">
                    <input name=format!("name{n}") maxlength="20" value=name placeholder=a.option_name
                        aria-label=format!("{} {n}", a.option_name) data-testid=format!("option-name-{n}")/>
                    <input name=format!("values{n}") value=values placeholder=a.option_values
                        aria-label=format!("{} {n}", a.option_values) data-testid=format!("option-values-{n}")/>
                </div>
            }
        })
        .collect_view();
    let (live, archived): (Vec<AdminVariant>, Vec<AdminVariant>) =
        variants.into_iter().partition(|v| !v.archived);
    let table_rows = live
        .into_iter()
        .map(|v| {
            let vid = v.id;
            let label = if v.option_text.is_empty() {
                a.default_variant.to_owned()
            } else {
                v.option_text.clone()
            };
            let picked = v.image_id;
            view! {
                <tr data-testid="variant-row" data-variant=v.option_text.clone()>
                    <th scope="row">{label}</th>
                    <td><input name=format!("price.{vid}") value=v.price inputmode="decimal" required size="7"
                        aria-label=a.price data-testid="variant-price"/></td>
                    <td data-testid="variant-stock">{v.stock}</td>
                    <td><input name=format!("delta.{vid}") inputmode="numeric" size="5" placeholder="+0"
                        aria-label=a.delta data-testid="variant-delta"/></td>
                    <td><input name=format!("barcode.{vid}") value=v.barcode maxlength="40" size="12"
                        aria-label=a.barcode data-testid="variant-barcode"/></td>
                    <td><input name=format!("weight.{vid}") value=v.weight_g.to_string() inputmode="numeric" size="6"
                        aria-label=a.weight_g data-testid="variant-weight"/></td>
                    <td><select name=format!("image.{vid}") aria-label=a.image data-testid="variant-image-select">
                        <option value="">{a.no_image}</option>
                        {images.iter().map(|(img, label)| view! {
                            <option value=*img selected=picked == Some(*img)>{label.clone()}</option>
                        }).collect_view()}
                    </select></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 class="section-title">{a.variants}</h2>
        <form method="post" action="/api/admin/product_options" class="stack-form" data-testid="options-form">
            <input type="hidden" name="id" value=id/>
            <p class="muted">{a.options_hint}</p>
            {rows}
            <button type="submit" class="btn btn-small" data-testid="options-save">{a.generate_variants}</button>
        </form>
        <form method="post" action=format!("/admin/products/{id}/variants") data-testid="variants-form">
            <div class="table-wrap">
                <table class="data-table variant-table">
                    <thead><tr>
                        <th>{a.variant}</th><th>{a.price}</th><th>{a.stock}</th><th>{a.delta}</th>
                        <th>{a.barcode}</th><th>{a.weight_g}</th><th>{a.image}</th>
                    </tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
            <div class="filter-form">
                <select name="reason" aria-label=a.reason data-testid="variants-reason">
                    {STOCK_REASONS.into_iter().map(|r| view! { <option value=r>{(a.reason_label)(r)}</option> }).collect_view()}
                </select>
                <input name="note" placeholder=a.note/>
                <button type="submit" class="btn btn-small btn-primary" data-testid="variants-save">{a.save_variants}</button>
            </div>
        </form>
        {(!archived.is_empty()).then(|| view! {
            <p class="muted" data-testid="archived-variants">
                {archived.into_iter().map(|v| format!("{}（{}）", v.option_text, v.stock)).collect::<Vec<_>>().join("、")}
            </p>
        })}
    }
}
