//! What the merchant and the gateway must agree on byte for byte: how a request is signed,
//! how a notification is signed, and how parameters are written on the wire. The shop's
//! client and the sandbox gateway (the `sandbox` crate) both use this module, so the two
//! sides cannot drift apart.
//!
//! - A request is signed over its parameters sorted by key, each value percent-encoded
//!   (RFC 3986: everything but `A-Z a-z 0-9 - _ . ~`, so a space is `%20`), joined as
//!   `k=v&k=v`, then `,` and the `Timestamp` header: RSA PKCS#1 v1.5 over SHA-256 with the
//!   merchant's key, base64.
//! - A notification is verified over *all* received fields sorted by key with their raw
//!   values, then `,` and its `Timestamp`, against the gateway's public key.

pub use crate::ssr::pay::signing::{KeyError, PrivateKey, PublicKey};

/// The signing headers of a merchant request (header names are case-insensitive).
pub const HEADER_MERCHANT_NO: &str = "MerchantNO";
pub const HEADER_VERSION: &str = "Version";
pub const HEADER_TIMESTAMP: &str = "Timestamp";
pub const HEADER_SIGNATURE: &str = "Signature";
/// The only API version there is.
pub const API_VERSION: &str = "1.0";
/// The body that tells the gateway a notification was recorded; anything else is retried.
pub const NOTIFICATION_ACK: &str = "success";

/// RFC 3986 percent-encoding: every byte but the unreserved `A-Z a-z 0-9 - _ . ~`, with
/// upper-case hex, so a space is `%20` (never `+`, which the gateway would sign differently).
/// The shop's one encoder, also used for its own links.
use crate::ssr::web::encode_component as percent_encode;

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

/// `k=v&…` in key order with RFC 3986 encoding: the exact text that was signed, as a form
/// body (POST) or a query (GET).
pub fn encode_params(params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn params_are_encoded_in_key_order() {
        assert_eq!(
            encode_params(&pairs(&[("b", "x y"), ("a", "1/2")])),
            "a=1%2F2&b=x%20y"
        );
    }

    /// The request behind the OpenSSL vector in `signing`'s tests, signed end to end.
    #[test]
    fn a_request_signs_to_the_openssl_vector() {
        let params = pairs(&[
            ("openid", "sandbox_buyer_0001"),
            ("product_info", "龙井茶 x2"),
            ("merchant_no", "SANDBOX-MERCHANT-001"),
            ("currency", "HKD"),
            ("amount", "12.50"),
        ]);
        let key = PrivateKey::from_pem(include_bytes!(
            "../../../../../keys/sandbox/merchant_private.pem"
        ))
        .expect("key");
        let signature = key
            .sign(&request_string_to_sign(&params, "1700000000"))
            .expect("sign");
        assert_eq!(signature, include_str!("../testdata/vector.sig").trim());
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
