//! The region picker: province, city and district as three selects (named `province`,
//! `city` and `region`) inside the address form (part of its island).
//!
//! Rendered on the server with the lists for what is chosen so far, it works without
//! JavaScript: "next" posts the form back for the next level. Hydrated, it loads the whole
//! region table once and fills each level the moment the one above changes; "next" hides.

use crate::address::parent_code;
use crate::api::addresses::{region_table, Choice};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickerLabels {
    pub region: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub choose: String,
    pub next: String,
}

/// The children of `parent` in the table text (`code<TAB>name` lines, `#` comments).
fn children_in(table: &str, parent: &str) -> Vec<Choice> {
    if parent.is_empty() {
        return Vec::new();
    }
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter(|(code, _)| code.len() > parent.len() && parent_code(code) == parent)
        .map(|(code, name)| (code.to_owned(), name.to_owned()))
        .collect()
}

#[component]
fn Level(
    name: &'static str,
    label: String,
    choose: String,
    options: RwSignal<Vec<Choice>>,
    value: RwSignal<String>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <select name=name aria-label=label data-testid=format!("region-{name}")
            disabled=move || options.with(Vec::is_empty)
            on:change=move |ev| on_pick(event_target_value(&ev))>
            <option value="" selected=move || value.with(String::is_empty)>{choose}</option>
            {move || options.get().into_iter().map(|(code, text)| {
                let selected = value.with(|v| *v == code);
                view! { <option value=code selected=selected>{text}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
pub fn RegionPicker(
    labels: PickerLabels,
    provinces: Vec<Choice>,
    cities: Vec<Choice>,
    districts: Vec<Choice>,
    province: String,
    city: String,
    district: String,
) -> impl IntoView {
    let provinces = RwSignal::new(provinces);
    let cities = RwSignal::new(cities);
    let districts = RwSignal::new(districts);
    let province = RwSignal::new(province);
    let city = RwSignal::new(city);
    let district = RwSignal::new(district);
    // The whole table, once loaded: from then on every level fills without a round trip.
    let table = RwSignal::new(None::<String>);
    Effect::new(move || {
        leptos::task::spawn_local(async move {
            if let Ok(text) = region_table().await {
                table.set(Some(text));
            }
        });
    });
    let fill = move |parent: &str| table.with(|t| t.as_deref().map(|t| children_in(t, parent)));
    let pick_province = move |code: String| {
        province.set(code.clone());
        city.set(String::new());
        district.set(String::new());
        if let Some(list) = fill(&code) {
            cities.set(list);
            districts.set(Vec::new());
        }
    };
    let pick_city = move |code: String| {
        city.set(code.clone());
        district.set(String::new());
        if let Some(list) = fill(&code) {
            districts.set(list);
        }
    };
    let pick_district = move |code: String| district.set(code);
    let PickerLabels {
        region,
        province: province_label,
        city: city_label,
        district: district_label,
        choose,
        next,
    } = labels;
    view! {
        <fieldset class="field region-picker" data-testid="region-picker"
            data-ready=move || table.with(Option::is_some).then_some("")>
            <legend>{region}</legend>
            <div class="region-selects">
                <Level name="province" label=province_label choose=choose.clone() options=provinces value=province on_pick=pick_province/>
                <Level name="city" label=city_label choose=choose.clone() options=cities value=city on_pick=pick_city/>
                <Level name="region" label=district_label choose options=districts value=district on_pick=pick_district/>
            </div>
            <button type="submit" name="step" value="region" class="btn btn-small" formnovalidate
                hidden=move || table.with(Option::is_some) data-testid="region-next">{next}</button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_found_by_parent_code() {
        let table = "# header\n44\t广东省\n4403\t深圳市\n440305\t南山区\n4419\t东莞市\n441900003\t东城街道\n45\t广西\n";
        assert_eq!(
            children_in(table, "44"),
            [
                ("4403".into(), "深圳市".into()),
                ("4419".into(), "东莞市".into())
            ]
        );
        assert_eq!(
            children_in(table, "4403"),
            [("440305".into(), "南山区".into())]
        );
        assert_eq!(
            children_in(table, "4419"),
            [("441900003".into(), "东城街道".into())]
        );
        assert!(children_in(table, "").is_empty());
    }
}
