//! The carriers a merchant ships with, and where a buyer follows a parcel.
//!
//! The merchant picks a carrier from this list (the order keeps its [`Carrier::code`]); the
//! buyer's order page names it in their language and links the tracking number to the
//! carrier's tracking page. Orders shipped before the list keep their typed carrier name,
//! shown as it is, without a link.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Carrier {
    SfExpress,
    Ems,
    Zto,
    Yto,
    Yunda,
    Sto,
    Jd,
    HongkongPost,
    /// Anything else: named "other carrier", with no tracking link.
    Other,
}

/// One carrier: its stored code, its names and its tracking page, where `{no}` is the
/// tracking number.
struct Row {
    carrier: Carrier,
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    tracking: Option<&'static str>,
}

/// The mainland carriers link to kuaidi100's query page (one page that knows them all, with
/// each carrier's kuaidi100 code); SF Express and Hongkong Post to their own.
static TABLE: [Row; 9] = [
    Row {
        carrier: Carrier::SfExpress,
        code: "sf",
        zh: "顺丰速运",
        en: "SF Express",
        tracking: Some("https://www.sf-express.com/chn/sc/waybill/waybill-detail/{no}"),
    },
    Row {
        carrier: Carrier::Ems,
        code: "ems",
        zh: "EMS",
        en: "EMS",
        tracking: Some("https://www.kuaidi100.com/chaxun?com=ems&nu={no}"),
    },
    Row {
        carrier: Carrier::Zto,
        code: "zto",
        zh: "中通快递",
        en: "ZTO Express",
        tracking: Some("https://www.kuaidi100.com/chaxun?com=zhongtong&nu={no}"),
    },
    Row {
        carrier: Carrier::Yto,
        code: "yto",
        zh: "圆通速递",
        en: "YTO Express",
        tracking: Some("https://www.kuaidi100.com/chaxun?com=yuantong&nu={no}"),
    },
    Row {
        carrier: Carrier::Yunda,
        code: "yunda",
        zh: "韵达快递",
        en: "Yunda Express",
        tracking: Some("https://www.kuaidi100.com/chaxun?com=yunda&nu={no}"),
    },
    Row {
        carrier: Carrier::Sto,
        code: "sto",
        zh: "申通快递",
        en: "STO Express",
        tracking: Some("https://www.kuaidi100.com/chaxun?com=shentong&nu={no}"),
    },
    Row {
        carrier: Carrier::Jd,
        code: "jd",
        zh: "京东物流",
        en: "JD Logistics",
        tracking: Some("https://www.kuaidi100.com/chaxun?com=jd&nu={no}"),
    },
    Row {
        carrier: Carrier::HongkongPost,
        code: "hkpost",
        zh: "香港邮政",
        en: "Hongkong Post",
        tracking: Some("https://www.hongkongpost.hk/en/mail_tracking/index.html?trackcode={no}"),
    },
    Row {
        carrier: Carrier::Other,
        code: "other",
        zh: "其他快递",
        en: "Other carrier",
        tracking: None,
    },
];

impl Carrier {
    /// In the order the ship form lists them.
    pub const ALL: [Carrier; 9] = [
        Carrier::SfExpress,
        Carrier::Ems,
        Carrier::Zto,
        Carrier::Yto,
        Carrier::Yunda,
        Carrier::Sto,
        Carrier::Jd,
        Carrier::HongkongPost,
        Carrier::Other,
    ];

    fn row(self) -> &'static Row {
        // Every carrier has a row (a test walks ALL); `Other`'s is the fallback.
        TABLE
            .iter()
            .find(|row| row.carrier == self)
            .unwrap_or(&TABLE[TABLE.len() - 1])
    }

    /// As stored in `orders.carrier`.
    pub fn code(self) -> &'static str {
        self.row().code
    }

    pub fn from_code(code: &str) -> Option<Carrier> {
        TABLE
            .iter()
            .find(|row| row.code == code.trim())
            .map(|row| row.carrier)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.row().zh,
            Lang::En => self.row().en,
        }
    }

    /// The carrier's tracking page for `tracking_no`, if it has one. Tracking numbers are
    /// letters, digits and `-` (the ship form refuses anything else); any other number gets
    /// no link rather than a malformed one.
    pub fn tracking_url(self, tracking_no: &str) -> Option<String> {
        let ok = !tracking_no.is_empty()
            && tracking_no
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        let pattern = self.row().tracking?;
        ok.then(|| pattern.replace("{no}", tracking_no))
    }
}

/// How an order's stored carrier reads to the buyer, with its tracking link: a listed
/// A tracking number as typed (the merchant's parcel, the buyer's return): trimmed, 1 to 64
/// of letters, digits and `-`.
pub fn tracking_no(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty() && t.len() <= 64 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| t.to_owned())
}

/// carrier by its name in `lang`, an older typed name as it is.
pub fn describe(stored: &str, tracking_no: &str, lang: Lang) -> (String, Option<String>) {
    match Carrier::from_code(stored) {
        Some(carrier) => (
            carrier.name(lang).to_owned(),
            carrier.tracking_url(tracking_no),
        ),
        None => (stored.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_carrier_has_its_own_row_and_code() {
        for carrier in Carrier::ALL {
            assert_eq!(carrier.row().carrier, carrier, "{carrier:?}");
            assert_eq!(Carrier::from_code(carrier.code()), Some(carrier));
        }
        let mut codes: Vec<_> = Carrier::ALL.iter().map(|c| c.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Carrier::ALL.len());
        assert_eq!(Carrier::from_code("顺丰速运"), None);
    }

    #[test]
    fn tracking_links_carry_the_number_and_nothing_else() {
        assert_eq!(
            Carrier::Zto.tracking_url("7312345678901").as_deref(),
            Some("https://www.kuaidi100.com/chaxun?com=zhongtong&nu=7312345678901")
        );
        assert_eq!(
            Carrier::SfExpress.tracking_url("SF1234567890").as_deref(),
            Some("https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890")
        );
        assert_eq!(Carrier::Other.tracking_url("X1"), None);
        assert_eq!(Carrier::Ems.tracking_url("a&b=c"), None);
        assert_eq!(Carrier::Ems.tracking_url(""), None);
    }

    #[test]
    fn older_orders_keep_their_typed_carrier() {
        assert_eq!(
            describe("顺丰速运", "SF1", Lang::En),
            ("顺丰速运".to_owned(), None)
        );
        assert_eq!(describe("sf", "SF1", Lang::En).0, "SF Express");
        assert_eq!(describe("yunda", "1", Lang::Zh).0, "韵达快递");
    }

    #[test]
    fn tracking_numbers_are_plain() {
        assert_eq!(tracking_no(" SF123-4 "), Some("SF123-4".to_owned()));
        assert_eq!(tracking_no("SF 123"), None);
        assert_eq!(tracking_no(""), None);
        assert_eq!(tracking_no(&"9".repeat(65)), None);
    }
}
