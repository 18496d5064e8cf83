//! RSA keys as the gateway uses them: PKCS#1 v1.5 signatures over SHA-256, base64. What is
//! signed (the string-to-sign) belongs to each gateway's protocol, e.g.
//! [`super::wisecashier::protocol`].

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivateKeyDer, SubjectPublicKeyInfoDer};
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};
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

/// `rsaEncryption` (RFC 8017, appendix C): the only algorithm these keys may carry.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The `RSAPublicKey` inside an RSA `SubjectPublicKeyInfo`:
/// `SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING { RSAPublicKey } }`.
/// Trailing bytes, another algorithm or a bit string that is not whole bytes are refused.
fn rsa_public_key_from_spki(der: &[u8]) -> Option<Vec<u8>> {
    let spki = SubjectPublicKeyInfoRef::try_from(der).ok()?;
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return None;
    }
    spki.subject_public_key.as_bytes().map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sandbox merchant key pair (committed, sandbox-only) doubles as the test key.
    const MERCHANT_PRIVATE: &[u8] = include_bytes!("../../../../keys/sandbox/merchant_private.pem");
    const MERCHANT_PUBLIC: &[u8] = include_bytes!("../../../../keys/sandbox/merchant_public.pem");
    const GATEWAY_PUBLIC: &[u8] = include_bytes!("../../../../keys/sandbox/gateway_public.pem");

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

    #[test]
    fn public_keys_of_another_algorithm_or_with_trailing_bytes_are_refused() {
        const EC_PUBLIC: &[u8] = b"-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERDbUVzVBf/tyCBpb/d7Q3paS6bi+
+zKMOsQfLUwujUqHUuoTnfFXsPN7xCym2rVvfTqdkXAv7l/FjCnAZXuOcw==
-----END PUBLIC KEY-----
";
        assert!(matches!(
            PublicKey::from_pem(EC_PUBLIC),
            Err(KeyError::Rsa(_))
        ));
        let der = SubjectPublicKeyInfoDer::from_pem_slice(MERCHANT_PUBLIC).expect("der");
        assert!(rsa_public_key_from_spki(der.as_ref()).is_some());
        let mut trailing = der.as_ref().to_vec();
        trailing.push(0);
        assert_eq!(rsa_public_key_from_spki(&trailing), None);
        assert_eq!(rsa_public_key_from_spki(&der.as_ref()[..40]), None);
    }
}
