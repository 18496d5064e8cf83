//! What the cart page shows the buyer to pay, and with which coupon, shared by the cart
//! editor and the checkout button. Islands hydrate as separate roots and share no context,
//! so, like the cart count, it lives in one browser-global signal: the editor publishes
//! what the server answered after each change, and the button sends it with checkout, where
//! the server refuses to charge anything else.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// The coupon applied and the amount to pay, as the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub coupon: Option<i64>,
    pub to_pay_minor: i64,
}

#[cfg(feature = "hydrate")]
thread_local! {
    static PUBLISHED: ArcRwSignal<Option<Shown>> = ArcRwSignal::new(None);
}

/// What a cart change published in this page, if anything.
pub fn published() -> Option<Shown> {
    #[cfg(feature = "hydrate")]
    {
        PUBLISHED.with(|s| s.get_untracked())
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

pub fn publish(_shown: Shown) {
    #[cfg(feature = "hydrate")]
    PUBLISHED.with(|s| s.set(Some(_shown)));
}
