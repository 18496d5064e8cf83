//! Buyer sessions are stateless signed tokens, so any number of app servers can check them
//! without shared storage.
//!
//! Two kinds exist, signed under different purposes so one can never stand in for the other:
//! - the **cookie** token: HttpOnly, SameSite=Lax, identifies the buyer on page loads;
//! - the **form** token: rendered into the page and sent back by every buyer server function.
//!   Inside the payment container the page runs on the gateway's origin and calls the shop
//!   cross-origin, where the shop's cookie is a third-party cookie that WeChat's browser may
//!   drop. The form token carries the buyer there, and because another site cannot read it,
//!   it also makes the buyer's state-changing calls immune to cross-site request forgery.

use super::web::cookies::SameSite;
use super::web::SetCookie;
use crate::buyer::Openid;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub const SESSION_COOKIE: &str = "shop_session";
/// Seven days: a buyer who comes back within a week keeps the cart without a new OAuth trip.
pub const SESSION_TTL_SECS: i64 = 7 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Cookie,
    Form,
}

impl Purpose {
    fn tag(self) -> &'static str {
        match self {
            Purpose::Cookie => "cookie",
            Purpose::Form => "form",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("bad signature")]
    BadSignature,
    #[error("expired")]
    Expired,
}

/// A token that checked out: whose it is and when it expires (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub openid: Openid,
    pub expires: i64,
}

impl Verified {
    /// Re-issue once a day, so an active buyer never meets an expiry.
    pub fn due_for_refresh(&self, now_secs: i64) -> bool {
        self.expires - now_secs < SESSION_TTL_SECS - 24 * 3600
    }
}

#[derive(Clone)]
pub struct SessionKeys {
    secret: Vec<u8>,
}

impl SessionKeys {
    pub fn new(secret: &[u8]) -> SessionKeys {
        SessionKeys {
            secret: secret.to_vec(),
        }
    }

    fn mac(&self, purpose: Purpose, openid: &str, expires: i64) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
        };
        mac.update(purpose.tag().as_bytes());
        mac.update(b"|");
        mac.update(openid.as_bytes());
        mac.update(b"|");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// `openid.expires.signature`; an openid's alphabet has no `.`, so the split is exact.
    pub fn issue(&self, purpose: Purpose, openid: &Openid, now_secs: i64) -> String {
        let expires = now_secs + SESSION_TTL_SECS;
        let sig = self.mac(purpose, openid.as_str(), expires).finalize();
        format!(
            "{}.{}.{}",
            openid.as_str(),
            expires,
            URL_SAFE_NO_PAD.encode(sig.into_bytes())
        )
    }

    pub fn verify(
        &self,
        purpose: Purpose,
        token: &str,
        now_secs: i64,
    ) -> Result<Verified, TokenError> {
        let mut parts = token.split('.');
        let (Some(openid), Some(expires), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let openid = Openid::parse(openid).map_err(|_| TokenError::Malformed)?;
        let expires: i64 = expires.parse().map_err(|_| TokenError::Malformed)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| TokenError::Malformed)?;
        self.mac(purpose, openid.as_str(), expires)
            .verify_slice(&sig)
            .map_err(|_| TokenError::BadSignature)?;
        if expires <= now_secs {
            return Err(TokenError::Expired);
        }
        Ok(Verified { openid, expires })
    }
}

/// No randomness is a fault the buyer cannot fix (the detail was logged).
impl From<super::web::NoRandomness> for crate::error::ShopError {
    fn from(_: super::web::NoRandomness) -> Self {
        crate::error::ShopError::Internal
    }
}

/// The buyer's session cookie. Lax, not Strict: the buyer arrives by a top-level redirect
/// from the gateway's OAuth, and a Strict cookie would not be sent on that first navigation.
pub fn session_cookie(token: &str, secure: bool) -> SetCookie {
    SetCookie::new(
        SESSION_COOKIE,
        token,
        SESSION_TTL_SECS,
        SameSite::Lax,
        secure,
    )
    .http_only()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buyer() -> Openid {
        Openid::parse("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o").expect("valid")
    }

    #[test]
    fn a_token_verifies_for_its_own_purpose_until_it_expires() {
        let keys = SessionKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue(Purpose::Form, &buyer(), 1_000);
        let verified = keys.verify(Purpose::Form, &token, 1_001).expect("valid");
        assert_eq!(verified.openid, buyer());
        assert!(!verified.due_for_refresh(1_001));
        assert!(verified.due_for_refresh(1_000 + 24 * 3600 + 1));
        assert_eq!(
            keys.verify(Purpose::Form, &token, 1_000 + SESSION_TTL_SECS),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn a_form_token_is_not_a_cookie_and_vice_versa() {
        let keys = SessionKeys::new(b"0123456789abcdef0123456789abcdef");
        let form = keys.issue(Purpose::Form, &buyer(), 1_000);
        let cookie = keys.issue(Purpose::Cookie, &buyer(), 1_000);
        assert_eq!(
            keys.verify(Purpose::Cookie, &form, 1_001),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            keys.verify(Purpose::Form, &cookie, 1_001),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn tampering_or_another_secret_is_detected() {
        let keys = SessionKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue(Purpose::Cookie, &buyer(), 1_000);
        let other = SessionKeys::new(b"another-secret-another-secret-xx");
        assert_eq!(
            other.verify(Purpose::Cookie, &token, 1_001),
            Err(TokenError::BadSignature)
        );
        // Swap in another buyer's openid but keep the signature.
        let forged = token.replacen(
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            "oAttackerAAAAAAAAAAAAAAAAAAA",
            1,
        );
        assert_eq!(
            keys.verify(Purpose::Cookie, &forged, 1_001),
            Err(TokenError::BadSignature)
        );
        // Extend the expiry but keep the signature.
        let (head, sig) = token.rsplit_once('.').expect("three parts");
        let (openid, _) = head.split_once('.').expect("three parts");
        let extended = format!("{openid}.99999999999.{sig}");
        assert_eq!(
            keys.verify(Purpose::Cookie, &extended, 1_001),
            Err(TokenError::BadSignature)
        );
        for junk in [
            "",
            "a.b",
            "a.b.c.d",
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.x.y",
            "bad id.1.AA",
        ] {
            assert_eq!(
                keys.verify(Purpose::Cookie, junk, 1_001),
                Err(TokenError::Malformed),
                "{junk}"
            );
        }
    }
}
