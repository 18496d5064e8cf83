//! The address book's rows and queries.

use crate::address::{
    check, Address, AddressForm, AddressId, AddressProblem, CheckedAddress, PhoneArea,
    MAX_ADDRESSES,
};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::ssr::db::{flag, lock_key, Database, Tx};
use crate::ssr::regions::regions;
use crate::ssr::web::now_ms;

const COLUMNS: &str =
    "id, recipient, phone_area, mobile, region_code, region, detail, postcode, is_default";

#[derive(sqlx::FromRow)]
struct Row {
    id: AddressId,
    recipient: String,
    #[sqlx(try_from = "String")]
    phone_area: PhoneArea,
    mobile: String,
    region_code: String,
    region: String,
    detail: String,
    postcode: String,
    is_default: i64,
}

impl From<Row> for Address {
    fn from(r: Row) -> Address {
        Address {
            id: r.id,
            recipient: r.recipient,
            area: r.phone_area,
            mobile: r.mobile,
            region_code: r.region_code,
            region: r.region,
            detail: r.detail,
            postcode: r.postcode,
            is_default: flag(r.is_default),
        }
    }
}

/// Checks a typed address against the region table.
pub fn validate(form: &AddressForm) -> Result<(CheckedAddress, String), ShopError> {
    let table = regions();
    let checked = check(form, |code| table.is_district(code))?;
    let region = table
        .full_name(&checked.region_code)
        .ok_or(ShopError::Address(AddressProblem::RegionMissing))?;
    Ok((checked, region))
}

/// The buyer's addresses, the default first, then the newest.
pub async fn list(db: &Database, buyer: &Openid) -> Result<Vec<Address>, ShopError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM addresses WHERE openid = $1 ORDER BY is_default DESC, id DESC"
    ))
    .bind(buyer.as_str())
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Address::from).collect())
}

/// One of the buyer's addresses; another buyer's is `NotFound`.
pub async fn get(db: &Database, buyer: &Openid, id: AddressId) -> Result<Address, ShopError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM addresses WHERE id = $1 AND openid = $2"
    ))
    .bind(id)
    .bind(buyer.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.map(Address::from).ok_or(ShopError::NotFound)
}

/// The address checkout offers: the one asked for, else the default, else none.
pub async fn chosen(
    db: &Database,
    buyer: &Openid,
    asked: Option<AddressId>,
) -> Result<Option<Address>, ShopError> {
    if let Some(id) = asked {
        match get(db, buyer, id).await {
            Ok(address) => return Ok(Some(address)),
            Err(ShopError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(list(db, buyer).await?.into_iter().next())
}

/// A write transaction holding the buyer's address-book lock: two tabs writing at once
/// take turns, so the count cap and the one-default rule (a unique index) hold without
/// either failing on the other's half-done change.
async fn lock_book(db: &Database, buyer: &Openid) -> Result<Tx, ShopError> {
    let mut tx = db.begin_write().await?;
    lock_key(
        &mut tx,
        db.backend(),
        &format!("addresses:{}", buyer.as_str()),
    )
    .await?;
    Ok(tx)
}

async fn count(tx: &mut Tx, buyer: &Openid) -> Result<i64, ShopError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE openid = $1")
            .bind(buyer.as_str())
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn clear_default(tx: &mut Tx, buyer: &Openid) -> Result<(), ShopError> {
    sqlx::query("UPDATE addresses SET is_default = 0 WHERE openid = $1 AND is_default = 1")
        .bind(buyer.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds an address. The first one is the default; `make_default` moves the default to it.
/// At most [`MAX_ADDRESSES`], counted under a per-buyer lock so two tabs cannot pass it.
pub async fn create(
    db: &Database,
    buyer: &Openid,
    form: &AddressForm,
    make_default: bool,
) -> Result<Address, ShopError> {
    let (a, region) = validate(form)?;
    let mut tx = lock_book(db, buyer).await?;
    let existing = count(&mut tx, buyer).await?;
    if existing >= MAX_ADDRESSES {
        return Err(ShopError::Address(AddressProblem::BookFull));
    }
    let is_default = make_default || existing == 0;
    if is_default {
        clear_default(&mut tx, buyer).await?;
    }
    let now = now_ms();
    let id: AddressId = sqlx::query_scalar(
        "INSERT INTO addresses (openid, recipient, phone_area, mobile, region_code, region, detail,
                                postcode, is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(buyer.as_str())
    .bind(&a.recipient)
    .bind(a.area.calling_code())
    .bind(&a.mobile)
    .bind(&a.region_code)
    .bind(&region)
    .bind(&a.detail)
    .bind(&a.postcode)
    .bind(i64::from(is_default))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(buyer = %buyer, address = %id, "address added");
    get(db, buyer, id).await
}

/// Replaces one of the buyer's addresses. Orders keep their own copy, so none changes.
/// Unticking "default" on the default address keeps it the default: a book with addresses
/// always has one (choose another as the default instead).
pub async fn update(
    db: &Database,
    buyer: &Openid,
    id: AddressId,
    form: &AddressForm,
    make_default: bool,
) -> Result<Address, ShopError> {
    let (a, region) = validate(form)?;
    let mut tx = lock_book(db, buyer).await?;
    if make_default {
        clear_default(&mut tx, buyer).await?;
    }
    let done = sqlx::query(
        "UPDATE addresses SET recipient = $1, phone_area = $2, mobile = $3, region_code = $4,
                region = $5, detail = $6, postcode = $7,
                is_default = CASE WHEN $8 = 1 THEN 1 ELSE is_default END, updated_at = $9
         WHERE id = $10 AND openid = $11",
    )
    .bind(&a.recipient)
    .bind(a.area.calling_code())
    .bind(&a.mobile)
    .bind(&a.region_code)
    .bind(&region)
    .bind(&a.detail)
    .bind(&a.postcode)
    .bind(i64::from(make_default))
    .bind(now_ms())
    .bind(id)
    .bind(buyer.as_str())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ShopError::NotFound);
    }
    tx.commit().await?;
    get(db, buyer, id).await
}

/// Makes one of the buyer's addresses the default.
pub async fn set_default(db: &Database, buyer: &Openid, id: AddressId) -> Result<(), ShopError> {
    let mut tx = lock_book(db, buyer).await?;
    clear_default(&mut tx, buyer).await?;
    let done = sqlx::query(
        "UPDATE addresses SET is_default = 1, updated_at = $1 WHERE id = $2 AND openid = $3",
    )
    .bind(now_ms())
    .bind(id)
    .bind(buyer.as_str())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ShopError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes one of the buyer's addresses. When it was the default, the newest other address
/// becomes the default, so a buyer with addresses always has one.
pub async fn delete(db: &Database, buyer: &Openid, id: AddressId) -> Result<(), ShopError> {
    let mut tx = lock_book(db, buyer).await?;
    let was_default: Option<i64> =
        sqlx::query_scalar("SELECT is_default FROM addresses WHERE id = $1 AND openid = $2")
            .bind(id)
            .bind(buyer.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let Some(was_default) = was_default else {
        return Err(ShopError::NotFound);
    };
    sqlx::query("DELETE FROM addresses WHERE id = $1 AND openid = $2")
        .bind(id)
        .bind(buyer.as_str())
        .execute(&mut *tx)
        .await?;
    if flag(was_default) {
        sqlx::query(
            "UPDATE addresses SET is_default = 1
             WHERE id = (SELECT MAX(id) FROM addresses WHERE openid = $1)",
        )
        .bind(buyer.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
