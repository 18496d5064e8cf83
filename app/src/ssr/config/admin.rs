//! The back office: how long an admin session lives, and how long a sign-in lock lasts.

use super::source::{ConfigError, Source};
use std::time::Duration;

/// Admin session lifetimes.
#[derive(Debug, Clone)]
pub struct AdminConfig {
    /// Signed out after this long without a request.
    pub idle: Duration,
    /// Signed out after this long, however active.
    pub absolute: Duration,
    /// The first lock after too many sign-in attempts (`ADMIN_LOGIN_LOCK_MINUTES`); each
    /// further lock within a day doubles.
    pub login_lock: Duration,
}

impl AdminConfig {
    pub(super) fn read(src: &Source) -> Result<AdminConfig, ConfigError> {
        Ok(AdminConfig {
            idle: src.duration("ADMIN_IDLE_MINUTES", 60, 30, 1..=1440)?,
            absolute: src.duration("ADMIN_SESSION_HOURS", 3600, 12, 1..=168)?,
            login_lock: src.duration("ADMIN_LOGIN_LOCK_MINUTES", 60, 15, 1..=1440)?,
        })
    }

    pub fn idle_ms(&self) -> i64 {
        millis(self.idle)
    }
    pub fn absolute_ms(&self) -> i64 {
        millis(self.absolute)
    }
    pub fn login_lock_ms(&self) -> i64 {
        millis(self.login_lock)
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
