//! Coupons in the database: claimed in the coupon centre, with a code or issued by the
//! merchant; offered in the cart; held by an order at checkout and moved with it by the
//! order transition function.
//!
//! Every claim of one buyer takes that buyer's coupon lock (and on SQLite the write lock),
//! so the per-buyer limit is counted and written in one step; the total is kept by the
//! conditional `claimed < total` update, so it holds across buyers and app servers.

use super::db::{flag, lock_key, Database, Tx};
use super::web::now_ms;
use crate::buyer::Openid;
use crate::coupons::{
    AdminCoupon, Centre, CouponChoice, CouponProblem, Held, Kind, Line, Mine, Offer, Pick, Scope,
    Terms,
};
use crate::error::ShopError;
use crate::i18n::coupons::coupons_t;
use crate::ids::OrderId;
use crate::model::CartView;
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;
use crate::time::{display_ms, parse_date, CHINA_OFFSET_SECS};

const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
struct CouponRow {
    id: i64,
    name: String,
    code: Option<String>,
    kind: String,
    amount_minor: i64,
    percent_off: i64,
    cap_minor: Option<i64>,
    min_spend_minor: i64,
    scope: String,
    scope_ids: String,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
    valid_days: Option<i64>,
    total: i64,
    claimed: i64,
    used: i64,
    per_buyer: i64,
    in_centre: i64,
    paused: i64,
}

const COUPON_COLUMNS: &str = "id, name, code, kind, amount_minor, percent_off, cap_minor, \
    min_spend_minor, scope, scope_ids, valid_from, valid_until, valid_days, total, claimed, used, \
    per_buyer, in_centre, paused";

impl CouponRow {
    fn terms(&self) -> Result<Terms, ShopError> {
        let (Some(kind), Some(scope)) = (
            Kind::from_code(&self.kind),
            Scope::read(&self.scope, &self.scope_ids),
        ) else {
            tracing::error!(coupon = self.id, "unreadable coupon row");
            return Err(ShopError::Internal);
        };
        Ok(Terms {
            kind,
            amount_minor: self.amount_minor,
            percent_off: self.percent_off,
            cap_minor: self.cap_minor,
            min_spend_minor: self.min_spend_minor,
            scope,
        })
    }

    /// Over: its last day has passed.
    fn ended(&self, now: i64) -> bool {
        self.valid_until.is_some_and(|until| until <= now)
    }

    /// The validity a claim made `now` gets.
    fn validity_from(&self, now: i64) -> (i64, i64) {
        match self.valid_days {
            Some(days) => (now, now.saturating_add(days.saturating_mul(DAY_MS))),
            None => (
                self.valid_from.unwrap_or(now),
                self.valid_until.unwrap_or(i64::MAX / 2),
            ),
        }
    }

    fn validity(&self) -> String {
        let c = coupons_t();
        match (self.valid_days, self.valid_from, self.valid_until) {
            (Some(days), _, _) => (c.days_after_claim)(days),
            (None, from, Some(until)) => {
                (c.between)(&from.map(day).unwrap_or_default(), &day(until - 1))
            }
            _ => c.no_end.to_owned(),
        }
    }
}

/// `YYYY-MM-DD` in China time.
fn day(ms: i64) -> String {
    display_ms(ms).chars().take(10).collect()
}

/// What a coupon gives, in the buyer's language.
pub fn describe(terms: &Terms, currency: Currency) -> String {
    let c = coupons_t();
    let money = |minor| Money::new(minor, currency).to_string();
    let off = match terms.kind {
        Kind::Fixed => (c.fixed_off)(&money(terms.amount_minor)),
        Kind::Percent => (c.percent_off)(terms.percent_off, terms.cap_minor.map(money).as_deref()),
    };
    let scope = match terms.scope {
        Scope::All => String::new(),
        Scope::Categories(_) => c.some_categories.to_owned(),
        Scope::Products(_) => c.some_products.to_owned(),
    };
    let min = (terms.min_spend_minor > 0).then(|| (c.min_spend)(&money(terms.min_spend_minor)));
    [min.unwrap_or_default(), off, scope]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

async fn coupon(tx: &mut Tx, id: i64) -> Result<Option<CouponRow>, ShopError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupons WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// How a coupon reached the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Centre,
    Code,
    Issued,
}

impl Source {
    fn code(self) -> &'static str {
        match self {
            Source::Centre => "centre",
            Source::Code => "code",
            Source::Issued => "issued",
        }
    }
}

/// Gives the buyer one of coupon `id`, within its total and the per-buyer limit.
async fn claim_in(
    tx: &mut Tx,
    db: &Database,
    buyer: &Openid,
    id: i64,
    source: Source,
) -> Result<(), ShopError> {
    lock_key(tx, db.backend(), &format!("coupons:{}", buyer.as_str())).await?;
    let Some(row) = coupon(tx, id).await? else {
        return Err(ShopError::NotFound);
    };
    let now = now_ms();
    // The merchant may issue a paused coupon or one not in the centre; buyers may not
    // claim those themselves.
    // A coupon with a code is claimed only with its code.
    let refused = match source {
        Source::Centre => flag(row.paused) || !flag(row.in_centre) || row.code.is_some(),
        Source::Code => flag(row.paused),
        Source::Issued => false,
    };
    if refused || row.ended(now) {
        // A code that cannot be redeemed reads like one that does not exist: a wrong guess
        // learns nothing.
        return Err(ShopError::Coupon(match source {
            Source::Code => CouponProblem::NoSuchCode,
            _ => CouponProblem::NotAvailable,
        }));
    }
    if source != Source::Issued {
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM buyer_coupons WHERE coupon_id = $1 AND openid = $2",
        )
        .bind(id)
        .bind(buyer.as_str())
        .fetch_one(&mut **tx)
        .await?;
        if held >= row.per_buyer {
            return Err(ShopError::Coupon(CouponProblem::LimitReached));
        }
    }
    let taken = sqlx::query(
        "UPDATE coupons SET claimed = claimed + 1, updated_at = $2 WHERE id = $1 AND claimed < total",
    )
    .bind(id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if taken.rows_affected() != 1 {
        return Err(ShopError::Coupon(CouponProblem::SoldOut));
    }
    let (from, until) = row.validity_from(now);
    sqlx::query(
        "INSERT INTO buyer_coupons (coupon_id, openid, status, source, valid_from, valid_until,
             claimed_at, updated_at)
         VALUES ($1, $2, 'available', $3, $4, $5, $6, $6)",
    )
    .bind(id)
    .bind(buyer.as_str())
    .bind(source.code())
    .bind(from)
    .bind(until)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    tracing::info!(coupon = id, buyer = %buyer, source = source.code(), "coupon claimed");
    Ok(())
}

/// The buyer claims coupon `id` in the coupon centre, or the merchant issues it to them.
pub async fn claim(
    db: &Database,
    buyer: &Openid,
    id: i64,
    source: Source,
) -> Result<(), ShopError> {
    let mut tx = db.begin_write().await?;
    claim_in(&mut tx, db, buyer, id, source).await?;
    tx.commit().await?;
    Ok(())
}

/// The buyer types a coupon's code.
pub async fn redeem(db: &Database, buyer: &Openid, code: &str) -> Result<(), ShopError> {
    let code = normalize_code(code).ok_or(ShopError::Coupon(CouponProblem::NoSuchCode))?;
    // Looked up before taking any lock: a wrong guess holds up no one's writes.
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM coupons WHERE code = $1")
        .bind(&code)
        .fetch_optional(db.pool())
        .await?;
    let id = id.ok_or(ShopError::Coupon(CouponProblem::NoSuchCode))?;
    let mut tx = db.begin_write().await?;
    claim_in(&mut tx, db, buyer, id, Source::Code).await?;
    tx.commit().await?;
    Ok(())
}

/// A code as stored: upper case, 6–32 of `A-Z 0-9 -` (short codes are guessed).
pub fn normalize_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    (6..=32)
        .contains(&code.len())
        .then_some(())
        .filter(|_| code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|_| code)
}

/// The coupon centre for `buyer`: what can be claimed, and the buyer's own (newest first,
/// at most 100).
pub async fn centre(
    db: &Database,
    buyer: &Openid,
    currency: Currency,
) -> Result<Centre, ShopError> {
    let now = now_ms();
    let rows: Vec<CouponRow> = sqlx::query_as(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupons
         WHERE in_centre = 1 AND paused = 0 AND claimed < total AND code IS NULL
             AND (valid_until IS NULL OR valid_until > $1)
         ORDER BY id DESC LIMIT 50"
    ))
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let held: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT coupon_id, COUNT(*) FROM buyer_coupons WHERE openid = $1 GROUP BY coupon_id",
    )
    .bind(buyer.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut offers = Vec::with_capacity(rows.len());
    for row in rows {
        offers.push(Offer {
            id: row.id,
            terms: describe(&row.terms()?, currency),
            validity: row.validity(),
            remaining: row.total - row.claimed,
            held: held.iter().find(|(id, _)| *id == row.id).map_or(0, |h| h.1),
            per_buyer: row.per_buyer,
            name: row.name,
        });
    }
    let mine = mine(db, buyer, currency, now).await?;
    Ok(Centre { offers, mine })
}

async fn mine_rows(
    db: &Database,
    buyer: &Openid,
) -> Result<Vec<(i64, String, i64, i64, CouponRow)>, ShopError> {
    let rows: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, status, valid_from, valid_until, coupon_id FROM buyer_coupons
         WHERE openid = $1 ORDER BY id DESC LIMIT 100",
    )
    .bind(buyer.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut ids: Vec<i64> = rows.iter().map(|r| r.4).collect();
    ids.sort_unstable();
    ids.dedup();
    let coupons = by_ids(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, status, from, until, coupon_id)| {
            let c = coupons.iter().find(|c| c.id == coupon_id)?.clone();
            Some((id, status, from, until, c))
        })
        .collect())
}

async fn by_ids(db: &Database, ids: &[i64]) -> Result<Vec<CouponRow>, ShopError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COUPON_COLUMNS} FROM coupons WHERE id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, CouponRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(db.pool()).await?)
}

async fn mine(
    db: &Database,
    buyer: &Openid,
    currency: Currency,
    now: i64,
) -> Result<Vec<Mine>, ShopError> {
    let mut out = Vec::new();
    for (id, status, _from, until, row) in mine_rows(db, buyer).await? {
        let held = match status.as_str() {
            "used" => Held::Used,
            "locked" => Held::Locked,
            _ if until <= now => Held::Expired,
            _ => Held::Available,
        };
        out.push(Mine {
            id,
            terms: describe(&row.terms()?, currency),
            name: row.name,
            held,
            valid_until_ms: until,
        });
    }
    Ok(out)
}

/// The buyer's coupons that apply to `lines` now, with what each takes off.
pub async fn choices(
    db: &Database,
    buyer: &Openid,
    lines: &[Line],
    currency: Currency,
) -> Result<Vec<CouponChoice>, ShopError> {
    let now = now_ms();
    let mut out = Vec::new();
    for (id, status, from, until, row) in mine_rows(db, buyer).await? {
        if status != "available" || from > now || until <= now {
            continue;
        }
        if let Some(off) = row.terms()?.discount(lines) {
            out.push(CouponChoice {
                id,
                name: row.name,
                discount: Money::new(off, currency),
                valid_until_ms: until,
            });
        }
    }
    Ok(out)
}

/// The cart with the buyer's coupons that apply to it, and the one `pick` applies.
pub async fn for_cart(
    db: &Database,
    buyer: &Openid,
    mut cart: CartView,
    pick: Pick,
    currency: Currency,
) -> Result<CartView, ShopError> {
    if cart.lines.is_empty() {
        return Ok(cart);
    }
    let lines: Vec<Line> = cart
        .lines
        .iter()
        .map(|l| Line {
            product_id: l.product_id.0,
            category_id: l.category_id,
            total_minor: l.line_total.minor,
        })
        .collect();
    cart.coupons = choices(db, buyer, &lines, currency).await?;
    cart.coupon = pick.apply(&cart.coupons);
    Ok(cart)
}

/// Checkout's part: the buyer's coupon `id`, checked again under checkout's transaction,
/// and what it takes off `lines`. The coupon is held by the order with [`hold`] once the
/// order exists.
pub async fn discount_for(
    tx: &mut Tx,
    buyer: &Openid,
    id: i64,
    lines: &[Line],
) -> Result<(i64, String), ShopError> {
    let row: Option<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT openid, status, valid_from, valid_until, coupon_id FROM buyer_coupons WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let now = now_ms();
    let usable = |(openid, status, from, until, _): &(String, String, i64, i64, i64)| {
        openid == buyer.as_str() && status == "available" && *from <= now && now < *until
    };
    let Some(held) = row.filter(usable) else {
        return Err(ShopError::Coupon(CouponProblem::NotUsable));
    };
    let Some(c) = coupon(tx, held.4).await? else {
        return Err(ShopError::Coupon(CouponProblem::NotUsable));
    };
    let off = c
        .terms()?
        .discount(lines)
        .ok_or(ShopError::Coupon(CouponProblem::NotApplicable))?;
    Ok((off, c.name))
}

/// The new order holds the buyer's coupon `id` (checked by [`discount_for`] in the same
/// transaction).
pub async fn hold(tx: &mut Tx, id: i64, order_id: OrderId) -> Result<(), ShopError> {
    let held = sqlx::query(
        "UPDATE buyer_coupons SET status = 'locked', order_id = $2, updated_at = $3
         WHERE id = $1 AND status = 'available'",
    )
    .bind(id)
    .bind(order_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    if held.rows_affected() != 1 {
        return Err(ShopError::Coupon(CouponProblem::NotUsable));
    }
    Ok(())
}

/// Whether the buyer's coupon `id` (if the order had one) can still go with `order_id`:
/// held by it, or given back and not used since. A payment for a closed order asks this
/// before it is accepted.
pub async fn still_usable_by(
    tx: &mut Tx,
    id: Option<i64>,
    order_id: OrderId,
) -> Result<bool, ShopError> {
    let Some(id) = id else {
        return Ok(true);
    };
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, order_id FROM buyer_coupons WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(match row {
        Some((status, holder)) => {
            holder == Some(order_id.0) || (holder.is_none() && status == "available")
        }
        None => false,
    })
}

/// The order's coupon follows the order, from the order transition function: back to the
/// buyer when an unpaid order is cancelled or expires, used once it is paid. (A payment for
/// a closed order whose coupon another order has used since never gets here as paid: see
/// [`still_usable_by`]. An order paid but refunded as `RefundPending` leaves the coupon to
/// the buyer.)
pub async fn follow_order(
    tx: &mut Tx,
    order_id: OrderId,
    buyer_coupon: Option<i64>,
    from: OrderStatus,
    to: OrderStatus,
) -> Result<(), ShopError> {
    let Some(id) = buyer_coupon else {
        return Ok(());
    };
    let now = now_ms();
    let unpaid = |s: OrderStatus| matches!(s, OrderStatus::Pending | OrderStatus::AwaitingPayment);
    let closed = |s: OrderStatus| matches!(s, OrderStatus::Cancelled | OrderStatus::Expired);
    if unpaid(from) && closed(to) {
        sqlx::query(
            "UPDATE buyer_coupons SET status = 'available', order_id = NULL, updated_at = $2
             WHERE id = $1 AND order_id = $3 AND status = 'locked'",
        )
        .bind(id)
        .bind(now)
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    } else if to == OrderStatus::Paid && from != OrderStatus::Paid {
        // Held by this order, or given back (the order closed) and not used since.
        let used = sqlx::query(
            "UPDATE buyer_coupons SET status = 'used', order_id = $3, updated_at = $2
             WHERE id = $1 AND (order_id = $3 OR (order_id IS NULL AND status = 'available'))",
        )
        .bind(id)
        .bind(now)
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
        if used.rows_affected() != 1 {
            // `still_usable_by` answered yes under the same lock: impossible.
            tracing::error!(order = %order_id, coupon = id, "a paid order's coupon moved under its lock");
            return Err(ShopError::Internal);
        }
        sqlx::query(
            "UPDATE coupons SET used = used + 1
             WHERE id = (SELECT coupon_id FROM buyer_coupons WHERE id = $1)",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The back office's list, newest first.
pub async fn admin_list(db: &Database, currency: Currency) -> Result<Vec<AdminCoupon>, ShopError> {
    let rows: Vec<CouponRow> = sqlx::query_as(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupons ORDER BY id DESC LIMIT 200"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(AdminCoupon {
                id: row.id,
                terms: describe(&row.terms()?, currency),
                validity: row.validity(),
                code: row.code.clone(),
                total: row.total,
                claimed: row.claimed,
                used: row.used,
                per_buyer: row.per_buyer,
                in_centre: flag(row.in_centre),
                paused: flag(row.paused),
                name: row.name,
            })
        })
        .collect()
}

/// What the new-coupon form posts, as text.
pub struct CouponForm<'a> {
    pub name: &'a str,
    pub code: &'a str,
    pub kind: &'a str,
    pub amount: &'a str,
    pub percent_off: &'a str,
    pub cap: &'a str,
    pub min_spend: &'a str,
    pub scope: &'a str,
    pub scope_ids: &'a str,
    pub valid_from: &'a str,
    pub valid_until: &'a str,
    pub valid_days: &'a str,
    pub total: &'a str,
    pub per_buyer: &'a str,
    pub in_centre: bool,
}

fn invalid(message: &str) -> ShopError {
    ShopError::Invalid(message.to_owned())
}

/// Creates a coupon from the back office's form; answers its id.
pub async fn create(
    db: &Database,
    form: &CouponForm<'_>,
    currency: Currency,
) -> Result<i64, ShopError> {
    let c = coupons_t();
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(invalid(c.err_name));
    }
    let code = match form.code.trim() {
        "" => None,
        raw => Some(normalize_code(raw).ok_or_else(|| invalid(c.err_code))?),
    };
    let money = |raw: &str| -> Result<i64, ShopError> {
        let raw = if raw.trim().is_empty() {
            "0"
        } else {
            raw.trim()
        };
        Money::parse_decimal(raw, currency)
            .filter(|m| (0..=crate::shipping::max_amount(currency)).contains(&m.minor))
            .map(|m| m.minor)
            .ok_or_else(|| invalid(c.err_amount))
    };
    let count = |raw: &str, max: i64| -> Option<i64> {
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
    };
    let kind = Kind::from_code(form.kind.trim()).ok_or_else(|| invalid(c.err_kind))?;
    let (amount, percent, cap) = match kind {
        Kind::Fixed => {
            let amount = money(form.amount)?;
            if amount == 0 {
                return Err(invalid(c.err_amount));
            }
            (amount, 0, None)
        }
        Kind::Percent => {
            let percent = count(form.percent_off, 99).ok_or_else(|| invalid(c.err_percent))?;
            let cap = match form.cap.trim() {
                "" => None,
                // A cap of 0 would be no cap at all: say so rather than guess.
                raw => match money(raw)? {
                    0 => return Err(invalid(c.err_amount)),
                    cap => Some(cap),
                },
            };
            (0, percent, cap)
        }
    };
    let min_spend = money(form.min_spend)?;
    let scope =
        Scope::read(form.scope.trim(), form.scope_ids).ok_or_else(|| invalid(c.err_scope))?;
    let ids = match &scope {
        Scope::All => Vec::new(),
        Scope::Categories(ids) | Scope::Products(ids) => ids.clone(),
    };
    if scope != Scope::All {
        let table = if matches!(scope, Scope::Categories(_)) {
            "categories"
        } else {
            "products"
        };
        if ids.is_empty() || ids.len() > 50 {
            return Err(invalid(c.err_scope));
        }
        for id in &ids {
            let found: Option<i64> =
                sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = $1"))
                    .bind(*id)
                    .fetch_optional(db.pool())
                    .await?;
            if found.is_none() {
                return Err(invalid(c.err_scope));
            }
        }
    }
    // Dates or days from claiming, not both.
    let dates_given = !(form.valid_from.trim().is_empty() && form.valid_until.trim().is_empty());
    if dates_given && !form.valid_days.trim().is_empty() {
        return Err(invalid(c.err_dates));
    }
    let (valid_from, valid_until, valid_days) = match form.valid_days.trim() {
        "" => {
            let from = match form.valid_from.trim() {
                "" => None,
                raw => Some(
                    parse_date(raw, CHINA_OFFSET_SECS).ok_or_else(|| invalid(c.err_dates))? * 1000,
                ),
            };
            // Through the whole last day.
            let until = parse_date(form.valid_until.trim(), CHINA_OFFSET_SECS)
                .ok_or_else(|| invalid(c.err_dates))?
                * 1000
                + DAY_MS;
            if from.is_some_and(|f| f >= until) || until <= now_ms() {
                return Err(invalid(c.err_dates));
            }
            (from, Some(until), None)
        }
        raw => (
            None,
            None,
            Some(count(raw, 3650).ok_or_else(|| invalid(c.err_dates))?),
        ),
    };
    let total = count(form.total, 1_000_000).ok_or_else(|| invalid(c.err_count))?;
    let per_buyer = count(form.per_buyer, 100).ok_or_else(|| invalid(c.err_count))?;
    let now = now_ms();
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO coupons (name, code, kind, amount_minor, percent_off, cap_minor,
             min_spend_minor, scope, scope_ids, valid_from, valid_until, valid_days, total,
             per_buyer, in_centre, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         RETURNING id",
    )
    .bind(name)
    .bind(code.clone())
    .bind(kind.code())
    .bind(amount)
    .bind(percent)
    .bind(cap)
    .bind(min_spend)
    .bind(scope.code())
    .bind(scope.ids())
    .bind(valid_from)
    .bind(valid_until)
    .bind(valid_days)
    .bind(total)
    .bind(per_buyer)
    // A coupon with a code is given by its code, never shown in the centre.
    .bind(i64::from(form.in_centre && code.is_none()))
    .bind(now)
    .fetch_one(db.pool())
    .await;
    match inserted {
        Ok(id) => {
            tracing::info!(coupon = id, name, "coupon created");
            Ok(id)
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(invalid(c.err_code_taken)),
        Err(e) => Err(e.into()),
    }
}

/// Pauses (no more claims) or resumes a coupon. Coupons already claimed stay usable.
pub async fn set_paused(db: &Database, id: i64, paused: bool) -> Result<(), ShopError> {
    let done = sqlx::query("UPDATE coupons SET paused = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(i64::from(paused))
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(ShopError::NotFound);
    }
    tracing::info!(coupon = id, paused, "coupon paused or resumed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalize_code;

    #[test]
    fn codes_are_upper_case_letters_digits_and_dashes() {
        assert_eq!(normalize_code(" spring-26 ").as_deref(), Some("SPRING-26"));
        assert_eq!(normalize_code("abcde"), None);
        assert_eq!(normalize_code("a b c d"), None);
        assert_eq!(normalize_code("優惠優惠"), None);
    }
}
