//! UseePay's V1 gateway, byte for byte: what is signed, how amounts and the nested JSON
//! fields are written, and what `resultCode` means. The shop's client and the sandbox's
//! UseePay stand-in (the `sandbox` crate) both use this module, so the two sides cannot
//! drift apart. Protocol notes: `shared/docs/useepay.md`.
//!
//! - Every call is `POST {BASE}/api`, form-encoded, and `transactionType` (`pay`, `query`,
//!   `refund`) selects the operation.
//! - The signature covers every field but `sign` whose trimmed value is not empty, sorted by
//!   key (byte order), joined as `k=v&k=v` with **raw** values (JSON strings as they are),
//!   with `\r` and `\n` removed as UseePay's Java SDK does. `signType` is one of the fields.
//!   - `MD5`: the string, `&pkey=` and the merchant's MD5 key, MD5, 32 lower-case hex;
//!   - `RSA`: SHA256withRSA (PKCS#1 v1.5) with the signer's private key, Base64.
//! - Answers and notifications are verified the same way over every field received.

use crate::money::Money;
pub use crate::ssr::pay::signing::{KeyError, PrivateKey, PublicKey};
use md5::{Digest, Md5};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

/// The API version every call carries.
pub const VERSION: &str = "1.0";
/// The one path: `{BASE}/api`.
pub const API_PATH: &str = "api";
/// `payerInfo.paymentMethod` for WeChat Pay inside an official account.
pub const PAYMENT_METHOD: &str = "wechat_jsapi";
/// The longest `transactionExpirationTime` UseePay accepts, in minutes (the shortest is 1).
pub const MAX_EXPIRATION_MINUTES: u64 = 20;
/// The body the shop answers a recorded notification with (UseePay asks only for HTTP 200).
pub const NOTIFICATION_ACK: &str = "SUCCESS";
/// The field that carries the signature.
pub const SIGN: &str = "sign";

/// The two signature types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignType {
    Rsa,
    Md5,
}

impl SignType {
    pub fn code(self) -> &'static str {
        match self {
            SignType::Rsa => "RSA",
            SignType::Md5 => "MD5",
        }
    }

    pub fn parse(raw: &str) -> Option<SignType> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "RSA" => Some(SignType::Rsa),
            "MD5" => Some(SignType::Md5),
            _ => None,
        }
    }
}

/// The string both signature types are computed over: see the module documentation.
pub fn string_to_sign(fields: &[(String, String)]) -> String {
    let mut kept: Vec<(&str, String)> = fields
        .iter()
        .filter(|(k, v)| k != SIGN && !v.trim().is_empty())
        .map(|(k, v)| (k.as_str(), v.replace(['\r', '\n'], "")))
        .collect();
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.cmp(&b.1)));
    kept.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// `MD5(string + "&pkey=" + key)`, lower-case hex.
pub fn md5_sign(string: &str, key: &str) -> String {
    let digest = Md5::digest(format!("{string}&pkey={key}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What signs: the merchant's requests (the shop), or the gateway's answers and
/// notifications (the sandbox). `Debug` never shows a key.
#[derive(Clone)]
pub enum Signer {
    Rsa(PrivateKey),
    Md5(SecretString),
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({})", self.sign_type().code())
    }
}

impl Signer {
    pub fn sign_type(&self) -> SignType {
        match self {
            Signer::Rsa(_) => SignType::Rsa,
            Signer::Md5(_) => SignType::Md5,
        }
    }

    /// The `sign` of `fields` (which already carry `signType`).
    pub fn sign(&self, fields: &[(String, String)]) -> Result<String, KeyError> {
        let string = string_to_sign(fields);
        match self {
            Signer::Rsa(key) => key.sign(&string),
            Signer::Md5(key) => Ok(md5_sign(&string, key.expose_secret())),
        }
    }

    /// `fields` with `signType` set to this signer's and `sign` appended: ready to send.
    pub fn signed(&self, fields: Vec<(String, String)>) -> Result<Vec<(String, String)>, KeyError> {
        let mut fields: Vec<(String, String)> = fields
            .into_iter()
            .filter(|(k, _)| k != SIGN && k != "signType")
            .collect();
        fields.push(("signType".to_owned(), self.sign_type().code().to_owned()));
        let sign = self.sign(&fields)?;
        fields.push((SIGN.to_owned(), sign));
        Ok(fields)
    }
}

/// What verifies the other side's signature: its RSA public key, or the shared MD5 key.
#[derive(Clone)]
pub enum Verifier {
    Rsa(PublicKey),
    Md5(SecretString),
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verifier({})", self.sign_type().code())
    }
}

impl Verifier {
    pub fn sign_type(&self) -> SignType {
        match self {
            Verifier::Rsa(_) => SignType::Rsa,
            Verifier::Md5(_) => SignType::Md5,
        }
    }

    /// Whether `fields` (everything received, `sign` included) carry a valid `sign` of this
    /// verifier's type. A `signType` field naming the other type never verifies: a
    /// signature type is the merchant's setting, not the sender's choice.
    pub fn verify(&self, fields: &[(String, String)]) -> bool {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
        };
        let Some(sign) = get(SIGN).filter(|s| !s.is_empty()) else {
            return false;
        };
        // A field sent twice is signed twice but read once: which one counts would be the
        // sender's choice. Refused.
        let mut keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return false;
        }
        if get("signType").and_then(SignType::parse) != Some(self.sign_type()) {
            return false;
        }
        let string = string_to_sign(fields);
        match self {
            Verifier::Rsa(key) => key.verify(&string, sign),
            Verifier::Md5(key) => {
                let expected = md5_sign(&string, key.expose_secret());
                let given = sign.to_ascii_lowercase();
                expected.len() == given.len()
                    && expected
                        .bytes()
                        .zip(given.bytes())
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0
            }
        }
    }
}

/// A transaction's state in UseePay's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultCode {
    /// Accepted, not yet paid (the initial state).
    Received,
    Pending,
    Gather,
    Challenge,
    /// Held for review (notifications only).
    PendingReview,
    Succeed,
    /// Final: the reason is in `errorCode`.
    Failed,
    Cancelled,
    /// Expired or closed: final.
    Closed,
}

impl ResultCode {
    pub fn parse(raw: &str) -> Option<ResultCode> {
        Some(match raw.trim().to_ascii_lowercase().as_str() {
            "received" => ResultCode::Received,
            "pending" => ResultCode::Pending,
            "gather" => ResultCode::Gather,
            "challenge" => ResultCode::Challenge,
            "pending_review" => ResultCode::PendingReview,
            "succeed" | "success" | "succeeded" => ResultCode::Succeed,
            "failed" | "fail" => ResultCode::Failed,
            "cancelled" | "canceled" => ResultCode::Cancelled,
            "closed" => ResultCode::Closed,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            ResultCode::Received => "received",
            ResultCode::Pending => "pending",
            ResultCode::Gather => "gather",
            ResultCode::Challenge => "challenge",
            ResultCode::PendingReview => "pending_review",
            ResultCode::Succeed => "succeed",
            ResultCode::Failed => "failed",
            ResultCode::Cancelled => "cancelled",
            ResultCode::Closed => "closed",
        }
    }

    /// `succeed`, `failed`, `cancelled` and `closed` never change again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ResultCode::Succeed | ResultCode::Failed | ResultCode::Cancelled | ResultCode::Closed
        )
    }
}

/// An amount as UseePay writes it: integer minor units (`"1211"` for USD 12.11).
pub fn minor_units(amount: Money) -> String {
    amount.minor.to_string()
}

/// Reads UseePay's minor-unit amount: digits only (no sign, no decimal point), no overflow.
pub fn parse_minor(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 18 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// `payerInfo`: the JSON string that names the wallet and the buyer.
pub fn payer_info(sub_appid: &str, sub_openid: &str) -> String {
    let mut m = Map::new();
    m.insert("paymentMethod".into(), Value::from(PAYMENT_METHOD));
    m.insert("sub_appid".into(), Value::from(sub_appid));
    m.insert("sub_openid".into(), Value::from(sub_openid));
    Value::Object(m).to_string()
}

/// `orderInfo`: the JSON string that describes the goods.
pub fn order_info(subject: &str) -> String {
    let mut m = Map::new();
    m.insert("subject".into(), Value::from(subject));
    Value::Object(m).to_string()
}

/// The names WeChat's `getBrandWCPayRequest` takes, in its spelling.
const PAY_PARAMS: [&str; 6] = [
    "appId",
    "timeStamp",
    "nonceStr",
    "package",
    "signType",
    "paySign",
];

/// The WeChat pay parameters from UseePay's JSON-string field, as
/// `getBrandWCPayRequest` takes them: `noceStr` (one doc page's spelling) read as
/// `nonceStr`, a numeric `timeStamp` as text, `signType` `RSA` when absent, and nothing
/// else. The values are never changed: `paySign` covers them.
pub fn wechat_pay_params(raw: &str) -> Result<String, String> {
    let value: Value = serde_json::from_str(raw.trim()).map_err(|_| "not JSON".to_owned())?;
    // Tolerate the object arriving as a JSON string inside the string.
    let value = match value {
        Value::String(inner) => {
            serde_json::from_str(&inner).map_err(|_| "not a JSON object".to_owned())?
        }
        other => other,
    };
    let Value::Object(obj) = value else {
        return Err("not a JSON object".to_owned());
    };
    let text = |name: &str| -> Option<String> {
        match obj.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut out = Map::new();
    for name in PAY_PARAMS {
        let found = match name {
            "nonceStr" => text("nonceStr").or_else(|| text("noceStr")),
            "signType" => Some(text("signType").unwrap_or_else(|| "RSA".to_owned())),
            _ => text(name),
        };
        let Some(found) = found else {
            return Err(format!("no `{name}`"));
        };
        out.insert(name.to_owned(), Value::String(found));
    }
    Ok(Value::Object(out).to_string())
}

/// Fields of a JSON answer as text: strings as they are, numbers and booleans as written,
/// nested objects and arrays as compact JSON, `null` as empty (and so not signed).
pub fn fields_of(obj: &Map<String, Value>) -> Vec<(String, String)> {
    obj.iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// The first non-empty value of `name`.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const MERCHANT_PRIVATE: &[u8] =
        include_bytes!("../../../../../keys/sandbox/merchant_private.pem");
    const MERCHANT_PUBLIC: &[u8] =
        include_bytes!("../../../../../keys/sandbox/merchant_public.pem");

    /// A pay request as the shop sends it, with a JSON-string `payerInfo`, an empty
    /// `echoParam` (left out of the string) and a value with a space.
    fn pay_fields() -> Vec<(String, String)> {
        f(&[
            ("transactionType", "pay"),
            ("version", "1.0"),
            ("merchantNo", "500000000000001"),
            ("transactionId", "S2612010001"),
            ("transactionExpirationTime", "15"),
            ("appId", "shop.example.com"),
            ("amount", "1211"),
            ("currency", "USD"),
            ("notifyUrl", "https://shop.example.com/api/pay/notify"),
            ("echoParam", ""),
            (
                "payerInfo",
                r#"{"paymentMethod":"wechat_jsapi","sub_appid":"wx2421b1c4370ec43b","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
            ),
            ("orderInfo", r#"{"subject":"龙井茶 x2"}"#),
            ("signType", "MD5"),
        ])
    }

    /// The string, computed by hand from the rules: sorted, empty `echoParam` dropped, raw
    /// JSON and raw non-ASCII.
    const PAY_STRING: &str = "amount=1211&appId=shop.example.com&currency=USD\
&merchantNo=500000000000001&notifyUrl=https://shop.example.com/api/pay/notify\
&orderInfo={\"subject\":\"龙井茶 x2\"}\
&payerInfo={\"paymentMethod\":\"wechat_jsapi\",\"sub_appid\":\"wx2421b1c4370ec43b\",\"sub_openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"}\
&signType=MD5&transactionExpirationTime=15&transactionId=S2612010001&transactionType=pay&version=1.0";

    #[test]
    fn the_string_to_sign_sorts_drops_empty_values_and_keeps_json_raw() {
        assert_eq!(string_to_sign(&pay_fields()), PAY_STRING);
        let mut with_sign = pay_fields();
        with_sign.push(("sign".into(), "whatever".into()));
        with_sign.push(("blank".into(), "   ".into()));
        assert_eq!(string_to_sign(&with_sign), PAY_STRING);
        // Line breaks are removed, as UseePay's Java SDK does.
        assert_eq!(
            string_to_sign(&f(&[("b", "x\r\ny"), ("a", "1")])),
            "a=1&b=xy"
        );
    }

    /// Vector computed independently:
    /// `printf '%s&pkey=%s' "$PAY_STRING" sandbox-useepay-md5-key | md5sum`.
    #[test]
    fn md5_signing_matches_the_independent_vector() {
        let signer = Signer::Md5("sandbox-useepay-md5-key".to_owned().into());
        assert_eq!(
            signer.sign(&pay_fields()).expect("md5"),
            include_str!("../testdata/useepay_md5.txt").trim()
        );
    }

    /// Vector computed independently:
    /// `printf '%s' "$PAY_STRING_RSA" | openssl dgst -sha256 -sign merchant_private.pem | base64 -w0`,
    /// where `$PAY_STRING_RSA` is the string with `signType=RSA`.
    #[test]
    fn rsa_signing_matches_the_openssl_vector() {
        let key = PrivateKey::from_pem(MERCHANT_PRIVATE).expect("key");
        let signer = Signer::Rsa(key);
        let fields = signer.signed(pay_fields()).expect("signed");
        assert_eq!(field(&fields, "signType"), Some("RSA"));
        assert_eq!(
            field(&fields, SIGN),
            Some(include_str!("../testdata/useepay_rsa.sig").trim())
        );
        let verifier = Verifier::Rsa(PublicKey::from_pem(MERCHANT_PUBLIC).expect("public"));
        assert!(verifier.verify(&fields));
    }

    #[test]
    fn verification_covers_every_field_and_the_sign_type() {
        let key: SecretString = "k1".to_owned().into();
        let signer = Signer::Md5(key.clone());
        let verifier = Verifier::Md5(key);
        let fields = signer
            .signed(f(&[("resultCode", "succeed"), ("amount", "100")]))
            .expect("signed");
        assert!(verifier.verify(&fields));
        // An unknown field added later is covered too.
        let mut extra = fields.clone();
        extra.push(("brandNew".into(), "x".into()));
        assert!(!verifier.verify(&extra));
        // So is every value.
        let tampered: Vec<_> = fields
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if k == "amount" {
                        "1000".into()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect();
        assert!(!verifier.verify(&tampered));
        // An empty field may come and go: it is not signed.
        let mut empty = fields.clone();
        empty.push(("errorMsg".into(), String::new()));
        assert!(verifier.verify(&empty));
        // Upper-case hex is the same MD5.
        let upper: Vec<_> = fields
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if k == SIGN {
                        v.to_uppercase()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect();
        assert!(verifier.verify(&upper));
        // A field sent twice: refused, whichever copy would be read.
        let mut twice = fields.clone();
        twice.insert(0, ("amount".into(), "1".into()));
        assert!(!verifier.verify(&twice));
        // No sign, another key, or another claimed type: refused.
        assert!(!verifier.verify(&fields[..fields.len() - 1]));
        assert!(!Verifier::Md5("k2".to_owned().into()).verify(&fields));
        let rsa = Verifier::Rsa(PublicKey::from_pem(MERCHANT_PUBLIC).expect("public"));
        assert!(!rsa.verify(&fields));
    }

    #[test]
    fn result_codes_map_and_know_which_are_final() {
        for (raw, code, is_final) in [
            ("received", ResultCode::Received, false),
            ("PENDING", ResultCode::Pending, false),
            ("gather", ResultCode::Gather, false),
            ("challenge", ResultCode::Challenge, false),
            ("pending_review", ResultCode::PendingReview, false),
            ("succeed", ResultCode::Succeed, true),
            ("failed", ResultCode::Failed, true),
            ("cancelled", ResultCode::Cancelled, true),
            ("closed", ResultCode::Closed, true),
        ] {
            let parsed = ResultCode::parse(raw).expect(raw);
            assert_eq!(parsed, code);
            assert_eq!(parsed.is_final(), is_final, "{raw}");
            assert_eq!(ResultCode::parse(parsed.code()), Some(parsed));
        }
        assert_eq!(ResultCode::parse("paid?"), None);
    }

    #[test]
    fn amounts_are_minor_units_and_nothing_else() {
        use crate::money::Currency;
        assert_eq!(minor_units(Money::new(1211, Currency::Usd)), "1211");
        assert_eq!(parse_minor("1211"), Some(1211));
        for bad in ["", "12.11", "-1", "+1", "1e3", " ", "9999999999999999999"] {
            assert_eq!(parse_minor(bad), None, "{bad}");
        }
    }

    #[test]
    fn wechat_parameters_accept_both_nonce_spellings_and_nothing_extra() {
        let doc = r#"{"appId":"wx2421b1c4370ec43b","timeStamp":"1395712654","noceStr":"e61463f8efa94090b1f366cccfbbb444","package":"prepay_id=u802345jgfjsdfgsdg888","signType":"RSA","paySign":"70EA5706","extra":"x"}"#;
        let parsed: Value =
            serde_json::from_str(&wechat_pay_params(doc).expect("params")).expect("json");
        assert_eq!(parsed["nonceStr"], "e61463f8efa94090b1f366cccfbbb444");
        assert_eq!(parsed.as_object().map(Map::len), Some(6));
        assert_eq!(parsed["signType"], "RSA");
        // A numeric timeStamp, no signType, and the object as a string inside the string.
        let nested = Value::String(
            r#"{"appId":"a","timeStamp":1395712654,"nonceStr":"n","package":"prepay_id=p","paySign":"s"}"#
                .to_owned(),
        )
        .to_string();
        let parsed: Value =
            serde_json::from_str(&wechat_pay_params(&nested).expect("nested")).expect("json");
        assert_eq!(parsed["timeStamp"], "1395712654");
        assert_eq!(parsed["signType"], "RSA");
        assert_eq!(
            wechat_pay_params(r#"{"appId":"a"}"#),
            Err("no `timeStamp`".to_owned())
        );
        assert!(wechat_pay_params("<html>").is_err());
    }

    #[test]
    fn nested_json_fields_are_json_strings() {
        let payer: Value = serde_json::from_str(&payer_info("wxA", "o1")).expect("json");
        assert_eq!(payer["paymentMethod"], PAYMENT_METHOD);
        assert_eq!(payer["sub_appid"], "wxA");
        assert_eq!(payer["sub_openid"], "o1");
        let order: Value = serde_json::from_str(&order_info("茶 \"x\"")).expect("json");
        assert_eq!(order["subject"], "茶 \"x\"");
    }
}
