//! The address book's and checkout's delivery strings. Server-rendered pages read them;
//! the region picker island gets only the few labels it needs as props, so these tables
//! stay out of the wasm.

use super::{use_lang, Lang};
use crate::address::{
    AddressProblem, PhoneArea, MAX_ADDRESSES, MAX_DETAIL, MAX_RECIPIENT, MAX_REMARK,
};

pub struct AddressStrings {
    pub addresses: &'static str,
    pub add_address: &'static str,
    pub edit_address: &'static str,
    pub no_addresses: &'static str,
    pub recipient: &'static str,
    pub mobile: &'static str,
    pub area_label: fn(PhoneArea) -> &'static str,
    pub region: &'static str,
    pub province: &'static str,
    pub city: &'static str,
    pub district: &'static str,
    pub choose: &'static str,
    pub next_level: &'static str,
    pub detail: &'static str,
    pub detail_hint: &'static str,
    pub postcode: &'static str,
    pub postcode_hint: &'static str,
    pub make_default: &'static str,
    pub default_badge: &'static str,
    pub set_default: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub saved: &'static str,
    pub deleted: &'static str,
    pub use_this: &'static str,
    pub ship_to: &'static str,
    pub change_address: &'static str,
    pub add_address_to_checkout: &'static str,
    pub remark: &'static str,
    pub send_here: &'static str,
    pub step_address_changed: &'static str,
    pub address_changed_notice: &'static str,
    pub change_order_address: &'static str,
    pub no_ship_to: &'static str,
    pub remark_hint: &'static str,
    /// The remark held characters that cannot be printed.
    pub remark_invalid: &'static str,
    pub book_count: fn(usize) -> String,
    pub problem: fn(AddressProblem) -> String,
}

pub static ADDRESS_ZH: AddressStrings = AddressStrings {
    addresses: "收货地址",
    add_address: "新增收货地址",
    edit_address: "编辑收货地址",
    no_addresses: "还没有收货地址",
    recipient: "收货人",
    mobile: "手机号码",
    area_label: |a| match a {
        PhoneArea::Mainland => "+86 中国大陆",
        PhoneArea::HongKong => "+852 中国香港",
        PhoneArea::Macau => "+853 中国澳门",
    },
    region: "所在地区",
    province: "省份",
    city: "城市",
    district: "区县",
    choose: "请选择",
    next_level: "下一步",
    detail: "详细地址",
    detail_hint: "街道、楼栋、门牌号",
    postcode: "邮政编码",
    postcode_hint: "选填，6 位数字；港澳地区无需填写",
    make_default: "设为默认地址",
    default_badge: "默认",
    set_default: "设为默认",
    edit: "编辑",
    delete: "删除",
    save: "保存",
    cancel: "取消",
    saved: "地址已保存",
    deleted: "地址已删除",
    use_this: "使用此地址",
    ship_to: "收货地址",
    change_address: "更换地址",
    add_address_to_checkout: "请先添加收货地址",
    remark: "订单备注",
    send_here: "改送到这里",
    step_address_changed: "修改了收货地址",
    address_changed_notice: "收货地址已修改",
    change_order_address: "修改收货地址",
    no_ship_to: "此订单下单时未填写收货地址",
    remark_hint: "选填，给商家的留言",
    remark_invalid: "订单备注中不能含有不可见字符，请删去后再结算",
    book_count: |n| format!("{n}/{MAX_ADDRESSES} 个地址"),
    problem: |p| match p {
        AddressProblem::RecipientMissing => "请填写收货人姓名".to_owned(),
        AddressProblem::RecipientTooLong => format!("收货人姓名最多 {MAX_RECIPIENT} 个字"),
        AddressProblem::MobileMainland => "请填写 11 位中国大陆手机号码（以 1 开头）".to_owned(),
        AddressProblem::MobileHongKong => "请填写 8 位香港电话号码".to_owned(),
        AddressProblem::MobileMacau => "请填写 8 位澳门电话号码（以 6 或 28 开头）".to_owned(),
        AddressProblem::RegionMissing => "请选择省份、城市和区县".to_owned(),
        AddressProblem::DetailMissing => "请填写详细地址".to_owned(),
        AddressProblem::DetailTooLong => format!("详细地址最多 {MAX_DETAIL} 个字"),
        AddressProblem::Postcode => "邮政编码应为 6 位数字（港澳地区请留空）".to_owned(),
        AddressProblem::ControlCharacters => "地址中不能含有换行或不可见字符".to_owned(),
        AddressProblem::BookFull => format!("最多保存 {MAX_ADDRESSES} 个地址，请先删除不用的地址"),
        AddressProblem::Required => "请选择收货地址后再结算，未扣款也未占用库存".to_owned(),
        AddressProblem::RemarkTooLong => format!("订单备注最多 {MAX_REMARK} 个字"),
        AddressProblem::NotDelivered => "抱歉，该地区暂不配送，请选择其他收货地址".to_owned(),
        AddressProblem::ShippingCostsMore => {
            "寄往新地址的运费高于订单已付运费，无法修改，请联系商家".to_owned()
        }
    },
};

pub static ADDRESS_EN: AddressStrings = AddressStrings {
    addresses: "Delivery addresses",
    add_address: "Add an address",
    edit_address: "Edit address",
    no_addresses: "No delivery address yet",
    recipient: "Recipient",
    mobile: "Mobile number",
    area_label: |a| match a {
        PhoneArea::Mainland => "+86 Mainland China",
        PhoneArea::HongKong => "+852 Hong Kong",
        PhoneArea::Macau => "+853 Macau",
    },
    region: "Region",
    province: "Province",
    city: "City",
    district: "District",
    choose: "Choose",
    next_level: "Next",
    detail: "Street address",
    detail_hint: "Street, building, flat",
    postcode: "Postcode",
    postcode_hint: "Optional, 6 digits; none in Hong Kong or Macau",
    make_default: "Make this my default address",
    default_badge: "Default",
    set_default: "Make default",
    edit: "Edit",
    delete: "Delete",
    save: "Save",
    cancel: "Cancel",
    saved: "Address saved",
    deleted: "Address deleted",
    use_this: "Deliver here",
    ship_to: "Deliver to",
    change_address: "Change",
    add_address_to_checkout: "Add a delivery address first",
    remark: "Note to the shop",
    send_here: "Send it here instead",
    step_address_changed: "Delivery address changed",
    address_changed_notice: "The delivery address was changed",
    change_order_address: "Change the delivery address",
    no_ship_to: "This order was placed without a delivery address",
    remark_hint: "Optional",
    remark_invalid: "The note holds invisible characters; remove them and check out again",
    book_count: |n| format!("{n} of {MAX_ADDRESSES} addresses"),
    problem: |p| {
        match p {
        AddressProblem::RecipientMissing => "Enter the recipient's name".to_owned(),
        AddressProblem::RecipientTooLong => {
            format!("The recipient's name can be at most {MAX_RECIPIENT} characters")
        }
        AddressProblem::MobileMainland => {
            "Enter an 11-digit mainland mobile number starting with 1".to_owned()
        }
        AddressProblem::MobileHongKong => "Enter an 8-digit Hong Kong phone number".to_owned(),
        AddressProblem::MobileMacau => {
            "Enter an 8-digit Macau phone number (starting with 6 or 28)".to_owned()
        }
        AddressProblem::RegionMissing => "Choose a province, city and district".to_owned(),
        AddressProblem::DetailMissing => "Enter the street address".to_owned(),
        AddressProblem::DetailTooLong => {
            format!("The street address can be at most {MAX_DETAIL} characters")
        }
        AddressProblem::Postcode => {
            "A postcode is 6 digits (leave it empty in Hong Kong and Macau)".to_owned()
        }
        AddressProblem::ControlCharacters => {
            "An address cannot contain line breaks or invisible characters".to_owned()
        }
        AddressProblem::BookFull => {
            format!("You can keep at most {MAX_ADDRESSES} addresses; delete one you no longer use")
        }
        AddressProblem::Required => {
            "Choose a delivery address to check out. Nothing was charged or reserved".to_owned()
        }
        AddressProblem::RemarkTooLong => {
            format!("The note can be at most {MAX_REMARK} characters")
        }
        AddressProblem::NotDelivered => {
            "Sorry, the shop does not deliver there. Choose another address".to_owned()
        }
        AddressProblem::ShippingCostsMore => {
            "Shipping to that address costs more than this order paid, so it cannot be changed here; contact the shop".to_owned()
        }
    }
    },
};

pub fn address_t() -> &'static AddressStrings {
    match use_lang() {
        Lang::Zh => &ADDRESS_ZH,
        Lang::En => &ADDRESS_EN,
    }
}
