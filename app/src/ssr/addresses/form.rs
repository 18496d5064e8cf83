//! The address form without JavaScript: a plain POST that either saves and goes on, or
//! comes back to the form with what was typed (a refusal, or the region picker's "next").

use super::store::{create, update};
use crate::address::{Address, AddressForm, AddressId, AddressProblem};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::ssr::db::Database;
use crate::ssr::web::{encode_component, local_path, plain_form_post};

/// Characters of each field a refused form echoes back in its URL: a little more than the
/// field may hold (so the buyer still sees what was too long), and no more, which keeps the
/// `Location` header well under a proxy's header limit (4 KB at most, whatever was posted).
fn echo_chars(field: &str) -> usize {
    use crate::address::{MAX_DETAIL, MAX_RECIPIENT};
    match field {
        "recipient" => MAX_RECIPIENT + 10,
        "detail" => MAX_DETAIL + 10,
        "mobile" => 24,
        "postcode" => 10,
        _ => 12,
    }
}

/// The longest `next` echoed (a local path back to the cart or an order); longer is dropped.
const MAX_NEXT: usize = 200;

/// What the form posted, apart from the token.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Empty for a new address.
    pub id: String,
    pub form: AddressForm,
    pub province: String,
    pub city: String,
    pub default: bool,
    /// Where to go once saved (a local path: the cart, from checkout).
    pub next: String,
    /// The cart's "change address" list, to return to.
    pub pick: bool,
}

impl Draft {
    fn form_path(&self) -> String {
        match self.id.trim() {
            "" => "/addresses/new".to_owned(),
            id => format!("/addresses/{}/edit", encode_component(id)),
        }
    }

    /// The form page again with everything typed (never the token), and the problem. Each
    /// field is cut to [`echo_chars`]; `next` only if it is local and short.
    pub fn back_url(&self, problem: Option<AddressProblem>) -> String {
        let f = &self.form;
        let next = local_path(&self.next)
            .filter(|n| n.len() <= MAX_NEXT)
            .unwrap_or_default();
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("back", "1");
        for (k, v) in [
            ("recipient", f.recipient.as_str()),
            ("area", &f.area),
            ("mobile", &f.mobile),
            ("province", &self.province),
            ("city", &self.city),
            ("region", &f.region),
            ("detail", &f.detail),
            ("postcode", &f.postcode),
            ("next", next),
        ] {
            if !v.is_empty() {
                let cut: String = v.chars().take(echo_chars(k)).collect();
                q.append_pair(k, &cut);
            }
        }
        if self.default {
            q.append_pair("default", "on");
        }
        if self.pick {
            q.append_pair("pick", "1");
        }
        if let Some(p) = problem {
            q.append_pair("problem", p.code());
        }
        format!("{}?{}", self.form_path(), q.finish())
    }

    /// Where a saved address goes: `next` with the address chosen, or the list.
    fn done_url(&self, saved: AddressId) -> String {
        match local_path(&self.next) {
            Some(next) => {
                let sep = if next.contains('?') { '&' } else { '?' };
                format!("{next}{sep}address={saved}")
            }
            None if self.pick => format!("/addresses?pick=1&saved={saved}"),
            None => format!("/addresses?saved={saved}"),
        }
    }
}

/// Saves the posted address, or (with `step_only`) only sends the form back for the next
/// level of the region picker. A plain form post is answered with a redirect either way; a
/// fetch call gets the address or the error.
pub async fn save_from_form(
    db: &Database,
    buyer: &Openid,
    draft: Draft,
    step_only: bool,
) -> Result<Option<Address>, ShopError> {
    if step_only {
        leptos_axum::redirect(&draft.back_url(None));
        return Ok(None);
    }
    let result = match draft.id.trim() {
        "" => create(db, buyer, &draft.form, draft.default).await,
        raw => {
            let id = raw.parse::<AddressId>().map_err(|_| ShopError::NotFound)?;
            update(db, buyer, id, &draft.form, draft.default).await
        }
    };
    match result {
        Ok(saved) => {
            leptos_axum::redirect(&draft.done_url(saved.id));
            Ok(Some(saved))
        }
        Err(ShopError::Address(problem)) if plain_form_post() => {
            leptos_axum::redirect(&draft.back_url(Some(problem)));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_form_comes_back_with_what_was_typed_but_no_token() {
        let draft = Draft {
            form: AddressForm {
                recipient: "张 三&".into(),
                mobile: "138".into(),
                ..AddressForm::default()
            },
            province: "44".into(),
            next: "/cart".into(),
            ..Draft::default()
        };
        let url = draft.back_url(Some(AddressProblem::MobileMainland));
        assert!(url.starts_with("/addresses/new?back=1&"), "{url}");
        assert!(url.contains("recipient=%E5%BC%A0+%E4%B8%89%26"), "{url}");
        assert!(
            url.contains("province=44") && url.contains("problem=mobile_cn"),
            "{url}"
        );
        assert!(!url.contains("token"), "{url}");
        assert_eq!(draft.done_url(AddressId(7)), "/cart?address=7");
        let edit = Draft {
            id: "7".into(),
            ..Draft::default()
        };
        assert!(edit.back_url(None).starts_with("/addresses/7/edit?"));
        assert_eq!(edit.done_url(AddressId(7)), "/addresses?saved=7");
        let evil = Draft {
            next: "//evil.example".into(),
            ..Draft::default()
        };
        assert_eq!(evil.done_url(AddressId(1)), "/addresses?saved=1");
        assert!(!evil.back_url(None).contains("evil"));
        // Every field posted oversized (a hand-made request): the URL stays small.
        let big = "路".repeat(100_000);
        let huge = Draft {
            id: "1".into(),
            form: AddressForm {
                recipient: big.clone(),
                area: big.clone(),
                mobile: big.clone(),
                region: big.clone(),
                detail: big.clone(),
                postcode: big.clone(),
            },
            province: big.clone(),
            city: big.clone(),
            next: format!("/{big}"),
            default: true,
            pick: true,
        };
        let url = huge.back_url(Some(AddressProblem::DetailTooLong));
        assert!(url.len() < 4096, "{}", url.len());
        assert!(
            url.contains(&"%E8%B7%AF".repeat(crate::address::MAX_DETAIL + 1)),
            "the long street is echoed"
        );
    }
}
