//! After-sales: a buyer asks for a refund or a return through the shop, the merchant decides,
//! and the money goes out once, through the shop's one refund path. The real server and
//! sandbox, on SQLite and PostgreSQL, over HTTP.

use crate::admin::{
    act, admin_client, gateway_refunds, page_text, refund, refunded_minor, set_faults, ship,
};
use crate::common::{arrive, status_of, stock, wait_for_status, Buyer, Stack};
use crate::receipt::paid_order;
use app::ssr::db::Database;
use reqwest::header::{ACCEPT, LOCATION};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::Value;

const TEA_PNG: &[u8] = include_bytes!("../../../end2end/fixtures/tea.png");
const NOT_AN_IMAGE: &[u8] = include_bytes!("../../../end2end/fixtures/not-an-image.png");

/// A phone-camera-sized PNG (`w`×`h`, noisy RGB, stored without compression: several MB),
/// written by hand so the test needs no image library.
fn big_png(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).expect("chunk").to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut seed = 0x1234_5678u32;
    let mut noise = move || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) as u8
    };
    let mut raw = Vec::new();
    for _ in 0..h {
        // Each row: the filter byte (none), then the pixels.
        let row = std::iter::once(0).chain((0..w * 3).map(|_| noise()));
        raw.extend(row);
    }
    // zlib with stored (uncompressed) deflate blocks.
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(block.len()).expect("block");
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// What the request form posts.
struct Ask<'a> {
    kind: &'a str,
    reason: &'a str,
    amount: &'a str,
    description: &'a str,
    photos: Vec<Vec<u8>>,
}

impl Ask<'_> {
    fn refund_only() -> Ask<'static> {
        Ask {
            kind: "refund_only",
            reason: "no_longer_wanted",
            amount: "",
            description: "拍错了",
            photos: vec![],
        }
    }

    fn form(&self, buyer: &Buyer, no: &str) -> Form {
        let mut form = Form::new()
            .text("token", buyer.token.clone())
            .text("order_no", no.to_owned())
            .text("kind", self.kind.to_owned())
            .text("reason", self.reason.to_owned())
            .text("amount", self.amount.to_owned())
            .text("description", self.description.to_owned());
        for (i, bytes) in self.photos.iter().enumerate() {
            let part = Part::bytes(bytes.clone())
                .file_name(format!("photo{i}.png"))
                .mime_str("image/png")
                .expect("mime");
            form = form.part("photos", part);
        }
        form
    }
}

/// The buyer posts the request form as the hydrated page does (a fetch call).
async fn ask(stack: &Stack, buyer: &Buyer, no: &str, ask: &Ask<'_>) -> (StatusCode, Value) {
    let res = buyer
        .client
        .post(stack.shop.url("/api/after-sales/request"))
        .multipart(ask.form(buyer, no))
        .send()
        .await
        .expect("request");
    let status = res.status();
    let text = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn case_of(db: &Database, no: &str) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT a.case_no, a.status, r.status FROM after_sales a JOIN orders o ON o.id = a.order_id
         LEFT JOIN refunds r ON r.id = a.refund_id WHERE o.order_no = $1 ORDER BY a.id",
    )
    .bind(no)
    .fetch_all(db.pool())
    .await
    .expect("cases")
}

async fn wait_for_case(db: &Database, no: &str, want: &str, secs: u64) {
    for _ in 0..secs * 10 {
        if case_of(db, no).await.last().map(|c| c.1.as_str()) == Some(want) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{no}: request never {want}: {:?}", case_of(db, no).await);
}

fn case_no(body: &Value) -> String {
    body.as_str().expect("the request's number").to_owned()
}

#[tokio::test]
async fn a_buyer_sends_goods_back_and_the_merchant_refunds_once_they_arrive() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(
            db,
            &[("SHOP_RETURN_ADDRESS", "深圳市南山区退货仓 0755-1234")],
        )
        .await;
        let shop = &stack.shop;
        let label = shop.label;
        let (buyer, no, admin) = paid_order(&stack, "oReturnBuyer000000000001").await;
        let (status, body) = ship(shop, &admin, &no, "sf", "SF5000000001").await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The order page offers after-sales; the form offers both kinds once shipped.
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(page.contains("data-testid=\"ask-after-sale\""), "{label}");
        let form = page_text(shop, &buyer.client, &format!("/orders/{no}/after-sales")).await;
        assert!(form.contains("kind-refund_only") && form.contains("kind-return_refund"));
        assert!(
            form.contains("最多 HK$128.00"),
            "the most that can be asked"
        );

        // More than the order was paid is refused; so is a file that is not a picture.
        let mut request = Ask {
            kind: "return_refund",
            reason: "damaged",
            amount: "200.00",
            description: "盒子压坏了，茶叶洒了一半",
            photos: vec![TEA_PNG.to_vec()],
        };
        let (status, body) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.to_string().contains("最多 HK$128.00"), "{body}");
        request.amount = "";
        request.photos = vec![NOT_AN_IMAGE.to_vec()];
        let (status, body) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.to_string().contains("PNG 或 JPEG"), "{body}");
        request.photos = vec![TEA_PNG.to_vec(); 4];
        let (status, _) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "at most 3 photos");
        assert!(
            case_of(&shop.db().await, &no).await.is_empty(),
            "nothing was opened"
        );

        // A phone's photo is several megabytes: well within the limit.
        let phone_photo = big_png(1_200, 900);
        assert!(phone_photo.len() > 3_000_000);
        request.photos = vec![TEA_PNG.to_vec(), phone_photo];
        let (status, body) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let case = case_no(&body);
        assert_eq!(case, format!("{no}S1"));

        // One open request per order.
        let (status, body) = ask(&stack, &buyer, &no, &Ask::refund_only()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.to_string().contains("处理中的售后"), "{body}");

        // The merchant hears of it on the dashboard and finds it in the list, with the photo.
        let dash = page_text(shop, &admin, "/admin").await;
        let count = dash
            .split("data-testid=\"after-sales-count\"")
            .nth(1)
            .and_then(|rest| rest.split("<strong>").nth(1))
            .and_then(|rest| rest.split('<').next());
        assert_eq!(count, Some("1"), "one request waits for the merchant");
        let list = page_text(shop, &admin, "/admin/after-sales").await;
        assert!(list.contains(&format!("data-case-no=\"{case}\"")));
        let order_page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(order_page.contains("盒子压坏了"));
        let photo = order_page
            .split("/media/after-sales/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a photo");
        let res = reqwest::get(shop.url(&format!("/media/after-sales/{photo}")))
            .await
            .expect("photo");
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.expect("photo bytes");
        assert_eq!(&bytes[..2], &[0xFF, 0xD8], "re-encoded as JPEG");
        assert!(
            order_page.contains("深圳市南山区退货仓"),
            "the approval starts with the shop's return address"
        );

        // Someone else can neither withdraw it nor send anything back.
        let mallory = arrive(shop, "oReturnMallory0000000001").await;
        let (status, _) = mallory
            .post(shop, "/api/after-sales/withdraw", &[("case_no", &case)])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Approved: the buyer reads where to send it.
        let (status, body) = act(
            shop,
            &admin,
            "after-sales/approve",
            &[
                ("case_no", &case),
                ("return_to", "深圳市南山区退货仓 0755-1234"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(page.contains("data-testid=\"return-to\""), "{label}");
        assert!(page.contains("商家同意退货"), "on the buyer's timeline");
        // Nothing is refunded before the goods are back.
        let (status, _) = act(shop, &admin, "after-sales/received", &[("case_no", &case)]).await;
        assert_eq!(status, StatusCode::CONFLICT, "not sent back yet");

        let (status, body) = buyer
            .post(
                shop,
                "/api/after-sales/send-back",
                &[
                    ("case_no", &case),
                    ("carrier", "sf"),
                    ("tracking_no", "SF 1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, body) = buyer
            .post(
                shop,
                "/api/after-sales/send-back",
                &[
                    ("case_no", &case),
                    ("carrier", "sf"),
                    ("tracking_no", "SF6000000001"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Sent: too late to withdraw.
        let (status, _) = buyer
            .post(shop, "/api/after-sales/withdraw", &[("case_no", &case)])
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let order_page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(order_page.contains("SF6000000001"));

        // The goods are back: the refund goes out, once, and the request is refunded.
        let (status, body) = act(shop, &admin, "after-sales/received", &[("case_no", &case)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let db = shop.db().await;
        wait_for_case(&db, &no, "refunded", 20).await;
        wait_for_status(&db, &no, "refunded", 10).await;
        assert_eq!(refunded_minor(&db, &no).await, 12_800);
        let (status, _) = act(shop, &admin, "after-sales/received", &[("case_no", &case)]).await;
        assert_eq!(status, StatusCode::OK, "a second click is the same answer");
        let gw = gateway_refunds(&stack, &no).await;
        assert_eq!(gw["refund_calls"], serde_json::json!(1), "{gw}");
        assert_eq!(gw["refunded_minor"], serde_json::json!(12_800), "{gw}");

        // Both timelines tell the story.
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        for step in [
            "申请售后",
            "商家同意退货",
            "商品已寄回",
            "商家同意退款",
            "售后退款完成",
        ] {
            assert!(
                page.contains(step),
                "{label}: buyer's timeline lacks {step}"
            );
        }
        assert!(page.contains("data-testid=\"case\"") && page.contains("已退款"));
        let order_page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        for event in [
            "after_sale:requested",
            "after_sale:returning",
            "after_sale:refunded",
        ] {
            assert!(
                order_page.contains(event),
                "{label}: merchant's log lacks {event}"
            );
        }
        // Nothing left to ask for.
        assert!(!page.contains("data-testid=\"ask-after-sale\""));
    }
}

#[tokio::test]
async fn two_approvals_at_once_pay_the_buyer_once() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let (buyer, no, admin) = paid_order(&stack, "oDoubleApproveBuyer00001").await;
        let db = shop.db().await;
        let tea = buyer.product("冻顶乌龙茶");
        let before = stock(&db, tea).await;
        let (status, body) = ask(&stack, &buyer, &no, &Ask::refund_only()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let case = case_no(&body);
        let second_admin = admin_client(shop).await;
        let form = [("case_no", case.as_str())];
        let (a, b) = tokio::join!(
            act(shop, &admin, "after-sales/approve", &form),
            act(shop, &second_admin, "after-sales/approve", &form),
        );
        assert!(a.0.is_success() && b.0.is_success(), "{a:?} {b:?}");
        wait_for_case(&db, &no, "refunded", 20).await;
        let refunds: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.order_no = $1",
        )
        .bind(&no)
        .fetch_one(db.pool())
        .await
        .expect("refunds");
        assert_eq!(refunds, 1, "{}: one refund", shop.label);
        let gw = gateway_refunds(&stack, &no).await;
        assert_eq!(gw["refund_calls"], serde_json::json!(1), "{gw}");
        assert_eq!(refunded_minor(&db, &no).await, 12_800);
        assert_eq!(status_of(&db, &no).await.0, "refunded");
        // It never shipped: the tea goes back on the shelf.
        assert_eq!(stock(&db, tea).await, before + 1);
    }
}

#[tokio::test]
async fn a_request_refused_withdrawn_or_out_of_time_moves_no_money() {
    for db in app::ssr::testing::all().await {
        // "Days" of 2 seconds for the window after completion.
        let stack = Stack::start(db, &[("SHOP_AFTER_SALES_SECS", "2")]).await;
        let shop = &stack.shop;
        let label = shop.label;
        let (buyer, no, admin) = paid_order(&stack, "oRefusedBuyer00000000001").await;

        // Nothing to send back before it ships; no reason is no request.
        let mut request = Ask::refund_only();
        request.kind = "return_refund";
        let (status, _) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{label}");
        request.kind = "refund_only";
        request.reason = "";
        let (status, _) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Refused with a reason the buyer reads; a refusal needs one.
        let (status, body) = ask(&stack, &buyer, &no, &Ask::refund_only()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let first = case_no(&body);
        let (status, _) = act(
            shop,
            &admin,
            "after-sales/refuse",
            &[("case_no", &first), ("reason", " ")],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = act(
            shop,
            &admin,
            "after-sales/refuse",
            &[
                ("case_no", &first),
                ("reason", "茶叶已按时发出，请留意物流"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(page.contains("茶叶已按时发出"), "{label}");
        // A refused request cannot be approved after all (a stale tab).
        let (status, _) = act(shop, &admin, "after-sales/approve", &[("case_no", &first)]).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // The buyer may ask again, and withdraw it (without JavaScript: back to the order).
        let (status, body) = ask(&stack, &buyer, &no, &Ask::refund_only()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let second = case_no(&body);
        assert_eq!(second, format!("{no}S2"));
        let res = buyer
            .client
            .post(shop.url("/api/after-sales/withdraw"))
            .header(ACCEPT, "text/html")
            .form(&[
                ("token", buyer.token.as_str()),
                ("case_no", second.as_str()),
            ])
            .send()
            .await
            .expect("plain post");
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()[LOCATION], format!("/orders/{no}").as_str());
        let db = shop.db().await;
        assert_eq!(
            case_of(&db, &no)
                .await
                .iter()
                .map(|c| c.1.as_str())
                .collect::<Vec<_>>(),
            vec!["refused", "withdrawn"]
        );
        assert_eq!(refunded_minor(&db, &no).await, 0, "no money moved");
        assert_eq!(status_of(&db, &no).await.0, "paid");

        // Completed longer ago than the window: too late.
        let (status, body) = ship(shop, &admin, &no, "ems", "EE123456789CN").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = buyer
            .post(shop, "/api/orders/received", &[("order_no", &no)])
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = ask(&stack, &buyer, &no, &Ask::refund_only()).await;
        assert_eq!(status, StatusCode::OK, "within the window: {body}");
        let (status, _) = buyer
            .post(
                shop,
                "/api/after-sales/withdraw",
                &[("case_no", &case_no(&body))],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
        let (status, body) = ask(&stack, &buyer, &no, &Ask::refund_only()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.to_string().contains("不能再申请售后"), "{body}");
        let form = page_text(shop, &buyer.client, &format!("/orders/{no}/after-sales")).await;
        assert!(form.contains("不能再申请售后") && !form.contains("case-form"));
    }
}

#[tokio::test]
async fn a_refund_the_gateway_refuses_is_sent_again_by_the_merchant() {
    for db in app::ssr::testing::all().await {
        let stack = Stack::start(db, &[]).await;
        let shop = &stack.shop;
        let openid = "oAfterSaleRetryBuyer0001";
        let (buyer, no, admin) = paid_order(&stack, openid).await;
        let (status, body) = ship(shop, &admin, &no, "zto", "7310000000001").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut request = Ask::refund_only();
        request.reason = "not_received";
        request.amount = "28.00";
        let (status, body) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let case = case_no(&body);

        set_faults(
            &stack,
            serde_json::json!({ "refund": "refuse", "refuse_message": "余额不足", "only_openid": openid }),
        )
        .await;
        let (status, body) = act(shop, &admin, "after-sales/approve", &[("case_no", &case)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let db = shop.db().await;
        wait_for_case(&db, &no, "refund_failed", 20).await;
        let page = page_text(shop, &admin, &format!("/admin/orders/{no}")).await;
        assert!(
            page.contains("data-testid=\"case-retry\""),
            "{}",
            shop.label
        );

        set_faults(&stack, serde_json::json!({})).await;
        let (status, body) = act(shop, &admin, "after-sales/retry", &[("case_no", &case)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        wait_for_case(&db, &no, "refunded", 20).await;
        assert_eq!(refunded_minor(&db, &no).await, 2_800, "the part asked for");
        assert_eq!(status_of(&db, &no).await.0, "shipped", "a partial refund");
        let gw = gateway_refunds(&stack, &no).await;
        assert_eq!(gw["refunded_minor"], serde_json::json!(2_800), "{gw}");
        let cases = case_of(&db, &no).await;
        assert_eq!(
            cases[0].2.as_deref(),
            Some("succeeded"),
            "the request points at the refund that paid"
        );

        // A request for the rest, and meanwhile the merchant refunds part by hand: the
        // request is never paid less than it asked without a word.
        request.amount = "100.00";
        let (status, body) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rest = case_no(&body);
        let (status, body) = refund(shop, &admin, &no, "10.00", &[]).await;
        assert!(status.is_success(), "{body}");
        let (status, body) = act(shop, &admin, "after-sales/approve", &[("case_no", &rest)]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("HK$90.00"), "what is left: {body}");
        let (status, body) = act(
            shop,
            &admin,
            "after-sales/refuse",
            &[
                ("case_no", &rest),
                ("reason", "已手工退款 10 元，请按剩余金额重新申请"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        wait_for_case(&db, &no, "refused", 5).await;
    }
}

#[tokio::test]
async fn a_return_never_sent_back_is_closed_by_the_shop_and_can_be_asked_again() {
    for db in app::ssr::testing::all().await {
        // "Days" of 2 seconds to send a return back.
        let stack = Stack::start(db, &[("SHOP_RETURN_SECS", "2")]).await;
        let shop = &stack.shop;
        let (buyer, no, admin) = paid_order(&stack, "oLapsedReturnBuyer000001").await;
        let (status, body) = ship(shop, &admin, &no, "jd", "JD0012345678").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut request = Ask::refund_only();
        request.kind = "return_refund";
        request.reason = "quality";
        let (status, body) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let case = case_no(&body);
        let (status, body) = act(
            shop,
            &admin,
            "after-sales/approve",
            &[("case_no", &case), ("return_to", "深圳市南山区退货仓")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let db = shop.db().await;
        wait_for_case(&db, &no, "refused", 20).await;
        let page = page_text(shop, &buyer.client, &format!("/orders/{no}")).await;
        assert!(
            page.contains("申请已自动关闭"),
            "{}: the buyer reads why",
            shop.label
        );
        // Too late to send it now; but the buyer may ask again.
        let (status, _) = buyer
            .post(
                shop,
                "/api/after-sales/send-back",
                &[
                    ("case_no", &case),
                    ("carrier", "sf"),
                    ("tracking_no", "SF1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, body) = ask(&stack, &buyer, &no, &request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(refunded_minor(&db, &no).await, 0);
    }
}
