//! Variants (SKUs): a product's options (up to three, e.g. 规格: 150g / 300g; 包装: 罐装 /
//! 袋装) and the combination a buyer picks. The rules here are shared by the product page
//! (server-rendered and hydrated), the cart and the back office, so they never disagree.

use crate::ids::VariantId;
use crate::model::Image;
use crate::money::Money;
use serde::{Deserialize, Serialize};

/// Options one product may have.
pub const MAX_OPTIONS: usize = 3;
/// Values one option may have.
pub const MAX_VALUES: usize = 20;
/// Combinations one product may have (each is a row the merchant prices and stocks).
pub const MAX_VARIANTS: usize = 100;
/// Characters in an option's name or value.
pub const MAX_TEXT: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    /// In the merchant's order.
    pub values: Vec<String>,
}

/// One combination a buyer can buy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: VariantId,
    /// One value per option of the product, in the options' order (empty without options).
    pub values: Vec<String>,
    pub price: Money,
    pub stock: i64,
    pub image: Option<Image>,
}

/// What the buyer has picked: a value (or nothing yet) per option.
pub type Choice = Vec<Option<String>>;

/// The variant a page opens with: the first one in stock, else the first.
pub fn default_variant(variants: &[Variant]) -> Option<&Variant> {
    variants
        .iter()
        .find(|v| v.stock > 0)
        .or_else(|| variants.first())
}

/// The choice a variant stands for.
pub fn choice_of(variant: &Variant) -> Choice {
    variant.values.iter().cloned().map(Some).collect()
}

/// Whether one value of one option can be bought, given what is picked for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Available,
    SoldOut,
    /// The merchant sells no such combination.
    Missing,
}

impl Availability {
    pub fn code(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::SoldOut => "sold-out",
            Availability::Missing => "missing",
        }
    }
}

/// The availability of `value` for option `option`, over combinations given as (values,
/// stock), with `picked` the other options' values ("" where nothing is picked yet: any
/// value will do).
pub fn availability<'a>(
    combos: impl IntoIterator<Item = (&'a [String], i64)>,
    picked: &[String],
    option: usize,
    value: &str,
) -> Availability {
    let mut any = false;
    for (values, stock) in combos {
        let fits = values.iter().enumerate().all(|(k, v)| {
            if k == option {
                v == value
            } else {
                picked.get(k).is_none_or(|p| p.is_empty() || p == v)
            }
        });
        if fits {
            if stock > 0 {
                return Availability::Available;
            }
            any = true;
        }
    }
    if any {
        Availability::SoldOut
    } else {
        Availability::Missing
    }
}

/// How a line names its variant: `150g / 罐装` (empty for a product without options).
pub fn option_text<S: AsRef<str>>(values: &[S]) -> String {
    values
        .iter()
        .map(AsRef::as_ref)
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The choice a page's query asks for (`o1`, `o2`, `o3`), read against the options: a value
/// the option does not have is no choice.
pub fn read_choice(options: &[ProductOption], asked: [Option<&str>; MAX_OPTIONS]) -> Choice {
    options
        .iter()
        .zip(asked)
        .map(|(option, asked)| {
            asked
                .map(str::trim)
                .filter(|a| option.values.iter().any(|v| v == a))
                .map(str::to_owned)
        })
        .collect()
}

/// Why the merchant's options were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionsProblem {
    TooMany,
    /// An option has a name but no values, or values but no name.
    Incomplete(usize),
    TooLong(usize),
    TooManyValues(usize),
    DuplicateName(usize),
    TooManyVariants(usize),
}

/// Values as the merchant typed them: separated by commas (either width), 、, or new lines;
/// trimmed, empty ones and repeats dropped.
pub fn split_values(text: &str) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for v in text.split([',', '，', '、', '\n', '\r', ';', '；']) {
        let v = v.trim();
        if !v.is_empty() && !values.iter().any(|have| have == v) {
            values.push(v.to_owned());
        }
    }
    values
}

/// The merchant's options (name and values text, up to three; blank rows skipped), checked.
pub fn parse_options(rows: &[(&str, &str)]) -> Result<Vec<ProductOption>, OptionsProblem> {
    let mut options: Vec<ProductOption> = Vec::new();
    for (n, (name, values)) in rows.iter().enumerate() {
        let row = n + 1;
        let name = name.trim();
        let values = split_values(values);
        match (name.is_empty(), values.is_empty()) {
            (true, true) => continue,
            (false, false) => {}
            _ => return Err(OptionsProblem::Incomplete(row)),
        }
        if options.len() == MAX_OPTIONS {
            return Err(OptionsProblem::TooMany);
        }
        if name.chars().count() > MAX_TEXT || values.iter().any(|v| v.chars().count() > MAX_TEXT) {
            return Err(OptionsProblem::TooLong(row));
        }
        if values.len() > MAX_VALUES {
            return Err(OptionsProblem::TooManyValues(row));
        }
        if options.iter().any(|o| o.name == name) {
            return Err(OptionsProblem::DuplicateName(row));
        }
        options.push(ProductOption {
            name: name.to_owned(),
            values,
        });
    }
    let count: usize = options.iter().map(|o| o.values.len()).product();
    if count > MAX_VARIANTS {
        return Err(OptionsProblem::TooManyVariants(count));
    }
    Ok(options)
}

/// Every combination of the options' values, first option slowest, padded with '' to three
/// (the database's `option1..3`). No options: the one implicit variant.
pub fn combinations(options: &[ProductOption]) -> Vec<[String; MAX_OPTIONS]> {
    let mut out: Vec<[String; MAX_OPTIONS]> = vec![Default::default()];
    for (i, option) in options.iter().enumerate().take(MAX_OPTIONS) {
        out = out
            .into_iter()
            .flat_map(|combo| {
                option.values.iter().map(move |v| {
                    let mut next = combo.clone();
                    next[i] = v.clone();
                    next
                })
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;

    fn variant(id: i64, values: &[&str], stock: i64) -> Variant {
        Variant {
            id: VariantId(id),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            price: Money::new(100 * id, Currency::Hkd),
            stock,
            image: None,
        }
    }

    fn tea() -> Vec<Variant> {
        // 150g has both packs; 300g only 罐装, which is sold out.
        vec![
            variant(1, &["150g", "罐装"], 5),
            variant(2, &["150g", "袋装"], 0),
            variant(3, &["300g", "罐装"], 0),
        ]
    }

    fn combos(v: &[Variant]) -> impl Iterator<Item = (&[String], i64)> {
        v.iter().map(|v| (v.values.as_slice(), v.stock))
    }

    fn some(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn a_page_opens_on_the_first_variant_in_stock() {
        let v = tea();
        assert_eq!(default_variant(&v).map(|v| v.id.0), Some(1));
        assert_eq!(
            choice_of(&v[1]),
            vec![Some("150g".to_owned()), Some("袋装".to_owned())]
        );
        let sold_out = vec![variant(4, &["x"], 0), variant(5, &["y"], 0)];
        assert_eq!(default_variant(&sold_out).map(|v| v.id.0), Some(4));
    }

    #[test]
    fn values_are_available_sold_out_or_missing_given_the_other_choices() {
        let v = tea();
        let picked = some(&["300g", "罐装"]);
        assert_eq!(
            availability(combos(&v), &picked, 1, "袋装"),
            Availability::Missing
        );
        assert_eq!(
            availability(combos(&v), &picked, 1, "罐装"),
            Availability::SoldOut
        );
        assert_eq!(
            availability(combos(&v), &picked, 0, "150g"),
            Availability::Available
        );
        // Nothing picked for the other option: some way to get it is enough.
        let half = some(&["", "袋装"]);
        assert_eq!(
            availability(combos(&v), &half, 0, "300g"),
            Availability::Missing
        );
        assert_eq!(
            availability(combos(&v), &half, 0, "150g"),
            Availability::SoldOut
        );
        assert_eq!(Availability::SoldOut.code(), "sold-out");
    }

    #[test]
    fn the_query_picks_only_values_the_options_have() {
        let options = vec![
            ProductOption {
                name: "规格".into(),
                values: vec!["150g".into(), "300g".into()],
            },
            ProductOption {
                name: "包装".into(),
                values: vec!["罐装".into()],
            },
        ];
        assert_eq!(
            read_choice(&options, [Some(" 300g "), Some("铁盒"), Some("x")]),
            vec![Some("300g".to_owned()), None]
        );
        assert_eq!(option_text(&["150g", "罐装", ""]), "150g / 罐装");
        assert_eq!(option_text::<&str>(&[]), "");
    }

    #[test]
    fn merchants_options_are_split_trimmed_and_checked() {
        assert_eq!(
            split_values("150g，300g, 150g、 500g\n"),
            vec!["150g", "300g", "500g"]
        );
        let ok = parse_options(&[("规格", "150g,300g"), ("", ""), ("包装", "罐装/袋装")]);
        assert_eq!(ok.as_ref().map(Vec::len), Ok(2));
        assert_eq!(
            parse_options(&[("规格", "")]),
            Err(OptionsProblem::Incomplete(1))
        );
        assert_eq!(
            parse_options(&[("规格", "a"), ("规格", "b")]),
            Err(OptionsProblem::DuplicateName(2))
        );
        let many: String = (0..11).map(|i| format!("{i},")).collect();
        assert_eq!(
            parse_options(&[("a", &many), ("b", &many)]),
            Err(OptionsProblem::TooManyVariants(121))
        );
        assert_eq!(parse_options(&[]), Ok(vec![]));
    }

    proptest! {
        /// Every combination is there exactly once, in the database's shape.
        #[test]
        fn combinations_are_the_whole_product_of_the_values(sizes in prop::collection::vec(1usize..5, 0..=3)) {
            let options: Vec<ProductOption> = sizes.iter().enumerate().map(|(i, n)| ProductOption {
                name: format!("o{i}"),
                values: (0..*n).map(|k| format!("v{i}{k}")).collect(),
            }).collect();
            let combos = combinations(&options);
            prop_assert_eq!(combos.len(), sizes.iter().product::<usize>());
            let mut unique = combos.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), combos.len());
            for combo in &combos {
                for (i, slot) in combo.iter().enumerate() {
                    prop_assert_eq!(slot.is_empty(), i >= options.len());
                }
            }
        }

        /// A value is available exactly when some variant in stock has it along with every
        /// other picked value, sold out when only sold-out ones do, else missing.
        #[test]
        fn availability_agrees_with_the_variants(stocks in prop::collection::vec(0i64..3, 4), pick in prop::collection::vec(prop::option::of(0usize..2), 2)) {
            let values = [["a", "x"], ["a", "y"], ["b", "x"], ["b", "y"]];
            let variants: Vec<Variant> = values.iter().zip(&stocks).enumerate()
                .map(|(i, (vals, stock))| variant(i as i64 + 1, vals, *stock)).collect();
            let names = [["a", "b"], ["x", "y"]];
            let choice: Vec<String> = pick.iter().enumerate()
                .map(|(o, p)| p.map(|k| names[o][k].to_owned()).unwrap_or_default()).collect();
            for (o, opts) in names.iter().enumerate() {
                for value in opts {
                    let fits = |v: &&Variant| v.values[o] == *value
                        && choice.iter().enumerate().all(|(k, c)| k == o || c.is_empty() || *c == v.values[k]);
                    let want = if variants.iter().filter(fits).any(|v| v.stock > 0) {
                        Availability::Available
                    } else if variants.iter().any(|v| fits(&v)) {
                        Availability::SoldOut
                    } else {
                        Availability::Missing
                    };
                    prop_assert_eq!(availability(combos(&variants), &choice, o, value), want);
                }
            }
        }
    }
}
