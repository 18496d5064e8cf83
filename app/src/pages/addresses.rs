//! The buyer's address book: a list (`/addresses`) and one form for adding and editing
//! (`/addresses/new`, `/addresses/:id/edit`).
//!
//! Every action is a form that works without JavaScript (a post, then a redirect). Hydrated,
//! the forms call the shop's server functions directly (the page may be running inside the
//! payment container, at the gateway's origin, which proxies pages only), the region picker
//! fills each level at once, and a refused save is shown without leaving the form.
//!
//! `?pick=1` is the cart's "change address": each address then offers "deliver here", a
//! link back to the cart with `?address=<id>`.

use crate::address::{Address, AddressId, AddressProblem, PhoneArea};
use crate::api::addresses::{
    get_address, list_addresses, region_choices, DeleteAddress, RegionLists, SaveAddress,
    SetDefaultAddress,
};
use crate::api::orders::ChangeOrderAddress;
use crate::components::notice::{form_error, ActionNotice, LoadError};
use crate::components::region_picker::{PickerLabels, RegionPicker};
use crate::error::ShopError;
use crate::i18n::address::{address_t, AddressStrings};
use crate::i18n::t;
use crate::page::use_page;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

fn query(name: &str) -> Option<String> {
    use_query_map()
        .read_untracked()
        .get(name)
        .filter(|v| !v.is_empty())
}

fn picking() -> bool {
    query("pick").as_deref() == Some("1")
}

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

/// The list with its actions. Hydrated, "make default" and "delete" post to the shop and
/// the page reloads with the new list.
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
    view! {
        <ActionNotice outcome/>
        <ul class="address-list" data-testid="address-list" data-ready=move || ready.get().then_some("")>
            {addresses.into_iter().map(|address| {
                let id = address.id.to_string();
                let edit = format!("/addresses/{}/edit{}", address.id, if pick { "?pick=1" } else { "" });
                let (token, back, labels) = (token.clone(), back.clone(), labels.clone());
                let send_here = order.clone().map(|order_no| {
                    let (token, id, label) = (token.clone(), id.clone(), labels.send_here.clone());
                    view! {
                        <ActionForm action=send attr:class="inline-form">
                            <input type="hidden" name="token" value=token/>
                            <input type="hidden" name="order_no" value=order_no/>
                            <input type="hidden" name="address" value=id/>
                            <button type="submit" class="btn btn-small btn-primary" data-testid="send-here">{label}</button>
                        </ActionForm>
                    }
                });
                let make_default = (!address.is_default).then(|| {
                    let (token, id, back) = (token.clone(), id.clone(), back.clone());
                    let label = labels.set_default.clone();
                    view! {
                        <ActionForm action=set_default attr:class="inline-form">
                            <input type="hidden" name="token" value=token/>
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="back" value=back/>
                            <button type="submit" class="btn btn-small btn-ghost" data-testid="set-default">{label}</button>
                        </ActionForm>
                    }
                });
                let card_id = id.clone();
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
                            <ActionForm action=delete attr:class="inline-form">
                                <input type="hidden" name="token" value=token/>
                                <input type="hidden" name="id" value=id.clone()/>
                                <input type="hidden" name="back" value=back/>
                                <button type="submit" class="btn btn-small btn-ghost" data-testid="delete-address">{labels.delete.clone()}</button>
                            </ActionForm>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// What the form shows: the saved address (when editing), overridden by what came back in
/// the query (a "next" step of the region picker, or a refused save without JavaScript).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Draft {
    recipient: String,
    area: String,
    mobile: String,
    province: String,
    city: String,
    region: String,
    detail: String,
    postcode: String,
    default: bool,
}

impl Draft {
    fn of(address: &Address) -> Draft {
        let code = address.region_code.clone();
        Draft {
            recipient: address.recipient.clone(),
            area: address.area.calling_code().to_owned(),
            mobile: address.mobile.clone(),
            province: code.chars().take(2).collect(),
            city: code.chars().take(4).collect(),
            region: code,
            detail: address.detail.clone(),
            postcode: address.postcode.clone(),
            default: address.is_default,
        }
    }

    /// The query's fields, where it has them (it has all of them after a round trip).
    fn with_query(mut self) -> Draft {
        let q = use_query_map().read_untracked().clone();
        if q.get("back").is_none() {
            return self;
        }
        let get = |k: &str| q.get(k).unwrap_or_default();
        self.recipient = get("recipient");
        self.area = get("area");
        self.mobile = get("mobile");
        self.province = get("province");
        self.city = get("city");
        self.region = get("region");
        self.detail = get("detail");
        self.postcode = get("postcode");
        self.default = q.get("default").is_some();
        // A level chosen under another parent (the province changed, then "next") is
        // chosen again.
        if self.province.is_empty() || !self.city.starts_with(self.province.as_str()) {
            self.city.clear();
        }
        if self.city.is_empty() || !self.region.starts_with(self.city.as_str()) {
            self.region.clear();
        }
        self
    }
}

#[component]
pub fn AddressFormPage() -> impl IntoView {
    let t = t();
    let token = use_page().buyer_token;
    let params = use_params_map();
    let raw_id = params.read_untracked().get("id");
    let existing = Resource::new(|| (), {
        let token = token.clone();
        move |_| {
            let (token, raw_id) = (token.clone(), raw_id.clone());
            async move {
                let Some(raw) = raw_id else {
                    return Ok(None);
                };
                let id = raw.parse::<AddressId>().map_err(|_| ShopError::NotFound)?;
                get_address(token, id).await.map(Some)
            }
        }
    });
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    let address = match existing.await {
                        Ok(address) => address,
                        Err(ShopError::NotFound) => return view! { <super::not_found::NotFound/> }.into_any(),
                        Err(err) => return view! { <LoadError err/> }.into_any(),
                    };
                    let draft = address.as_ref().map(Draft::of).unwrap_or_default().with_query();
                    match region_choices(draft.province.clone(), draft.city.clone()).await {
                        Ok(choices) => view! {
                            <AddressFormView token id=address.map(|a| a.id) draft choices/>
                        }.into_any(),
                        Err(err) => view! { <LoadError err/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Every word the form shows, for the island (the address tables stay on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FormText {
    recipient: String,
    mobile: String,
    areas: Vec<(String, String)>,
    detail: String,
    detail_hint: String,
    postcode: String,
    postcode_hint: String,
    make_default: String,
    save: String,
    cancel: String,
    picker: PickerLabels,
    /// Each problem's message, by code: a refusal is shown without a round trip.
    problems: Vec<(String, String)>,
}

impl FormText {
    fn of(a: &AddressStrings) -> FormText {
        FormText {
            recipient: a.recipient.to_owned(),
            mobile: a.mobile.to_owned(),
            areas: PhoneArea::ALL
                .into_iter()
                .map(|p| (p.calling_code().to_owned(), (a.area_label)(p).to_owned()))
                .collect(),
            detail: a.detail.to_owned(),
            detail_hint: a.detail_hint.to_owned(),
            postcode: a.postcode.to_owned(),
            postcode_hint: a.postcode_hint.to_owned(),
            make_default: a.make_default.to_owned(),
            save: a.save.to_owned(),
            cancel: a.cancel.to_owned(),
            picker: PickerLabels {
                region: a.region.to_owned(),
                province: a.province.to_owned(),
                city: a.city.to_owned(),
                district: a.district.to_owned(),
                choose: a.choose.to_owned(),
                next: a.next_level.to_owned(),
            },
            problems: AddressProblem::ALL
                .into_iter()
                .map(|p| (p.code().to_owned(), (a.problem)(p)))
                .collect(),
        }
    }

    fn problem(&self, p: AddressProblem) -> String {
        self.problems
            .iter()
            .find(|(code, _)| code == p.code())
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }
}

#[component]
fn AddressFormView(
    token: String,
    id: Option<AddressId>,
    draft: Draft,
    choices: RegionLists,
) -> impl IntoView {
    let (t, a) = (t(), address_t());
    let title = if id.is_some() {
        a.edit_address
    } else {
        a.add_address
    };
    let text = FormText::of(a);
    let problem = query("problem")
        .and_then(|code| AddressProblem::from_code(&code))
        .map(|p| text.problem(p))
        .or_else(|| form_error::<SaveAddress>().map(|err| err.message(t)));
    let pick = picking();
    view! {
        <crate::components::PageTitle text=title/>
        <h1 class="page-title">{title}</h1>
        <AddressEditor token id draft choices text problem next=query("next").unwrap_or_default() pick/>
    }
}

/// The address form. Without JavaScript it posts and comes back; hydrated it saves through
/// the shop's server function and goes on (or shows the refusal in place).
#[island(lazy)]
fn AddressEditor(
    token: String,
    id: Option<AddressId>,
    draft: Draft,
    choices: RegionLists,
    text: FormText,
    /// The refusal a form posted without JavaScript came back with.
    problem: Option<String>,
    next: String,
    pick: bool,
) -> impl IntoView {
    let save = ServerAction::<SaveAddress>::new();
    let message = {
        let text = text.clone();
        move || match save.value().get() {
            Some(Err(ShopError::Address(p))) => Some(text.problem(p)),
            Some(Err(err)) => Some(err.message(crate::i18n::t())),
            Some(Ok(_)) => None,
            None => problem.clone(),
        }
    };
    let area = PhoneArea::parse(&draft.area).unwrap_or_default();
    let back = if pick {
        "/addresses?pick=1"
    } else {
        "/addresses"
    };
    let pick_value = if pick { "1" } else { "" };
    let ready = crate::components::hydrated();
    let FormText {
        recipient,
        mobile,
        areas,
        detail,
        detail_hint,
        postcode,
        postcode_hint,
        make_default,
        save: save_label,
        cancel,
        picker,
        ..
    } = text;
    view! {
        {move || message().map(|m| view! { <p class="notice notice-error" role="alert" data-testid="error">{m}</p> })}
        <ActionForm action=save attr:class="stack-form address-form" attr:data-testid="address-form">
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default()/>
            <input type="hidden" name="next" value=next/>
            <input type="hidden" name="pick" value=pick_value/>
            <label class="field">
                <span>{recipient}</span>
                <input name="recipient" value=draft.recipient maxlength="25" autocomplete="name" data-testid="recipient"/>
            </label>
            <div class="field">
                <span>{mobile.clone()}</span>
                <div class="phone-row">
                    <select name="area" aria-label=mobile data-testid="area">
                        {areas.into_iter().map(|(code, label)| {
                            let selected = code == area.calling_code();
                            view! { <option value=code selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                    <input name="mobile" value=draft.mobile inputmode="tel" maxlength="20"
                        autocomplete="tel-national" data-testid="mobile"/>
                </div>
            </div>
            <RegionPicker labels=picker provinces=choices.provinces cities=choices.cities districts=choices.districts
                province=draft.province city=draft.city district=draft.region/>
            <label class="field">
                <span>{detail}</span>
                <textarea name="detail" rows="2" maxlength="120" placeholder=detail_hint
                    data-testid="detail">{draft.detail}</textarea>
            </label>
            <label class="field">
                <span>{postcode}</span>
                <input name="postcode" value=draft.postcode inputmode="numeric" maxlength="6"
                    placeholder=postcode_hint data-testid="postcode"/>
            </label>
            <label class="check">
                <input type="checkbox" name="default" value="on" checked=draft.default data-testid="make-default"/>
                {make_default}
            </label>
            <button type="submit" class="btn btn-primary btn-block" data-testid="save-address"
                data-ready=move || ready.get().then_some("")>{save_label}</button>
            <a class="btn btn-block btn-ghost" href=back>{cancel}</a>
        </ActionForm>
    }
}
