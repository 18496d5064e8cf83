//! The buyer's catalog pages (listing pages, a product's page) kept in memory and dropped the
//! moment the catalog changes. Every change to the tables behind them (categories, products,
//! pictures, options, variants — stock and sales included) bumps the one-row
//! `catalog_version` (triggers, migration 0019; on PostgreSQL at commit, so concurrent
//! checkouts do not queue on it). A read asks for that number first (one primary-key read
//! instead of the listing's three queries or the product's four) and answers from memory
//! when it has the page for it. Several app servers on one database each keep their own
//! copy and each see the same number, so none serves a page older than the last commit.
//!
//! A version is read before the data: a page read while a change commits may be newer than
//! its number, never older, and the next read (with the new number) replaces it. Searches
//! and unknown categories are not kept (their keys are whatever a URL says), pages are at
//! most `ListingQuery::MAX_PAGE`, and each kind holds at most [`MAX_ENTRIES`]: memory stays
//! bounded whatever is asked. Nothing per buyer is kept.

use super::{listing, product};
use crate::error::ShopError;
use crate::ids::ProductId;
use crate::model::{Listing, ListingQuery, ProductDetail};
use crate::ssr::db::Database;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Pages kept per kind; past it the kind starts over (a crawler paging deep, many products).
const MAX_ENTRIES: usize = 1024;

#[derive(Default)]
struct Kept {
    version: i64,
    listings: HashMap<ListingQuery, Arc<Listing>>,
    products: HashMap<ProductId, Arc<ProductDetail>>,
}

#[derive(Default)]
pub struct CatalogCache {
    kept: Mutex<Kept>,
}

/// The catalog's version now.
pub async fn version(db: &Database) -> Result<i64, ShopError> {
    Ok(
        sqlx::query_scalar("SELECT version FROM catalog_version WHERE id = 1")
            .fetch_one(db.pool())
            .await?,
    )
}

/// Keeps `value` under `key`, starting the map over when it is full.
fn keep<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, Arc<V>>, key: K, value: Arc<V>) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, value);
}

impl CatalogCache {
    /// What is kept for `version`, after dropping everything older.
    fn with_version<T>(&self, version: i64, f: impl FnOnce(&mut Kept) -> T) -> Option<T> {
        let mut kept = self.kept.lock().ok()?;
        if kept.version < version {
            kept.listings.clear();
            kept.products.clear();
            kept.version = version;
        }
        // A read that saw an older version than one already kept is answered, not kept.
        (kept.version == version).then(|| f(&mut kept))
    }

    /// [`listing`], from memory when the catalog has not changed since it was kept.
    pub async fn listing(&self, db: &Database, asked: ListingQuery) -> Result<Listing, ShopError> {
        let asked = asked.normalized();
        if asked.q.is_some() {
            return listing(db, asked).await;
        }
        let version = version(db).await?;
        if let Some(Some(hit)) = self.with_version(version, |k| k.listings.get(&asked).cloned()) {
            return Ok((*hit).clone());
        }
        let fresh = listing(db, asked.clone()).await?;
        if fresh.query.category != asked.category {
            // An unknown category (anything a URL says): answered, never a key.
            return Ok(fresh);
        }
        let kept = Arc::new(fresh.clone());
        self.with_version(version, |k| keep(&mut k.listings, asked, kept));
        Ok(fresh)
    }

    /// [`product`], from memory when the catalog has not changed since it was kept.
    pub async fn product(&self, db: &Database, id: ProductId) -> Result<ProductDetail, ShopError> {
        let version = version(db).await?;
        if let Some(Some(hit)) = self.with_version(version, |k| k.products.get(&id).cloned()) {
            return Ok((*hit).clone());
        }
        let fresh = product(db, id).await?;
        let kept = Arc::new(fresh.clone());
        self.with_version(version, |k| keep(&mut k.products, id, kept));
        Ok(fresh)
    }
}
