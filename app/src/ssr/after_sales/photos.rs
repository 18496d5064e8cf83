//! The buyer's photos with a request: the product images' pipeline (decoded within the same
//! limits, re-encoded as JPEG, a 400 px copy), stored under
//! `SHOP_DATA_DIR/media/after-sales/` with random names and served from `/media/`.

use crate::error::ShopError;
use crate::i18n::after_sales::after_sales_t;
use crate::ssr::admin::images::{process, ImageProblem, THUMB_EDGE};
use crate::ssr::context::ShopState;
use std::path::PathBuf;

static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A stored photo.
pub struct Photo {
    pub url: String,
    pub thumb_url: String,
    pub width: u32,
    pub height: u32,
}

fn dir(state: &ShopState) -> PathBuf {
    PathBuf::from(&state.config.data_dir)
        .join("media")
        .join("after-sales")
}

/// Checks, re-encodes and stores one upload. A refused file is `Invalid` with the buyer's
/// message.
pub async fn store(state: &ShopState, bytes: Vec<u8>) -> Result<Photo, ShopError> {
    let s = after_sales_t();
    // Two decodes at a time, whoever asks: a burst of uploads waits instead of taking every
    // core and gigabytes of memory.
    let _permit = DECODING.acquire().await.map_err(|_| ShopError::Internal)?;
    let processed = tokio::task::spawn_blocking(move || process(&bytes))
        .await
        .map_err(|_| ShopError::Internal)?
        .map_err(|e| {
            ShopError::Invalid(
                match e {
                    ImageProblem::TooLarge => s.err_photo_large,
                    ImageProblem::NotAnImage => s.err_photo_type,
                    ImageProblem::TooManyPixels => s.err_photo_pixels,
                }
                .to_owned(),
            )
        })?;
    let dir = dir(state);
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(%e, dir = %dir.display(), "cannot create the after-sales media directory");
        ShopError::Internal
    })?;
    let name = crate::ssr::web::random_hex(12)?;
    let (full, thumb) = (format!("{name}.jpg"), format!("{name}-{THUMB_EDGE}.jpg"));
    for (file, bytes) in [(&full, &processed.full), (&thumb, &processed.thumb)] {
        tokio::fs::write(dir.join(file), bytes).await.map_err(|e| {
            tracing::error!(%e, "cannot write an after-sales photo");
            ShopError::Internal
        })?;
    }
    Ok(Photo {
        url: format!("/media/after-sales/{full}"),
        thumb_url: format!("/media/after-sales/{thumb}"),
        width: processed.width,
        height: processed.height,
    })
}

/// Removes the files of photos whose request was not recorded (refused after they were
/// stored): nothing of a refused request stays behind.
pub async fn remove(state: &ShopState, photos: &[Photo]) {
    let dir = dir(state);
    for p in photos {
        for url in [&p.url, &p.thumb_url] {
            if let Some(name) = url.rsplit('/').next() {
                if let Err(e) = tokio::fs::remove_file(dir.join(name)).await {
                    tracing::warn!(%e, name, "could not remove a refused request's photo");
                }
            }
        }
    }
}
