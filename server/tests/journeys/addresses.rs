//! Delivery addresses: the buyer's book, checkout's copy of the chosen address, and changing
//! where an order goes before it ships. The real server and sandbox, on SQLite and
//! PostgreSQL, over HTTP.

use crate::common::{
    address_form, arrive, buyer_client, key, order_no, save_address, stock, Buyer, Shop, Stack,
};
use reqwest::header::{ACCEPT, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn stacks() -> Vec<Stack> {
    let mut stacks = Vec::new();
    for db in app::ssr::testing::all().await {
        stacks.push(Stack::start(db, &[]).await);
    }
    stacks
}

/// `fields` with `name` set to `value`.
fn with(
    mut fields: Vec<(&'static str, String)>,
    name: &str,
    value: &str,
) -> Vec<(&'static str, String)> {
    for (k, v) in fields.iter_mut() {
        if *k == name {
            *v = value.to_owned();
        }
    }
    fields
}

async fn page(shop: &Shop, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let res = client.get(shop.url(path)).send().await.expect("page");
    let (status, html) = (res.status(), res.text().await.expect("body"));
    crate::common::expect_hydrates(path, &html);
    (status, html)
}

async fn list(shop: &Shop, buyer: &Buyer) -> Vec<Value> {
    let res = buyer
        .client
        .post(shop.url("/api/addresses/list"))
        .form(&[("token", buyer.token.as_str())])
        .send()
        .await
        .expect("list");
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    body.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn addresses_are_checked_field_by_field_and_explained() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let buyer = arrive(shop, "oAddrCheckBuyer000000001").await;
        let good = address_form("李四");
        let refused = [
            (with(good.clone(), "mobile", "1380013800"), "MobileMainland"),
            (
                with(good.clone(), "mobile", "23800138000"),
                "MobileMainland",
            ),
            (with(good.clone(), "recipient", "  "), "RecipientMissing"),
            (
                with(good.clone(), "recipient", &"名".repeat(26)),
                "RecipientTooLong",
            ),
            (with(good.clone(), "detail", "1号\n楼"), "ControlCharacters"),
            (
                with(good.clone(), "recipient", "张\u{0}三"),
                "ControlCharacters",
            ),
            (with(good.clone(), "region", "4403"), "RegionMissing"),
            (with(good.clone(), "region", "999999"), "RegionMissing"),
            (with(good.clone(), "region", ""), "RegionMissing"),
            (
                with(good.clone(), "detail", "路".repeat(121).as_str()),
                "DetailTooLong",
            ),
            (with(good.clone(), "postcode", "5180"), "Postcode"),
        ];
        for (fields, want) in refused {
            let (status, body) = save_address(shop, &buyer.client, &buyer.token, &fields)
                .await
                .expect_err(want);
            assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {want}", shop.label);
            assert_eq!(body, json!({ "Address": want }), "{}", shop.label);
        }
        // Hong Kong: 8 digits with +852, no postcode.
        let hk = vec![
            ("recipient", "陳大文".to_owned()),
            ("area", "852".to_owned()),
            ("mobile", "9123 4567".to_owned()),
            ("region", "810101".to_owned()),
            ("detail", "皇后大道中 1 號".to_owned()),
        ];
        let saved = save_address(shop, &buyer.client, &buyer.token, &hk)
            .await
            .expect("hk");
        assert_eq!(saved["mobile"], "91234567");
        assert_eq!(saved["area"], "HongKong");
        assert!(saved["region"]
            .as_str()
            .is_some_and(|r| r.starts_with("香港特别行政区")));
        let macau_bad = with(with(hk.clone(), "area", "853"), "mobile", "91234567");
        let (status, body) = save_address(shop, &buyer.client, &buyer.token, &macau_bad)
            .await
            .expect_err("macau");
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, json!({ "Address": "MobileMacau" }))
        );
        assert_eq!(
            list(shop, &buyer).await.len(),
            2,
            "only the good ones were saved"
        );
    }
}

#[tokio::test]
async fn without_javascript_a_refused_form_comes_back_filled_in_with_the_reason() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let buyer = arrive(shop, "oAddrNoJsBuyer0000000001").await;
        let mut form = vec![("token", buyer.token.clone())];
        form.extend(with(address_form("王五"), "mobile", "12345"));
        form.push(("next", "/cart".to_owned()));
        let res = buyer
            .client
            .post(shop.url("/api/addresses/save"))
            .header(ACCEPT, "text/html")
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::FOUND, "{}", shop.label);
        let back = res.headers()[LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(back.starts_with("/addresses/new?back=1&"), "{back}");
        assert!(back.contains("problem=mobile_cn"), "{back}");
        assert!(
            !back.contains("token"),
            "the token never goes into a URL: {back}"
        );
        let (status, html) = page(shop, &buyer.client, &back).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("请填写 11 位中国大陆手机号码"),
            "the reason, in Chinese"
        );
        assert!(html.contains("value=\"王五\""), "what was typed is kept");
        assert!(html.contains("科技园南区"), "the street too");

        // The region picker's "next" without JavaScript: the form comes back with the
        // province's cities to choose from, and nothing is saved.
        let mut step = vec![
            ("token", buyer.token.clone()),
            ("step", "region".to_owned()),
        ];
        step.extend([
            ("recipient", "王五".to_owned()),
            ("province", "44".to_owned()),
        ]);
        let res = buyer
            .client
            .post(shop.url("/api/addresses/save"))
            .header(ACCEPT, "text/html")
            .form(&step)
            .send()
            .await
            .expect("step");
        assert_eq!(res.status(), StatusCode::FOUND);
        let next = res.headers()[LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        let (_, html) = page(shop, &buyer.client, &next).await;
        assert!(
            html.contains(">深圳市<"),
            "the cities of 广东省 are offered"
        );
        assert_eq!(list(shop, &buyer).await.len(), 1, "nothing saved by a step");

        // Saved without JavaScript: on to `next`, the address chosen.
        let mut form = vec![("token", buyer.token.clone()), ("next", "/cart".to_owned())];
        form.extend(address_form("王五"));
        let res = buyer
            .client
            .post(shop.url("/api/addresses/save"))
            .header(ACCEPT, "text/html")
            .form(&form)
            .send()
            .await
            .expect("save");
        assert_eq!(res.status(), StatusCode::FOUND);
        let to = res.headers()[LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(to.starts_with("/cart?address="), "{to}");

        // In English, the same refusal reads in English.
        let res = buyer
            .client
            .get(shop.url("/lang?to=en&back=/"))
            .send()
            .await
            .expect("switch");
        assert!(res.status().is_redirection());
        let (_, html) = page(shop, &buyer.client, &back).await;
        assert!(
            html.contains("Enter an 11-digit mainland mobile number"),
            "{}",
            shop.label
        );
    }
}

#[tokio::test]
async fn the_book_holds_twenty_addresses_and_always_one_default() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let buyer = arrive(shop, "oAddrBookBuyer0000000001").await;
        let first = list(shop, &buyer).await;
        assert_eq!(first.len(), 1);
        assert_eq!(
            first[0]["is_default"], true,
            "the first address is the default"
        );
        for n in 2..=20 {
            save_address(
                shop,
                &buyer.client,
                &buyer.token,
                &address_form(&format!("收件人{n}")),
            )
            .await
            .expect("within the cap");
        }
        let (status, body) =
            save_address(shop, &buyer.client, &buyer.token, &address_form("第二十一"))
                .await
                .expect_err("over the cap");
        assert_eq!(
            (status, body),
            (StatusCode::CONFLICT, json!({ "Address": "BookFull" }))
        );
        let all = list(shop, &buyer).await;
        assert_eq!(all.len(), 20);
        assert_eq!(all.iter().filter(|a| a["is_default"] == true).count(), 1);

        // Another becomes the default; deleting the default promotes one.
        let other = all[5]["id"].as_i64().expect("id").to_string();
        let (status, _) = buyer
            .post(shop, "/api/addresses/default", &[("id", &other)])
            .await;
        assert_eq!(status, StatusCode::OK);
        let all = list(shop, &buyer).await;
        assert_eq!(
            all[0]["id"].as_i64().map(|i| i.to_string()),
            Some(other.clone())
        );
        let (status, _) = buyer
            .post(shop, "/api/addresses/delete", &[("id", &other)])
            .await;
        assert_eq!(status, StatusCode::OK);
        let all = list(shop, &buyer).await;
        assert_eq!(all.len(), 19);
        assert_eq!(
            all.iter().filter(|a| a["is_default"] == true).count(),
            1,
            "{}",
            shop.label
        );

        // The list page shows them, with the count.
        let (status, html) = page(shop, &buyer.client, "/addresses").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(html.matches("data-testid=\"address\"").count(), 19);
        assert!(html.contains("19/20"));
    }
}

#[tokio::test]
async fn a_buyer_cannot_see_or_touch_another_buyers_address() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let alice = arrive(shop, "oAddrAliceBuyer000000001").await;
        let mallory = arrive(shop, "oAddrMalloryBuyer0000001").await;
        let id = alice.address.to_string();
        for path in [
            "/api/addresses/get",
            "/api/addresses/default",
            "/api/addresses/delete",
        ] {
            let (status, _) = mallory.post(shop, path, &[("id", &id)]).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let mut edit = vec![("id", id.clone())];
        edit.extend(address_form("Mallory"));
        let (status, _) = save_address(shop, &mallory.client, &mallory.token, &edit)
            .await
            .expect_err("edit");
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = page(shop, &mallory.client, &format!("/addresses/{id}/edit")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Checking out with someone else's address is checking out without one.
        mallory.add(shop, mallory.product("冻顶乌龙茶"), 1).await;
        let (status, body) = mallory
            .checkout_with(shop, &key(&mallory.openid, 1), Some(alice.address), "")
            .await
            .expect_err("not hers");
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, json!({ "Address": "Required" }))
        );
        let mine = list(shop, &alice).await;
        assert_eq!(mine[0]["recipient"], "张三", "untouched");
    }
}

#[tokio::test]
async fn checkout_needs_an_address_and_the_order_keeps_its_own_copy() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let db = shop.db().await;
        let buyer = arrive(shop, "oAddrCheckoutBuyer000001").await;
        let tea = buyer.product("冻顶乌龙茶");
        buyer.add(shop, tea, 2).await;
        let before = stock(&db, tea).await;

        // No address: refused, nothing reserved, no order.
        let (status, body) = buyer
            .checkout_with(shop, &key(&buyer.openid, 1), None, "")
            .await
            .expect_err("no address");
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, json!({ "Address": "Required" }))
        );
        assert_eq!(
            stock(&db, tea).await,
            before,
            "{}: nothing reserved",
            shop.label
        );
        let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE openid = $1")
            .bind(&buyer.openid)
            .fetch_one(db.pool())
            .await
            .expect("count");
        assert_eq!(orders, 0);
        // A remark too long is refused the same way.
        let (status, body) = buyer
            .checkout_with(
                shop,
                &key(&buyer.openid, 2),
                Some(buyer.address),
                &"字".repeat(201),
            )
            .await
            .expect_err("remark");
        assert_eq!(
            (status, body),
            (
                StatusCode::BAD_REQUEST,
                json!({ "Address": "RemarkTooLong" })
            )
        );

        // The cart page shows the default address; checkout copies it with the remark.
        let (_, cart) = page(shop, &buyer.client, "/cart").await;
        assert!(
            cart.contains("data-testid=\"ship-to\""),
            "the address is shown"
        );
        assert!(cart.contains("广东省 深圳市 南山区 科技园南区 1 栋 101"));
        let params = buyer
            .checkout_with(
                shop,
                &key(&buyer.openid, 3),
                Some(buyer.address),
                "请下午送，谢谢",
            )
            .await
            .expect("checkout");
        let no = order_no(&params);

        // The buyer then edits and deletes the address: the order does not change.
        let mut edit = vec![("id", buyer.address.to_string())];
        edit.extend(with(
            address_form("改名了"),
            "detail",
            "完全不同的地址 9 号",
        ));
        save_address(shop, &buyer.client, &buyer.token, &edit)
            .await
            .expect("edit");
        let (status, _) = buyer
            .post(
                shop,
                "/api/addresses/delete",
                &[("id", &buyer.address.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, html) = page(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(">张三<"),
            "{}: the recipient at checkout",
            shop.label
        );
        assert!(html.contains("广东省 深圳市 南山区 科技园南区 1 栋 101 (518057)"));
        assert!(html.contains("请下午送，谢谢"), "the remark");
        assert!(!html.contains("改名了") && !html.contains("完全不同的地址"));
        let (recipient, remark): (String, String) =
            sqlx::query_as("SELECT ship_recipient, remark FROM orders WHERE order_no = $1")
                .bind(&no)
                .fetch_one(db.pool())
                .await
                .expect("row");
        assert_eq!(
            (recipient.as_str(), remark.as_str()),
            ("张三", "请下午送，谢谢")
        );
    }
}

#[tokio::test]
async fn the_buyer_sends_an_unshipped_order_elsewhere_and_it_shows_on_the_timeline() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let buyer = arrive(shop, "oAddrChangeBuyer00000001").await;
        let params = buyer.order_one(shop, "冻顶乌龙茶").await;
        let no = order_no(&params);
        let hk = vec![
            ("recipient", "陳大文".to_owned()),
            ("area", "852".to_owned()),
            ("mobile", "91234567".to_owned()),
            ("region", "810101".to_owned()),
            ("detail", "皇后大道中 1 號".to_owned()),
        ];
        let other = save_address(shop, &buyer.client, &buyer.token, &hk)
            .await
            .expect("hk");
        let other_id = other["id"].as_i64().expect("id").to_string();
        let (status, _) = buyer
            .post(
                shop,
                "/api/orders/address",
                &[("order_no", &no), ("address", &other_id)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}", shop.label);
        let (_, html) = page(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(html.contains("陳大文") && html.contains("+852 91234567"));
        assert!(html.contains("data-kind=\"address\""), "on the timeline");
        assert!(html.contains("修改了收货地址"));

        // Someone else's order is not found; someone else's address is not found.
        let mallory = arrive(shop, "oAddrChangeMallory000001").await;
        let (status, _) = mallory
            .post(
                shop,
                "/api/orders/address",
                &[("order_no", &no), ("address", &mallory.address.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = buyer
            .post(
                shop,
                "/api/orders/address",
                &[("order_no", &no), ("address", &mallory.address.to_string())],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Once shipped (or closed), the address is fixed.
        let db = shop.db().await;
        sqlx::query("UPDATE orders SET status = 'shipped' WHERE order_no = $1")
            .bind(&no)
            .execute(db.pool())
            .await
            .expect("ship behind the shop's back");
        let (status, body) = buyer
            .post(
                shop,
                "/api/orders/address",
                &[("order_no", &no), ("address", &buyer.address.to_string())],
            )
            .await;
        assert_eq!((status, body), (StatusCode::CONFLICT, json!("OrderClosed")));
        let (_, html) = page(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(
            !html.contains("change-order-address"),
            "no link once shipped"
        );
    }
}

#[tokio::test]
async fn the_region_table_is_served_whole_and_cached() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let client = buyer_client();
        let res = client
            .get(shop.url("/api/addresses/region-table"))
            .send()
            .await
            .expect("table");
        assert_eq!(res.status(), StatusCode::OK);
        let cache = res.headers()["cache-control"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert!(cache.contains("max-age"), "{cache}");
        let text: String = res.json().await.expect("json string");
        assert!(text.lines().any(|l| l == "440305\t南山区"));
        assert!(
            text.lines()
                .filter(|l| l.starts_with("81") && l.len() > 8)
                .count()
                >= 18
        );
    }
}

#[tokio::test]
async fn in_the_payment_container_a_saved_address_goes_on_where_the_buyer_was_going() {
    for stack in stacks().await {
        let shop = &stack.shop;
        let buyer = arrive(shop, "oAddrContainerBuyer00001").await;
        // The container's pages call the shop from the gateway's origin; the hydrated form
        // follows the server function's redirect, so the browser must be allowed to read it.
        let mut form = vec![("token", buyer.token.clone()), ("next", "/cart".to_owned())];
        form.extend(address_form("赵六"));
        let res = buyer
            .client
            .post(shop.url("/api/addresses/save"))
            .header("Origin", stack.sandbox.base.as_str())
            .form(&form)
            .send()
            .await
            .expect("save");
        assert_eq!(res.status(), StatusCode::OK, "{}", shop.label);
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        assert_eq!(header("access-control-allow-origin"), stack.sandbox.base);
        let exposed = header("access-control-expose-headers");
        assert!(
            exposed.contains("serverfnredirect") && exposed.contains("location"),
            "{exposed}"
        );
        assert!(header("location").starts_with("/cart?address="));
        assert!(res.headers().contains_key("serverfnredirect"));
    }
}
