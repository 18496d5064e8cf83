//! Product images uploaded in the back office. Every upload is decoded and re-encoded
//! (JPEG), so what is stored is pixels, never the uploaded bytes: no script, no polyglot
//! file, no metadata. A 400 px copy serves the lists. Files live under
//! `SHOP_DATA_DIR/media/products/<id>/` with random names, served from `/media/` with
//! long-lived cache headers (a name never changes content).

use crate::error::ShopError;
use crate::i18n::admin_t;
use crate::ids::ProductId;
use crate::ssr::context::ShopState;
use crate::ssr::db::Database;
use crate::ssr::web::now_ms;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;
use std::path::PathBuf;

pub const MAX_BYTES: usize = 8 * 1024 * 1024;
pub const MAX_FILES: usize = 10;
/// The most memory one decoded image may take (`image::Limits::max_alloc`): 16 megapixels
/// with transparency (4000×4000), about 22 without. A small file can describe a huge image
/// (a "decompression bomb"); it is refused before its pixels are allocated.
pub const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;
const MAX_EDGE: u32 = 8000;
const FULL_EDGE: u32 = 1600;
pub const THUMB_EDGE: u32 = 400;

pub struct Processed {
    pub full: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageProblem {
    #[error("too large")]
    TooLarge,
    #[error("not a PNG or JPEG image")]
    NotAnImage,
    #[error("too many pixels")]
    TooManyPixels,
}

fn flatten(img: DynamicImage) -> RgbImage {
    // Transparent pixels become white, as on the shop's cards.
    let rgba = img.to_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = u32::from(p[3]);
        let blend = |c: u8| u8::try_from((u32::from(c) * a + 255 * (255 - a)) / 255).unwrap_or(255);
        out.put_pixel(x, y, image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])]));
    }
    out
}

fn jpeg(img: &RgbImage) -> Result<Vec<u8>, ImageProblem> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    img.write_with_encoder(encoder)
        .map_err(|_| ImageProblem::NotAnImage)?;
    Ok(out)
}

/// Decodes (PNG or JPEG only, at most 8000 pixels a side and [`MAX_DECODED_BYTES`] of
/// pixels), flattens, scales and re-encodes.
pub fn process(bytes: &[u8]) -> Result<Processed, ImageProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(ImageProblem::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| ImageProblem::NotAnImage)?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
        return Err(ImageProblem::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageProblem::TooManyPixels,
        _ => ImageProblem::NotAnImage,
    })?;
    let full = decoded.resize(FULL_EDGE, FULL_EDGE, image::imageops::FilterType::Lanczos3);
    let thumb = decoded.resize(
        THUMB_EDGE,
        THUMB_EDGE,
        image::imageops::FilterType::Triangle,
    );
    let full = flatten(full);
    let (width, height) = full.dimensions();
    Ok(Processed {
        full: jpeg(&full)?,
        width,
        height,
        thumb: jpeg(&flatten(thumb))?,
    })
}

fn media_dir(state: &ShopState) -> PathBuf {
    PathBuf::from(&state.config.data_dir).join("media")
}

/// Stores the uploads for a product; answers how many were added. Nothing is stored when
/// any file is refused.
pub async fn upload(
    state: &ShopState,
    product_id: ProductId,
    files: Vec<Vec<u8>>,
) -> Result<usize, ShopError> {
    let a = admin_t();
    if files.is_empty() || files.len() > MAX_FILES {
        return Err(ShopError::Invalid(a.err_image_count.to_owned()));
    }
    let title: String = sqlx::query_scalar("SELECT title FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(ShopError::NotFound)?;
    let mut processed = Vec::with_capacity(files.len());
    for bytes in files {
        let result = tokio::task::spawn_blocking(move || process(&bytes))
            .await
            .map_err(|_| ShopError::Internal)?;
        processed.push(result.map_err(|e| {
            ShopError::Invalid(match e {
                ImageProblem::TooLarge => a.err_image_large.to_owned(),
                ImageProblem::NotAnImage => a.err_image_type.to_owned(),
                ImageProblem::TooManyPixels => a.err_image_pixels.to_owned(),
            })
        })?);
    }
    let dir = media_dir(state)
        .join("products")
        .join(product_id.to_string());
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(%e, dir = %dir.display(), "cannot create the media directory");
        ShopError::Internal
    })?;
    let count = processed.len();
    let mut tx = state.db.begin_write().await?;
    let mut order: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(sort_order), -1) AS BIGINT) FROM product_images WHERE product_id = $1",
    )
    .bind(product_id)
    .fetch_one(&mut *tx)
    .await?;
    for p in processed {
        let name = crate::ssr::web::random_hex(12)?;
        let (full, thumb) = (format!("{name}.jpg"), format!("{name}-{THUMB_EDGE}.jpg"));
        for (file, bytes) in [(&full, &p.full), (&thumb, &p.thumb)] {
            tokio::fs::write(dir.join(file), bytes).await.map_err(|e| {
                tracing::error!(%e, "cannot write an uploaded image");
                ShopError::Internal
            })?;
        }
        order += 1;
        sqlx::query(
            "INSERT INTO product_images (product_id, url, thumb_url, alt, width, height, sort_order)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(product_id)
        .bind(format!("/media/products/{product_id}/{full}"))
        .bind(format!("/media/products/{product_id}/{thumb}"))
        .bind(&title)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .bind(order)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE products SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(count)
}

/// Moves an image one place earlier (`up`) or later among its product's images.
pub async fn move_image(db: &Database, image_id: i64, up: bool) -> Result<(), ShopError> {
    let mut tx = db.begin_write().await?;
    let (product_id, order): (ProductId, i64) =
        sqlx::query_as("SELECT product_id, sort_order FROM product_images WHERE id = $1")
            .bind(image_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(ShopError::NotFound)?;
    let sql = if up {
        "SELECT id, sort_order FROM product_images WHERE product_id = $1 AND sort_order < $2
         ORDER BY sort_order DESC, id DESC LIMIT 1"
    } else {
        "SELECT id, sort_order FROM product_images WHERE product_id = $1 AND sort_order > $2
         ORDER BY sort_order, id LIMIT 1"
    };
    let neighbour: Option<(i64, i64)> = sqlx::query_as(sql)
        .bind(product_id)
        .bind(order)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some((other, other_order)) = neighbour {
        for (id, to) in [(image_id, other_order), (other, order)] {
            sqlx::query("UPDATE product_images SET sort_order = $1 WHERE id = $2")
                .bind(to)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Removes an image from its product (the files stay: cached pages may still show them).
pub async fn delete_image(db: &Database, image_id: i64) -> Result<(), ShopError> {
    let done = sqlx::query("DELETE FROM product_images WHERE id = $1")
        .bind(image_id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() != 1 {
        return Err(ShopError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 128]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn uploads_are_re_encoded_and_scaled() {
        let p = process(&png(2000, 1000)).expect("processed");
        assert_eq!((p.width, p.height), (1600, 800));
        assert_eq!(&p.full[..2], &[0xFF, 0xD8], "JPEG");
        let thumb = image::load_from_memory(&p.thumb).expect("thumb decodes");
        assert_eq!((thumb.width(), thumb.height()), (400, 200));
    }

    #[test]
    fn anything_but_a_png_or_jpeg_is_refused() {
        assert_eq!(
            process(b"<svg onload=alert(1)>").err(),
            Some(ImageProblem::NotAnImage)
        );
        assert_eq!(process(b"GIF89a....").err(), Some(ImageProblem::NotAnImage));
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert_eq!(process(&truncated).err(), Some(ImageProblem::NotAnImage));
        assert_eq!(
            process(&vec![0u8; MAX_BYTES + 1]).err(),
            Some(ImageProblem::TooLarge)
        );
    }

    #[test]
    fn a_small_file_of_too_many_pixels_is_refused_before_decoding() {
        // 78 KB on disk, 4200×4200 RGBA: 70 MB once decoded.
        let bomb = include_bytes!("../../../../end2end/fixtures/too-many-pixels.png");
        assert!(bomb.len() < 100 * 1024);
        assert_eq!(process(bomb).err(), Some(ImageProblem::TooManyPixels));
        // A wide image within the limit still goes through.
        assert!(process(&png(4000, 10)).is_ok());
    }
}
