//! Test support shared by the data-layer tests and the server's integration tests: a fresh
//! database per test, on SQLite and on PostgreSQL.
//!
//! PostgreSQL comes from `SHOP_TEST_POSTGRES_URL` (an admin URL; `make test` starts a
//! throwaway server and sets it). A run without it fails, so a green run always means both
//! databases were tested; `SHOP_TEST_SKIP_POSTGRES=1` skips PostgreSQL explicitly.

use sqlx::{Connection, Executor};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct TestDatabase {
    pub label: &'static str,
    pub url: String,
    sqlite_dir: Option<PathBuf>,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "shop_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A fresh, empty SQLite database in its own directory.
pub fn sqlite() -> TestDatabase {
    let dir = std::env::temp_dir().join(unique_name());
    let url = format!("sqlite://{}/shop.db?mode=rwc", dir.display());
    TestDatabase {
        label: "sqlite",
        url,
        sqlite_dir: Some(dir),
    }
}

/// A fresh, empty PostgreSQL database, or `None` when explicitly skipped.
///
/// # Panics
/// When neither `SHOP_TEST_POSTGRES_URL` nor `SHOP_TEST_SKIP_POSTGRES` is set, or the
/// server cannot be reached: a test run must not pass by quietly testing less.
pub async fn postgres() -> Option<TestDatabase> {
    let Ok(admin) = std::env::var("SHOP_TEST_POSTGRES_URL") else {
        if std::env::var("SHOP_TEST_SKIP_POSTGRES").is_ok() {
            eprintln!("SHOP_TEST_SKIP_POSTGRES set: PostgreSQL not tested");
            return None;
        }
        panic!(
            "SHOP_TEST_POSTGRES_URL is not set. Run the tests with `make test`, which starts a \
             throwaway PostgreSQL, or set SHOP_TEST_SKIP_POSTGRES=1 to test SQLite only."
        );
    };
    sqlx::any::install_default_drivers();
    let name = unique_name();
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(TestDatabase {
        label: "postgres",
        url: format!("{base}/{name}"),
        sqlite_dir: None,
    })
}

/// One fresh database of each kind.
pub async fn all() -> Vec<TestDatabase> {
    let mut dbs = vec![sqlite()];
    dbs.extend(postgres().await);
    dbs
}

/// Applies the shop's migrations up to version `last` only: the database as an older shop
/// left it, to test that the migrations after it keep every row.
pub async fn migrate_until(
    db: &crate::ssr::db::Database,
    last: i64,
) -> Result<(), sqlx::migrate::MigrateError> {
    let mut migrator = match db.backend() {
        crate::ssr::db::Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        crate::ssr::db::Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= last)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    migrator.run(db.pool()).await
}
