//! The back office's dashboard: paid orders and net revenue today and over seven days, the
//! daily revenue chart, and the counts that need the merchant (to ship, flagged, low stock).

use crate::admin::{Dashboard, Period, RefundStatus};
use crate::error::ShopError;
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;
use crate::ssr::admin::stock::low_stock_count;
use crate::ssr::db::Database;
use crate::ssr::orders::store::status_list;
use crate::ssr::web::now_ms;
use crate::time::{china_midnight_ms, china_month_day};

/// The statuses whose money the shop received, as an SQL list generated from the enum.
fn paid_statuses() -> String {
    status_list(OrderStatus::is_paid)
}

/// One currency's paid orders (or confirmed refunds) in a period.
#[derive(sqlx::FromRow)]
struct CurrencySum {
    #[sqlx(try_from = "String")]
    currency: Currency,
    count: i64,
    minor: i64,
}

/// Refunds the gateway confirmed since `since_ms`, per currency: they count against the
/// revenue of the day they were confirmed (cash basis), whenever the order was paid.
async fn refunded_since(db: &Database, since_ms: i64) -> Result<Vec<CurrencySum>, ShopError> {
    Ok(sqlx::query_as(
        "SELECT o.currency, COUNT(*) AS count,
                CAST(COALESCE(SUM(r.amount_minor), 0) AS BIGINT) AS minor
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
    let rows: Vec<CurrencySum> = sqlx::query_as(&format!(
        "SELECT currency, COUNT(*) AS count, CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) AS minor
         FROM orders WHERE paid_at >= $1 AND status IN {}
         GROUP BY currency ORDER BY currency",
        paid_statuses()
    ))
    .bind(since_ms)
    .fetch_all(db.pool())
    .await?;
    // currency code → (currency, paid orders, paid, refunded), in code order
    let mut sums: std::collections::BTreeMap<&'static str, (Currency, i64, i64, i64)> = rows
        .into_iter()
        .map(|r| (r.currency.code(), (r.currency, r.count, r.minor, 0)))
        .collect();
    for r in refunded_since(db, since_ms).await? {
        sums.entry(r.currency.code())
            .or_insert((r.currency, 0, 0, 0))
            .3 += r.minor;
    }
    let mut period = Period {
        paid_orders: 0,
        revenue: Vec::new(),
        average: Vec::new(),
    };
    for (currency, count, sum, refunded) in sums.into_values() {
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
         WHERE paid_at >= $1 AND currency = $2 AND status IN {}",
        paid_statuses()
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
    let to_ship: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE status = $1")
        .bind(OrderStatus::Paid.code())
        .fetch_one(db.pool())
        .await?;
    let flagged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE needs_attention = 1")
        .fetch_one(db.pool())
        .await?;
    let failing = "(status = 'failed' OR (status = 'pending' AND attempts >= 3))";
    let alerts_failing: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM alert_outbox WHERE {failing}"
    ))
    .fetch_one(db.pool())
    .await?;
    let alert_error: Option<String> = if alerts_failing > 0 {
        sqlx::query_scalar(&format!(
            "SELECT last_error FROM alert_outbox WHERE {failing} ORDER BY id DESC LIMIT 1"
        ))
        .fetch_optional(db.pool())
        .await?
    } else {
        None
    };
    Ok(Dashboard {
        alerts_failing,
        alert_error: alert_error.unwrap_or_default().chars().take(200).collect(),
        today: period(db, today).await?,
        last_7_days: period(db, today - 6 * 86_400_000).await?,
        to_ship,
        flagged,
        low_stock: low_stock_count(db).await?,
        after_sales: crate::ssr::after_sales::store::to_handle_count(db).await?,
        daily: daily(db, currency, today, 14).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn paid_statuses_are_those_whose_money_was_received() {
        assert_eq!(
            paid_statuses(),
            "('paid', 'shipped', 'completed', 'refund_pending', 'refunded')"
        );
    }
}
