//! Checkout: the buyer's cart becomes an order, placed with the gateway; and paying an
//! open order again.

use crate::address::{check_remark, AddressId, AddressProblem, ShipTo};
use crate::buyer::Openid;
use crate::error::ShopError;
use crate::orders::{OrderStatus, PayParams};
use crate::shipping::Quote;
use crate::ssr::addresses;
use crate::ssr::context::ShopState;
use crate::ssr::orders::machine::Event;
use crate::ssr::orders::store::{self, Changes, Created, NewOrder, OrderRow};
use crate::ssr::pay::PlaceOrder;
use crate::ssr::shipping;
use crate::ssr::web::now_ms;

/// WeChat keeps a prepay order payable for two hours; past this the shop stops handing out
/// the stored pay parameters.
pub const PREPAY_VALID_MS: i64 = 110 * 60 * 1000;

/// A random key for one rendered checkout button (32 hex characters).
pub fn new_checkout_key() -> Result<String, ShopError> {
    Ok(crate::ssr::web::random_hex(16)?)
}

fn pay_params(row: &OrderRow) -> PayParams {
    let live = row
        .placed_at
        .is_some_and(|t| now_ms() - t < PREPAY_VALID_MS);
    PayParams {
        order_no: row.order_no.clone(),
        js_param: row.js_param.clone().filter(|_| live),
    }
}

/// What the cart page sends with the checkout button.
pub struct CheckoutInput<'a> {
    /// One per rendered button: a second call with it answers the first call's order.
    pub checkout_key: &'a str,
    /// The delivery address chosen on the cart page (one of the buyer's).
    pub address: Option<AddressId>,
    /// The buyer's coupon chosen on the cart page, if any.
    pub coupon: Option<i64>,
    /// The total (minor units) the page showed; checkout is refused if it differs.
    pub seen_total: Option<i64>,
    pub remark: &'a str,
    pub client_ip: &'a str,
}

/// Places the buyer's cart as an order and returns the pay parameters. A second call with
/// the same `checkout_key` answers the first call's order instead of placing another. An
/// order needs a delivery address: without one (or with one that is not the buyer's)
/// checkout is refused before anything is reserved.
pub async fn checkout(
    state: &ShopState,
    buyer: &Openid,
    input: &CheckoutInput<'_>,
) -> Result<PayParams, ShopError> {
    let checkout_key = input.checkout_key;
    if checkout_key.len() < 16 || checkout_key.len() > 64 {
        return Err(ShopError::Request("bad checkout key".to_owned()));
    }
    let remark = check_remark(input.remark)?;
    let address = match input.address {
        Some(id) => match addresses::get(&state.db, buyer, id).await {
            Ok(address) => address,
            Err(ShopError::NotFound) => return Err(ShopError::Address(AddressProblem::Required)),
            Err(other) => return Err(other),
        },
        None => return Err(ShopError::Address(AddressProblem::Required)),
    };
    let ship_to = ShipTo::of(&address);
    let orders = &state.config.orders;
    let created = store::create_from_cart(
        &state.db,
        &NewOrder {
            buyer,
            checkout_key,
            currency: state.config.currency,
            provider: state.pay.name(),
            expires_in_ms: millis(orders.expiry),
            first_check_in_ms: millis(orders.check_after),
            max_unpaid: orders.max_unpaid,
            ship_to: &ship_to,
            region_code: &address.region_code,
            coupon: input.coupon,
            seen_total: input.seen_total,
            remark: &remark,
        },
    )
    .await?;
    let row = match created {
        Created::Existing(row) => {
            if row.openid != *buyer {
                return Err(ShopError::SessionExpired);
            }
            tracing::info!(order = %row.order_no, "repeated checkout answered with its order");
            return Ok(pay_params(&row));
        }
        Created::New(row) => row,
    };
    place(state, &row, input.client_ip).await
}

/// The buyer sends an order that has not shipped to another of their addresses.
pub async fn change_address(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
    address: AddressId,
) -> Result<(), ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    let address = addresses::get(&state.db, buyer, address).await?;
    // The order paid for its shipping: a new address must be one the shop delivers to, for
    // no more than that (the rules as they are now).
    match shipping::quote_for(&state.db, &address.region_code, row.parcel()).await? {
        Quote::NotDelivered => return Err(ShopError::Address(AddressProblem::NotDelivered)),
        Quote::Fee { fee, .. } if fee.minor > row.shipping_minor => {
            return Err(ShopError::Address(AddressProblem::ShippingCostsMore))
        }
        Quote::Fee { .. } => {}
    }
    let mut tx = state.db.begin_write().await?;
    store::change_ship_to(
        &mut tx,
        state.db.backend(),
        row.id,
        &ShipTo::of(&address),
        "buyer",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Places a pending order with the gateway. On any failure the order is cancelled and its
/// stock released: the buyer never received pay parameters, so nothing can have been paid
/// (and should the gateway still report a payment, `apply` records it as a late payment).
async fn place(state: &ShopState, row: &OrderRow, client_ip: &str) -> Result<PayParams, ShopError> {
    let request = PlaceOrder {
        order_no: row.order_no.clone(),
        amount: row.total(),
        openid: row.openid.to_string(),
        product_info: row.product_info.clone(),
        notify_url: state.config.notify_url(),
        client_ip: client_ip.to_owned(),
        expires_at_ms: row.expires_at,
    };
    let backend = state.db.backend();
    match state.pay.place_order(&request).await {
        Ok(placed) => {
            let mut tx = state.db.begin_write().await?;
            let changes = Changes {
                js_param: Some(placed.js_param.clone()),
                payment_no: placed.payment_no,
                ..Changes::default()
            };
            let applied = store::apply(
                &mut tx,
                backend,
                row.id,
                Event::Placed,
                "checkout",
                "",
                &changes,
            )
            .await;
            match applied {
                Ok(_) => {
                    store::clear_ordered_lines(&mut tx, row.id, &row.openid).await?;
                    tx.commit().await?;
                    Ok(PayParams {
                        order_no: row.order_no.clone(),
                        js_param: Some(placed.js_param),
                    })
                }
                // Settled by a notification in the meantime: nothing left to pay.
                Err(ShopError::OrderClosed) => Ok(PayParams {
                    order_no: row.order_no.clone(),
                    js_param: None,
                }),
                Err(e) => Err(e),
            }
        }
        Err(err) => {
            tracing::warn!(order = %row.order_no, %err, "placing the order with the gateway failed");
            let mut tx = state.db.begin_write().await?;
            match store::apply(
                &mut tx,
                backend,
                row.id,
                Event::PlacementFailed,
                "checkout",
                &err.to_string(),
                &Changes::default(),
            )
            .await
            {
                Ok(_) | Err(ShopError::OrderClosed) => {}
                Err(e) => return Err(e),
            }
            // Free the page's checkout key, so pressing the button again places a new order
            // instead of finding this cancelled one.
            sqlx::query(
                "UPDATE orders SET checkout_key = checkout_key || '#' || order_no WHERE id = $1",
            )
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Err(err.into())
        }
    }
}

/// The pay parameters for paying an open order again (after the buyer cancelled or the pay
/// sheet failed): the same order and the same gateway order.
pub async fn pay_again(
    state: &ShopState,
    buyer: &Openid,
    order_no: &str,
) -> Result<PayParams, ShopError> {
    let row = store::for_buyer(&state.db, buyer, order_no).await?;
    match row.status {
        OrderStatus::AwaitingPayment | OrderStatus::Pending => {
            let params = pay_params(&row);
            if row.status == OrderStatus::AwaitingPayment && params.js_param.is_none() {
                return Err(ShopError::OrderClosed);
            }
            Ok(params)
        }
        _ => Err(ShopError::OrderClosed),
    }
}
