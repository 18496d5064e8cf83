//! Every string the buyer reads, in one place per language. Chinese is the default because
//! buyers arrive from WeChat; English is a switch kept in a cookie.

use crate::orders::OrderStatus;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "shop_lang";

    /// The value of `<html lang>`; the client reads it back on hydration.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// The language of the current page: from context while the server renders, and from the
/// document in an island hydrating in the browser (islands have no page context there).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(crate::session::request_lang)
}

pub fn t() -> &'static Strings {
    use_lang().strings()
}

pub struct Strings {
    pub all_products: &'static str,
    pub categories: &'static str,
    pub home: &'static str,
    pub cart: &'static str,
    pub loading: &'static str,
    pub sold_out: &'static str,
    pub in_stock: fn(i64) -> String,
    pub only_left: fn(i64) -> String,
    pub quantity: &'static str,
    pub add_to_cart: &'static str,
    pub added_to_cart: &'static str,
    pub update: &'static str,
    pub remove: &'static str,
    pub cart_empty: &'static str,
    pub go_shopping: &'static str,
    pub subtotal: &'static str,
    pub items_count: fn(i64) -> String,
    pub no_products: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub switch_language: &'static str,
    pub description: &'static str,
    pub unavailable_line: &'static str,
    pub exceeds_stock_line: fn(i64) -> String,
    pub checkout: &'static str,
    pub paying: &'static str,
    pub open_in_wechat: &'static str,
    pub open_in_wechat_body: &'static str,
    pub my_orders: &'static str,
    pub orders_empty: &'static str,
    pub order_no: &'static str,
    pub order_created: &'static str,
    pub status_label: fn(OrderStatus) -> &'static str,
    /// A timeline step: what happened when the order reached that status.
    pub step_label: fn(OrderStatus) -> &'static str,
    pub pay_now: &'static str,
    pub cancel_order: &'static str,
    pub confirming_payment: &'static str,
    pub confirm_slow: &'static str,
    pub pay_cancelled: &'static str,
    pub pay_failed: &'static str,
    pub pay_before: &'static str,
    pub order_progress: &'static str,
    pub order_items: &'static str,
    pub paid_at: &'static str,
    pub order_paid_notice: &'static str,
    pub order_cancelled_notice: &'static str,
    pub order_expired_notice: &'static str,
    pub view_order: &'static str,
    // Errors the buyer can meet; see `ShopError::message`.
    pub err_not_found: &'static str,
    pub err_quantity: &'static str,
    pub err_stock: fn(i64) -> String,
    pub err_unavailable: &'static str,
    pub err_session: &'static str,
    pub err_cart_full: &'static str,
    pub err_internal: &'static str,
    pub err_request: &'static str,
    pub err_order_closed: &'static str,
    pub err_payment_unavailable: &'static str,
    pub err_payment_refused: fn(&str) -> String,
    pub err_admin_only: &'static str,
}

pub static ZH: Strings = Strings {
    all_products: "全部",
    categories: "分类",
    home: "首页",
    cart: "购物车",
    loading: "加载中…",
    sold_out: "已售罄",
    in_stock: |n| format!("库存 {n} 件"),
    only_left: |n| format!("仅剩 {n} 件"),
    quantity: "数量",
    add_to_cart: "加入购物车",
    added_to_cart: "已加入购物车",
    update: "更新",
    remove: "删除",
    cart_empty: "购物车是空的",
    go_shopping: "去逛逛",
    subtotal: "合计",
    items_count: |n| format!("共 {n} 件"),
    no_products: "这个分类暂时没有商品",
    not_found_title: "找不到这个页面",
    not_found_body: "商品可能已下架或链接有误。您的购物车不受影响。",
    back_home: "返回首页",
    switch_language: "English",
    description: "商品详情",
    unavailable_line: "该商品已下架，请删除后再结算",
    exceeds_stock_line: |n| format!("库存不足，仅剩 {n} 件，请减少数量"),
    checkout: "去结算",
    paying: "正在发起支付…",
    open_in_wechat: "请在微信中打开",
    open_in_wechat_body:
        "微信支付只能在微信内完成。请用微信扫一扫下面的二维码，在微信中打开本店继续支付。",
    my_orders: "我的订单",
    orders_empty: "您还没有订单",
    order_no: "订单号",
    order_created: "下单时间",
    status_label: |s| match s {
        OrderStatus::Pending | OrderStatus::AwaitingPayment => "待支付",
        OrderStatus::Paid => "已支付",
        OrderStatus::Shipped => "已发货",
        OrderStatus::Completed => "已完成",
        OrderStatus::Cancelled => "已取消",
        OrderStatus::Expired => "已过期",
        OrderStatus::RefundPending => "退款处理中",
        OrderStatus::Refunded => "已退款",
    },
    step_label: |s| match s {
        OrderStatus::Pending => "订单已创建，库存已保留",
        OrderStatus::AwaitingPayment => "已提交支付，等待付款",
        OrderStatus::Paid => "支付成功",
        OrderStatus::Shipped => "商家已发货",
        OrderStatus::Completed => "订单已完成",
        OrderStatus::Cancelled => "订单已取消",
        OrderStatus::Expired => "超时未支付，订单已关闭",
        OrderStatus::RefundPending => "退款处理中",
        OrderStatus::Refunded => "已退款",
    },
    pay_now: "立即支付",
    cancel_order: "取消订单",
    confirming_payment: "正在确认支付结果，请稍候…",
    confirm_slow: "支付结果确认较慢，请稍后刷新本页查看。如已扣款，订单不会丢失。",
    pay_cancelled: "您已取消支付。订单已为您保留，可再次支付或取消订单。",
    pay_failed: "支付未成功，未扣款。请再试一次，或取消订单。",
    pay_before: "请在此时间前完成支付：",
    order_progress: "订单进度",
    order_items: "商品清单",
    paid_at: "支付时间",
    order_paid_notice: "支付成功，商家将尽快为您发货。",
    order_cancelled_notice: "订单已取消，商品库存已释放。",
    order_expired_notice: "订单超时未支付，已自动关闭。",
    view_order: "查看订单",
    err_not_found: "商品不存在或已下架",
    err_quantity: "数量至少为 1",
    err_stock: |n| {
        if n <= 0 {
            "库存不足，无法再添加".to_owned()
        } else {
            format!("库存不足，最多可购买 {n} 件")
        }
    },
    err_unavailable: "该商品已下架",
    err_session: "页面已过期，请刷新后重试",
    err_cart_full: "购物车商品种类已达上限，请先结算或删除部分商品",
    err_internal: "服务暂时繁忙，请稍后再试",
    err_request: "请求无效，请刷新页面后重试",
    err_order_closed: "订单已支付、已取消或已过期，无法继续此操作",
    err_payment_unavailable: "支付服务暂时不可用，您未被扣款，购物车商品已保留，请稍后再试",
    err_payment_refused: |r| format!("支付渠道未能受理此订单：{r}。您未被扣款，请稍后再试"),
    err_admin_only: "请先登录管理后台",
};

pub static EN: Strings = Strings {
    all_products: "All",
    categories: "Categories",
    home: "Home",
    cart: "Cart",
    loading: "Loading…",
    sold_out: "Sold out",
    in_stock: |n| format!("{n} in stock"),
    only_left: |n| format!("Only {n} left"),
    quantity: "Quantity",
    add_to_cart: "Add to cart",
    added_to_cart: "Added to cart",
    update: "Update",
    remove: "Remove",
    cart_empty: "Your cart is empty",
    go_shopping: "Start shopping",
    subtotal: "Total",
    items_count: |n| format!("{n} item(s)"),
    no_products: "No products in this category yet",
    not_found_title: "Page not found",
    not_found_body: "The product may have been removed or the link is wrong. Your cart is safe.",
    back_home: "Back to the shop",
    switch_language: "中文",
    description: "Details",
    unavailable_line: "No longer on sale: please remove it before checkout",
    exceeds_stock_line: |n| format!("Only {n} left: please lower the quantity"),
    checkout: "Check out",
    paying: "Starting payment…",
    open_in_wechat: "Please open in WeChat",
    open_in_wechat_body: "WeChat Pay only works inside WeChat. Scan this code with WeChat to open the shop there and pay.",
    my_orders: "My orders",
    orders_empty: "You have no orders yet",
    order_no: "Order no.",
    order_created: "Placed",
    status_label: |s| match s {
        OrderStatus::Pending | OrderStatus::AwaitingPayment => "Awaiting payment",
        OrderStatus::Paid => "Paid",
        OrderStatus::Shipped => "Shipped",
        OrderStatus::Completed => "Completed",
        OrderStatus::Cancelled => "Cancelled",
        OrderStatus::Expired => "Expired",
        OrderStatus::RefundPending => "Refund in progress",
        OrderStatus::Refunded => "Refunded",
    },
    step_label: |s| match s {
        OrderStatus::Pending => "Order placed, items reserved",
        OrderStatus::AwaitingPayment => "Sent to WeChat Pay, awaiting payment",
        OrderStatus::Paid => "Payment received",
        OrderStatus::Shipped => "Shipped",
        OrderStatus::Completed => "Completed",
        OrderStatus::Cancelled => "Cancelled",
        OrderStatus::Expired => "Closed: not paid in time",
        OrderStatus::RefundPending => "Refund in progress",
        OrderStatus::Refunded => "Refunded",
    },
    pay_now: "Pay now",
    cancel_order: "Cancel order",
    confirming_payment: "Confirming your payment…",
    confirm_slow: "Confirmation is taking a while. Reload this page later; if you were charged, the order is safe.",
    pay_cancelled: "Payment cancelled. Your order is kept: pay again or cancel it.",
    pay_failed: "The payment did not go through and you were not charged. Try again or cancel the order.",
    pay_before: "Please pay before ",
    order_progress: "Progress",
    order_items: "Items",
    paid_at: "Paid",
    order_paid_notice: "Payment received. The shop will ship your order soon.",
    order_cancelled_notice: "Order cancelled; the items are back in stock.",
    order_expired_notice: "This order was not paid in time and has been closed.",
    view_order: "View order",
    err_not_found: "This product does not exist or is no longer on sale",
    err_quantity: "The quantity must be at least 1",
    err_stock: |n| {
        if n <= 0 {
            "Not enough stock: you cannot add more".to_owned()
        } else {
            format!("Not enough stock: you can buy at most {n}")
        }
    },
    err_unavailable: "This product is no longer on sale",
    err_session: "This page has expired. Please reload it and try again",
    err_cart_full: "Your cart is full. Please check out or remove some products first",
    err_internal: "The shop is busy. Please try again in a moment",
    err_request: "Invalid request. Please reload the page and try again",
    err_order_closed: "This order is already paid, cancelled or expired",
    err_payment_unavailable: "Payment is unavailable right now. You were not charged and your cart is kept; please try again shortly",
    err_payment_refused: |r| format!("The payment provider declined this order: {r}. You were not charged"),
    err_admin_only: "Please sign in to the back office",
};

/// The back office's strings. Kept apart from [`Strings`], which the buyer's islands carry
/// into the browser: admin pages render on the server only, so these never reach the wasm.
pub struct AdminStrings {
    pub back_office: &'static str,
    pub login_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub err_invalid: &'static str,
    pub err_limited: &'static str,
    pub err_unavailable: &'static str,
    pub dashboard: &'static str,
    pub orders: &'static str,
    pub logout: &'static str,
    pub today: &'static str,
    pub last_7_days: &'static str,
    pub paid_orders: &'static str,
    pub revenue: &'static str,
    pub average_order: &'static str,
    pub to_ship: &'static str,
    pub flagged: &'static str,
    pub status: &'static str,
    pub all: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub search: &'static str,
    pub filter: &'static str,
    pub export_csv: &'static str,
    pub no_orders: &'static str,
    pub buyer: &'static str,
    pub placed: &'static str,
    pub amount: &'static str,
    pub notifications: &'static str,
    pub no_notifications: &'static str,
    pub received: &'static str,
    pub verdict: &'static str,
    pub payment: &'static str,
    pub payment_no: &'static str,
    pub exchange_rate: &'static str,
    pub paid_amount: &'static str,
    pub trade_time: &'static str,
    pub attention: &'static str,
    pub signed_in_as: &'static str,
}

pub static ADMIN_ZH: AdminStrings = AdminStrings {
    back_office: "管理后台",
    login_title: "登录管理后台",
    username: "用户名",
    password: "密码",
    sign_in: "登录",
    err_invalid: "用户名或密码错误",
    err_limited: "登录失败次数过多，请 15 分钟后再试",
    err_unavailable: "登录暂时不可用，请稍后再试",
    dashboard: "概览",
    orders: "订单",
    logout: "退出登录",
    today: "今日",
    last_7_days: "近 7 天",
    paid_orders: "已支付订单",
    revenue: "收入",
    average_order: "客单价",
    to_ship: "待发货",
    flagged: "需要处理",
    status: "状态",
    all: "全部",
    from: "开始日期",
    to: "结束日期",
    search: "订单号或 openid",
    filter: "筛选",
    export_csv: "导出 CSV",
    no_orders: "没有符合条件的订单",
    buyer: "买家 openid",
    placed: "下单时间",
    amount: "金额",
    notifications: "支付通知",
    no_notifications: "尚未收到支付通知",
    received: "接收时间",
    verdict: "处理结果",
    payment: "支付信息",
    payment_no: "支付单号",
    exchange_rate: "汇率",
    paid_amount: "实付金额",
    trade_time: "交易时间",
    attention: "需要处理",
    signed_in_as: "当前账号",
};

pub static ADMIN_EN: AdminStrings = AdminStrings {
    back_office: "Back office",
    login_title: "Sign in to the back office",
    username: "User name",
    password: "Password",
    sign_in: "Sign in",
    err_invalid: "Wrong user name or password",
    err_limited: "Too many failed sign-ins. Please try again in 15 minutes",
    err_unavailable: "Signing in is unavailable right now. Please try again shortly",
    dashboard: "Dashboard",
    orders: "Orders",
    logout: "Sign out",
    today: "Today",
    last_7_days: "Last 7 days",
    paid_orders: "Paid orders",
    revenue: "Revenue",
    average_order: "Average order",
    to_ship: "To ship",
    flagged: "Needs attention",
    status: "Status",
    all: "All",
    from: "From",
    to: "To",
    search: "Order no. or openid",
    filter: "Filter",
    export_csv: "Export CSV",
    no_orders: "No orders match",
    buyer: "Buyer openid",
    placed: "Placed",
    amount: "Amount",
    notifications: "Payment notifications",
    no_notifications: "No notification received yet",
    received: "Received",
    verdict: "Verdict",
    payment: "Payment",
    payment_no: "Payment no.",
    exchange_rate: "Exchange rate",
    paid_amount: "Paid",
    trade_time: "Trade time",
    attention: "Needs attention",
    signed_in_as: "Signed in as",
};

pub fn admin_t() -> &'static AdminStrings {
    match use_lang() {
        Lang::Zh => &ADMIN_ZH,
        Lang::En => &ADMIN_EN,
    }
}
