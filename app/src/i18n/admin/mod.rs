//! The back office's strings, one table per language (`zh`, `en`).

mod en;
mod strings;
mod zh;

pub use en::ADMIN_EN;
pub use strings::AdminStrings;
pub use zh::ADMIN_ZH;

use super::{use_lang, Lang};

pub fn admin_t() -> &'static AdminStrings {
    match use_lang() {
        Lang::Zh => &ADMIN_ZH,
        Lang::En => &ADMIN_EN,
    }
}
