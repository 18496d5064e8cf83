//! Shipping fees: the merchant sets the shop's rule and provinces' own, the cart shows the
//! fee for the chosen address, checkout charges it (the gateway gets goods plus shipping),
//! a region the shop does not deliver to is refused before anything is reserved, the order
//! keeps its fee whatever the rules do later, and a full refund gives it back.

use crate::admin::{act, create_admin, owner_client, refund, OWNER, PASSWORD};
use crate::common::{
    arrive, key, order_no, pay, save_address, stock, testid_text, wait_for_status, Buyer, Shop,
    Stack,
};
use reqwest::StatusCode;
use serde_json::json;

/// Sets the rule for `region` ("" for the whole shop) as the shipping page's form posts it.
async fn set_rule(
    shop: &Shop,
    admin: &reqwest::Client,
    region: &str,
    delivers: bool,
    first: &str,
    additional: &str,
    free_above: &str,
) -> (StatusCode, String) {
    let mut form = vec![
        ("region_code", region),
        ("first", first),
        ("additional", additional),
        ("free_above", free_above),
    ];
    if delivers {
        form.push(("delivers", "on"));
    }
    act(shop, admin, "shipping_save", &form).await
}

async fn cart_page(shop: &Shop, buyer: &Buyer, address: Option<i64>) -> String {
    match address {
        Some(id) => buyer.page(shop, &format!("/cart?address={id}")).await,
        None => buyer.page(shop, "/cart").await,
    }
}

async fn new_address(
    shop: &Shop,
    buyer: &Buyer,
    name: &str,
    area: &str,
    mobile: &str,
    district: &str,
) -> i64 {
    let fields = vec![
        ("recipient", name.to_owned()),
        ("area", area.to_owned()),
        ("mobile", mobile.to_owned()),
        ("region", district.to_owned()),
        ("detail", "一号".to_owned()),
    ];
    save_address(shop, &buyer.client, &buyer.token, &fields)
        .await
        .expect("address saved")["id"]
        .as_i64()
        .expect("address id")
}

async fn order_money(shop: &Shop, no: &str) -> (i64, i64) {
    sqlx::query_as("SELECT total_minor, shipping_minor FROM orders WHERE order_no = $1")
        .bind(no)
        .fetch_one(shop.db().await.pool())
        .await
        .expect("order")
}

#[tokio::test]
async fn the_buyer_pays_shipping_by_region_and_the_order_keeps_it() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let label = shop.label;
        let admin = owner_client(shop).await;

        // The merchant's rules: HK$10 + HK$2.50 a further item, free from HK$300; Guangdong
        // a flat HK$5; no delivery to Xinjiang. Nonsense is refused and says why.
        for (region, delivers, first, additional, free) in [
            ("", true, "10.00", "2.50", "300"),
            ("44", true, "5", "0", ""),
            ("65", false, "", "", ""),
        ] {
            let (status, body) =
                set_rule(shop, &admin, region, delivers, first, additional, free).await;
            assert_eq!(status, StatusCode::OK, "{label}: {region}: {body}");
        }
        let (status, body) = set_rule(shop, &admin, "44", true, "-1", "0", "").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("首件运费"), "{body}");
        let (status, _) = set_rule(shop, &admin, "99", true, "1", "0", "").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = act(shop, &admin, "shipping_remove", &[("region_code", "")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "the shop's rule stays");
        let page = crate::admin::page_text(shop, &admin, "/admin/shipping").await;
        assert_eq!(
            page.matches("data-testid=\"shipping-rule\"").count(),
            3,
            "{label}"
        );
        assert!(page.contains("新疆维吾尔自治区") && page.contains("广东省"));

        // The buyer (default address in Shenzhen, Guangdong) sees the fee before paying.
        let buyer = arrive(shop, "oShippingBuyer0000000001").await;
        let oolong = buyer.product("冻顶乌龙茶");
        buyer.add(shop, oolong, 2).await;
        let cart = cart_page(shop, &buyer, None).await;
        assert_eq!(
            testid_text(&cart, "cart-goods").as_deref(),
            Some("HK$256.00"),
            "{label}"
        );
        assert_eq!(
            testid_text(&cart, "cart-shipping").as_deref(),
            Some("HK$5.00")
        );
        assert!(cart.contains("HK$261.00"), "the total to pay");

        // In Hong Kong the shop's rule applies, with how far free shipping is; in Xinjiang
        // there is no delivery, and checkout there is refused with nothing reserved.
        let hk = new_address(shop, &buyer, "陳大文", "852", "91234567", "810101").await;
        let cart = cart_page(shop, &buyer, Some(hk)).await;
        assert_eq!(
            testid_text(&cart, "cart-shipping").as_deref(),
            Some("HK$12.50")
        );
        assert!(cart.contains("满 HK$300.00 包邮"), "{label}");
        let xj = new_address(shop, &buyer, "阿依", "86", "13900139000", "650102").await;
        let cart = cart_page(shop, &buyer, Some(xj)).await;
        assert!(cart.contains("该地区暂不配送"), "{label}");
        let before = stock(&shop.db().await, oolong).await;
        let refused = buyer
            .checkout_with(shop, &key(&buyer.openid, 1), Some(xj), "")
            .await
            .expect_err("no delivery to Xinjiang");
        assert_eq!(
            refused,
            (StatusCode::BAD_REQUEST, json!({"Address": "NotDelivered"}))
        );
        assert_eq!(
            stock(&shop.db().await, oolong).await,
            before,
            "nothing reserved"
        );

        // Checkout to Shenzhen: the gateway is asked for goods plus shipping.
        let params = buyer
            .checkout(shop, &key(&buyer.openid, 2))
            .await
            .expect("checkout");
        let no = order_no(&params);
        assert_eq!(order_money(shop, &no).await, (26_100, 500), "{label}");
        let gw = stack.gateway_payment(&no).await;
        assert_eq!(gw["amount"], json!("261.00"), "{label}: {gw}");
        pay(&stack, &params).await;
        wait_for_status(&shop.db().await, &no, "paid", 10).await;

        // The order page shows goods, shipping and total; so does the back office.
        let html = buyer
            .client
            .get(shop.url(&format!("/orders/{no}")))
            .send()
            .await
            .expect("order page")
            .text()
            .await
            .expect("body");
        assert_eq!(
            testid_text(&html, "order-goods").as_deref(),
            Some("HK$256.00")
        );
        assert_eq!(
            testid_text(&html, "order-shipping").as_deref(),
            Some("HK$5.00")
        );
        assert_eq!(
            testid_text(&html, "order-total").as_deref(),
            Some("HK$261.00")
        );
        let page = crate::admin::page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert_eq!(
            testid_text(&page, "admin-order-shipping").as_deref(),
            Some("HK$5.00")
        );

        // Sending the paid order elsewhere: not where the shop does not deliver, nor where
        // shipping costs more than was paid; another Shenzhen address is fine.
        let change = |address: i64| {
            let no = no.clone();
            let buyer = &buyer;
            async move {
                buyer
                    .post(
                        shop,
                        "/api/orders/address",
                        &[("order_no", &no), ("address", &address.to_string())],
                    )
                    .await
            }
        };
        assert_eq!(
            change(xj).await,
            (StatusCode::BAD_REQUEST, json!({"Address": "NotDelivered"}))
        );
        assert_eq!(
            change(hk).await,
            (
                StatusCode::BAD_REQUEST,
                json!({"Address": "ShippingCostsMore"})
            )
        );
        let sz = new_address(shop, &buyer, "李四", "86", "13700137000", "440305").await;
        assert_eq!(change(sz).await.0, StatusCode::OK, "{label}");

        // New rules never reach a placed order.
        let (status, _) = set_rule(shop, &admin, "44", true, "20", "0", "").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(order_money(shop, &no).await, (26_100, 500));
        let (status, _) = act(shop, &admin, "shipping_remove", &[("region_code", "44")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(order_money(shop, &no).await, (26_100, 500));

        // Free from the threshold: three pieces (HK$384) to Hong Kong ship free.
        buyer.add(shop, oolong, 3).await;
        let cart = cart_page(shop, &buyer, Some(hk)).await;
        assert_eq!(
            testid_text(&cart, "cart-shipping").as_deref(),
            Some("包邮"),
            "{label}"
        );
        assert!(!cart.contains("data-testid=\"free-above\""));

        // A full refund gives back the shipping too: all HK$261.00, and no more.
        let (status, body) = refund(shop, &admin, &no, "261.01", &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{label}: {body}");
        let (status, body) = refund(shop, &admin, &no, "261.00", &[]).await;
        assert!(status.is_success(), "{label}: {body}");
        wait_for_status(&shop.db().await, &no, "refunded", 15).await;
    }
}

#[tokio::test]
async fn only_the_owner_sets_shipping_and_staff_see_it() {
    for db in app::ssr::testing::all().await {
        let shop = Shop::start(db).await;
        assert!(create_admin(&shop, OWNER, PASSWORD).status.success());
        let staff = crate::admin::staff_client(&shop).await;
        let (status, body) = set_rule(&shop, &staff, "", true, "1", "0", "").await;
        assert_ne!(status, StatusCode::OK, "{}", shop.label);
        assert!(body.contains("OwnerOnly"), "{body}");
        let page = crate::admin::page_text(&shop, &staff, "/admin/shipping").await;
        assert!(
            page.contains("data-testid=\"shipping-rule\""),
            "{}",
            shop.label
        );
        // A buyer is no merchant.
        let buyer = arrive(&shop, "oShippingNotAdmin0000001").await;
        let res = buyer
            .client
            .post(shop.url("/api/admin/shipping_save"))
            .form(&[
                ("region_code", ""),
                ("first", "0"),
                ("additional", "0"),
                ("free_above", ""),
            ])
            .send()
            .await
            .expect("post");
        assert!(res.status().is_client_error(), "{}", res.status());
    }
}
