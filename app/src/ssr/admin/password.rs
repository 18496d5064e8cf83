//! Admin passwords: argon2id with OWASP's parameters (19 MiB, 2 iterations, 1 lane), a
//! minimum length, and a refusal of the passwords every attacker tries first. The server
//! hashes off the async runtime, a few at a time (`*_off_runtime`).

use crate::error::ShopError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Hashes computed at once. Each takes 19 MiB and a core for tens of milliseconds; on the
/// runtime's worker threads a burst of sign-ins would stall every buyer and notification, so
/// they run on the blocking pool, at most this many together, the rest waiting their turn.
pub const CONCURRENT_HASHES: usize = 2;
/// A sign-in that waits longer than this for its turn is answered "try again shortly".
pub const HASH_QUEUE_TIMEOUT: Duration = Duration::from_secs(10);
static HASHING: Semaphore = Semaphore::const_new(CONCURRENT_HASHES);

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("at most {MAX_LENGTH} characters")]
    TooLong,
    #[error("too common or too easy to guess")]
    Common,
    #[error("must not be the user name")]
    SameAsUsername,
}

/// The passwords tried first by every credential-stuffing list (lower-cased), plus the shop's
/// own obvious ones.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "12341234",
    "11223344",
    "12344321",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "qwertyui",
    "qwerty123",
    "qwertyuiop",
    "asdfghjk",
    "asdfghjkl",
    "zxcvbnm1",
    "abcd1234",
    "abc12345",
    "abcdefgh",
    "aa123456",
    "a1234567",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "admin123",
    "admin1234",
    "administrator",
    "letmein1",
    "trustno1",
    "dragon123",
    "monkey123",
    "master123",
    "superman",
    "starwars",
    "whatever",
    "changeme",
    "secret123",
    "computer",
    "internet",
    "shop1234",
    "shop12345",
    "wechat123",
    "weixin123",
    "woaini1314",
    "woaini520",
    "5201314a",
    "qq123456",
    "a123456789",
    "123456abc",
    "123qweasd",
    "qweasdzxc",
    "1234qwer",
    "zaq12wsx",
];

pub fn check_policy(password: &str, username: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    if lower == username.to_lowercase() {
        return Err(PasswordProblem::SameAsUsername);
    }
    let mut chars = lower.chars();
    let first = chars.next();
    let one_char = chars.all(|c| Some(c) == first);
    if one_char || COMMON.contains(&lower.as_str()) || is_run(&lower) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// `12345678…`, `abcdefgh…` and their reverses.
fn is_run(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 2
        && (bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
            || bytes.windows(2).all(|w| w[1] == w[0].wrapping_sub(1)))
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same work as a real check, for logins with an unknown user name, so response
/// time does not tell which accounts exist.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default());
    let _ = verify(password, phc);
}

/// Runs a hashing job on the blocking pool once one of the [`CONCURRENT_HASHES`] slots is
/// free.
async fn off_runtime<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ShopError> {
    let permit = match tokio::time::timeout(HASH_QUEUE_TIMEOUT, HASHING.acquire()).await {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) => return Err(ShopError::Internal),
        Err(_) => {
            tracing::warn!("password hashing is saturated; a sign-in was turned away");
            return Err(ShopError::Internal);
        }
    };
    let result = tokio::task::spawn_blocking(job).await.map_err(|e| {
        tracing::error!(%e, "password hashing task failed");
        ShopError::Internal
    });
    drop(permit);
    result
}

/// [`hash`], off the async runtime.
pub async fn hash_off_runtime(password: &str) -> Result<String, ShopError> {
    let password = password.to_owned();
    off_runtime(move || hash(&password)).await?.map_err(|e| {
        tracing::error!(%e, "password hashing failed");
        ShopError::Internal
    })
}

/// [`verify`], off the async runtime.
pub async fn verify_off_runtime(password: &str, phc: &str) -> Result<bool, ShopError> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    off_runtime(move || verify(&password, &phc)).await
}

/// [`verify_dummy`], off the async runtime.
pub async fn verify_dummy_off_runtime(password: &str) -> Result<(), ShopError> {
    let password = password.to_owned();
    off_runtime(move || verify_dummy(&password)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_off_the_runtime_agrees_with_the_plain_functions_and_queues() {
        let phc = hash_off_runtime("correct horse battery")
            .await
            .expect("hash");
        assert!(verify("correct horse battery", &phc));
        assert!(verify_off_runtime("correct horse battery", &phc)
            .await
            .expect("verify"));
        assert!(!verify_off_runtime("wrong horse battery", &phc)
            .await
            .expect("verify"));
        verify_dummy_off_runtime("anything").await.expect("dummy");
        // More jobs than slots: all finish, never more than the slots at once.
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(off_runtime(move || {
                    use std::sync::atomic::Ordering::SeqCst;
                    let now = running.fetch_add(1, SeqCst) + 1;
                    most.fetch_max(now, SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    running.fetch_sub(1, SeqCst);
                }))
            })
            .collect();
        for job in jobs {
            job.await.expect("task").expect("job");
        }
        assert!(most.load(std::sync::atomic::Ordering::SeqCst) <= CONCURRENT_HASHES);
    }

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let phc = hash("correct horse battery").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterY", &phc));
        assert!(!verify("correct horse battery", "not a hash"));
        assert_ne!(hash("correct horse battery").expect("hash"), phc, "salted");
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(
            check_policy("short1", "owner"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_policy(&"x".repeat(129), "owner"),
            Err(PasswordProblem::TooLong)
        );
        for weak in [
            "password",
            "Password123",
            "12345678",
            "87654321",
            "abcdefgh",
            "zzzzzzzz",
            "Qwertyuiop",
        ] {
            assert_eq!(
                check_policy(weak, "owner"),
                Err(PasswordProblem::Common),
                "{weak}"
            );
        }
        assert_eq!(
            check_policy("merchant-owner", "Merchant-Owner"),
            Err(PasswordProblem::SameAsUsername)
        );
        assert_eq!(
            check_policy("龙井明前茶叶好喝", "owner"),
            Ok(()),
            "8 characters, not bytes"
        );
        assert_eq!(check_policy("tea-shop-2026!", "owner"), Ok(()));
    }
}
