//! The back office's shipping page. Server-rendered only: none of this reaches the wasm.

use super::{use_lang, Lang};

pub struct ShippingStrings {
    pub title: &'static str,
    pub intro: &'static str,
    pub whole_shop: &'static str,
    pub region: &'static str,
    pub choose_province: &'static str,
    pub delivers: &'static str,
    pub not_delivered: &'static str,
    pub first: &'static str,
    pub additional: &'static str,
    pub free_above: &'static str,
    pub free_above_hint: &'static str,
    pub never_free: &'static str,
    pub save: &'static str,
    pub remove: &'static str,
    pub add_rule: &'static str,
    pub err_amount: &'static str,
    pub err_region: &'static str,
    pub err_whole_shop: &'static str,
}

pub static SHIPPING_ZH: ShippingStrings = ShippingStrings {
    title: "运费",
    intro: "全店规则适用于所有地区；为省份另设的规则优先。修改规则不影响已下的订单。",
    whole_shop: "全店（默认）",
    region: "地区",
    choose_province: "选择省份",
    delivers: "配送",
    not_delivered: "不配送",
    first: "首件运费",
    additional: "续件运费（每件）",
    free_above: "满额包邮",
    free_above_hint: "留空：不包邮",
    never_free: "不包邮",
    save: "保存",
    remove: "删除",
    add_rule: "为省份添加规则",
    err_amount: "金额格式不对，应为 0 到 100000 之间的数字，例如 12.50",
    err_region: "请选择省份",
    err_whole_shop: "全店规则不能删除，可以修改",
};

pub static SHIPPING_EN: ShippingStrings = ShippingStrings {
    title: "Shipping",
    intro: "The shop-wide rule applies everywhere; a province's own rule comes first. Changing a rule never changes orders already placed.",
    whole_shop: "Whole shop (default)",
    region: "Region",
    choose_province: "Choose a province",
    delivers: "Delivers",
    not_delivered: "No delivery",
    first: "First item",
    additional: "Each further item",
    free_above: "Free from",
    free_above_hint: "Empty: never free",
    never_free: "Never free",
    save: "Save",
    remove: "Remove",
    add_rule: "Add a rule for a province",
    err_amount: "Enter an amount from 0 to 100000, like 12.50",
    err_region: "Choose a province",
    err_whole_shop: "The shop-wide rule cannot be removed; change it instead",
};

pub fn shipping_t() -> &'static ShippingStrings {
    match use_lang() {
        Lang::Zh => &SHIPPING_ZH,
        Lang::En => &SHIPPING_EN,
    }
}
