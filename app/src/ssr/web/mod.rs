//! Web plumbing that knows nothing of the shop: cookies, local paths and redirects, the
//! client's address, the clock and random ids. Everything may import it; it imports nothing
//! of the shop's, so it can never be part of an import loop.

pub mod address;
pub mod cookies;
pub mod paths;
pub mod status;

pub use cookies::{read_cookie, SetCookie};
pub use paths::{encode_component, local_path, query_values, redirect};
pub use status::{plain_form_post, set_call_status};

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    now_ms() / 1000
}

/// The operating system gave no randomness (logged where it happened).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system gave no randomness")]
pub struct NoRandomness;

/// `bytes` bytes from the operating system's generator, as lower-case hex: session ids,
/// checkout keys, OAuth state, file names.
pub fn random_hex(bytes: usize) -> Result<String, NoRandomness> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| {
        tracing::error!(%e, "the operating system gave no randomness");
        NoRandomness
    })?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_hex_of_the_asked_length_and_differ() {
        let a = random_hex(16).expect("randomness");
        let b = random_hex(16).expect("randomness");
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
