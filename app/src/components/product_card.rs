use crate::i18n::t;
use crate::model::ProductCard;
use leptos::prelude::*;

/// A card's width: half the screen on a phone (two columns), a third of the 720 px page
/// from 600 px up. A phone at 2x then takes the 400 px copy.
const CARD_SIZES: &str = "(min-width: 600px) 232px, calc(50vw - 17px)";

#[component]
pub fn ProductCardView(product: ProductCard) -> impl IntoView {
    let t = t();
    let href = format!("/product/{}", product.id);
    let stock_note = match product.stock {
        0 => Some(view! { <span class="tag tag-muted">{t.sold_out.to_owned()}</span> }),
        n if n <= 5 => Some(view! { <span class="tag tag-warn">{(t.only_left)(n)}</span> }),
        _ => None,
    };
    view! {
        <li class="card" data-testid="product-card">
            <a href=href>
                {product.image.map(|img| view! {
                    <img class="card-img" src=img.url alt=img.alt width=img.width height=img.height loading="lazy" decoding="async"
                        srcset=(!img.srcset.is_empty()).then_some(img.srcset) sizes=CARD_SIZES/>
                })}
                <div class="card-body">
                    <h3 class="card-title">{product.title}</h3>
                    <p class="card-sub">{product.subtitle}</p>
                    <p class="card-price">
                        <span class="price">{if product.price_varies {
                            (t.price_from)(&product.price.to_string())
                        } else {
                            product.price.to_string()
                        }}</span>
                        {stock_note}
                    </p>
                    {(product.sales > 0).then(|| view! { <p class="card-sales" data-testid="card-sales">{(t.sold)(product.sales)}</p> })}
                </div>
            </a>
        </li>
    }
}
