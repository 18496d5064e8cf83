//! The demo catalog a new shop starts with: 12 products in 3 categories, with the images
//! shipped in `public/demo/`. Seeded once, when the catalog is empty.

use super::db::{Backend, Database};
use super::web::now_ms;
use crate::ids::ProductId;
use crate::money::Currency;

struct DemoProduct {
    category: &'static str,
    title: &'static str,
    subtitle: &'static str,
    description: &'static str,
    /// Price in HKD cents; converted to the shop currency's minor unit.
    price_hkd_cents: i64,
    stock: i64,
    image: &'static str,
}

const CATEGORIES: [(&str, &str); 3] = [("tea", "茶饮"), ("snacks", "零食"), ("home", "生活好物")];

const PRODUCTS: [DemoProduct; 12] = [
    DemoProduct { category: "tea", title: "冻顶乌龙茶 150g", subtitle: "台湾南投 · 中焙火", description: "南投鹿谷高山茶园春茶，传统中焙火工艺，焙火香与花果香交融。\n冲泡：95°C 热水，5g 茶叶，首泡 50 秒。", price_hkd_cents: 12800, stock: 40, image: "oolong" },
    DemoProduct { category: "tea", title: "云南普洱熟茶饼 357g", subtitle: "2019 年勐海料 · 越陈越香", description: "勐海大叶种晒青毛茶渥堆发酵，汤色红浓明亮，口感醇厚顺滑。\n存放：通风避光，远离异味。", price_hkd_cents: 26800, stock: 15, image: "puer" },
    DemoProduct { category: "tea", title: "西湖龙井 明前 100g", subtitle: "限量 · 狮峰山产区", description: "清明前采摘一芽一叶，手工炒制，豆花香明显，鲜爽回甘。\n数量有限，售完即止。", price_hkd_cents: 19800, stock: 3, image: "longjing" },
    DemoProduct { category: "tea", title: "桂花红茶 茶包 20 入", subtitle: "办公室冷泡热泡皆宜", description: "祁门红茶拼配金桂花瓣，独立三角茶包，热水 3 分钟即可。", price_hkd_cents: 5800, stock: 120, image: "osmanthus" },
    DemoProduct { category: "snacks", title: "原味鸡蛋卷 礼盒装", subtitle: "香港老字号手工制作", description: "新鲜鸡蛋、牛油与面粉，每日少量手工卷制，酥脆不油腻。\n礼盒内含 32 条。", price_hkd_cents: 8800, stock: 60, image: "eggroll" },
    DemoProduct { category: "snacks", title: "澳门杏仁饼 12 件装", subtitle: "炭火烘焙 · 杏仁粒粒可见", description: "绿豆粉与杏仁碎炭火慢烤，入口松化，甜度适中。", price_hkd_cents: 4500, stock: 80, image: "almond" },
    DemoProduct { category: "snacks", title: "菲律宾芒果干 250g", subtitle: "无添加色素", description: "宿务芒果切片低温烘干，果香浓郁，酸甜有嚼劲。\n补货中。", price_hkd_cents: 3990, stock: 0, image: "mango" },
    DemoProduct { category: "snacks", title: "黑芝麻糊 即冲 10 包", subtitle: "早餐代餐 · 热水即冲", description: "黑芝麻研磨至细腻，加入糯米粉，冲调顺滑无颗粒。", price_hkd_cents: 3250, stock: 200, image: "sesame" },
    DemoProduct { category: "home", title: "手工陶瓷茶杯", subtitle: "景德镇 · 青白釉 120ml", description: "拉坯成型、手工施釉，每只釉色略有不同。\n可用于洗碗机，不可用于微波炉。", price_hkd_cents: 7500, stock: 25, image: "teacup" },
    DemoProduct { category: "home", title: "天然竹筷 5 双装", subtitle: "无漆无蜡", description: "楠竹整竹加工，高温碳化防霉，长 24cm。", price_hkd_cents: 4900, stock: 70, image: "chopsticks" },
    DemoProduct { category: "home", title: "棉麻环保购物袋", subtitle: "可折叠 · 承重 15kg", description: "棉麻混纺面料，加固提手，折叠后可放入口袋。", price_hkd_cents: 3500, stock: 150, image: "tote" },
    DemoProduct { category: "home", title: "白茶香薰蜡烛 200g", subtitle: "大豆蜡 · 燃烧约 40 小时", description: "天然大豆蜡与白茶精油，棉芯无烟，木盖可作杯垫。", price_hkd_cents: 12000, stock: 12, image: "candle" },
];

/// A demo product's price in the shop currency's minor unit (never 0: checked below).
fn demo_price(p: &DemoProduct, currency: Currency) -> i64 {
    p.price_hkd_cents / 10i64.pow(2 - currency.exponent().min(2))
}

/// Seeds the demo catalog if there are no categories yet. Safe when several app servers
/// start at once: the check and the inserts happen under the database's write lock.
pub async fn seed_demo_catalog(db: &Database, currency: Currency) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM categories")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let now = now_ms();
    for (sort, (slug, name)) in CATEGORIES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (slug, name, sort_order, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(*slug)
        .bind(*name)
        .bind(sort as i64)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    for (sort, p) in PRODUCTS.iter().enumerate() {
        let product_id: ProductId = sqlx::query_scalar(
            "INSERT INTO products (category_id, title, subtitle, description, price_minor, currency,
                                   stock, on_sale, sort_order, created_at, updated_at)
             VALUES ((SELECT id FROM categories WHERE slug = $1), $2, $3, $4, $5, $6, $7, 1, $8, $9, $9)
             RETURNING id",
        )
        .bind(p.category)
        .bind(p.title)
        .bind(p.subtitle)
        .bind(p.description)
        .bind(demo_price(p, currency))
        .bind(currency.code())
        .bind(p.stock)
        .bind(sort as i64)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        crate::ssr::stock::first_variant(
            &mut tx,
            product_id,
            demo_price(p, currency),
            p.stock,
            now,
        )
        .await?;
        for (n, view) in ["a", "b"].iter().enumerate() {
            sqlx::query(
                "INSERT INTO product_images (product_id, url, alt, width, height, sort_order)
                 VALUES ($1, $2, $3, 600, 600, $4)",
            )
            .bind(product_id)
            .bind(format!("/demo/{}-{view}.svg", p.image))
            .bind(p.title)
            .bind(n as i64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_product_has_a_price_in_every_currency() {
        for currency in Currency::ALL {
            for p in &PRODUCTS {
                assert!(
                    demo_price(p, currency) > 0,
                    "{} costs nothing in {currency:?}",
                    p.title
                );
            }
        }
    }
}
