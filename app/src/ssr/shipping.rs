//! Shipping rules in the database: read for the cart's quote and for checkout, kept by the
//! back office. The rules themselves (which applies, what it costs) are `crate::shipping`.

use super::addresses;
use super::db::{flag, Database};
use super::regions::regions;
use super::web::now_ms;
use crate::address::{parent_code, AddressId};
use crate::admin::{ShippingRuleView, ShippingSettings};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::i18n::shipping::shipping_t;
use crate::model::CartView;
use crate::money::{Currency, Money};
use crate::shipping::{max_amount, quote, Parcel, Quote, Rule, WeightSteps};
use sqlx::Any;

#[derive(sqlx::FromRow)]
struct RuleRow {
    region_code: String,
    delivers: i64,
    first_minor: i64,
    additional_minor: i64,
    free_above_minor: Option<i64>,
    first_weight_g: Option<i64>,
    step_weight_g: Option<i64>,
}

impl From<RuleRow> for Rule {
    fn from(r: RuleRow) -> Rule {
        Rule {
            region_code: r.region_code,
            delivers: flag(r.delivers),
            first_minor: r.first_minor,
            additional_minor: r.additional_minor,
            free_above_minor: r.free_above_minor,
            by_weight: match (r.first_weight_g, r.step_weight_g) {
                (Some(first_g), Some(step_g)) => Some(WeightSteps { first_g, step_g }),
                _ => None,
            },
        }
    }
}

const COLUMNS: &str = "region_code, delivers, first_minor, additional_minor, free_above_minor, \
    first_weight_g, step_weight_g";

/// The district and the regions above it, most specific first, then the shop (`""`).
fn chain(district: &str) -> Vec<&str> {
    let mut codes = vec![district];
    let mut at = district;
    while !at.is_empty() {
        at = parent_code(at);
        codes.push(at);
    }
    codes.dedup();
    codes
}

/// The rules that can apply to a parcel to `district` (at most four rows, through the
/// unique index on `region_code`), read with `executor`: the pool for a quote, checkout's
/// transaction when placing an order.
pub async fn rules_over<'e, E>(executor: E, district: &str) -> Result<Vec<Rule>, ShopError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let codes = chain(district);
    let placeholders: Vec<String> = (1..=codes.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM shipping_rules WHERE region_code IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, RuleRow>(&sql);
    for code in codes {
        query = query.bind(code.to_owned());
    }
    Ok(query
        .fetch_all(executor)
        .await?
        .into_iter()
        .map(Rule::from)
        .collect())
}

/// What shipping the parcel to `district` costs, by today's rules.
pub async fn quote_for(db: &Database, district: &str, parcel: Parcel) -> Result<Quote, ShopError> {
    let rules = rules_over(db.pool(), district).await?;
    Ok(quote(&rules, district, parcel))
}

/// The cart with its shipping quote for the address the buyer chose (`asked`, else their
/// default); without an address, or with an empty cart, there is none.
pub async fn for_cart(
    db: &Database,
    buyer: &Openid,
    mut cart: CartView,
    asked: Option<AddressId>,
) -> Result<CartView, ShopError> {
    if cart.lines.is_empty() {
        return Ok(cart);
    }
    if let Some(address) = addresses::chosen(db, buyer, asked).await? {
        let parcel = Parcel {
            goods: cart.total,
            items: cart.count,
            weight_g: cart.weight_g(),
        };
        cart.shipping = Some(quote_for(db, &address.region_code, parcel).await?);
    }
    Ok(cart)
}

/// The back office's shipping page: every rule with its region's name, and the provinces a
/// new rule can be for.
pub async fn settings(db: &Database, currency: Currency) -> Result<ShippingSettings, ShopError> {
    let rows: Vec<RuleRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM shipping_rules ORDER BY region_code"
    ))
    .fetch_all(db.pool())
    .await?;
    let table = regions();
    let rules = rows
        .into_iter()
        .map(Rule::from)
        .map(|r| ShippingRuleView {
            region_name: if r.region_code.is_empty() {
                String::new()
            } else {
                table
                    .path(&r.region_code)
                    .iter()
                    .map(|region| region.name)
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            delivers: r.delivers,
            first: Money::new(r.first_minor, currency),
            additional: Money::new(r.additional_minor, currency),
            free_above: r.free_above_minor.map(|m| Money::new(m, currency)),
            by_weight: r.by_weight,
            region_code: r.region_code,
        })
        .collect();
    let provinces = table
        .children("")
        .iter()
        .map(|r| (r.code.to_owned(), r.name.to_owned()))
        .collect();
    Ok(ShippingSettings { rules, provinces })
}

/// What the shipping form posts, as text.
pub struct RuleForm<'a> {
    pub region_code: &'a str,
    pub delivers: bool,
    pub first: &'a str,
    pub additional: &'a str,
    /// Empty: never free.
    pub free_above: &'a str,
    /// Charged by weight: the first weight and the step, in grams.
    pub by_weight: bool,
    pub first_weight: &'a str,
    pub step_weight: &'a str,
}

fn grams(raw: &str) -> Result<i64, ShopError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|g| (1..=1_000_000).contains(g))
        .ok_or_else(|| ShopError::Invalid(shipping_t().err_weight.to_owned()))
}

fn amount(raw: &str, currency: Currency, field: &str) -> Result<i64, ShopError> {
    let raw = raw.trim();
    let raw = if raw.is_empty() { "0" } else { raw };
    match Money::parse_decimal(raw, currency) {
        Some(m) if m.minor >= 0 && m.minor <= max_amount(currency) => Ok(m.minor),
        _ => Err(ShopError::Invalid(format!(
            "{field}: {}",
            shipping_t().err_amount
        ))),
    }
}

/// Sets the rule for a region (`""`: the whole shop), replacing the one it had. Orders
/// already placed keep the fee they were charged.
pub async fn save(db: &Database, form: &RuleForm<'_>, currency: Currency) -> Result<(), ShopError> {
    let code = form.region_code.trim();
    if !code.is_empty() && regions().get(code).is_none() {
        return Err(ShopError::Invalid(shipping_t().err_region.to_owned()));
    }
    let s = shipping_t();
    let first = amount(form.first, currency, s.first)?;
    let additional = amount(form.additional, currency, s.additional)?;
    let free_above = match form.free_above.trim() {
        "" => None,
        raw => Some(amount(raw, currency, s.free_above)?),
    };
    let (first_weight, step_weight) = if form.by_weight {
        (
            Some(grams(form.first_weight)?),
            Some(grams(form.step_weight)?),
        )
    } else {
        (None, None)
    };
    sqlx::query(
        "INSERT INTO shipping_rules (region_code, delivers, first_minor, additional_minor,
             free_above_minor, updated_at, first_weight_g, step_weight_g)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (region_code) DO UPDATE SET delivers = excluded.delivers,
             first_minor = excluded.first_minor, additional_minor = excluded.additional_minor,
             free_above_minor = excluded.free_above_minor, updated_at = excluded.updated_at,
             first_weight_g = excluded.first_weight_g, step_weight_g = excluded.step_weight_g",
    )
    .bind(code)
    .bind(i64::from(form.delivers))
    .bind(first)
    .bind(additional)
    .bind(free_above)
    .bind(now_ms())
    .bind(first_weight)
    .bind(step_weight)
    .execute(db.pool())
    .await?;
    tracing::info!(
        region = code,
        delivers = form.delivers,
        first,
        additional,
        ?free_above,
        ?first_weight,
        ?step_weight,
        "shipping rule saved"
    );
    Ok(())
}

/// Removes a region's rule: parcels there go by the next rule up. The shop's own rule stays.
pub async fn remove(db: &Database, region_code: &str) -> Result<(), ShopError> {
    if region_code.is_empty() {
        return Err(ShopError::Invalid(shipping_t().err_whole_shop.to_owned()));
    }
    let done = sqlx::query("DELETE FROM shipping_rules WHERE region_code = $1")
        .bind(region_code)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(ShopError::NotFound);
    }
    tracing::info!(region = region_code, "shipping rule removed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[test]
    fn a_district_goes_up_to_the_shop() {
        assert_eq!(chain("440305"), ["440305", "4403", "44", ""]);
        assert_eq!(chain("44"), ["44", ""]);
        assert_eq!(chain(""), [""]);
    }
}
