//! `/addresses`: the list, with "deliver here", "edit", "make default" and "delete".

use super::query::{picking, query};
use crate::address::Address;
use crate::api::addresses::{list_addresses, DeleteAddress, SetDefaultAddress};
use crate::api::orders::ChangeOrderAddress;
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::error::ShopError;
use crate::i18n::address::{address_t, AddressStrings};
use crate::i18n::t;
use crate::page::use_page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::ServerFn as _;

#[component]
pub fn AddressesPage() -> impl IntoView {
    let (t, a) = (t(), address_t());
    let token = use_page().buyer_token;
    let list = Resource::new(|| (), {
        let token = token.clone();
        move |_| list_addresses(token.clone())
    });
    let pick = picking();
    // `?order=<no>`: the order page's "change the delivery address".
    // Order numbers are letters and digits; anything else is not an order.
    let order = query("order").filter(|no| no.chars().all(|c| c.is_ascii_alphanumeric()));
    let url_error = form_error::<SetDefaultAddress>()
        .or_else(form_error::<DeleteAddress>)
        .or_else(form_error::<ChangeOrderAddress>);
    let saved = query("saved").is_some();
    let back = match (&order, pick) {
        (Some(no), _) => format!("/addresses?order={no}"),
        (None, true) => "/addresses?pick=1".to_owned(),
        (None, false) => "/addresses".to_owned(),
    };
    let new_href = match (&order, pick) {
        (Some(no), _) => format!("/addresses/new?next=%2Faddresses%3Forder%3D{no}"),
        (None, true) => "/addresses/new?pick=1".to_owned(),
        (None, false) => "/addresses/new".to_owned(),
    };
    view! {
        <crate::components::PageTitle text=a.addresses/>
        <h1 class="page-title">{a.addresses}</h1>
        {saved.then(|| view! { <p class="notice notice-ok" role="status" data-testid="success">{a.saved}</p> })}
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let (token, url_error) = (token.clone(), url_error.clone());
                let (order, back) = (order.clone(), back.clone());
                Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => view! {
                            <section class="empty" data-testid="addresses-empty">
                                <p>{a.no_addresses}</p>
                            </section>
                        }.into_any(),
                        Ok(list) => {
                            let count = list.len();
                            let labels = CardLabels::of(a);
                            view! {
                                <AddressBook token addresses=list pick order back labels url_error/>
                                <p class="muted center">{(a.book_count)(count)}</p>
                            }.into_any()
                        }
                        Err(err) => view! { <LoadError err/> }.into_any(),
                    }
                })
            }}
        </Suspense>
        <a class="btn btn-primary btn-block" href=new_href data-testid="add-address">{a.add_address}</a>
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CardLabels {
    default_badge: String,
    use_this: String,
    edit: String,
    set_default: String,
    delete: String,
    send_here: String,
}

impl CardLabels {
    fn of(a: &AddressStrings) -> CardLabels {
        CardLabels {
            default_badge: a.default_badge.to_owned(),
            use_this: a.use_this.to_owned(),
            edit: a.edit.to_owned(),
            set_default: a.set_default.to_owned(),
            delete: a.delete.to_owned(),
            send_here: a.send_here.to_owned(),
        }
    }
}

/// The list with its actions. Hydrated, "send it here", "make default" and "delete" call the
/// shop and follow its redirect: the page reloads with the new list (or goes to the order).
#[island(lazy)]
fn AddressBook(
    token: String,
    addresses: Vec<Address>,
    pick: bool,
    /// Choosing for this order (its number): each address offers "send it here".
    order: Option<String>,
    back: String,
    labels: CardLabels,
    url_error: Option<ShopError>,
) -> impl IntoView {
    let set_default = ServerAction::<SetDefaultAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let send = ServerAction::<ChangeOrderAddress>::new();
    let outcome = move || {
        let refused = |v: Option<Result<(), ShopError>>| v.and_then(Result::err);
        refused(set_default.value().get())
            .or_else(|| refused(delete.value().get()))
            .or_else(|| refused(send.value().get()))
            .or_else(|| url_error.clone())
            .map(Err)
    };
    let ready = crate::components::hydrated();
    crate::components::follow_redirects();
    view! {
        <ActionNotice outcome/>
        <ul class="address-list" data-testid="address-list" data-ready=move || ready.get().then_some("")>
            {addresses.into_iter().map(|address| {
                let (address_id, id) = (address.id, address.id.to_string());
                let edit = format!("/addresses/{}/edit{}", address.id, if pick { "?pick=1" } else { "" });
                let (token, back, labels) = (token.clone(), back.clone(), labels.clone());
                let send_here = order.clone().map(|order_no| {
                    let (token, id, label) = (token.clone(), id.clone(), labels.send_here.clone());
                    let on_submit = {
                        let (token, order_no) = (token.clone(), order_no.clone());
                        move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            send.dispatch(ChangeOrderAddress {
                                token: token.clone(),
                                order_no: order_no.clone(),
                                address: address_id,
                            });
                        }
                    };
                    view! {
                        <form method="post" action=ChangeOrderAddress::PATH class="inline-form" on:submit=on_submit>
                            <input type="hidden" name="token" value=token/>
                            <input type="hidden" name="order_no" value=order_no/>
                            <input type="hidden" name="address" value=id/>
                            <button type="submit" class="btn btn-small btn-primary" data-testid="send-here">{label}</button>
                        </form>
                    }
                });
                let make_default = (!address.is_default).then(|| {
                    let (token, id, back) = (token.clone(), id.clone(), back.clone());
                    let label = labels.set_default.clone();
                    let on_submit = {
                        let (token, back) = (token.clone(), back.clone());
                        move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            set_default.dispatch(SetDefaultAddress {
                                token: token.clone(),
                                id: address_id,
                                back: back.clone(),
                            });
                        }
                    };
                    view! {
                        <form method="post" action=SetDefaultAddress::PATH class="inline-form" on:submit=on_submit>
                            <input type="hidden" name="token" value=token/>
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="back" value=back/>
                            <button type="submit" class="btn btn-small btn-ghost" data-testid="set-default">{label}</button>
                        </form>
                    }
                });
                let card_id = id.clone();
                let on_delete = {
                    let (token, back) = (token.clone(), back.clone());
                    move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        delete.dispatch(DeleteAddress {
                            token: token.clone(),
                            id: address_id,
                            back: back.clone(),
                        });
                    }
                };
                view! {
                    <li class="address-card" data-testid="address" data-address-id=card_id
                        data-default=address.is_default.then_some("")>
                        <div class="address-head">
                            <strong data-testid="address-recipient">{address.recipient.clone()}</strong>
                            <span class="muted" data-testid="address-phone">{address.phone()}</span>
                            {address.is_default.then(|| view! {
                                <span class="tag tag-warn" data-testid="default-badge">{labels.default_badge.clone()}</span>
                            })}
                        </div>
                        <p class="address-line" data-testid="address-line">{address.one_line()}</p>
                        <div class="address-actions">
                            {send_here}
                            {pick.then(|| view! {
                                <a class="btn btn-small btn-primary" href=format!("/cart?address={}", address.id)
                                    data-testid="use-address">{labels.use_this.clone()}</a>
                            })}
                            <a class="btn btn-small" href=edit data-testid="edit-address">{labels.edit.clone()}</a>
                            {make_default}
                            <form method="post" action=DeleteAddress::PATH class="inline-form" on:submit=on_delete>
                                <input type="hidden" name="token" value=token/>
                                <input type="hidden" name="id" value=id.clone()/>
                                <input type="hidden" name="back" value=back/>
                                <button type="submit" class="btn btn-small btn-ghost" data-testid="delete-address">{labels.delete.clone()}</button>
                            </form>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
