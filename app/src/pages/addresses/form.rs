//! `/addresses/new` and `/addresses/:id/edit`: one form for adding and editing.

use super::query::{picking, query};
use crate::address::{Address, AddressId, AddressProblem, PhoneArea};
use crate::api::addresses::{get_address, region_choices, RegionLists, SaveAddress};
use crate::components::notice::{form_error, LoadError};
use crate::components::region_picker::{PickerLabels, RegionPicker};
use crate::error::ShopError;
use crate::i18n::address::{address_t, AddressStrings};
use crate::i18n::t;
use crate::page::use_page;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

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
                        Err(ShopError::NotFound) => return view! { <crate::pages::not_found::NotFound/> }.into_any(),
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
            // Enter in a field presses the form's first submit button: this one saves (the
            // region picker's "next", further down, would only step the picker).
            <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true"
                disabled=move || save.pending().get()>{save_label.clone()}</button>
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
                disabled=move || save.pending().get()
                data-ready=move || ready.get().then_some("")>{save_label}</button>
            <a class="btn btn-block btn-ghost" href=back>{cancel}</a>
        </ActionForm>
    }
}
