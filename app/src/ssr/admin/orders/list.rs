//! The back office's order list: filtered by status, date (China time) and order number or
//! openid; and the same list as CSV.

use crate::address::ShipTo;
use crate::admin::{AdminOrderRow, OrderFilter};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;
use crate::ssr::db::{flag, Database};
use crate::time::{parse_date, CHINA_OFFSET_SECS};

#[derive(sqlx::FromRow)]
struct ListRow {
    order_no: String,
    #[sqlx(try_from = "String")]
    openid: Openid,
    #[sqlx(try_from = "String")]
    status: OrderStatus,
    #[sqlx(try_from = "String")]
    currency: Currency,
    total_minor: i64,
    item_count: i64,
    product_info: String,
    created_at: i64,
    needs_attention: i64,
    ship_recipient: Option<String>,
    ship_phone: Option<String>,
    ship_region: Option<String>,
    ship_detail: Option<String>,
    ship_postcode: Option<String>,
    remark: String,
}

/// Orders matching the filter, newest first, at most `limit`.
pub async fn list(
    db: &Database,
    filter: &OrderFilter,
    limit: i64,
) -> Result<Vec<AdminOrderRow>, ShopError> {
    let mut sql = String::from(
        "SELECT order_no, openid, status, currency, total_minor, item_count, product_info,
                created_at, needs_attention, ship_recipient, ship_phone, ship_region,
                ship_detail, ship_postcode, remark FROM orders WHERE 1 = 1",
    );
    let mut texts: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    // Placeholders are numbered in the order the values are bound: texts first, then ints.
    let status = filter.status.as_deref().filter(|s| !s.is_empty());
    if let Some(status) = status {
        if status == "attention" {
            sql.push_str(" AND needs_attention = 1");
        } else {
            let status = OrderStatus::from_code(status)
                .ok_or(ShopError::Request("unknown status".into()))?;
            texts.push(status.code().to_owned());
            sql.push_str(&format!(" AND status = ${}", texts.len()));
        }
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        texts.push(q.to_owned());
        let n = texts.len();
        sql.push_str(&format!(" AND (order_no = ${n} OR openid = ${n})"));
    }
    let mut bounds = Vec::new();
    if let Some(from) = filter.from.as_deref().filter(|s| !s.is_empty()) {
        let at = parse_date(from, CHINA_OFFSET_SECS)
            .ok_or(ShopError::Request("bad from date".into()))?;
        bounds.push((">=", at * 1000));
    }
    if let Some(to) = filter.to.as_deref().filter(|s| !s.is_empty()) {
        let at =
            parse_date(to, CHINA_OFFSET_SECS).ok_or(ShopError::Request("bad to date".into()))?;
        bounds.push(("<", (at + 86_400) * 1000));
    }
    for (op, value) in bounds {
        ints.push(value);
        sql.push_str(&format!(
            " AND created_at {op} ${}",
            texts.len() + ints.len()
        ));
    }
    ints.push(limit.clamp(1, 10_000));
    sql.push_str(&format!(
        " ORDER BY created_at DESC, id DESC LIMIT ${}",
        texts.len() + ints.len()
    ));
    let mut query = sqlx::query_as::<_, ListRow>(&sql);
    for t in &texts {
        query = query.bind(t.clone());
    }
    for i in &ints {
        query = query.bind(*i);
    }
    let rows = query.fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| AdminOrderRow {
            ship_to: match (r.ship_recipient, r.ship_phone, r.ship_region, r.ship_detail) {
                (Some(recipient), Some(phone), Some(region), Some(detail)) => Some(ShipTo {
                    recipient,
                    phone,
                    region,
                    detail,
                    postcode: r.ship_postcode.unwrap_or_default(),
                }),
                _ => None,
            },
            remark: r.remark,
            status: r.status,
            order_no: r.order_no,
            openid: r.openid.to_string(),
            total: Money::new(r.total_minor, r.currency),
            item_count: r.item_count,
            title: r.product_info,
            created_at_ms: r.created_at,
            needs_attention: flag(r.needs_attention),
        })
        .collect())
}

fn csv_field(value: &str) -> String {
    // Quote everything; neutralise spreadsheet formulas (=, +, -, @, tab or CR at the
    // start: OWASP's list).
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// The list as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese titles).
pub async fn csv(db: &Database, filter: &OrderFilter) -> Result<String, ShopError> {
    let rows = list(db, filter, 10_000).await?;
    let mut out = String::from(
        "\u{feff}order_no,created_at,status,currency,total,items,title,openid,needs_attention,\
         recipient,phone,region,address,postcode,remark\r\n",
    );
    for r in rows {
        let to = r.ship_to.as_ref();
        let fields = [
            r.order_no.clone(),
            crate::time::display_ms(r.created_at_ms),
            r.status.code().to_owned(),
            r.total.currency.code().to_owned(),
            r.total.decimal(),
            r.item_count.to_string(),
            r.title.clone(),
            r.openid.clone(),
            u8::from(r.needs_attention).to_string(),
            to.map(|s| s.recipient.clone()).unwrap_or_default(),
            // `852 91234567`: a leading `+` would be quoted as a formula (`'+852…`).
            to.map(|s| s.phone.trim_start_matches('+').to_owned())
                .unwrap_or_default(),
            to.map(|s| s.region.clone()).unwrap_or_default(),
            to.map(|s| s.detail.clone()).unwrap_or_default(),
            to.map(|s| s.postcode.clone()).unwrap_or_default(),
            r.remark.clone(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formula_safe() {
        assert_eq!(csv_field("龙井 \"明前\""), "\"龙井 \"\"明前\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }
}
