//! The catalog and the cart against real SQLite and PostgreSQL databases.

use app::buyer::Openid;
use app::error::ShopError;
use app::ids::ProductId;
use app::money::{Currency, Money};
use app::ssr::db::Database;
use app::ssr::{cart, catalog, seed, testing};

async fn seeded(url: &str) -> Database {
    let db = Database::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    assert!(seed::seed_demo_catalog(&db, Currency::Hkd)
        .await
        .expect("seed"));
    db
}

fn buyer(n: u32) -> Openid {
    Openid::parse(&format!("oDataLayerBuyer{n:013}")).expect("valid openid")
}

async fn product_id(db: &Database, title_prefix: &str) -> ProductId {
    let listing = catalog::listing(db, None).await.expect("listing");
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
        let all = catalog::listing(&db, None).await.expect("listing");
        assert_eq!(all.categories.len(), 3, "{}", t.label);
        assert_eq!(all.products.len(), 12, "{}", t.label);
        assert!(
            all.products.iter().all(|p| p.image.is_some()),
            "{}",
            t.label
        );
        assert_eq!(all.products[0].price, Money::new(12800, Currency::Hkd));

        let tea = catalog::listing(&db, Some("tea".into()))
            .await
            .expect("tea");
        assert_eq!(tea.selected.as_deref(), Some("tea"));
        assert_eq!(tea.products.len(), 4, "{}", t.label);

        let unknown = catalog::listing(&db, Some("nope".into()))
            .await
            .expect("unknown");
        assert_eq!(
            unknown.selected, None,
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

        cart::add(&db, &me, eggrolls, 2)
            .await
            .expect("add eggrolls");
        // Lines are ordered by the millisecond they were added.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        cart::add(&db, &me, teabags, 1).await.expect("add tea");
        cart::add(&db, &me, teabags, 1)
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

        cart::set_quantity(&db, &me, eggrolls, 3)
            .await
            .expect("set");
        cart::remove(&db, &me, teabags).await.expect("remove");
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
            cart::add(&db, &me, longjing, 0).await,
            Err(ShopError::InvalidQuantity)
        );
        assert_eq!(
            cart::add(&db, &me, longjing, -2).await,
            Err(ShopError::InvalidQuantity)
        );
        assert_eq!(
            cart::add(&db, &me, longjing, 4).await,
            Err(ShopError::InsufficientStock { available: 3 }),
            "{}",
            t.label
        );
        cart::add(&db, &me, longjing, 2).await.expect("two fit");
        assert_eq!(
            cart::add(&db, &me, longjing, 2).await,
            Err(ShopError::InsufficientStock { available: 1 }),
            "the message says how many more fit"
        );
        assert_eq!(
            cart::set_quantity(&db, &me, longjing, 4).await,
            Err(ShopError::InsufficientStock { available: 3 })
        );
        assert_eq!(
            cart::set_quantity(&db, &me, longjing, 0).await,
            Err(ShopError::InvalidQuantity)
        );
        assert_eq!(
            cart::add(&db, &me, mango, 1).await,
            Err(ShopError::InsufficientStock { available: 0 })
        );
        assert_eq!(
            cart::add(&db, &me, ProductId(424_242), 1).await,
            Err(ShopError::NotFound)
        );
        assert_eq!(
            cart::set_quantity(&db, &me, mango, 1).await,
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
        cart::add(&db, &me, cup, 2).await.expect("add");
        take_off_sale(&db, cup).await;
        assert_eq!(
            cart::add(&db, &me, cup, 1).await,
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
                tokio::spawn(async move { cart::add(&db, &me, longjing, 1).await })
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
