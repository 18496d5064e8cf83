//! The catalog and the cart against real SQLite and PostgreSQL databases.

use app::buyer::Openid;
use app::error::ShopError;
use app::ids::ProductId;
use app::model::{ListingQuery, Sort};
use app::money::{Currency, Money};
use app::ssr::db::{Backend, Database};
use app::ssr::{cart, catalog, seed, testing};
use sqlx::Row;

async fn seeded(url: &str) -> Database {
    let db = Database::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    assert!(seed::seed_demo_catalog(&db, Currency::Hkd)
        .await
        .expect("seed"));
    db
}

fn in_category(slug: &str) -> ListingQuery {
    ListingQuery::default().in_category(Some(slug.to_owned()))
}

fn buyer(n: u32) -> Openid {
    Openid::parse(&format!("oDataLayerBuyer{n:013}")).expect("valid openid")
}

async fn product_id(db: &Database, title_prefix: &str) -> ProductId {
    let listing = catalog::listing(db, ListingQuery::default())
        .await
        .expect("listing");
    listing
        .products
        .iter()
        .find(|p| p.title.starts_with(title_prefix))
        .unwrap_or_else(|| panic!("no product {title_prefix}"))
        .id
}

/// What the merchant does in the back office (issue 4); here directly in the database.
async fn take_off_sale(db: &Database, product: ProductId) {
    sqlx::query("UPDATE products SET on_sale = 0 WHERE id = $1")
        .bind(product)
        .execute(db.pool())
        .await
        .expect("take off sale");
}

#[tokio::test]
async fn the_demo_catalog_is_seeded_once_and_lists_by_category() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        assert!(
            !seed::seed_demo_catalog(&db, Currency::Hkd)
                .await
                .expect("reseed"),
            "{}: seeding twice must be a no-op",
            t.label
        );
        let all = catalog::listing(&db, ListingQuery::default())
            .await
            .expect("listing");
        assert_eq!(all.categories.len(), 3, "{}", t.label);
        assert_eq!(all.products.len(), 12, "{}", t.label);
        assert!(
            all.products.iter().all(|p| p.image.is_some()),
            "{}",
            t.label
        );
        assert_eq!(all.products[0].price, Money::new(12800, Currency::Hkd));

        let tea = catalog::listing(&db, in_category("tea"))
            .await
            .expect("tea");
        assert_eq!(tea.query.category.as_deref(), Some("tea"));
        assert_eq!(tea.products.len(), 4, "{}", t.label);

        let unknown = catalog::listing(&db, in_category("nope"))
            .await
            .expect("unknown");
        assert_eq!(
            unknown.query.category, None,
            "an unknown category shows everything"
        );
        assert_eq!(unknown.products.len(), 12);
    }
}

#[tokio::test]
async fn a_product_page_needs_a_product_on_sale() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        let id = product_id(&db, "冻顶乌龙茶").await;
        let detail = catalog::product(&db, id).await.expect("detail");
        assert_eq!(detail.images.len(), 2, "{}", t.label);
        assert!(detail.images[0].url.ends_with("-a.svg"));
        assert_eq!(detail.category.slug, "tea");

        assert_eq!(
            catalog::product(&db, ProductId(987_654)).await,
            Err(ShopError::NotFound)
        );
        take_off_sale(&db, id).await;
        assert_eq!(
            catalog::product(&db, id).await,
            Err(ShopError::NotFound),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_buyer_adds_changes_and_removes_cart_lines() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        let me = buyer(1);
        let eggrolls = product_id(&db, "原味鸡蛋卷").await; // HK$88.00, stock 60
        let teabags = product_id(&db, "桂花红茶").await; // HK$58.00, stock 120

        cart::add(&db, &me, eggrolls, None, 2)
            .await
            .expect("add eggrolls");
        // Lines are ordered by the millisecond they were added.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        cart::add(&db, &me, teabags, None, 1)
            .await
            .expect("add tea");
        cart::add(&db, &me, teabags, None, 1)
            .await
            .expect("add tea again");
        let view = cart::view(&db, &me, Currency::Hkd).await.expect("view");
        assert_eq!(view.lines.len(), 2, "{}", t.label);
        assert_eq!(
            view.lines[0].product_id, eggrolls,
            "lines keep the order they were added"
        );
        assert_eq!(view.lines[1].quantity, 2, "adding again accumulates");
        assert_eq!(view.count, 4);
        assert_eq!(view.total, Money::new(2 * 8800 + 2 * 5800, Currency::Hkd));
        assert_eq!(cart::count(&db, &me).await.expect("count"), 4);

        cart::set_quantity(&db, &me, eggrolls, None, 3)
            .await
            .expect("set");
        cart::remove(&db, &me, teabags, None).await.expect("remove");
        let view = cart::view(&db, &me, Currency::Hkd).await.expect("view");
        assert_eq!(view.lines.len(), 1);
        assert_eq!(
            view.lines[0].line_total,
            Money::new(3 * 8800, Currency::Hkd)
        );

        let other = cart::view(&db, &buyer(2), Currency::Hkd)
            .await
            .expect("other");
        assert!(
            other.lines.is_empty(),
            "{}: another buyer sees an empty cart",
            t.label
        );
        assert_eq!(other.total, Money::new(0, Currency::Hkd));
    }
}

#[tokio::test]
async fn quantities_must_be_at_least_one_and_within_stock() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        let me = buyer(3);
        let longjing = product_id(&db, "西湖龙井").await; // stock 3
        let mango = product_id(&db, "菲律宾芒果干").await; // stock 0

        assert_eq!(
            cart::add(&db, &me, longjing, None, 0).await,
            Err(ShopError::InvalidQuantity)
        );
        assert_eq!(
            cart::add(&db, &me, longjing, None, -2).await,
            Err(ShopError::InvalidQuantity)
        );
        assert_eq!(
            cart::add(&db, &me, longjing, None, 4).await,
            Err(ShopError::InsufficientStock { available: 3 }),
            "{}",
            t.label
        );
        cart::add(&db, &me, longjing, None, 2)
            .await
            .expect("two fit");
        assert_eq!(
            cart::add(&db, &me, longjing, None, 2).await,
            Err(ShopError::InsufficientStock { available: 1 }),
            "the message says how many more fit"
        );
        assert_eq!(
            cart::set_quantity(&db, &me, longjing, None, 4).await,
            Err(ShopError::InsufficientStock { available: 3 })
        );
        assert_eq!(
            cart::set_quantity(&db, &me, longjing, None, 0).await,
            Err(ShopError::InvalidQuantity)
        );
        assert_eq!(
            cart::add(&db, &me, mango, None, 1).await,
            Err(ShopError::InsufficientStock { available: 0 })
        );
        assert_eq!(
            cart::add(&db, &me, ProductId(424_242), None, 1).await,
            Err(ShopError::NotFound)
        );
        assert_eq!(
            cart::set_quantity(&db, &me, mango, None, 1).await,
            Err(ShopError::NotFound),
            "only lines in the cart can be changed"
        );
        let view = cart::view(&db, &me, Currency::Hkd).await.expect("view");
        assert_eq!(
            view.lines.len(),
            1,
            "{}: failed changes leave the cart as it was",
            t.label
        );
        assert_eq!(view.lines[0].quantity, 2);
    }
}

#[tokio::test]
async fn a_line_taken_off_sale_stays_in_the_cart_flagged() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        let me = buyer(4);
        let cup = product_id(&db, "手工陶瓷茶杯").await;
        cart::add(&db, &me, cup, None, 2).await.expect("add");
        take_off_sale(&db, cup).await;
        assert_eq!(
            cart::add(&db, &me, cup, None, 1).await,
            Err(ShopError::Unavailable)
        );
        let view = cart::view(&db, &me, Currency::Hkd).await.expect("view");
        assert_eq!(view.lines.len(), 1, "{}", t.label);
        assert_eq!(
            view.lines[0].problem(),
            Some(app::model::LineProblem::Unavailable)
        );
    }
}

/// Twenty concurrent adds of one unit against a stock of three: exactly three succeed,
/// the rest are told there is not enough stock, and none fails with a database error (on
/// SQLite that would be SQLITE_BUSY_SNAPSHOT without `BEGIN IMMEDIATE`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_adds_never_push_a_line_past_stock() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        let me = buyer(5);
        let longjing = product_id(&db, "西湖龙井").await; // stock 3
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let db = db.clone();
                let me = me.clone();
                tokio::spawn(async move { cart::add(&db, &me, longjing, None, 1).await })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(()) => ok += 1,
                Err(ShopError::InsufficientStock { .. }) => {}
                Err(other) => panic!("{}: unexpected {other:?}", t.label),
            }
        }
        assert_eq!(ok, 3, "{}", t.label);
        assert_eq!(cart::count(&db, &me).await.expect("count"), 3);
    }
}

/// Everything on sale that the listing finds for `q`, over every page.
async fn found(db: &Database, q: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut asked = ListingQuery::read(None, Some(q), None, None);
    loop {
        let page = catalog::listing(db, asked.clone()).await.expect("search");
        titles.extend(page.products.into_iter().map(|p| p.title));
        if !page.has_next {
            return titles;
        }
        asked = asked.at_page(asked.page + 1);
    }
}

/// The search's promise, computed by hand: every word appears in the title or the subtitle,
/// case aside.
fn expected(all: &[(String, String)], q: &str) -> Vec<String> {
    let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
    let mut titles: Vec<String> = all
        .iter()
        .filter(|(title, subtitle)| {
            let (title, subtitle) = (title.to_lowercase(), subtitle.to_lowercase());
            words
                .iter()
                .all(|w| title.contains(w.as_str()) || subtitle.contains(w.as_str()))
        })
        .map(|(title, _)| title.clone())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn search_finds_chinese_substrings_in_titles_and_subtitles_through_an_index() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        let all: Vec<(String, String)> = catalog::listing(&db, ListingQuery::default())
            .await
            .expect("all")
            .products
            .into_iter()
            .map(|p| (p.title, p.subtitle))
            .collect();
        // One-, two- and three-character Chinese words, a subtitle, several words, case,
        // and what would be syntax to LIKE or FTS5.
        for q in [
            "茶",
            "乌龙",
            "冻顶乌",
            "香港老字号",
            "红茶 茶包",
            "250G",
            "12 件",
            "%",
            "_",
            "\"",
            "芒果干 不存在",
            "OR",
            "茶 AND",
        ] {
            let mut got = found(&db, q).await;
            got.sort();
            assert_eq!(got, expected(&all, q), "{}: searching {q:?}", t.label);
        }
        assert_eq!(found(&db, "乌龙").await, ["冻顶乌龙茶 150g"], "{}", t.label);
        assert_eq!(found(&db, "香港老字号").await, ["原味鸡蛋卷 礼盒装"]);

        // A renamed product is found by its new title only (the index follows the table).
        let oolong = product_id(&db, "冻顶乌龙茶").await;
        sqlx::query("UPDATE products SET title = '冻顶乌龙茶 特级 300g' WHERE id = $1")
            .bind(oolong)
            .execute(db.pool())
            .await
            .expect("rename");
        assert_eq!(
            found(&db, "特级 300").await,
            ["冻顶乌龙茶 特级 300g"],
            "{}",
            t.label
        );
        assert!(found(&db, "150g").await.is_empty(), "{}", t.label);
        // Off sale: not found.
        take_off_sale(&db, oolong).await;
        assert!(found(&db, "特级").await.is_empty(), "{}", t.label);

        // Words of three characters or more go through the index.
        let terms = catalog::Terms::parse("冻顶乌龙").expect("terms");
        let (condition, binds) = terms.condition(db.backend(), 1);
        let literal = format!("'{}'", binds[0].replace('\'', "''"));
        let sql = format!(
            "SELECT p.id FROM products p WHERE {}",
            condition.replace("$1", &literal)
        );
        let plan: Vec<String> = match db.backend() {
            Backend::Sqlite => {
                let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(db.pool())
                    .await
                    .expect("plan");
                rows.iter()
                    .map(|r| r.try_get::<String, _>(3).expect("detail"))
                    .collect()
            }
            Backend::Postgres => {
                // Twelve rows make a sequential scan cheapest; the question is whether
                // the index can serve the condition at all.
                let mut tx = db.pool().begin().await.expect("tx");
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *tx)
                    .await
                    .expect("set");
                let rows = sqlx::query(&format!("EXPLAIN {sql}"))
                    .fetch_all(&mut *tx)
                    .await
                    .expect("plan");
                rows.iter()
                    .map(|r| r.try_get::<String, _>(0).expect("line"))
                    .collect()
            }
        };
        let plan = plan.join("\n");
        let uses_index = match db.backend() {
            Backend::Sqlite => plan.contains("VIRTUAL TABLE INDEX"),
            Backend::Postgres => plan.contains("Bitmap Index Scan on product_search"),
        };
        assert!(
            uses_index,
            "{}: the search uses its index:\n{plan}",
            t.label
        );
    }
}

/// Adds `n` products to the category `slug`, each `测试商品 k` with price `k` yuan and
/// created one millisecond after the one before.
async fn add_products(db: &Database, slug: &str, n: i64) {
    for k in 1..=n {
        sqlx::query(
            "INSERT INTO products (category_id, title, subtitle, description, price_minor, currency,
                                   stock, on_sale, sort_order, created_at, updated_at)
             VALUES ((SELECT id FROM categories WHERE slug = $1), $2, '', '', $3, 'HKD', 10, 1, 100, $4, $4)",
        )
        .bind(slug)
        .bind(format!("测试商品 {k}"))
        .bind(k * 100)
        .bind(2_000_000_000_000 + k)
        .execute(db.pool())
        .await
        .expect("insert");
    }
}

#[tokio::test]
async fn the_listing_pages_and_sorts_by_newest_price_and_sales() {
    for t in testing::all().await {
        let db = seeded(&t.url).await;
        add_products(&db, "home", 25).await; // the home category now holds 4 + 25
        let home = in_category("home");

        // What the server function is sent is held to the page's limits: a 10,000-character
        // search is cut to 50, and page 100,000 is page 100.
        let wild = ListingQuery {
            q: Some("茶".repeat(10_000)),
            page: 100_000,
            ..home.clone()
        };
        let held = catalog::listing(&db, wild).await.expect("wild query");
        assert_eq!(
            held.query.q.map(|q| q.chars().count()),
            Some(50),
            "{}",
            t.label
        );
        assert_eq!(held.query.page, ListingQuery::MAX_PAGE);
        assert!(held.products.is_empty());

        // Pages: 20, then 9, each product once.
        let first = catalog::listing(&db, home.clone()).await.expect("page 1");
        assert_eq!(first.products.len(), 20, "{}", t.label);
        assert!(first.has_next);
        let second = catalog::listing(&db, home.at_page(2))
            .await
            .expect("page 2");
        assert_eq!(second.products.len(), 9, "{}", t.label);
        assert!(!second.has_next);
        let mut ids: Vec<ProductId> = first
            .products
            .iter()
            .chain(&second.products)
            .map(|p| p.id)
            .collect();
        ids.sort_by_key(|id| id.0);
        ids.dedup();
        assert_eq!(ids.len(), 29, "{}: no product twice, none missing", t.label);
        let beyond = catalog::listing(&db, home.at_page(9))
            .await
            .expect("page 9");
        assert!(beyond.products.is_empty() && !beyond.has_next);

        // Searching pages too.
        let searched = ListingQuery::read(None, Some("测试商品"), None, Some("2"));
        let page = catalog::listing(&db, searched)
            .await
            .expect("search page 2");
        assert_eq!(page.products.len(), 5, "{}", t.label);

        // Prices, both ways, across pages.
        for (sort, rising) in [(Sort::PriceLow, true), (Sort::PriceHigh, false)] {
            let mut prices = Vec::new();
            for n in 1..=2 {
                let page = catalog::listing(&db, home.sorted(sort).at_page(n))
                    .await
                    .expect("sorted");
                prices.extend(page.products.iter().map(|p| p.price.minor));
            }
            assert_eq!(prices.len(), 29);
            let mut ordered = prices.clone();
            ordered.sort();
            if !rising {
                ordered.reverse();
            }
            assert_eq!(prices, ordered, "{}: {sort:?}", t.label);
        }

        // Newest first: the last one added.
        let newest = catalog::listing(&db, home.sorted(Sort::Newest))
            .await
            .expect("newest");
        assert_eq!(newest.products[0].title, "测试商品 25", "{}", t.label);

        // Best sellers first, with their counts on the cards.
        for (title, sold) in [("测试商品 7", 5), ("测试商品 3", 9)] {
            sqlx::query("UPDATE products SET sales = $1 WHERE title = $2")
                .bind(sold)
                .bind(title)
                .execute(db.pool())
                .await
                .expect("sales");
        }
        let best = catalog::listing(&db, home.sorted(Sort::Sales))
            .await
            .expect("sales");
        let top: Vec<(&str, i64)> = best.products[..3]
            .iter()
            .map(|p| (p.title.as_str(), p.sales))
            .collect();
        assert_eq!(top[0], ("测试商品 3", 9), "{}", t.label);
        assert_eq!(top[1], ("测试商品 7", 5), "{}", t.label);
        assert_eq!(top[2].1, 0);

        // A search in the merchant's order puts title matches first.
        sqlx::query("UPDATE products SET subtitle = '搭配测试商品' WHERE title = '手工陶瓷茶杯'")
            .execute(db.pool())
            .await
            .expect("subtitle");
        let relevant = catalog::listing(
            &db,
            ListingQuery::read(None, Some("测试商品"), None, Some("2")),
        )
        .await
        .expect("relevance");
        assert_eq!(
            relevant.products.last().map(|p| p.title.as_str()),
            Some("手工陶瓷茶杯"),
            "{}: a subtitle match comes after the title matches",
            t.label
        );
    }
}

#[test]
fn listing_links_keep_what_was_asked_and_read_bad_input_tolerantly() {
    let q = ListingQuery::read(
        Some("tea"),
        Some("  乌龙\u{0}  茶&a=b "),
        Some("price_desc"),
        Some("3"),
    );
    assert_eq!(q.q.as_deref(), Some("乌龙 茶&a=b"));
    assert_eq!(
        q.href(),
        "/?category=tea&q=%E4%B9%8C%E9%BE%99%20%E8%8C%B6%26a%3Db&sort=price_desc&page=3"
    );
    assert_eq!(
        q.sorted(Sort::Newest).href(),
        "/?category=tea&q=%E4%B9%8C%E9%BE%99%20%E8%8C%B6%26a%3Db&sort=newest"
    );
    assert_eq!(
        q.in_category(None).at_page(1).sorted(Sort::Featured).href(),
        "/?q=%E4%B9%8C%E9%BE%99%20%E8%8C%B6%26a%3Db"
    );
    let bad = ListingQuery::read(Some(""), Some(""), Some("cheapest"), Some("-4"));
    assert_eq!(bad, ListingQuery::default());
    assert_eq!(
        ListingQuery::read(None, None, None, Some("99999")).page,
        ListingQuery::MAX_PAGE
    );
    assert_eq!(ListingQuery::default().href(), "/");
}
