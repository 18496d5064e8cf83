//! One portable set of queries over SQLite (the embedded default) and PostgreSQL (several
//! app servers). Queries use `$1` placeholders, which both drivers accept, and only the
//! types both share: integers (money in minor units, times in unix milliseconds) and text.

use sqlx::any::AnyPoolOptions;
use sqlx::AnyConnection;
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
}

pub type Tx = Transaction<'static, Any>;

impl Database {
    pub async fn connect(url: &str) -> Result<Database, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        if backend == Backend::Sqlite {
            create_sqlite_parent_dir(url)?;
        }
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    configure_sqlite(conn).await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(url).await?;
        Ok(Database { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await
            }
        }
    }

    /// Writes a consistent copy of the live SQLite database to `path` (`VACUUM INTO`: one
    /// read transaction, so writers go on meanwhile and the copy is the database as of one
    /// moment, compacted). The file must not exist yet. PostgreSQL has its own tools
    /// (`pg_dump`); asked of it, this says so.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<(), BackupError> {
        if self.backend != Backend::Sqlite {
            return Err(BackupError::Postgres);
        }
        if path.exists() {
            return Err(BackupError::Exists);
        }
        let target = path.to_str().ok_or(BackupError::Path)?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await
            .map_err(BackupError::Sql)?;
        Ok(())
    }

    /// A transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: a deferred
    /// transaction that reads first pins a snapshot, and if another connection commits before
    /// it writes, SQLite answers SQLITE_BUSY_SNAPSHOT, which no busy timeout can wait out.
    /// Taking the write lock up front makes every read-then-write transaction safe.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

async fn configure_sqlite(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    // WAL lets readers run beside the one writer; the busy timeout makes a second writer
    // wait for the lock instead of failing; foreign keys are off by default in SQLite.
    for pragma in [
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000",
    ] {
        conn.execute(pragma).await?;
    }
    Ok(())
}

fn create_sqlite_parent_dir(url: &str) -> Result<(), sqlx::Error> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)?;
        }
    }
    Ok(())
}

/// Serialises the transactions that take the same `key` for the rest of the transaction.
/// SQLite's write transaction (BEGIN IMMEDIATE) already serialises every writer; PostgreSQL
/// takes a transaction-scoped advisory lock on a number derived from the key (two keys
/// sharing a number only wait for each other).
pub async fn lock_key(tx: &mut Tx, backend: Backend, key: &str) -> Result<(), sqlx::Error> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // `pg_advisory_xact_lock` returns void, which the portable driver cannot decode.
    sqlx::query("SELECT CAST(1 AS BIGINT) FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
        .bind(i64::from_le_bytes(first))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Parse a stored boolean flag. Flags are INTEGER 0/1 in both schemas because the portable
/// driver has no boolean on SQLite.
pub fn flag(v: i64) -> bool {
    v != 0
}

/// Why [`Database::backup_to`] made no copy.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the database is PostgreSQL: back it up with pg_dump (see the README)")]
    Postgres,
    #[error("the backup file already exists; choose a new name")]
    Exists,
    #[error("the backup path is not valid UTF-8")]
    Path,
    #[error("SQLite could not write the copy: {0}")]
    Sql(sqlx::Error),
}
