//! Delivery addresses: what a buyer types, checked the same way wherever it is typed (the
//! address book, a changed order address), and the snapshot an order keeps.
//!
//! Checking is pure: the region code is looked up by the caller (the server's region table),
//! so this module also runs in the browser without the table.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Addresses one buyer may keep.
pub const MAX_ADDRESSES: i64 = 20;
/// Characters (not bytes) allowed per field.
pub const MAX_RECIPIENT: usize = 25;
pub const MIN_DETAIL: usize = 2;
pub const MAX_DETAIL: usize = 120;
/// The buyer's note to the merchant at checkout.
pub const MAX_REMARK: usize = 200;

/// The ship form's "address seen" for an order placed without one (never empty, so an
/// empty or missing field reads as a stale form).
pub const NO_SHIP_TO: &str = "none";

/// `addresses.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct AddressId(pub i64);

impl fmt::Display for AddressId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for AddressId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse::<i64>().map(AddressId)
    }
}

/// Where the phone number is: the calling code the buyer chose beside the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum PhoneArea {
    #[default]
    Mainland,
    HongKong,
    Macau,
}

impl PhoneArea {
    pub const ALL: [PhoneArea; 3] = [PhoneArea::Mainland, PhoneArea::HongKong, PhoneArea::Macau];

    /// The international calling code, as stored and shown (`+86`).
    pub fn calling_code(self) -> &'static str {
        match self {
            PhoneArea::Mainland => "86",
            PhoneArea::HongKong => "852",
            PhoneArea::Macau => "853",
        }
    }

    pub fn parse(raw: &str) -> Option<PhoneArea> {
        match raw.trim().trim_start_matches('+') {
            "86" => Some(PhoneArea::Mainland),
            "852" => Some(PhoneArea::HongKong),
            "853" => Some(PhoneArea::Macau),
            _ => None,
        }
    }

    /// The number as the carrier dials it: mainland numbers bare, the others with `+852`.
    pub fn display(self, number: &str) -> String {
        match self {
            PhoneArea::Mainland => number.to_owned(),
            other => format!("+{} {number}", other.calling_code()),
        }
    }
}

impl TryFrom<String> for PhoneArea {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        PhoneArea::parse(&raw).ok_or(raw)
    }
}

/// What is wrong with an address (or the lack of one), for the buyer in their language
/// (`AddressStrings::problem`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressProblem {
    RecipientMissing,
    RecipientTooLong,
    /// Not an 11-digit mainland mobile number starting with 1.
    MobileMainland,
    /// Not an 8-digit Hong Kong number.
    MobileHongKong,
    /// Not an 8-digit Macau number.
    MobileMacau,
    /// No district chosen (or a code the region table does not know).
    RegionMissing,
    DetailMissing,
    DetailTooLong,
    /// A mainland postcode is 6 digits; Hong Kong and Macau have none.
    Postcode,
    /// Control characters (line breaks, tabs, invisible codes) in a field.
    ControlCharacters,
    /// The address book holds [`MAX_ADDRESSES`] already.
    BookFull,
    /// Checkout, or an order address change, without an address.
    Required,
    RemarkTooLong,
    /// The shop does not deliver to the address's region (its shipping rules).
    NotDelivered,
    /// An order's new address would cost more to ship than the buyer paid.
    ShippingCostsMore,
}

impl AddressProblem {
    const CODES: [(AddressProblem, &'static str); 15] = [
        (AddressProblem::RecipientMissing, "recipient_missing"),
        (AddressProblem::RecipientTooLong, "recipient_long"),
        (AddressProblem::MobileMainland, "mobile_cn"),
        (AddressProblem::MobileHongKong, "mobile_hk"),
        (AddressProblem::MobileMacau, "mobile_mo"),
        (AddressProblem::RegionMissing, "region"),
        (AddressProblem::DetailMissing, "detail_missing"),
        (AddressProblem::DetailTooLong, "detail_long"),
        (AddressProblem::Postcode, "postcode"),
        (AddressProblem::ControlCharacters, "control"),
        (AddressProblem::BookFull, "book_full"),
        (AddressProblem::Required, "required"),
        (AddressProblem::RemarkTooLong, "remark_long"),
        (AddressProblem::NotDelivered, "not_delivered"),
        (AddressProblem::ShippingCostsMore, "shipping_more"),
    ];

    /// Every problem, in the order a form shows its fields.
    pub const ALL: [AddressProblem; 13] = {
        let mut all = [AddressProblem::Required; 13];
        let mut i = 0;
        while i < 13 {
            all[i] = Self::CODES[i].0;
            i += 1;
        }
        all
    };

    /// A short code for a URL (a form sent back without JavaScript).
    pub fn code(self) -> &'static str {
        Self::CODES
            .iter()
            .find(|(p, _)| *p == self)
            .map(|(_, c)| *c)
            .unwrap_or("region")
    }

    pub fn from_code(code: &str) -> Option<AddressProblem> {
        Self::CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(p, _)| *p)
    }
}

/// The parent of a region code: provinces (2 digits) have none, cities (4) are under their
/// first 2 digits, districts (6, or 9 for the towns of the few cities without districts)
/// under their first 4.
pub fn parent_code(code: &str) -> &str {
    let upper = match code.len() {
        4 => code.get(..2),
        6 | 9 => code.get(..4),
        _ => None,
    };
    upper.unwrap_or("")
}

/// An address as the buyer typed it into the form (every field a string, as posted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressForm {
    pub recipient: String,
    pub area: String,
    pub mobile: String,
    /// The chosen district's code (`440305`).
    pub region: String,
    pub detail: String,
    #[serde(default)]
    pub postcode: String,
}

/// An address that passed [`check`]: trimmed, the number normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAddress {
    pub recipient: String,
    pub area: PhoneArea,
    pub mobile: String,
    pub region_code: String,
    pub detail: String,
    pub postcode: String,
}

/// One address in the buyer's book, as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: AddressId,
    pub recipient: String,
    pub area: PhoneArea,
    pub mobile: String,
    pub region_code: String,
    /// The region's names, province first (`广东省 深圳市 南山区`).
    pub region: String,
    pub detail: String,
    pub postcode: String,
    pub is_default: bool,
}

impl Address {
    pub fn phone(&self) -> String {
        self.area.display(&self.mobile)
    }

    pub fn one_line(&self) -> String {
        format!("{} {}", self.region, self.detail)
    }
}

/// Where an order goes, copied from the address book when the order is placed (or its
/// address changed): editing or deleting the address later never changes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipTo {
    pub recipient: String,
    /// As the carrier dials it (`13800138000`, `+852 91234567`).
    pub phone: String,
    pub region: String,
    pub detail: String,
    pub postcode: String,
}

impl ShipTo {
    pub fn of(address: &Address) -> ShipTo {
        ShipTo {
            recipient: address.recipient.clone(),
            phone: address.phone(),
            region: address.region.clone(),
            detail: address.detail.clone(),
            postcode: address.postcode.clone(),
        }
    }

    /// Everything on one line (who, phone, where), as the back office shows it; the ship
    /// form sends back the one it showed, so a parcel never leaves for an address the
    /// buyer has since changed.
    pub fn label(&self) -> String {
        format!("{} {} · {}", self.recipient, self.phone, self.one_line())
    }

    /// What the ship form sends back for an order: its label, or [`NO_SHIP_TO`].
    pub fn label_of(ship_to: Option<&ShipTo>) -> String {
        ship_to.map_or_else(|| NO_SHIP_TO.to_owned(), ShipTo::label)
    }

    /// The address on one line, as a label prints it.
    pub fn one_line(&self) -> String {
        let mut line = format!("{} {}", self.region, self.detail);
        if !self.postcode.is_empty() {
            line.push_str(&format!(" ({})", self.postcode));
        }
        line
    }
}

/// Characters a buyer cannot see but a label printer, a spreadsheet or the courier's app
/// would act on: the Unicode line and paragraph separators, zero-width characters, the
/// byte-order mark, the bidirectional controls (which can make "南山区" print reversed or
/// hide text), tag characters, and the blank "letters" that pass for a name (Hangul
/// fillers). The zero-width (non-)joiners are not here: emoji are built with them; only
/// address fields refuse them ([`clean`]).
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{180E}'
        | '\u{200B}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Trims `raw` and refuses control characters, [`invisible`] ones and the zero-width
/// joiners (nothing in an address needs them).
fn clean(raw: &str) -> Result<String, AddressProblem> {
    let text = raw.trim();
    if text
        .chars()
        .any(|c| c.is_control() || invisible(c) || matches!(c, '\u{200C}' | '\u{200D}'))
    {
        return Err(AddressProblem::ControlCharacters);
    }
    Ok(text.to_owned())
}

/// The number with spaces and dashes taken out, if it is valid for `area`.
pub fn check_mobile(area: PhoneArea, raw: &str) -> Result<String, AddressProblem> {
    let digits: String = raw
        .trim()
        .chars()
        // Spaces (a Chinese keyboard's full-width one too) and dashes group the digits.
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let ok = all_digits
        && match area {
            // 1 then a network digit 3–9, 11 digits in all.
            PhoneArea::Mainland => {
                digits.len() == 11 && digits.starts_with('1') && digits.as_bytes()[1] >= b'3'
            }
            // Fixed lines start with 2 or 3, mobiles with 4–9; none with 0 or 1.
            PhoneArea::HongKong => digits.len() == 8 && digits.as_bytes()[0] >= b'2',
            // Mobiles start with 6, fixed lines with 28.
            PhoneArea::Macau => {
                digits.len() == 8 && (digits.starts_with('6') || digits.starts_with("28"))
            }
        };
    if ok {
        Ok(digits)
    } else {
        Err(match area {
            PhoneArea::Mainland => AddressProblem::MobileMainland,
            PhoneArea::HongKong => AddressProblem::MobileHongKong,
            PhoneArea::Macau => AddressProblem::MobileMacau,
        })
    }
}

/// Whether a region code is in Hong Kong or Macau (their codes start 81 and 82).
pub fn is_sar(region_code: &str) -> bool {
    region_code.starts_with("81") || region_code.starts_with("82")
}

/// Checks a typed address. `region_known` says whether the region table has the code as a
/// district (the caller's table: the server's, or none in the browser).
pub fn check(
    form: &AddressForm,
    region_known: impl Fn(&str) -> bool,
) -> Result<CheckedAddress, AddressProblem> {
    let recipient = clean(&form.recipient)?;
    if recipient.is_empty() {
        return Err(AddressProblem::RecipientMissing);
    }
    if recipient.chars().count() > MAX_RECIPIENT {
        return Err(AddressProblem::RecipientTooLong);
    }
    let area = PhoneArea::parse(&form.area).unwrap_or_default();
    let mobile = check_mobile(area, &clean(&form.mobile)?)?;
    let region_code = clean(&form.region)?;
    if region_code.is_empty() || !region_known(&region_code) {
        return Err(AddressProblem::RegionMissing);
    }
    let detail = clean(&form.detail)?;
    let detail_len = detail.chars().count();
    if detail_len < MIN_DETAIL {
        return Err(AddressProblem::DetailMissing);
    }
    if detail_len > MAX_DETAIL {
        return Err(AddressProblem::DetailTooLong);
    }
    let postcode = clean(&form.postcode)?;
    let postcode_ok = if is_sar(&region_code) {
        postcode.is_empty()
    } else {
        postcode.is_empty() || (postcode.len() == 6 && postcode.bytes().all(|b| b.is_ascii_digit()))
    };
    if !postcode_ok {
        return Err(AddressProblem::Postcode);
    }
    Ok(CheckedAddress {
        recipient,
        area,
        mobile,
        region_code,
        detail,
        postcode,
    })
}

/// Free text of several lines (a remark, an after-sales description): trimmed, line breaks
/// stored as `\n`. `None` when it holds other control characters or [`invisible`] ones.
pub fn note_text(raw: &str) -> Option<String> {
    let text = raw.trim().replace("\r\n", "\n").replace('\r', "\n");
    (!text
        .chars()
        .any(|c| (c.is_control() && c != '\n') || invisible(c)))
    .then_some(text)
}

/// The buyer's note at checkout: trimmed, at most [`MAX_REMARK`] characters. Line breaks
/// are allowed here (a note may have several lines) and stored as `\n`; other control
/// characters and [`invisible`] ones are not.
pub fn check_remark(raw: &str) -> Result<String, AddressProblem> {
    let text = note_text(raw).ok_or(AddressProblem::ControlCharacters)?;
    if text.chars().count() > MAX_REMARK {
        return Err(AddressProblem::RemarkTooLong);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> AddressForm {
        AddressForm {
            recipient: "  张三 ".into(),
            area: "86".into(),
            mobile: "138 0013-8000".into(),
            region: "440305".into(),
            detail: "科技园南区 1 栋 101".into(),
            postcode: "518057".into(),
        }
    }

    fn known(code: &str) -> bool {
        matches!(code, "440305" | "810101" | "820101")
    }

    #[test]
    fn a_good_mainland_address_is_trimmed_and_normalised() {
        let a = check(&form(), known).expect("valid");
        assert_eq!(a.recipient, "张三");
        assert_eq!(a.mobile, "13800138000");
        assert_eq!(a.area, PhoneArea::Mainland);
        assert_eq!(a.postcode, "518057");
    }

    #[test]
    fn mobile_numbers_follow_their_area() {
        use AddressProblem::*;
        let cases = [
            (PhoneArea::Mainland, "13800138000", None),
            (PhoneArea::Mainland, "19912345678", None),
            (PhoneArea::Mainland, "1380013800", Some(MobileMainland)),
            (PhoneArea::Mainland, "23800138000", Some(MobileMainland)),
            (PhoneArea::Mainland, "12800138000", Some(MobileMainland)),
            (PhoneArea::Mainland, "1380013800a", Some(MobileMainland)),
            (PhoneArea::Mainland, "+8613800138000", Some(MobileMainland)),
            (PhoneArea::HongKong, "9123 4567", None),
            (PhoneArea::HongKong, "21234567", None),
            (PhoneArea::HongKong, "12345678", Some(MobileHongKong)),
            (PhoneArea::HongKong, "912345678", Some(MobileHongKong)),
            (PhoneArea::Macau, "66123456", None),
            (PhoneArea::Macau, "28123456", None),
            (PhoneArea::Macau, "91234567", Some(MobileMacau)),
            (PhoneArea::Macau, "", Some(MobileMacau)),
        ];
        for (area, raw, want) in cases {
            assert_eq!(check_mobile(area, raw).err(), want, "{area:?} {raw}");
        }
    }

    #[test]
    fn each_field_says_what_is_wrong() {
        use AddressProblem::*;
        let with = |f: fn(&mut AddressForm)| {
            let mut a = form();
            f(&mut a);
            check(&a, known).err()
        };
        assert_eq!(with(|a| a.recipient = "   ".into()), Some(RecipientMissing));
        assert_eq!(
            with(|a| a.recipient = "名".repeat(26)),
            Some(RecipientTooLong)
        );
        assert_eq!(
            with(|a| a.recipient = "张\n三".into()),
            Some(ControlCharacters)
        );
        assert_eq!(
            with(|a| a.detail = "1号\u{2028}楼".into()),
            Some(ControlCharacters)
        );
        assert_eq!(
            with(|a| a.detail = "路\u{0}".into()),
            Some(ControlCharacters)
        );
        // Invisible characters: a bidi override would print the street reversed; a
        // zero-width space hides in a name.
        for sneaky in [
            "\u{202E}区山南",
            "张\u{200B}三",
            "\u{FEFF}张三",
            "张\u{2066}三",
            "张\u{200D}三",
            "\u{3164}",
            "张三\u{E0041}",
        ] {
            let mut a = form();
            a.recipient = sneaky.into();
            assert_eq!(
                check(&a, known).err(),
                Some(ControlCharacters),
                "{sneaky:?}"
            );
        }
        assert_eq!(
            with(|a| a.mobile = "138\u{3000}0013\u{3000}8000".into()),
            None
        );
        assert_eq!(with(|a| a.region = String::new()), Some(RegionMissing));
        assert_eq!(with(|a| a.region = "4403".into()), Some(RegionMissing));
        assert_eq!(with(|a| a.detail = "1".into()), Some(DetailMissing));
        assert_eq!(with(|a| a.detail = "路".repeat(121)), Some(DetailTooLong));
        assert_eq!(with(|a| a.postcode = "51805".into()), Some(Postcode));
        assert_eq!(with(|a| a.postcode = String::new()), None);
        // Hong Kong: 8 digits with +852, and no postcode.
        assert_eq!(
            with(|a| {
                a.region = "810101".into();
                a.area = "852".into();
                a.mobile = "91234567".into();
                a.postcode = String::new();
            }),
            None
        );
        assert_eq!(
            with(|a| {
                a.region = "810101".into();
                a.area = "852".into();
                a.mobile = "91234567".into();
            }),
            Some(Postcode)
        );
    }

    #[test]
    fn remarks_keep_lines_and_refuse_other_controls() {
        assert_eq!(
            check_remark(" 请下午送\r\n谢谢 ").as_deref(),
            Ok("请下午送\n谢谢")
        );
        assert_eq!(check_remark("上午\r下午").as_deref(), Ok("上午\n下午"));
        // Emoji joined with a zero-width joiner are what a buyer types, not a trick.
        assert_eq!(
            check_remark("谢谢🙋\u{200D}♀\u{FE0F}").as_deref(),
            Ok("谢谢🙋\u{200D}♀\u{FE0F}")
        );
        for bad in ["a\u{2028}b", "a\u{202E}b"] {
            assert_eq!(check_remark(bad), Err(AddressProblem::ControlCharacters));
        }
        assert_eq!(
            check_remark("a\u{7}"),
            Err(AddressProblem::ControlCharacters)
        );
        assert_eq!(
            check_remark(&"字".repeat(MAX_REMARK + 1)),
            Err(AddressProblem::RemarkTooLong)
        );
        assert_eq!(
            check_remark(&"字".repeat(MAX_REMARK)).map(|r| r.len()),
            Ok(600)
        );
    }

    #[test]
    fn region_parents_never_panic() {
        assert_eq!(parent_code("440305"), "4403");
        assert_eq!(parent_code("4403"), "44");
        assert_eq!(parent_code("44"), "");
        // Four bytes that are not four characters: no slice inside a character.
        assert_eq!(parent_code("4é4"), "");
        assert_eq!(parent_code("南山"), "");
    }

    #[test]
    fn problems_round_trip_through_their_codes() {
        for (p, _) in AddressProblem::CODES {
            assert_eq!(AddressProblem::from_code(p.code()), Some(p));
        }
        assert_eq!(AddressProblem::from_code("nonsense"), None);
    }

    #[test]
    fn phones_are_shown_as_a_carrier_dials_them() {
        assert_eq!(PhoneArea::Mainland.display("13800138000"), "13800138000");
        assert_eq!(PhoneArea::HongKong.display("91234567"), "+852 91234567");
        assert_eq!(PhoneArea::parse("+853"), Some(PhoneArea::Macau));
        assert_eq!(PhoneArea::parse("1"), None);
    }

    proptest! {
        /// Whatever is typed, an accepted address holds no control character and fits
        /// its limits, so it can go on a label and into a CSV row as it is.
        #[test]
        fn accepted_addresses_are_printable(recipient in "\\PC{0,30}|.{0,5}", detail in "\\PC{0,130}|.{0,10}", mobile in "1[0-9 -]{10,13}") {
            let f = AddressForm { recipient, detail, mobile, ..form() };
            if let Ok(a) = check(&f, known) {
                for field in [&a.recipient, &a.detail, &a.mobile] {
                    prop_assert!(!field.chars().any(char::is_control));
                }
                prop_assert!(a.recipient.chars().count() <= MAX_RECIPIENT);
                prop_assert!((MIN_DETAIL..=MAX_DETAIL).contains(&a.detail.chars().count()));
                prop_assert_eq!(a.mobile.len(), 11);
            }
        }
    }
}
