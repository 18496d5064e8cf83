use crate::address::{Address, AddressId, AddressProblem};
use crate::api::addresses::chosen_address;
use crate::api::cart::{get_cart, RemoveCartLine, UpdateCartLine};
use crate::components::cart_count;
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::components::pay::{CheckoutButton, OpenInWeChat};
use crate::components::shown_price::{self, Shown};
use crate::coupons::{CouponChoice, Pick};
use crate::error::ShopError;
use crate::i18n::address::address_t;
use crate::i18n::t;
use crate::model::{CartLine, CartView, LineProblem};
use crate::page::use_page;
use crate::shipping::Quote;
use leptos::prelude::*;
use server_fn::ServerFn as _;

/// The buyer's cart, rendered on the server from the database.
#[component]
pub fn CartPage() -> impl IntoView {
    let t = t();
    let token = use_page().buyer_token;
    // The address the buyer picked (`?address=`), else their default; the coupon they
    // picked (`?coupon=`), else the best.
    let query = leptos_router::hooks::use_query_map();
    let asked = query
        .read_untracked()
        .get("address")
        .and_then(|raw| raw.parse::<AddressId>().ok());
    let pick = Pick::read(query.read_untracked().get_str("coupon")).value();
    // The cart comes with its coupon and its shipping fee to that address.
    let cart = Resource::new(|| (), {
        let (token, pick) = (token.clone(), pick.clone());
        move |_| get_cart(token.clone(), asked, Some(pick.clone()))
    });
    let ship_to = Resource::new(|| (), {
        let token = token.clone();
        move |_| chosen_address(token.clone(), asked)
    });
    let update_error = form_error::<UpdateCartLine>();
    let remove_error = form_error::<RemoveCartLine>();
    view! {
        <crate::components::PageTitle text=t.cart/>
        <h1 class="page-title">{t.cart}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let (token, pick) = (token.clone(), pick.clone());
                let (update_error, remove_error) = (update_error.clone(), remove_error.clone());
                Suspend::new(async move {
                    match cart.await {
                        Ok(cart) if cart.lines.is_empty() => {
                            view! { <CartEditor token cart address=asked pick update_error remove_error/> }.into_any()
                        }
                        Ok(cart) => {
                            // The address book failing to load is said where checkout would
                            // be, not shown as "no address"; the cart stays editable.
                            let (coupons, applied) = (cart.coupons.clone(), cart.coupon.as_ref().map(|c| c.id));
                            let to_pay_minor = cart.to_pay().minor;
                            let checkout = match ship_to.await {
                                Ok(address) => view! { <Checkout token=token.clone() address coupons applied to_pay_minor/> }.into_any(),
                                Err(err) => view! { <LoadError err/> }.into_any(),
                            };
                            view! {
                                <CartEditor token cart address=asked pick update_error remove_error/>
                                {checkout}
                            }.into_any()
                        }
                        Err(err) => view! { <LoadError err/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Where the order goes, the remark and the checkout button, with a fresh key per rendered
/// page (a double click places one order) and the "open in WeChat" panel it shows outside
/// WeChat.
#[component]
fn Checkout(
    token: String,
    address: Option<Address>,
    /// The buyer's coupons that apply, and the one applied.
    coupons: Vec<CouponChoice>,
    applied: Option<i64>,
    /// What the page shows the buyer to pay.
    to_pay_minor: i64,
) -> impl IntoView {
    let a = address_t();
    let t = t();
    #[cfg(feature = "ssr")]
    let checkout_key = crate::ssr::orders::service::new_checkout_key().unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let checkout_key = String::new();
    let url = format!("{}/cart", use_page().asset_base);
    let chosen = address.as_ref().map(|ad| ad.id);
    let ship_to = match address {
        Some(ad) => view! {
            <section class="ship-to" data-testid="ship-to" data-address-id=ad.id.to_string()>
                <div class="ship-to-head">
                    <span class="muted">{a.ship_to}</span>
                    <a href="/addresses?pick=1" data-testid="change-address">{a.change_address}</a>
                </div>
                <p><strong data-testid="ship-to-recipient">{ad.recipient.clone()}</strong>" "
                    <span class="muted">{ad.phone()}</span></p>
                <p data-testid="ship-to-line">{ad.one_line()}</p>
            </section>
        }.into_any(),
        None => view! {
            <a class="ship-to ship-to-missing" href="/addresses/new?next=/cart" data-testid="add-ship-to">
                {a.add_address_to_checkout}
            </a>
        }.into_any(),
    };
    // Choosing another coupon reloads the cart with it (a GET form: no JavaScript needed).
    let coupon_form = (!coupons.is_empty()).then(|| view! {
        <form class="coupon-pick" method="get" action="/cart" data-testid="coupon-form">
            {chosen.map(|id| view! { <input type="hidden" name="address" value=id.to_string()/> })}
            <label>
                <span class="muted">{t.coupon}</span>
                <select name="coupon" data-testid="coupon-select">
                    <option value="none" selected=applied.is_none()>{t.no_coupon}</option>
                    {coupons.into_iter().map(|c| view! {
                        <option value=c.id.to_string() selected=applied == Some(c.id)>
                            {format!("{} −{}", c.name, c.discount)}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="btn btn-small" data-testid="coupon-apply">{t.use_coupon}</button>
        </form>
    });
    view! {
        {ship_to}
        {coupon_form}
        <p class="coupon-link"><a href="/coupons" data-testid="coupon-centre-link">{t.coupon_centre}</a></p>
        <section class="checkout">
            <CheckoutButton token checkout_key address=chosen coupon=applied to_pay_minor remark_label=a.remark.to_owned()
                remark_hint=a.remark_hint.to_owned()
                no_address=(a.problem)(AddressProblem::Required)
                remark_problems=vec![
                    (AddressProblem::RemarkTooLong, (a.problem)(AddressProblem::RemarkTooLong)),
                    (AddressProblem::ControlCharacters, a.remark_invalid.to_owned()),
                    (AddressProblem::NotDelivered, (a.problem)(AddressProblem::NotDelivered)),
                ]>
                <OpenInWeChat url/>
            </CheckoutButton>
        </section>
    }
}

/// The cart's lines and total. Each line's quantity and removal are forms: they post and
/// come back before hydration; once hydrated they answer with the new cart, which replaces
/// this one in place and updates the header's badge.
#[island(lazy)]
fn CartEditor(
    token: String,
    cart: CartView,
    /// The address asked for on the page (else the default): the fee is quoted for it.
    address: Option<AddressId>,
    /// The coupon choice on the page (`Pick::value`): kept as quantities change.
    pick: String,
    update_error: Option<ShopError>,
    remove_error: Option<ShopError>,
) -> impl IntoView {
    // Both answer with the new cart, never a redirect: no `follow_redirects` here.
    let update = ServerAction::<UpdateCartLine>::new();
    let remove = ServerAction::<RemoveCartLine>::new();
    let cart = RwSignal::new(cart);
    for action in [update.value(), remove.value()] {
        Effect::new(move || {
            if let Some(Ok(now)) = action.get() {
                cart_count::publish(now.count);
                shown_price::publish(Shown {
                    coupon: now.coupon.as_ref().map(|c| c.id),
                    to_pay_minor: now.to_pay().minor,
                });
                cart.set(now);
            }
        });
    }
    let refusal = move |value: Option<Result<CartView, ShopError>>,
                        from_url: &Option<ShopError>| match value {
        Some(result) => result.err().map(Err),
        None => from_url.clone().map(Err),
    };
    let ready = crate::components::hydrated();
    view! {
        <div class="cart-editor" data-testid="cart-editor" data-ready=move || ready.get().then_some("")>
            <ActionNotice outcome=move || refusal(update.value().get(), &update_error)/>
            <ActionNotice outcome=move || refusal(remove.value().get(), &remove_error)/>
            {move || view! { <CartContents cart=cart.get() token=token.clone() address pick=pick.clone() update remove/> }}
        </div>
    }
}

#[component]
fn CartContents(
    cart: CartView,
    token: String,
    address: Option<AddressId>,
    pick: String,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let t = t();
    if cart.lines.is_empty() {
        return view! {
            <section class="empty" data-testid="cart-empty">
                <p>{t.cart_empty}</p>
                <a class="btn" href="/">{t.go_shopping}</a>
            </section>
        }
        .into_any();
    }
    let to_pay = cart.to_pay();
    let discount = cart.coupon.clone().map(|c| {
        view! {
            <dt>{t.coupon}" · "{c.name}</dt>
            <dd class="price" data-testid="cart-discount">{format!("−{}", c.discount)}</dd>
        }
    });
    let shipping = cart.shipping.map(|quote| {
        let fee = match quote {
            Quote::Fee { fee, free_above } => view! {
                <dd class="price" data-testid="cart-shipping">
                    {if fee.minor == 0 { t.free_shipping.to_owned() } else { fee.to_string() }}
                    {free_above.map(|m| view! { <small class="muted" data-testid="free-above">" "{(t.free_above)(&m.to_string())}</small> })}
                </dd>
            }.into_any(),
            Quote::NotDelivered => view! {
                <dd class="notice-error" data-testid="cart-shipping" data-not-delivered="">{t.not_delivered}</dd>
            }.into_any(),
        };
        view! {
            <dt>{t.shipping_fee}</dt>{fee}
        }
    });
    let money_lines = (shipping.is_some() || discount.is_some()).then(|| view! {
        <dl class="money-lines">
            <dt>{t.goods}</dt><dd class="price" data-testid="cart-goods">{cart.total.to_string()}</dd>
            {discount}
            {shipping}
        </dl>
    });
    view! {
        <ul class="cart-lines">
            {cart.lines.into_iter().map(|line| {
                let token = token.clone();
                let pick = pick.clone();
                view! { <CartLineView line token address pick update remove/> }
            }).collect_view()}
        </ul>
        {money_lines}
        <footer class="cart-total" data-testid="cart-total">
            <span>{(t.items_count)(cart.count)}</span>
            <span>{t.subtotal}" "<strong class="price">{to_pay.to_string()}</strong></span>
        </footer>
    }
    .into_any()
}

#[component]
fn CartLineView(
    line: CartLine,
    token: String,
    address: Option<AddressId>,
    pick: String,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let t = t();
    let problem = line.problem().map(|p| match p {
        LineProblem::Unavailable => t.unavailable_line.to_owned(),
        LineProblem::ExceedsStock(n) => (t.exceeds_stock_line)(n),
    });
    let href = format!("/product/{}?sku={}", line.product_id, line.variant_id);
    let remove_token = token.clone();
    let remove_pick = pick.clone();
    let variant = line.variant_id.to_string();
    let (variant_attr, variant_update) = (variant.clone(), variant.clone());
    let (product_id, variant_id) = (line.product_id, Some(line.variant_id));
    let quantity = NodeRef::<leptos::html::Input>::new();
    let on_update = {
        let (token, coupon) = (token.clone(), pick.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            update.dispatch(UpdateCartLine {
                token: token.clone(),
                product_id,
                variant_id,
                quantity: quantity.get().map(|q| q.value()).unwrap_or_default(),
                address,
                coupon: Some(coupon.clone()),
            });
        }
    };
    let on_remove = {
        let (token, coupon) = (token.clone(), pick.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            remove.dispatch(RemoveCartLine {
                token: token.clone(),
                product_id,
                variant_id,
                address,
                coupon: Some(coupon.clone()),
            });
        }
    };
    let option_text = (!line.option_text.is_empty()).then(|| {
        view! { <p class="cart-options muted" data-testid="line-options">{line.option_text.clone()}</p> }
    });
    view! {
        <li class="cart-line" data-testid="cart-line" data-product-id=line.product_id.to_string()
            data-variant-id=variant_attr>
            <a class="cart-thumb" href=href.clone()>
                {line.image.map(|img| view! { <img src=img.url alt=img.alt width="72" height="72" loading="lazy"/> })}
            </a>
            <div class="cart-info">
                <a class="cart-title" href=href>{line.title}</a>
                {option_text}
                <p class="muted">{line.unit_price.to_string()}</p>
                {problem.map(|p| view! { <p class="notice notice-error">{p}</p> })}
                <div class="cart-controls">
                    <form method="post" action=UpdateCartLine::PATH class="qty-form" on:submit=on_update>
                        <input type="hidden" name="token" value=token/>
                        <input type="hidden" name="product_id" value=line.product_id.to_string()/>
                        <input type="hidden" name="variant_id" value=variant_update/>
                        {address.map(|id| view! { <input type="hidden" name="address" value=id.to_string()/> })}
                        <input type="hidden" name="coupon" value=pick/>
                        <input type="number" name="quantity" value=line.quantity min="1" max=line.stock.max(1)
                            inputmode="numeric" required aria-label=t.quantity data-testid="line-quantity" node_ref=quantity/>
                        <button type="submit" class="btn btn-small" data-testid="update-line">{t.update}</button>
                    </form>
                    <form method="post" action=RemoveCartLine::PATH class="remove-form" on:submit=on_remove>
                        <input type="hidden" name="token" value=remove_token/>
                        <input type="hidden" name="product_id" value=line.product_id.to_string()/>
                        <input type="hidden" name="variant_id" value=variant/>
                        {address.map(|id| view! { <input type="hidden" name="address" value=id.to_string()/> })}
                        <input type="hidden" name="coupon" value=remove_pick/>
                        <button type="submit" class="btn btn-small btn-ghost" data-testid="remove-line">{t.remove}</button>
                    </form>
                </div>
            </div>
            <strong class="cart-line-total price" data-testid="line-total">{line.line_total.to_string()}</strong>
        </li>
    }
}
