//! Admin accounts and server-side sessions in the database (sign-in limits: [`super::limits`]).

use super::password;
use crate::error::ShopError;
use crate::ssr::db::{flag, Database};
use crate::ssr::web::now_ms;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Staff,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Staff => "staff",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "owner" => Some(Role::Owner),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }
}

/// The signed-in admin, put in the request by the admin guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentAdmin {
    pub id: i64,
    pub username: String,
    pub role: Role,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("user name must be 3–64 letters, digits, `.`, `_` or `-`")]
    BadUsername,
    #[error("password {0}")]
    WeakPassword(#[from] password::PasswordProblem),
    #[error("an admin with this user name already exists")]
    Exists,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("hashing failed")]
    Hash,
}

fn valid_username(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

pub async fn create(
    db: &Database,
    username: &str,
    password: &str,
    role: Role,
) -> Result<i64, CreateError> {
    if !valid_username(username) {
        return Err(CreateError::BadUsername);
    }
    password::check_policy(password, username)?;
    let phc = password::hash_off_runtime(password)
        .await
        .map_err(|_| CreateError::Hash)?;
    let now = now_ms();
    let inserted = sqlx::query_scalar(
        "INSERT INTO admin_users (username, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(username)
    .bind(phc)
    .bind(role.code())
    .bind(now)
    .fetch_one(db.pool())
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(CreateError::Exists),
        Err(e) => Err(e.into()),
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    password_hash: String,
    role: String,
    disabled: i64,
}

/// The admin these credentials belong to, or `None` (wrong name, wrong password, disabled:
/// indistinguishable to the caller, and equally slow). The hash is checked off the async
/// runtime, a few at a time (see [`password::verify_off_runtime`]).
pub async fn authenticate(
    db: &Database,
    username: &str,
    password: &str,
) -> Result<Option<CurrentAdmin>, ShopError> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT id, username, password_hash, role, disabled FROM admin_users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        password::verify_dummy_off_runtime(password).await?;
        return Ok(None);
    };
    let ok =
        password::verify_off_runtime(password, &row.password_hash).await? && !flag(row.disabled);
    Ok(ok
        .then(|| {
            Role::parse(&row.role).map(|role| CurrentAdmin {
                id: row.id,
                username: row.username,
                role,
            })
        })
        .flatten())
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh session id (256 random bits, hex) for this admin.
pub async fn start_session(
    db: &Database,
    admin_id: i64,
    absolute_ms: i64,
) -> Result<String, ShopError> {
    let token = crate::ssr::web::random_hex(32)?;
    let now = now_ms();
    sqlx::query(
        "INSERT INTO admin_sessions (token_hash, admin_id, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(admin_id)
    .bind(now)
    .bind(now + absolute_ms)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// The admin a session id belongs to, if the session is alive: not past its absolute end,
/// not idle for longer than `idle_ms`, the account not disabled. Touches `last_seen_at`.
pub async fn check_session(
    db: &Database,
    token: &str,
    idle_ms: i64,
) -> Result<Option<CurrentAdmin>, ShopError> {
    let now = now_ms();
    let hash = token_hash(token);
    let row: Option<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT u.id, u.username, u.role, u.disabled, s.last_seen_at, s.expires_at
         FROM admin_sessions s JOIN admin_users u ON u.id = s.admin_id
         WHERE s.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?;
    let Some((id, username, role, disabled, last_seen, expires)) = row else {
        return Ok(None);
    };
    if flag(disabled) || now >= expires || now - last_seen > idle_ms {
        end_session(db, token).await?;
        return Ok(None);
    }
    if now - last_seen > 15_000 {
        sqlx::query("UPDATE admin_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(db.pool())
            .await?;
    }
    Ok(Role::parse(&role).map(|role| CurrentAdmin { id, username, role }))
}

pub async fn end_session(db: &Database, token: &str) -> Result<(), ShopError> {
    sqlx::query("DELETE FROM admin_sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn accounts(db: &Database) -> Result<Vec<crate::admin::AdminAccount>, ShopError> {
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, username, role, disabled, created_at FROM admin_users ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, username, role, disabled, created_at_ms)| crate::admin::AdminAccount {
                id,
                username,
                role,
                disabled: flag(disabled),
                created_at_ms,
            },
        )
        .collect())
}

/// Disables (ending its sessions at once) or re-enables an account.
pub async fn set_disabled(db: &Database, id: i64, disabled: bool) -> Result<(), ShopError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE admin_users SET disabled = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(disabled))
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(ShopError::NotFound);
    }
    if disabled {
        sqlx::query("DELETE FROM admin_sessions WHERE admin_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_plain() {
        assert!(valid_username("owner"));
        assert!(valid_username("shop.staff-1_a"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("has space"));
        assert!(!valid_username("<script>"));
    }

    #[test]
    fn session_ids_are_stored_hashed() {
        let h = token_hash("abc");
        assert_eq!(h.len(), 64);
        assert_ne!(h, "abc");
    }
}
