//! Operating the shop: `server backup --to FILE` copies the live SQLite database while
//! buyers pay, and a shop started on the copy has every order paid before the backup began
//! (on PostgreSQL the command says to use pg_dump); a SIGTERM under load loses nothing.

use crate::common::{arrive, key, status_of, stock, Shop, Stack};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn backup(db_url: &str, to: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["backup", "--to"])
        .arg(to)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run server backup")
}

/// The file behind a `sqlite://…?mode=rwc` URL.
fn sqlite_file(url: &str) -> PathBuf {
    PathBuf::from(
        url.trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_backup_taken_while_buyers_pay_restores_every_paid_order() {
    let stack = Stack::start(app::ssr::testing::sqlite(), &[]).await;
    let shop = &stack.shop;
    let mut buyers = Vec::new();
    for i in 0..12 {
        buyers.push(arrive(shop, &format!("oBackupBuyer{i:012}")).await);
    }
    // Six orders paid before the backup; six more paying while it runs.
    let mut paid_before = Vec::new();
    for b in &buyers[..6] {
        paid_before.push(b.pay_for(&stack, "桂花红茶", 1, &key(&b.openid, 1)).await);
    }
    let dir = std::env::temp_dir().join(format!("shop-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("backup dir");
    let file = dir.join("backup.db");
    let _ = std::fs::remove_file(&file);
    let (url, target) = (shop.db_url.clone(), file.clone());
    let copying = tokio::task::spawn_blocking(move || backup(&url, &target));
    let later: Vec<(&crate::common::Buyer, String)> =
        buyers[6..].iter().map(|b| (b, key(&b.openid, 1))).collect();
    let paying = futures_util::future::join_all(
        later
            .iter()
            .map(|(b, k)| b.pay_for(&stack, "桂花红茶", 1, k)),
    );
    let (out, paid_during) = tokio::join!(copying, paying);
    let out = out.expect("backup task");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up to"));
    // The same file again is refused: a backup never overwrites one.
    let again = backup(&shop.db_url, &file);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // Restore: a new shop on a copy of the backup.
    let restored = app::ssr::testing::sqlite();
    let restored_file = sqlite_file(&restored.url);
    std::fs::create_dir_all(restored_file.parent().expect("dir")).expect("restore dir");
    std::fs::copy(&file, &restored_file).expect("restore copy");
    let shop2 = Shop::start(restored).await;
    let db2 = shop2.db().await;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(db2.pool())
        .await
        .expect("integrity");
    assert_eq!(check, "ok");
    for no in &paid_before {
        assert_eq!(
            status_of(&db2, no).await.0,
            "paid",
            "{no} survives the backup"
        );
    }
    // The copy is of one moment: every order in it has its lines, and every paid one its
    // payment; orders paid meanwhile are in it as they were then, or not yet.
    let (orders, whole): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)
                 AND (o.status <> 'paid' OR o.payment_no IS NOT NULL) THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM orders o",
    )
    .fetch_one(db2.pool())
    .await
    .expect("orders");
    assert_eq!(orders, whole, "every order whole");
    assert!((6..=12).contains(&orders), "{orders}");
    for no in &paid_during {
        let live = status_of(&stack.shop.db().await, no).await.0;
        assert_eq!(live, "paid", "the live shop lost nothing while copying");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn on_postgresql_the_backup_command_points_to_pg_dump() {
    let Some(db) = app::ssr::testing::postgres().await else {
        return;
    };
    let shop = Shop::start(db).await;
    let file = std::env::temp_dir().join(format!("shop-pg-backup-{}.db", std::process::id()));
    let out = backup(&shop.db_url, &file);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
    assert!(!file.exists(), "no file written");
}

/// SIGTERM, as systemd sends it, to a process.
fn sigterm(pid: u32) {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "signalled");
}

/// A checkout posted while the shop may be going away: the status, or `None` when no
/// connection was made (a load balancer would try another server).
async fn checkout_status(url: &str, buyer: &crate::common::Buyer, key: &str) -> Option<u16> {
    let form = [
        ("token", buyer.token.as_str()),
        ("checkout_key", key),
        ("remark", ""),
        ("address", &buyer.address.to_string()),
    ];
    match buyer.client.post(url).form(&form).send().await {
        Ok(res) => Some(res.status().as_u16()),
        Err(_) => None,
    }
}

/// The shop is stopped with SIGTERM while buyers check out and the gateway notifies it of
/// payments: no request gets a 5xx, it exits cleanly, and once it is back every payment is
/// settled and every order it accepted is there, with stock accounted for.
#[tokio::test]
async fn sigterm_under_load_finishes_what_is_in_flight_and_loses_nothing() {
    for db in app::ssr::testing::all().await {
        let mut stack = Stack::start(db, &[]).await;
        let label = stack.shop.label;
        let shop = &stack.shop;
        let mut placed = Vec::new();
        for i in 0..8 {
            let buyer = arrive(shop, &format!("oTermPayer{i:014}")).await;
            placed.push(buyer.order_one(shop, "桂花红茶").await);
        }
        let mut late = Vec::new();
        for i in 0..8 {
            let buyer = arrive(shop, &format!("oTermBuyer{i:014}")).await;
            buyer.add(shop, buyer.product("桂花红茶"), 1).await;
            late.push(buyer);
        }
        let tea = late[0].product("桂花红茶");
        let checkout_url = shop.url("/api/orders/checkout");
        let pid = shop.pid();
        let keys: Vec<String> = late.iter().map(|b| key(&b.openid, 1)).collect();
        let paying =
            futures_util::future::join_all(placed.iter().map(|p| crate::common::pay(&stack, p)));
        // Checkouts a few milliseconds apart, and the signal among them (once the first is
        // answered, so the load surely met the shop): some are done, some in flight, some
        // find the door closed.
        let first_answered = tokio::sync::Notify::new();
        let checking_out = futures_util::future::join_all(late.iter().zip(&keys).enumerate().map(
            |(i, (b, k))| {
                let (url, first) = (&checkout_url, &first_answered);
                async move {
                    tokio::time::sleep(std::time::Duration::from_millis(4 * i as u64)).await;
                    let answer = checkout_status(url, b, k).await;
                    if i == 0 {
                        first.notify_one();
                    }
                    answer
                }
            },
        ));
        let stopping = async {
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                first_answered.notified(),
            )
            .await;
            sigterm(pid);
        };
        let (_, answers, ()) = tokio::join!(paying, checking_out, stopping);
        for answer in answers.iter().flatten() {
            assert!(
                *answer < 500,
                "{label}: no 5xx during shutdown: {answers:?}"
            );
        }
        assert!(
            answers.contains(&Some(200)),
            "{label}: the load met the shop: {answers:?}"
        );
        let status = stack.shop.exited(30).await;
        assert!(
            status.success(),
            "{label}: a clean exit on SIGTERM: {status}"
        );

        stack.shop.restart().await;
        let db = stack.shop.db().await;
        for params in &placed {
            crate::common::wait_for_status(&db, &crate::common::order_no(params), "paid", 30).await;
        }
        // Every checkout the shop answered 200 has its order; the stock is what the orders
        // holding it did not take.
        for (answer, k) in answers.iter().zip(&keys) {
            let orders: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE checkout_key = $1")
                    .bind(k)
                    .fetch_one(db.pool())
                    .await
                    .expect("orders");
            if *answer == Some(200) {
                assert_eq!(orders, 1, "{label}: an accepted checkout is never lost");
            }
        }
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l
             JOIN orders o ON o.id = l.order_id
             WHERE l.product_id = $1 AND o.status IN ('pending', 'awaiting_payment', 'paid')",
        )
        .bind(tea)
        .fetch_one(db.pool())
        .await
        .expect("held");
        assert_eq!(
            stock(&db, tea).await + held,
            120,
            "{label}: every unit accounted for"
        );
    }
}
