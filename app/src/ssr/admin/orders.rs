//! The back office's view of orders: the dashboard's numbers, the filtered list (and its CSV),
//! and an order's full detail with every notification received.

use crate::admin::{
    AdminEvent, AdminOrderDetail, AdminOrderRow, Dashboard, NotificationRow, OrderFilter, Period,
    RefundRow, RefundStatus,
};
use crate::error::ShopError;
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;
use crate::ssr::context::ShopState;
use crate::ssr::db::{flag, now_ms, Database};
use crate::ssr::orders::store;
use crate::time::{china_midnight_ms, china_month_day, parse_date, CHINA_OFFSET_SECS};

const PAID_STATUSES: &str = "('paid', 'shipped', 'completed', 'refund_pending', 'refunded')";

/// Refunds the gateway confirmed since `since_ms`, per currency: they count against the
/// revenue of the day they were confirmed (cash basis), whenever the order was paid.
async fn refunded_since(db: &Database, since_ms: i64) -> Result<Vec<(String, i64)>, ShopError> {
    Ok(sqlx::query_as(
        "SELECT o.currency, CAST(COALESCE(SUM(r.amount_minor), 0) AS BIGINT)
         FROM refunds r JOIN orders o ON o.id = r.order_id
         WHERE r.status = $1 AND COALESCE(r.settled_at, r.updated_at) >= $2
         GROUP BY o.currency ORDER BY o.currency",
    )
    .bind(RefundStatus::Succeeded.code())
    .bind(since_ms)
    .fetch_all(db.pool())
    .await?)
}

/// Paid orders since `since_ms`, their average value, and the revenue: payments received
/// minus refunds confirmed in the period.
async fn period(db: &Database, since_ms: i64) -> Result<Period, ShopError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT currency, COUNT(*), CAST(COALESCE(SUM(total_minor), 0) AS BIGINT)
         FROM orders WHERE paid_at >= $1 AND status IN {PAID_STATUSES}
         GROUP BY currency ORDER BY currency"
    ))
    .bind(since_ms)
    .fetch_all(db.pool())
    .await?;
    // currency → (paid orders, paid, refunded)
    let mut sums: std::collections::BTreeMap<String, (i64, i64, i64)> = rows
        .into_iter()
        .map(|(code, count, sum)| (code, (count, sum, 0)))
        .collect();
    for (code, refunded) in refunded_since(db, since_ms).await? {
        sums.entry(code).or_default().2 += refunded;
    }
    let mut period = Period {
        paid_orders: 0,
        revenue: Vec::new(),
        average: Vec::new(),
    };
    for (code, (count, sum, refunded)) in sums {
        let Some(currency) = Currency::from_code(&code) else {
            continue;
        };
        period.paid_orders += count;
        period.revenue.push(Money::new(sum - refunded, currency));
        // The average order as placed, rounded half up to the minor unit.
        let avg = if count > 0 {
            (2 * sum + count) / (2 * count)
        } else {
            0
        };
        period.average.push(Money::new(avg, currency));
    }
    Ok(period)
}

/// Midnight today, China time, in unix ms.
fn start_of_today(now_ms: i64) -> i64 {
    china_midnight_ms(now_ms)
}

/// Revenue per day for the last `days` days (China time), in `currency`: payments received
/// minus refunds confirmed that day.
async fn daily(
    db: &Database,
    currency: Currency,
    today: i64,
    days: i64,
) -> Result<Vec<(String, Money)>, ShopError> {
    let since = today - (days - 1) * 86_400_000;
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT paid_at, total_minor FROM orders
         WHERE paid_at >= $1 AND currency = $2 AND status IN {PAID_STATUSES}"
    ))
    .bind(since)
    .bind(currency.code())
    .fetch_all(db.pool())
    .await?;
    // Refunds count on the day the gateway confirmed them.
    let refunds: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT COALESCE(r.settled_at, r.updated_at), r.amount_minor
         FROM refunds r JOIN orders o ON o.id = r.order_id
         WHERE r.status = $1 AND COALESCE(r.settled_at, r.updated_at) >= $2 AND o.currency = $3",
    )
    .bind(RefundStatus::Succeeded.code())
    .bind(since)
    .bind(currency.code())
    .fetch_all(db.pool())
    .await?;
    let mut sums = vec![0i64; usize::try_from(days).unwrap_or(0)];
    let moves = rows
        .into_iter()
        .chain(refunds.into_iter().map(|(at, minor)| (at, -minor)));
    for (at, minor) in moves {
        if let Ok(i) = usize::try_from((at - since) / 86_400_000) {
            if let Some(slot) = sums.get_mut(i) {
                *slot += minor;
            }
        }
    }
    Ok(sums
        .into_iter()
        .enumerate()
        .map(|(i, minor)| {
            let day = since + i64::try_from(i).unwrap_or(0) * 86_400_000;
            (china_month_day(day), Money::new(minor, currency))
        })
        .collect())
}

/// The daily revenue as an SVG bar chart, drawn on the server (numbers only; no script).
pub fn chart_svg(daily: &[(String, Money)]) -> String {
    let max = daily.iter().map(|(_, m)| m.minor).max().unwrap_or(0).max(1);
    let (w, h, bar) = (28 * daily.len().max(1), 140usize, 20usize);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"revenue\" class=\"chart\">",
        h + 20
    );
    for (i, (label, money)) in daily.iter().enumerate() {
        let bar_h = usize::try_from(money.minor.max(0) * 120 / max).unwrap_or(0);
        let x = i * 28 + 4;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{bar_h}\" fill=\"#07c160\"><title>{label} {}</title></rect>",
            h - bar_h,
            money.decimal()
        ));
        if i % 2 == 0 {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"8\" text-anchor=\"middle\" fill=\"#6b6b70\">{label}</text>",
                x + bar / 2,
                h + 12
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

pub async fn dashboard(db: &Database, currency: Currency) -> Result<Dashboard, ShopError> {
    let today = start_of_today(now_ms());
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(db.pool()).await
    };
    Ok(Dashboard {
        today: period(db, today).await?,
        last_7_days: period(db, today - 6 * 86_400_000).await?,
        to_ship: count("SELECT COUNT(*) FROM orders WHERE status = 'paid'").await?,
        flagged: count("SELECT COUNT(*) FROM orders WHERE needs_attention = 1").await?,
        low_stock: super::products::low_stock_count(db).await?,
        daily: daily(db, currency, today, 14).await?,
    })
}

#[derive(sqlx::FromRow)]
struct ListRow {
    order_no: String,
    openid: String,
    status: String,
    currency: String,
    total_minor: i64,
    item_count: i64,
    product_info: String,
    created_at: i64,
    needs_attention: i64,
}

/// Orders matching the filter, newest first, at most `limit`.
pub async fn list(
    db: &Database,
    filter: &OrderFilter,
    limit: i64,
) -> Result<Vec<AdminOrderRow>, ShopError> {
    let mut sql = String::from(
        "SELECT order_no, openid, status, currency, total_minor, item_count, product_info,
                created_at, needs_attention FROM orders WHERE 1 = 1",
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
    rows.into_iter()
        .map(|r| {
            let currency = crate::ssr::catalog::currency_of(&r.currency)?;
            Ok(AdminOrderRow {
                status: OrderStatus::from_code(&r.status).ok_or(ShopError::Internal)?,
                order_no: r.order_no,
                openid: r.openid,
                total: Money::new(r.total_minor, currency),
                item_count: r.item_count,
                title: r.product_info,
                created_at_ms: r.created_at,
                needs_attention: flag(r.needs_attention),
            })
        })
        .collect()
}

fn csv_field(value: &str) -> String {
    // Quote everything; neutralise spreadsheet formulas (=, +, -, @ at the start).
    let value = if value.starts_with(['=', '+', '-', '@']) {
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
        "\u{feff}order_no,created_at,status,currency,total,items,title,openid,needs_attention\r\n",
    );
    for r in rows {
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

#[derive(sqlx::FromRow)]
struct NotificationDbRow {
    received_at: i64,
    status: Option<String>,
    verdict: String,
    detail: String,
    payment_no: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RefundDbRow {
    refund_no: String,
    amount_minor: i64,
    status: String,
    detail: String,
    admin: String,
    created_at: i64,
    restock: i64,
    restocked: i64,
}

#[derive(sqlx::FromRow)]
struct EventDbRow {
    to_status: String,
    event: String,
    source: String,
    detail: String,
    created_at: i64,
}

pub async fn detail(state: &ShopState, order_no: &str) -> Result<AdminOrderDetail, ShopError> {
    let db = &state.db;
    let row = store::by_no(db, order_no)
        .await?
        .ok_or(ShopError::NotFound)?;
    let currency = row.total()?.currency;
    let refunds: Vec<RefundDbRow> = sqlx::query_as(
        "SELECT refund_no, amount_minor, status, detail, admin, created_at, restock, restocked
         FROM refunds WHERE order_id = $1 ORDER BY id",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    let events: Vec<EventDbRow> = sqlx::query_as(
        "SELECT to_status, event, source, detail, created_at FROM order_events
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(row.id)
    .fetch_all(db.pool())
    .await?;
    let refundable = super::actions::refundable(state, &row).await?;
    let order = store::detail(db, &row).await?;
    let notifications: Vec<NotificationDbRow> = sqlx::query_as(
        "SELECT received_at, status, verdict, detail, payment_no FROM payment_notifications
         WHERE order_no = $1 ORDER BY id",
    )
    .bind(order_no)
    .fetch_all(db.pool())
    .await?;
    Ok(AdminOrderDetail {
        order,
        openid: row.openid.clone(),
        payment_no: row.payment_no.clone(),
        pay_currency: row.pay_currency.clone(),
        pay_amount: row.pay_amount.clone(),
        exchange_rate: row.exchange_rate.clone(),
        trade_time: row.trade_time.clone(),
        needs_attention: row.needs_attention(),
        refundable,
        refund_key: super::actions::new_refund_key()?,
        refunds: refunds
            .into_iter()
            .map(|r| {
                Ok(RefundRow {
                    status: RefundStatus::from_code(&r.status).ok_or_else(|| {
                        tracing::error!(refund = %r.refund_no, status = %r.status, "unknown stored refund status");
                        ShopError::Internal
                    })?,
                    refund_no: r.refund_no,
                    amount: Money::new(r.amount_minor, currency),
                    detail: r.detail,
                    admin: r.admin,
                    created_at_ms: r.created_at,
                    restock: flag(r.restock),
                    restocked: flag(r.restocked),
                })
            })
            .collect::<Result<_, ShopError>>()?,
        events: events
            .into_iter()
            .filter_map(|e| {
                OrderStatus::from_code(&e.to_status).map(|status| AdminEvent {
                    status,
                    event: e.event,
                    source: e.source,
                    detail: e.detail,
                    at_ms: e.created_at,
                })
            })
            .collect(),
        attention_note: row
            .needs_attention()
            .then(|| row.attention_note.clone())
            .flatten(),
        notifications: notifications
            .into_iter()
            .map(|n| NotificationRow {
                received_at_ms: n.received_at,
                status: n.status,
                verdict: n.verdict,
                detail: n.detail,
                payment_no: n.payment_no,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formula_safe() {
        assert_eq!(csv_field("龙井 \"明前\""), "\"龙井 \"\"明前\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }

    #[test]
    fn the_chart_scales_bars_to_the_best_day() {
        let days = vec![
            ("11-24".to_owned(), Money::new(0, Currency::Hkd)),
            ("11-25".to_owned(), Money::new(5000, Currency::Hkd)),
            ("11-26".to_owned(), Money::new(10000, Currency::Hkd)),
        ];
        let svg = chart_svg(&days);
        assert!(
            svg.contains("height=\"0\"")
                && svg.contains("height=\"60\"")
                && svg.contains("height=\"120\"")
        );
        assert!(svg.contains("11-26 100.00"));
    }

    #[test]
    fn today_starts_at_china_midnight() {
        // 2026-11-25 23:59:59 UTC is 2026-11-26 07:59:59 in China: today began 16:00 UTC.
        assert_eq!(
            start_of_today(1_795_651_199_000),
            (1_795_651_200 - 8 * 3600) * 1000
        );
    }
}
