//! Wisecashier request signing and notification verification.
//!
//! - A request is signed over its parameters sorted by key, each value percent-encoded
//!   (RFC 3986: everything but `A-Z a-z 0-9 - _ . ~`, so a space is `%20`), joined as
//!   `k=v&k=v`, then `,` and the `Timestamp` header: RSA PKCS#1 v1.5 over SHA-256 with the
//!   merchant's key, base64.
//! - A notification is verified over *all* received fields sorted by key with their raw
//!   values, then `,` and its `Timestamp`, against the gateway's public key.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivateKeyDer, SubjectPublicKeyInfoDer};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("not a PEM {expected}: {reason}")]
    Pem {
        expected: &'static str,
        reason: String,
    },
    #[error("not a usable RSA key: {0}")]
    Rsa(String),
}

/// The merchant's RSA private key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct PrivateKey {
    pair: Arc<RsaKeyPair>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

impl PrivateKey {
    /// A PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM.
    pub fn from_pem(pem: &[u8]) -> Result<PrivateKey, KeyError> {
        let der = PrivateKeyDer::from_pem_slice(pem).map_err(|e| KeyError::Pem {
            expected: "private key",
            reason: e.to_string(),
        })?;
        let pair = match &der {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            _ => return Err(KeyError::Rsa("not an RSA key".to_owned())),
        }
        .map_err(|e| KeyError::Rsa(e.to_string()))?;
        Ok(PrivateKey {
            pair: Arc::new(pair),
        })
    }

    pub fn from_pem_file(path: &str) -> Result<PrivateKey, KeyError> {
        PrivateKey::from_pem(&read(path)?)
    }

    /// PKCS#1 v1.5 / SHA-256 signature, base64. Deterministic for a given key and message.
    pub fn sign(&self, message: &str) -> Result<String, KeyError> {
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message.as_bytes(),
                &mut sig,
            )
            .map_err(|e| KeyError::Rsa(e.to_string()))?;
        Ok(B64.encode(sig))
    }

    /// The matching public key (for comparing against known sandbox keys).
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            rsa_der: Arc::new(self.pair.public().as_ref().to_vec()),
        }
    }
}

/// An RSA public key (the gateway's, or the merchant's inside the sandbox).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// PKCS#1 `RSAPublicKey` DER, the form ring verifies with.
    rsa_der: Arc<Vec<u8>>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} bytes)", self.rsa_der.len())
    }
}

impl PublicKey {
    /// A `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo) PEM, as the gateway hands it out.
    pub fn from_pem(pem: &[u8]) -> Result<PublicKey, KeyError> {
        let spki = SubjectPublicKeyInfoDer::from_pem_slice(pem).map_err(|e| KeyError::Pem {
            expected: "public key",
            reason: e.to_string(),
        })?;
        let rsa_der = rsa_public_key_from_spki(spki.as_ref())
            .ok_or_else(|| KeyError::Rsa("not an RSA SubjectPublicKeyInfo".to_owned()))?;
        Ok(PublicKey {
            rsa_der: Arc::new(rsa_der),
        })
    }

    pub fn from_pem_file(path: &str) -> Result<PublicKey, KeyError> {
        PublicKey::from_pem(&read(path)?)
    }

    /// Whether `signature_b64` is this key's PKCS#1 v1.5 / SHA-256 signature of `message`.
    pub fn verify(&self, message: &str, signature_b64: &str) -> bool {
        let Ok(sig) = B64.decode(signature_b64.trim()) else {
            return false;
        };
        UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            self.rsa_der.as_slice(),
        )
        .verify(message.as_bytes(), &sig)
        .is_ok()
    }
}

fn read(path: &str) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|e| KeyError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// The `RSAPublicKey` inside an RSA `SubjectPublicKeyInfo`:
/// `SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING { 0x00, RSAPublicKey } }`.
fn rsa_public_key_from_spki(der: &[u8]) -> Option<Vec<u8>> {
    const RSA_ENCRYPTION: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    let (outer, rest) = der_element(der, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (algorithm, rest) = der_element(outer, 0x30)?;
    if !algorithm.starts_with(&RSA_ENCRYPTION) {
        return None;
    }
    let (bits, rest) = der_element(rest, 0x03)?;
    if !rest.is_empty() {
        return None;
    }
    let (unused_bits, key) = bits.split_first()?;
    (*unused_bits == 0).then(|| key.to_vec())
}

/// One DER element with the expected tag: its contents and what follows it.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// RFC 3986 percent-encoding: every byte but the unreserved `A-Z a-z 0-9 - _ . ~`, with
/// upper-case hex, so a space is `%20` (never `+`). The shop's one encoder, also used for
/// its own links.
pub use crate::ssr::web::encode_component as percent_encode;

/// The string a merchant request is signed over: sorted `k=percent(v)` pairs, `,`, Timestamp.
pub fn request_string_to_sign(params: &[(String, String)], timestamp: &str) -> String {
    joined(params, percent_encode, timestamp)
}

/// The string a notification is verified over: sorted `k=v` pairs with raw values, `,`,
/// Timestamp.
pub fn notification_string_to_verify(fields: &[(String, String)], timestamp: &str) -> String {
    joined(fields, |v| v.to_owned(), timestamp)
}

fn joined(params: &[(String, String)], encode: impl Fn(&str) -> String, timestamp: &str) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    // Byte order of the keys; equal keys (never expected) keep a stable order by value.
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.cmp(&b.1)));
    let body = sorted
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{body},{timestamp}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sandbox merchant key pair (committed, sandbox-only) doubles as the test key.
    const MERCHANT_PRIVATE: &[u8] = include_bytes!("../../../../keys/sandbox/merchant_private.pem");
    const MERCHANT_PUBLIC: &[u8] = include_bytes!("../../../../keys/sandbox/merchant_public.pem");
    const GATEWAY_PUBLIC: &[u8] = include_bytes!("../../../../keys/sandbox/gateway_public.pem");

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn percent_encoding_follows_rfc3986() {
        assert_eq!(percent_encode("abcXYZ019-_.~"), "abcXYZ019-_.~");
        assert_eq!(percent_encode("a b+c"), "a%20b%2Bc");
        assert_eq!(
            percent_encode("https://shop.example/api/pay/notify?x=1&y=2"),
            "https%3A%2F%2Fshop.example%2Fapi%2Fpay%2Fnotify%3Fx%3D1%26y%3D2"
        );
        assert_eq!(percent_encode("茶"), "%E8%8C%B6");
    }

    #[test]
    fn request_string_sorts_keys_and_encodes_values() {
        let params = pairs(&[
            ("product_info", "龙井茶 x2"),
            ("amount", "12.50"),
            ("merchant_no", "M1"),
            ("notify_url", "https://shop.example/api/pay/notify"),
            ("currency", "HKD"),
        ]);
        assert_eq!(
            request_string_to_sign(&params, "1700000000"),
            "amount=12.50&currency=HKD&merchant_no=M1\
             &notify_url=https%3A%2F%2Fshop.example%2Fapi%2Fpay%2Fnotify\
             &product_info=%E9%BE%99%E4%BA%95%E8%8C%B6%20x2,1700000000"
        );
    }

    #[test]
    fn notification_string_uses_raw_values() {
        let fields = pairs(&[
            ("trade_time", "2026-11-25 10:00:00"),
            ("amount", "12.50"),
            ("agent_order_id", "S2611250001"),
        ]);
        assert_eq!(
            notification_string_to_verify(&fields, "1700000001"),
            "agent_order_id=S2611250001&amount=12.50&trade_time=2026-11-25 10:00:00,1700000001"
        );
    }

    /// Vector computed independently with OpenSSL:
    /// `printf '%s' "$MSG" | openssl dgst -sha256 -sign merchant_private.pem | base64 -w0`.
    const VECTOR_MESSAGE: &str = "amount=12.50&currency=HKD&merchant_no=SANDBOX-MERCHANT-001\
&openid=sandbox_buyer_0001&product_info=%E9%BE%99%E4%BA%95%E8%8C%B6%20x2,1700000000";
    const VECTOR_SIGNATURE: &str = include_str!("testdata/vector.sig");

    #[test]
    fn signing_matches_the_openssl_vector() {
        let key = PrivateKey::from_pem(MERCHANT_PRIVATE).expect("key");
        let sig = key.sign(VECTOR_MESSAGE).expect("sign");
        assert_eq!(sig, VECTOR_SIGNATURE.trim());
        let public = PublicKey::from_pem(MERCHANT_PUBLIC).expect("public");
        assert!(public.verify(VECTOR_MESSAGE, &sig));
        assert_eq!(key.public_key(), public);
    }

    #[test]
    fn verification_rejects_tampering_and_the_wrong_key() {
        let key = PrivateKey::from_pem(MERCHANT_PRIVATE).expect("key");
        let public = PublicKey::from_pem(MERCHANT_PUBLIC).expect("public");
        let sig = key.sign("amount=1.00,1").expect("sign");
        assert!(public.verify("amount=1.00,1", &sig));
        assert!(!public.verify("amount=1.01,1", &sig));
        assert!(!public.verify("amount=1.00,2", &sig));
        assert!(!public.verify("amount=1.00,1", "not base64!"));
        assert!(!public.verify("amount=1.00,1", ""));
        let other = PublicKey::from_pem(GATEWAY_PUBLIC).expect("gateway public");
        assert!(!other.verify("amount=1.00,1", &sig));
    }

    #[test]
    fn keys_refuse_garbage_and_never_print() {
        assert!(PrivateKey::from_pem(
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        )
        .is_err());
        assert!(PrivateKey::from_pem(MERCHANT_PUBLIC).is_err());
        assert!(PublicKey::from_pem(MERCHANT_PRIVATE).is_err());
        let key = PrivateKey::from_pem(MERCHANT_PRIVATE).expect("key");
        assert_eq!(format!("{key:?}"), "PrivateKey(<redacted>)");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeMap;

        /// Field sets as the shop builds them: distinct keys of the gateway's alphabet.
        fn fields(values: &'static str) -> impl Strategy<Value = BTreeMap<String, String>> {
            proptest::collection::btree_map("[a-z_]{1,10}", values, 0..8)
        }

        fn pairs(map: &BTreeMap<String, String>) -> Vec<(String, String)> {
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        }

        proptest! {
            /// Requests: values are percent-encoded, so `&`, `=` and `,` inside a value can
            /// never pass for a separator. Two different field sets (or timestamps) always
            /// give two different strings: a signature covers exactly one request.
            #[test]
            fn different_requests_never_share_a_signing_string(
                a in fields("\\PC{0,12}"), b in fields("\\PC{0,12}"),
                ta in "[0-9]{10}", tb in "[0-9]{10}",
            ) {
                prop_assume!(a != b || ta != tb);
                prop_assert_ne!(
                    request_string_to_sign(&pairs(&a), &ta),
                    request_string_to_sign(&pairs(&b), &tb)
                );
            }

            /// The string does not depend on the order the fields arrive in.
            #[test]
            fn field_order_does_not_matter(a in fields("\\PC{0,12}"), t in "[0-9]{10}") {
                let mut reversed = pairs(&a);
                reversed.reverse();
                prop_assert_eq!(
                    request_string_to_sign(&pairs(&a), &t),
                    request_string_to_sign(&reversed, &t)
                );
                prop_assert_eq!(
                    notification_string_to_verify(&pairs(&a), &t),
                    notification_string_to_verify(&reversed, &t)
                );
            }

            /// Notifications: the gateway's format joins **raw** values, so it is injective
            /// only for values without `&` and `=`; `{a: "1&b=2"}` and `{a: "1", b: "2"}`
            /// share a string. That is the gateway's format, not ours to change, and it is
            /// harmless here: a re-split can only merge neighbouring fields into one value
            /// (which then fails to parse as a status, an amount or a currency), and a
            /// notification is never the proof of a payment anyway (the shop's own signed
            /// query is; see `orders::notify`). Within that alphabet, different sets never
            /// collide.
            #[test]
            fn different_notifications_never_share_a_string_without_separators_in_values(
                a in fields("[A-Za-z0-9 ._:-]{0,12}"), b in fields("[A-Za-z0-9 ._:-]{0,12}"),
                t in "[0-9]{10}",
            ) {
                prop_assume!(a != b);
                prop_assert_ne!(
                    notification_string_to_verify(&pairs(&a), &t),
                    notification_string_to_verify(&pairs(&b), &t)
                );
            }
        }

        #[test]
        fn the_documented_notification_ambiguity_is_real() {
            let merged = vec![("a".to_owned(), "1&b=2".to_owned())];
            let split = vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "2".to_owned()),
            ];
            assert_eq!(
                notification_string_to_verify(&merged, "1"),
                notification_string_to_verify(&split, "1")
            );
            assert_ne!(
                request_string_to_sign(&merged, "1"),
                request_string_to_sign(&split, "1")
            );
        }
    }
}
