//! `DATABASE_URL`: SQLite (the embedded default) or PostgreSQL.

use super::source::{bad, ConfigError, Source};
use secrecy::SecretString;
use url::Url;

/// The URL may carry the database password, so it is kept as a secret.
pub(super) fn read(src: &Source) -> Result<SecretString, ConfigError> {
    let url = src
        .get("DATABASE_URL")
        .unwrap_or_else(|| "sqlite://data/shop.db?mode=rwc".to_owned());
    if !(url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://"))
    {
        return Err(bad(
            "DATABASE_URL",
            "must start with sqlite: or postgres://",
        ));
    }
    Ok(url.into())
}

/// A database URL without its password, for logs.
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_owned(),
    }
}
