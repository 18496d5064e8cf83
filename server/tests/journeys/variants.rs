//! Variants: the merchant gives a product options and prices and stocks each combination;
//! the buyer picks one on the product page (a plain GET form), buys two variants of one
//! product in one order, and the order keeps what each was; dropped combinations are
//! archived, never lost; concurrent checkouts never oversell a variant; and a shop's data
//! from before variants migrates without losing a row.

use crate::admin::{act, owner_client, page_text};
use crate::common::{
    arrive, key, order_no, pay, stock, testid_text, wait_for_status, Buyer, Shop, Stack,
};
use app::ssr::db::Database;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Creates a simple product in the tea category as the product form posts it: its id.
async fn new_product(shop: &Shop, admin: &reqwest::Client, title: &str, price: &str) -> i64 {
    let db = shop.db().await;
    let tea: i64 = sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'tea'")
        .fetch_one(db.pool())
        .await
        .expect("tea category");
    let (status, body) = act(
        shop,
        admin,
        "product_save",
        &[
            ("id", ""),
            ("title", title),
            ("subtitle", ""),
            ("description", ""),
            ("category_id", &tea.to_string()),
            ("price", price),
            ("on_sale", "on"),
            ("sort_order", "0"),
            ("low_stock_threshold", "2"),
            ("initial_stock", "7"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.trim().parse().expect("new product id")
}

async fn set_options(
    shop: &Shop,
    admin: &reqwest::Client,
    product: i64,
    rows: &[(&str, &str)],
) -> (StatusCode, String) {
    let id = product.to_string();
    let mut form = vec![("id", id.clone())];
    for (n, (name, values)) in rows.iter().enumerate() {
        form.push((["name1", "name2", "name3"][n], (*name).to_owned()));
        form.push((["values1", "values2", "values3"][n], (*values).to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    act(shop, admin, "product_options", &form).await
}

/// The product's variants as (id, "v1 / v2", price, stock, archived), in id order.
async fn variants(shop: &Shop, product: i64) -> Vec<(i64, String, i64, i64, i64)> {
    let rows: Vec<(i64, String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, option1, option2, option3, price_minor, stock, archived FROM product_variants
         WHERE product_id = $1 ORDER BY id",
    )
    .bind(product)
    .fetch_all(shop.db().await.pool())
    .await
    .expect("variants");
    rows.into_iter()
        .map(|(id, o1, o2, o3, price, stock, archived)| {
            let name = [o1, o2, o3]
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(" / ");
            (id, name, price, stock, archived)
        })
        .collect()
}

fn variant_id(all: &[(i64, String, i64, i64, i64)], name: &str) -> i64 {
    all.iter()
        .find(|v| v.1 == name)
        .unwrap_or_else(|| panic!("no variant {name}: {all:?}"))
        .0
}

/// Posts the variant table: `rows` of (variant, price, stock change); answers where the
/// shop sent the browser.
async fn save_table(
    shop: &Shop,
    admin: &reqwest::Client,
    product: i64,
    rows: &[(i64, &str, &str)],
) -> String {
    let mut form: Vec<(String, String)> = Vec::new();
    for (id, price, delta) in rows {
        form.push((format!("price.{id}"), (*price).to_owned()));
        form.push((format!("delta.{id}"), (*delta).to_owned()));
        form.push((format!("barcode.{id}"), format!("690000000{id}")));
        form.push((format!("weight.{id}"), "150".to_owned()));
        form.push((format!("image.{id}"), String::new()));
    }
    form.push(("reason".into(), "restock".into()));
    form.push(("note".into(), "到货".into()));
    let res = admin
        .post(shop.url(&format!("/admin/products/{product}/variants")))
        .form(&form)
        .send()
        .await
        .expect("variant table");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    crate::common::location(&res)
}

async fn add_variant(
    buyer: &Buyer,
    shop: &Shop,
    product: i64,
    variant: Option<i64>,
    n: i64,
) -> (StatusCode, Value) {
    let (p, q) = (product.to_string(), n.to_string());
    let v = variant.map(|v| v.to_string());
    let mut form = vec![("product_id", p.as_str()), ("quantity", q.as_str())];
    if let Some(v) = &v {
        form.push(("variant_id", v.as_str()));
    }
    buyer.post(shop, "/api/cart/add", &form).await
}

#[tokio::test]
async fn the_merchant_sells_variants_and_each_keeps_its_own_price_and_stock() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let label = shop.label;
        let admin = owner_client(shop).await;

        // A simple product is one variant with the product's price and opening stock.
        let gift = new_product(shop, &admin, "乌龙茶礼盒", "100.00").await;
        assert_eq!(variants(shop, gift).await.len(), 1, "{label}");
        assert_eq!(stock(&shop.db().await, gift).await, 7);

        // Options: nonsense is refused and says which row; then 2 × 2 combinations, the
        // first taking over the plain variant (and its 7 in stock).
        let (status, body) =
            set_options(shop, &admin, gift, &[("规格", "150g"), ("包装", "")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("第 2 个规格"), "{body}");
        let (status, body) = set_options(
            shop,
            &admin,
            gift,
            &[("规格", "150g, 300g"), ("包装", "罐装，袋装")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let all = variants(shop, gift).await;
        let names: Vec<&str> = all.iter().map(|v| v.1.as_str()).collect();
        assert_eq!(
            names,
            ["150g / 罐装", "150g / 袋装", "300g / 罐装", "300g / 袋装"],
            "{label}"
        );
        assert!(
            all.iter().all(|v| v.2 == 10_000),
            "new ones at the product's price"
        );
        assert_eq!(
            all[0].3, 7,
            "the plain variant's stock went to the first combination"
        );
        let [can150, bag150, can300, bag300] =
            ["150g / 罐装", "150g / 袋装", "300g / 罐装", "300g / 袋装"]
                .map(|n| variant_id(&all, n));

        // The variant table: a wrong price is explained with its row and nothing is saved
        // (not even the other rows' stock changes).
        let back = save_table(
            shop,
            &admin,
            gift,
            &[
                (can150, "100", "+3"),
                (bag150, "90", "2"),
                (can300, "180", "1"),
                (bag300, "0", ""),
            ],
        )
        .await;
        assert!(
            back.starts_with(&format!("/admin/products/{gift}?error=")),
            "{back}"
        );
        let message = page_text(shop, &admin, &back).await;
        assert!(
            message.contains("规格「300g / 袋装」的价格无效"),
            "{label}: the row is named"
        );
        assert_eq!(variants(shop, gift).await[0].3, 7, "all or nothing");
        let back = save_table(
            shop,
            &admin,
            gift,
            &[
                (can150, "100", "+3"),
                (bag150, "90", "2"),
                (can300, "180", "1"),
                (bag300, "170", ""),
            ],
        )
        .await;
        assert_eq!(back, format!("/admin/products/{gift}"), "{label}");
        let all = variants(shop, gift).await;
        let stocks: Vec<(i64, i64)> = all.iter().map(|v| (v.2, v.3)).collect();
        assert_eq!(
            stocks,
            [(10_000, 10), (9_000, 2), (18_000, 1), (17_000, 0)],
            "{label}"
        );
        let db = shop.db().await;
        assert_eq!(stock(&db, gift).await, 13, "the product's stock is the sum");
        let prices: (i64, i64) =
            sqlx::query_as("SELECT price_minor, max_price_minor FROM products WHERE id = $1")
                .bind(gift)
                .fetch_one(db.pool())
                .await
                .expect("prices");
        assert_eq!(prices, (9_000, 18_000), "{label}");
        // The ledger names each variant: the opening stock, then this restock.
        let ledger: Vec<(Option<i64>, i64, i64, String)> = sqlx::query_as(
            "SELECT variant_id, delta, stock_after, reason FROM stock_movements
             WHERE product_id = $1 ORDER BY id",
        )
        .bind(gift)
        .fetch_all(db.pool())
        .await
        .expect("ledger");
        assert_eq!(
            ledger,
            [
                (Some(can150), 7, 7, "initial".to_owned()),
                (Some(can150), 3, 10, "restock".to_owned()),
                (Some(bag150), 2, 2, "restock".to_owned()),
                (Some(can300), 1, 1, "restock".to_owned()),
            ],
            "{label}"
        );
        // The stock form asks which variant once there are several.
        let (status, body) = act(
            shop,
            &admin,
            "stock",
            &[
                ("id", &gift.to_string()),
                ("delta", "1"),
                ("reason", "restock"),
                ("note", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("请选择要调整库存的规格"), "{body}");
        let editor = page_text(shop, &admin, &format!("/admin/products/{gift}")).await;
        assert_eq!(
            editor.matches("data-testid=\"variant-row\"").count(),
            4,
            "{label}"
        );
        assert!(
            editor.contains("data-testid=\"ledger-variant\">150g / 袋装<"),
            "{label}"
        );

        // The buyer: the listing says "from"; the product page opens on the first variant
        // in stock and answers the variant the option form asks for, or says there is none.
        let buyer = arrive(shop, "oVariantBuyer00000000001").await;
        assert!(
            buyer.home.contains("HK$90.00 起"),
            "{label}: a from price on the card"
        );
        let page = buyer.page(shop, &format!("/product/{gift}")).await;
        assert_eq!(testid_text(&page, "price").as_deref(), Some("HK$100.00"));
        let page = buyer
            .page(
                shop,
                &format!("/product/{gift}?o1=300g&o2=%E7%BD%90%E8%A3%85"),
            )
            .await;
        assert_eq!(
            testid_text(&page, "price").as_deref(),
            Some("HK$180.00"),
            "{label}"
        );
        assert_eq!(testid_text(&page, "stock").as_deref(), Some("仅剩 1 件"));
        assert!(
            page.contains("o1=150g&amp;o2=%E7%BD%90%E8%A3%85"),
            "{label}: each value is a link before hydration"
        );
        let page = buyer
            .page(
                shop,
                &format!("/product/{gift}?o1=300g&o2=%E8%A2%8B%E8%A3%85"),
            )
            .await;
        assert_eq!(testid_text(&page, "stock").as_deref(), Some("已售罄"));
        assert!(page.contains("disabled"), "nothing to add");
        let page = buyer
            .page(shop, &format!("/product/{gift}?sku={bag150}"))
            .await;
        assert_eq!(testid_text(&page, "price").as_deref(), Some("HK$90.00"));

        // Adding needs a variant of this product; one sold out cannot be added.
        let (status, body) = add_variant(&buyer, shop, gift, None, 1).await;
        assert_eq!(
            (status, &body),
            (StatusCode::BAD_REQUEST, &json!("ChooseVariant")),
            "{label}"
        );
        let oolong = buyer.product("冻顶乌龙茶");
        let foreign = variants(shop, oolong).await[0].0;
        let (status, _) = add_variant(&buyer, shop, gift, Some(foreign), 1).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "another product's variant");
        let (status, body) = add_variant(&buyer, shop, gift, Some(bag300), 1).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = add_variant(&buyer, shop, gift, Some(can300), 2).await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "only 1 of 300g / 罐装: {body}"
        );
        for (variant, n) in [(can300, 1), (bag150, 2)] {
            let (status, body) = add_variant(&buyer, shop, gift, Some(variant), n).await;
            assert_eq!(status, StatusCode::OK, "{label}: {body}");
        }
        let cart = buyer.page(shop, "/cart").await;
        assert_eq!(
            cart.matches("data-testid=\"cart-line\"").count(),
            2,
            "{label}"
        );
        assert!(cart.contains(">300g / 罐装<") && cart.contains(">150g / 袋装<"));
        assert_eq!(
            testid_text(&cart, "cart-goods").as_deref(),
            Some("HK$360.00"),
            "{label}"
        );

        // Checkout: each line at its variant's price, kept with its options; the gateway
        // is asked for the order's total.
        let params = buyer
            .checkout(shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        let lines: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT l.variant_id, l.option_text, l.unit_price_minor, l.quantity
             FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.order_no = $1 ORDER BY l.variant_id",
        )
        .bind(&no)
        .fetch_all(db.pool())
        .await
        .expect("lines");
        assert_eq!(
            lines,
            [
                (bag150, "150g / 袋装".to_owned(), 9_000, 2),
                (can300, "300g / 罐装".to_owned(), 18_000, 1)
            ],
            "{label}"
        );
        let (total, shipping): (i64, i64) =
            sqlx::query_as("SELECT total_minor, shipping_minor FROM orders WHERE order_no = $1")
                .bind(&no)
                .fetch_one(db.pool())
                .await
                .expect("order");
        assert_eq!(total, 36_000 + shipping, "{label}");
        let gw = stack.gateway_payment(&no).await;
        assert_eq!(
            gw["amount"],
            json!(format!("{}.{:02}", total / 100, total % 100)),
            "{label}: {gw}"
        );
        let all = variants(shop, gift).await;
        assert_eq!((all[1].3, all[2].3), (0, 0), "both variants reserved");
        assert_eq!(stock(&db, gift).await, 10);
        pay(&stack, &params).await;
        wait_for_status(&db, &no, "paid", 10).await;
        let order = buyer.page(shop, &format!("/orders/{no}")).await;
        assert!(
            order.contains(">150g / 袋装<") && order.contains(">300g / 罐装<"),
            "{label}"
        );
        let slip = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(
            slip.contains(">150g / 袋装<"),
            "{label}: the merchant sees the variant"
        );

        // 300g / 袋装 gets 2 in stock; then the merchant drops 袋装: its variants are
        // archived (the order keeps its line), the 2 are written off in the ledger, and the
        // product page no longer offers them; adding 袋装 back restores the same rows with
        // their prices and no stock the shop may no longer have.
        let back = save_table(
            shop,
            &admin,
            gift,
            &[
                (can150, "100", ""),
                (bag150, "90", ""),
                (can300, "180", ""),
                (bag300, "170", "2"),
            ],
        )
        .await;
        assert_eq!(back, format!("/admin/products/{gift}"), "{label}");
        assert_eq!(stock(&db, gift).await, 12);
        let (status, body) = set_options(
            shop,
            &admin,
            gift,
            &[("规格", "150g, 300g"), ("包装", "罐装")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let all = variants(shop, gift).await;
        let archived: Vec<&str> = all
            .iter()
            .filter(|v| v.4 == 1)
            .map(|v| v.1.as_str())
            .collect();
        assert_eq!(archived, ["150g / 袋装", "300g / 袋装"], "{label}");
        assert_eq!(
            stock(&db, gift).await,
            10,
            "{label}: the dropped 2 left the sum"
        );
        let last: (i64, i64, i64, String) = sqlx::query_as(
            "SELECT variant_id, delta, stock_after, reason FROM stock_movements
             WHERE product_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(gift)
        .fetch_one(db.pool())
        .await
        .expect("ledger");
        assert_eq!(last, (bag300, -2, 0, "correction".to_owned()), "{label}");
        let page = buyer.page(shop, &format!("/product/{gift}")).await;
        assert!(!page.contains(">袋装<"), "{label}: not offered");
        let order = buyer.page(shop, &format!("/orders/{no}")).await;
        assert!(order.contains(">150g / 袋装<"), "the order keeps its line");
        let (status, _) = set_options(
            shop,
            &admin,
            gift,
            &[("规格", "150g, 300g"), ("包装", "罐装, 袋装")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let again = variants(shop, gift).await;
        assert_eq!(again.len(), 4, "{label}: no new rows");
        assert_eq!(again[1], (bag150, "150g / 袋装".to_owned(), 9_000, 0, 0));
        assert_eq!(again[3], (bag300, "300g / 袋装".to_owned(), 17_000, 0, 0));
        assert_eq!(stock(&db, gift).await, 10);

        // A third option: every variant becomes its first extension, keeping its stock.
        let (status, body) = set_options(
            shop,
            &admin,
            gift,
            &[
                ("规格", "150g, 300g"),
                ("包装", "罐装, 袋装"),
                ("年份", "2024, 2025"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let grown = variants(shop, gift).await;
        assert_eq!(grown.len(), 8, "{label}");
        assert_eq!(
            grown[0],
            (can150, "150g / 罐装 / 2024".to_owned(), 10_000, 10, 0)
        );
        assert_eq!(stock(&db, gift).await, 10, "{label}: nothing lost");
    }
}

/// Many buyers check out two variants of one product at once, some both: neither variant
/// is oversold, no order is half placed, and the product's stock stays the variants' sum.
#[tokio::test]
async fn concurrent_checkouts_never_oversell_a_variant() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let label = shop.label;
        let admin = owner_client(shop).await;
        let product = new_product(shop, &admin, "并发测试茶", "20.00").await;
        let (status, body) = set_options(shop, &admin, product, &[("规格", "小, 大")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let all = variants(shop, product).await;
        let (small, large) = (variant_id(&all, "小"), variant_id(&all, "大"));
        // 小 has 7 and gets 3 taken away; 大 gets 3.
        let back = save_table(
            shop,
            &admin,
            product,
            &[(small, "20", "-4"), (large, "30", "3")],
        )
        .await;
        assert_eq!(back, format!("/admin/products/{product}"), "{label}");

        let mut buyers = Vec::new();
        for i in 0..18 {
            let buyer = arrive(shop, &format!("oVariantRace{i:012}")).await;
            // A third want 小 only, a third 大 only, a third both.
            let wants: &[i64] = match i % 3 {
                0 => &[small],
                1 => &[large],
                _ => &[small, large],
            };
            for v in wants {
                let (status, body) = add_variant(&buyer, shop, product, Some(*v), 1).await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
            buyers.push((buyer, wants.len()));
        }
        let keys: Vec<String> = buyers.iter().map(|(b, _)| key(&b.openid, 1)).collect();
        let results = futures_util::future::join_all(
            buyers
                .iter()
                .zip(&keys)
                .map(|((b, _), k)| b.checkout(shop, k)),
        )
        .await;
        for refused in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(refused.0, StatusCode::CONFLICT, "{label}: {refused:?}");
            assert!(refused.1.get("InsufficientStock").is_some(), "{refused:?}");
        }
        let db = shop.db().await;
        let sold: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT variant_id, CAST(SUM(quantity) AS BIGINT) FROM order_lines
             WHERE product_id = $1 GROUP BY variant_id ORDER BY variant_id",
        )
        .bind(product)
        .fetch_all(db.pool())
        .await
        .expect("sold");
        let left = variants(shop, product).await;
        for (variant, had) in [(small, 3), (large, 3)] {
            let ordered = sold.iter().find(|s| s.0 == variant).map_or(0, |s| s.1);
            let now = left.iter().find(|v| v.0 == variant).map_or(-1, |v| v.3);
            assert_eq!(
                ordered + now,
                had,
                "{label}: variant {variant}: nothing oversold or lost"
            );
            assert!(now >= 0);
        }
        assert_eq!(
            stock(&db, product).await,
            left.iter().map(|v| v.3).sum::<i64>()
        );
        // Every order holds all of its buyer's lines: none half placed.
        for (((_, wanted), r), k) in buyers.iter().zip(&results).zip(&keys) {
            if r.is_ok() {
                let lines: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
                     WHERE o.checkout_key = $1",
                )
                .bind(k)
                .fetch_one(db.pool())
                .await
                .expect("lines");
                assert_eq!(lines, *wanted as i64, "{label}");
            }
        }
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert!(won >= 2, "{label}: some buyers got their tea ({won})");
    }
}

/// A shop's data from before variants (migrations up to 0016): its products, a buyer's
/// cart, a placed order and the stock ledger all come through migration 0017 whole.
#[tokio::test]
async fn data_from_before_variants_migrates_without_loss() {
    for t in app::ssr::testing::all().await {
        let db = Database::connect(&t.url).await.expect("connect");
        app::ssr::testing::migrate_until(&db, 16)
            .await
            .expect("old schema");
        let exec = |sql: &'static str| {
            let db = &db;
            async move { sqlx::query(sql).execute(db.pool()).await.expect(sql) }
        };
        exec("INSERT INTO categories (id, slug, name, created_at) VALUES (1, 'tea', '茶', 1)")
            .await;
        exec("INSERT INTO products (id, category_id, title, price_minor, currency, stock, created_at, updated_at)
              VALUES (5, 1, '老茶', 2500, 'HKD', 9, 1, 1), (6, 1, '新茶', 1800, 'HKD', 0, 1, 1)").await;
        exec(
            "INSERT INTO cart_items (openid, product_id, quantity, added_at, updated_at)
              VALUES ('oOldBuyer', 5, 2, 1, 1)",
        )
        .await;
        exec("INSERT INTO orders (id, order_no, openid, checkout_key, status, currency, total_minor, item_count,
                  product_info, provider, next_check_at, expires_at, created_at, updated_at)
              VALUES (1, 'S1', 'oOldBuyer', 'k1', 'paid', 'HKD', 4300, 2, '老茶 等2件', 'wisecashier', 1, 1, 1, 1)").await;
        exec("INSERT INTO order_lines (order_id, product_id, title, unit_price_minor, quantity, line_total_minor)
              VALUES (1, 5, '老茶', 2500, 1, 2500), (1, 6, '新茶', 1800, 1, 1800)").await;
        exec("INSERT INTO stock_movements (product_id, delta, stock_after, reason, admin, created_at)
              VALUES (5, 9, 9, 'initial', 'owner', 1)").await;

        db.migrate().await.expect("the rest");
        let label = t.label;
        let variants: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT product_id, option1 || option2 || option3, price_minor, stock FROM product_variants ORDER BY product_id",
        )
        .fetch_all(db.pool())
        .await
        .expect("variants");
        assert_eq!(
            variants,
            [(5, String::new(), 2500, 9), (6, String::new(), 1800, 0)],
            "{label}"
        );
        let cart: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT ci.openid, ci.product_id, ci.quantity, v.product_id FROM cart_items ci
             JOIN product_variants v ON v.id = ci.variant_id",
        )
        .fetch_all(db.pool())
        .await
        .expect("cart");
        assert_eq!(cart, [("oOldBuyer".to_owned(), 5, 2, 5)], "{label}");
        let lines: Vec<(i64, String, i64, i64, String)> = sqlx::query_as(
            "SELECT l.product_id, l.title, l.unit_price_minor, v.product_id, l.option_text
             FROM order_lines l JOIN product_variants v ON v.id = l.variant_id ORDER BY l.product_id",
        )
        .fetch_all(db.pool())
        .await
        .expect("lines");
        assert_eq!(
            lines,
            [
                (5, "老茶".to_owned(), 2500, 5, String::new()),
                (6, "新茶".to_owned(), 1800, 6, String::new())
            ],
            "{label}"
        );
        let ledger: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT m.delta, v.product_id FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id",
        )
        .fetch_all(db.pool())
        .await
        .expect("ledger");
        assert_eq!(ledger, [(9, 5)], "{label}");
        let prices: Vec<(i64, i64)> =
            sqlx::query_as("SELECT price_minor, max_price_minor FROM products ORDER BY id")
                .fetch_all(db.pool())
                .await
                .expect("prices");
        assert_eq!(prices, [(2500, 2500), (1800, 1800)], "{label}");
    }
}

/// A shop that charges shipping by weight: the variants' weights make the parcel's, the
/// cart quotes it, checkout charges it and the order keeps the weight.
#[tokio::test]
async fn shipping_by_weight_follows_the_variants_weights() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let label = shop.label;
        let admin = owner_client(shop).await;
        let rice = new_product(shop, &admin, "五常大米", "50.00").await;
        let (status, body) = set_options(shop, &admin, rice, &[("规格", "500g, 2kg")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let all = variants(shop, rice).await;
        let (small, big) = (variant_id(&all, "500g"), variant_id(&all, "2kg"));
        let mut form: Vec<(String, String)> = Vec::new();
        for (id, price, weight) in [(small, "50", "500"), (big, "150", "2000")] {
            form.push((format!("price.{id}"), price.into()));
            form.push((format!("weight.{id}"), weight.into()));
            form.push((format!("delta.{id}"), "5".into()));
        }
        form.push(("reason".into(), "restock".into()));
        let res = admin
            .post(shop.url(&format!("/admin/products/{rice}/variants")))
            .form(&form)
            .send()
            .await
            .expect("table");
        assert_eq!(
            crate::common::location(&res),
            format!("/admin/products/{rice}")
        );

        // The shop's rule by weight: HK$10 up to 1 kg, HK$3 for each further 500 g or part.
        let rule = |step: &'static str| {
            vec![
                ("region_code", ""),
                ("delivers", "on"),
                ("first", "10"),
                ("additional", "3"),
                ("free_above", ""),
                ("charge_by", "weight"),
                ("first_weight", "1000"),
                ("step_weight", step),
            ]
        };
        let (status, body) = act(shop, &admin, "shipping_save", &rule("0")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("首重和续重"), "{body}");
        let (status, body) = act(shop, &admin, "shipping_save", &rule("500")).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");

        let buyer = arrive(shop, "oWeightBuyer000000000001").await;
        add_variant(&buyer, shop, rice, Some(small), 1).await;
        let cart = buyer.page(shop, "/cart").await;
        assert_eq!(
            testid_text(&cart, "cart-shipping").as_deref(),
            Some("HK$10.00"),
            "{label}: 500 g"
        );
        add_variant(&buyer, shop, rice, Some(big), 1).await;
        let cart = buyer.page(shop, "/cart").await;
        assert_eq!(
            testid_text(&cart, "cart-shipping").as_deref(),
            Some("HK$19.00"),
            "{label}: 2.5 kg is 1 kg and three steps"
        );
        let params = buyer
            .checkout(shop, &key(&buyer.openid, 1))
            .await
            .expect("checkout");
        let no = order_no(&params);
        let kept: (i64, i64, i64) = sqlx::query_as(
            "SELECT total_minor, shipping_minor, weight_g FROM orders WHERE order_no = $1",
        )
        .bind(&no)
        .fetch_one(shop.db().await.pool())
        .await
        .expect("order");
        assert_eq!(kept, (21_900, 1_900, 2_500), "{label}");
        assert_eq!(stack.gateway_payment(&no).await["amount"], json!("219.00"));
        let page = page_text(shop, &admin, "/admin/shipping").await;
        assert!(
            page.contains("value=\"500\""),
            "{label}: the rule shows its steps"
        );
    }
}
