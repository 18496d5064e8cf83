//! After-sales requests in the database: [`apply`], the one function through which every
//! status change of a request goes, the hook a settled refund moves its request with
//! ([`refund_settled`]), and the queries the pages read.
//!
//! Every change happens under the order's lock (`orders::store::lock_order`), the lock the
//! order's refunds and status changes take too, so a request, its refund and its order never
//! disagree, whatever two tabs or two app servers do at once.

use super::machine::{decide, Decision, Event};
use crate::after_sales::{CaseKind, CasePhoto, CaseRow, CaseStatus, CaseView, Reason};
use crate::error::ShopError;
use crate::i18n::after_sales::after_sales_t;
use crate::ids::OrderId;
use crate::money::{Currency, Money};
use crate::orders::OrderStatus;
use crate::ssr::db::{Database, Tx};
use crate::ssr::orders::store;
use crate::ssr::web::now_ms;

/// A request as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseDbRow {
    pub id: i64,
    pub case_no: String,
    pub order_id: OrderId,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    pub reason: String,
    pub description: String,
    pub amount_minor: i64,
    pub refusal: String,
    pub return_to: String,
    pub return_carrier: Option<String>,
    pub return_tracking_no: Option<String>,
    pub refund_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const CASE_COLUMNS: &str = "id, case_no, order_id, kind, status, reason, description, amount_minor,
    refusal, return_to, return_carrier, return_tracking_no, refund_id, created_at, updated_at";

/// A request with its refund's number, as the pages show it.
#[derive(sqlx::FromRow)]
struct ViewDbRow {
    #[sqlx(flatten)]
    case: CaseDbRow,
    refund_no: Option<String>,
}

/// What a move writes besides the status (each `Some` replaces the stored value).
#[derive(Debug, Clone, Default)]
pub struct CaseChanges {
    pub refusal: Option<String>,
    pub return_to: Option<String>,
    pub return_carrier: Option<String>,
    pub return_tracking_no: Option<String>,
    pub refund_id: Option<i64>,
}

/// One step: what happened, who did it, and the note for the merchant's timeline.
pub struct Step<'a> {
    pub event: Event,
    pub source: &'a str,
    pub detail: &'a str,
    pub changes: CaseChanges,
}

/// What [`apply`] came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Moved {
        from: CaseStatus,
        to: CaseStatus,
    },
    /// Already there (a repeated click, a second approval): nothing written.
    Unchanged(CaseStatus),
}

impl Applied {
    pub fn status(self) -> CaseStatus {
        match self {
            Applied::Moved { to, .. } => to,
            Applied::Unchanged(s) => s,
        }
    }
}

/// The request `case_no` under its order's lock (taken here; retaking it in the same
/// transaction is harmless).
pub async fn lock_case(
    tx: &mut Tx,
    db: &Database,
    case_no: &str,
) -> Result<(CaseDbRow, store::OrderRow), ShopError> {
    let order_id: OrderId =
        sqlx::query_scalar("SELECT order_id FROM after_sales WHERE case_no = $1")
            .bind(case_no)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(ShopError::NotFound)?;
    let order = store::lock_order(tx, db.backend(), order_id).await?;
    let case = by_id(tx, order_id, case_no).await?;
    Ok((case, order))
}

async fn by_id(tx: &mut Tx, order_id: OrderId, case_no: &str) -> Result<CaseDbRow, ShopError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS} FROM after_sales WHERE case_no = $1 AND order_id = $2"
    ))
    .bind(case_no)
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// The one transition function of a request. The caller holds the order's lock (see
/// [`lock_case`]) and passes the order's status for the timeline. A move the table forbids
/// is `Conflict` ("the request has moved on"), so a stale page never acts twice.
pub async fn apply(
    tx: &mut Tx,
    case: &CaseDbRow,
    order_status: OrderStatus,
    step: Step<'_>,
) -> Result<Applied, ShopError> {
    let from = case.status;
    let to = match decide(case.kind, from, step.event) {
        Decision::Already => return Ok(Applied::Unchanged(from)),
        Decision::Forbidden => {
            tracing::info!(case = %case.case_no, ?from, event = ?step.event, "after-sales step refused");
            return Err(ShopError::Conflict(after_sales_t().err_moved_on.to_owned()));
        }
        Decision::Move(to) => to,
    };
    let c = &step.changes;
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE after_sales SET status = $1,
             refusal = COALESCE($2, refusal),
             return_to = COALESCE($3, return_to),
             return_carrier = COALESCE($4, return_carrier),
             return_tracking_no = COALESCE($5, return_tracking_no),
             refund_id = COALESCE($6, refund_id),
             updated_at = $7
         WHERE id = $8 AND status = $9",
    )
    .bind(to.code())
    .bind(c.refusal.clone())
    .bind(c.return_to.clone())
    .bind(c.return_carrier.clone())
    .bind(c.return_tracking_no.clone())
    .bind(c.refund_id)
    .bind(now)
    .bind(case.id)
    .bind(from.code())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        // Impossible under the lock; refuse rather than write a timeline that lies.
        tracing::error!(case = %case.case_no, "request changed under its order's lock");
        return Err(ShopError::Internal);
    }
    let detail = match step.detail {
        "" => case.case_no.clone(),
        d => format!("{} {d}", case.case_no),
    };
    store::note_event(
        tx,
        case.order_id,
        order_status,
        &to.step_event(),
        step.source,
        &detail,
    )
    .await?;
    tracing::info!(case = %case.case_no, ?from, ?to, source = step.source, "after-sales step");
    Ok(Applied::Moved { from, to })
}

/// Called by the refund transition function (under the order's lock, in its transaction)
/// when a refund settles: the request that sent it, if any, is refunded or told it failed.
pub async fn refund_settled(
    tx: &mut Tx,
    refund_id: i64,
    succeeded: bool,
    order_status: OrderStatus,
    source: &str,
) -> Result<(), ShopError> {
    let case: Option<CaseDbRow> = sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS} FROM after_sales WHERE refund_id = $1"
    ))
    .bind(refund_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(case) = case else {
        return Ok(());
    };
    let event = if succeeded {
        Event::RefundSucceeded
    } else {
        Event::RefundFailed
    };
    let step = Step {
        event,
        source,
        detail: "",
        changes: CaseChanges::default(),
    };
    match apply(tx, &case, order_status, step).await {
        Ok(_) => Ok(()),
        // The refund's own outcome stands whatever the request says; the merchant sees both.
        Err(ShopError::Conflict(_)) => {
            tracing::error!(case = %case.case_no, status = ?case.status, succeeded, "a settled refund's request was not refunding");
            Ok(())
        }
        Err(other) => Err(other),
    }
}

/// The open request of an order, if any (under the caller's lock).
pub async fn open_case(tx: &mut Tx, order_id: OrderId) -> Result<Option<CaseDbRow>, ShopError> {
    let open = CaseStatus::sql_list(&CaseStatus::OPEN);
    Ok(sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS} FROM after_sales WHERE order_id = $1 AND status IN ({open})"
    ))
    .bind(order_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// When the order was completed, if it was.
pub async fn completed_at(tx: &mut Tx, order_id: OrderId) -> Result<Option<i64>, ShopError> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(created_at) FROM order_events WHERE order_id = $1 AND to_status = $2
             AND (from_status IS NULL OR from_status <> to_status)",
    )
    .bind(order_id)
    .bind(OrderStatus::Completed.code())
    .fetch_one(&mut **tx)
    .await?)
}

/// The order's requests, newest first, as both sides' pages show them.
pub async fn for_order(
    db: &Database,
    order_id: OrderId,
    order_no: &str,
    currency: Currency,
) -> Result<Vec<CaseView>, ShopError> {
    // Two queries for the whole order (its requests with their refund's number, and all
    // their photos), whatever the number of requests.
    let cases: Vec<ViewDbRow> = sqlx::query_as(&format!(
        "SELECT {CASE_COLUMNS},
             (SELECT r.refund_no FROM refunds r WHERE r.id = after_sales.refund_id) AS refund_no
         FROM after_sales WHERE order_id = $1 ORDER BY id DESC"
    ))
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    let mut photos: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT p.after_sale_id, p.url, p.thumb_url FROM after_sale_photos p
         JOIN after_sales a ON a.id = p.after_sale_id
         WHERE a.order_id = $1 ORDER BY p.after_sale_id, p.sort_order",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(cases.len());
    for ViewDbRow { case: c, refund_no } in cases {
        let (mine, rest): (Vec<_>, Vec<_>) = photos.into_iter().partition(|p| p.0 == c.id);
        photos = rest;
        out.push(CaseView {
            order_no: order_no.to_owned(),
            kind: c.kind,
            status: c.status,
            reason: Reason::from_code(&c.reason).unwrap_or(Reason::Other),
            description: c.description,
            amount: Money::new(c.amount_minor, currency),
            photos: mine
                .into_iter()
                .map(|(_, url, thumb_url)| CasePhoto { url, thumb_url })
                .collect(),
            refusal: c.refusal,
            return_to: c.return_to,
            return_carrier: c.return_carrier,
            return_tracking_no: c.return_tracking_no,
            refund_no,
            created_at_ms: c.created_at,
            updated_at_ms: c.updated_at,
            case_no: c.case_no,
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct ListDbRow {
    case_no: String,
    order_no: String,
    #[sqlx(try_from = "String")]
    kind: CaseKind,
    #[sqlx(try_from = "String")]
    status: CaseStatus,
    reason: String,
    amount_minor: i64,
    #[sqlx(try_from = "String")]
    currency: Currency,
    created_at: i64,
    updated_at: i64,
}

/// The back office's list: the requests waiting for the merchant (oldest first: first come,
/// first served), or every request (newest first). At most 200.
pub async fn list(db: &Database, to_handle: bool) -> Result<Vec<CaseRow>, ShopError> {
    let sql = if to_handle {
        let mine = CaseStatus::sql_list(&CaseStatus::FOR_MERCHANT);
        format!(
            "SELECT a.case_no, o.order_no, a.kind, a.status, a.reason, a.amount_minor, o.currency,
                    a.created_at, a.updated_at
             FROM after_sales a JOIN orders o ON o.id = a.order_id
             WHERE a.status IN ({mine}) ORDER BY a.updated_at, a.id LIMIT 200"
        )
    } else {
        "SELECT a.case_no, o.order_no, a.kind, a.status, a.reason, a.amount_minor, o.currency,
                a.created_at, a.updated_at
         FROM after_sales a JOIN orders o ON o.id = a.order_id
         ORDER BY a.id DESC LIMIT 200"
            .to_owned()
    };
    let rows: Vec<ListDbRow> = sqlx::query_as(&sql).fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|r| CaseRow {
            case_no: r.case_no,
            order_no: r.order_no,
            kind: r.kind,
            status: r.status,
            reason: Reason::from_code(&r.reason).unwrap_or(Reason::Other),
            amount: Money::new(r.amount_minor, r.currency),
            created_at_ms: r.created_at,
            updated_at_ms: r.updated_at,
        })
        .collect())
}

/// How many requests wait for the merchant (the dashboard's count).
pub async fn to_handle_count(db: &Database) -> Result<i64, ShopError> {
    let mine = CaseStatus::sql_list(&CaseStatus::FOR_MERCHANT);
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM after_sales WHERE status IN ({mine})"
    ))
    .fetch_one(db.pool())
    .await?)
}
