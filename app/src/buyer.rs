//! The buyer is known only by the WeChat openid that the payment container appends to the
//! proxied request (seed 000: "openid必须在后端拿"). The browser never chooses it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A plausible WeChat openid. WeChat issues 28-character ids of `[A-Za-z0-9_-]`; other
/// official accounts and aggregators have issued slightly different lengths, so the shop
/// accepts 16 to 64 characters of that alphabet and nothing else. Anything outside it never
/// reaches the database or a cookie.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Openid(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenidError {
    #[error("openid must be 16 to 64 characters long, got {0}")]
    Length(usize),
    #[error("openid may only contain letters, digits, '-' and '_'")]
    Charset,
}

impl Openid {
    pub const MIN_LEN: usize = 16;
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Openid, OpenidError> {
        let len = raw.len();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(OpenidError::Length(len));
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(OpenidError::Charset);
        }
        Ok(Openid(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Rows decode their `openid` column straight into the type (`#[sqlx(try_from = "String")]`):
/// only openids that passed [`Openid::parse`] are ever stored.
impl TryFrom<String> for Openid {
    type Error = OpenidError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Openid::parse(&raw)
    }
}

impl fmt::Display for Openid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_looking_openid_is_accepted() {
        let id = Openid::parse("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o").expect("valid");
        assert_eq!(id.as_str(), "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    }

    #[test]
    fn implausible_openids_are_refused() {
        assert_eq!(Openid::parse("short"), Err(OpenidError::Length(5)));
        assert_eq!(Openid::parse(&"a".repeat(65)), Err(OpenidError::Length(65)));
        assert_eq!(
            Openid::parse("oUpF8uMuAJO M2pxb1Q9zNjWeS6o"),
            Err(OpenidError::Charset)
        );
        assert_eq!(
            Openid::parse("oUpF8uMuAJO.M2pxb1Q9zNjWeS6o"),
            Err(OpenidError::Charset)
        );
        assert_eq!(
            Openid::parse("<script>alert(1)</script>xx"),
            Err(OpenidError::Charset)
        );
        // Multi-byte characters are counted in bytes and refused by the charset rule.
        assert!(Openid::parse("用户用户用户用户用户用户").is_err());
    }
}
