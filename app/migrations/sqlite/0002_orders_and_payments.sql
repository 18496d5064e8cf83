-- Orders and payments. Money is INTEGER minor units plus a currency code; times are unix
-- milliseconds; flags are 0/1. The PostgreSQL migration of the same number is its twin.

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    -- The shop's order number, sent to the gateway as agent_order_id / out_trade_id.
    order_no         TEXT    NOT NULL UNIQUE,
    openid           TEXT    NOT NULL,
    -- One per rendered checkout button: a double click or a retried request finds the
    -- order the first one created instead of placing a second.
    checkout_key     TEXT    NOT NULL UNIQUE,
    status           TEXT    NOT NULL,
    currency         TEXT    NOT NULL CHECK (length(currency) = 3),
    total_minor      INTEGER NOT NULL CHECK (total_minor >= 0),
    item_count       INTEGER NOT NULL CHECK (item_count >= 1),
    product_info     TEXT    NOT NULL,
    provider         TEXT    NOT NULL,
    payment_no       TEXT,
    -- The gateway's js_param as sent, reused when the buyer pays again.
    js_param         TEXT,
    placed_at        INTEGER,
    paid_at          INTEGER,
    -- Fields the gateway reported with the payment.
    pay_currency     TEXT,
    pay_amount       TEXT,
    exchange_rate    TEXT,
    trade_time       TEXT,
    trade_type       TEXT,
    -- Something the merchant must look at (paid after expiry, refund due).
    needs_attention  INTEGER NOT NULL DEFAULT 0 CHECK (needs_attention IN (0, 1)),
    attention_note   TEXT,
    -- The settlement job: when to ask the gateway next, and how often it has asked.
    next_check_at    INTEGER NOT NULL,
    -- When a buyer's page last triggered a query (rate limit).
    last_checked_at  INTEGER,
    checks           INTEGER NOT NULL DEFAULT 0,
    expires_at       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- The buyer's order list.
CREATE INDEX orders_by_buyer ON orders (openid, created_at DESC, id DESC);
-- The settlement job: open orders due for a check.
CREATE INDEX orders_due ON orders (status, next_check_at);
-- The merchant's "needs attention" list.
CREATE INDEX orders_attention ON orders (needs_attention, updated_at);

CREATE TABLE order_lines (
    order_id          INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id        INTEGER NOT NULL REFERENCES products (id),
    title             TEXT    NOT NULL,
    unit_price_minor  INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    quantity          INTEGER NOT NULL CHECK (quantity >= 1),
    line_total_minor  INTEGER NOT NULL CHECK (line_total_minor >= 0),
    PRIMARY KEY (order_id, product_id)
);

-- Every state change, written by the one transition function: the order's timeline.
CREATE TABLE order_events (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    detail       TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX order_events_by_order ON order_events (order_id, id);

-- Every notification received, raw, with what the shop made of it.
CREATE TABLE payment_notifications (
    id           INTEGER PRIMARY KEY,
    received_at  INTEGER NOT NULL,
    order_no     TEXT,
    payment_no   TEXT,
    status       TEXT,
    verdict      TEXT    NOT NULL,
    detail       TEXT    NOT NULL DEFAULT '',
    timestamp    TEXT,
    signature    TEXT,
    body         TEXT    NOT NULL
);
CREATE INDEX payment_notifications_by_order ON payment_notifications (order_no, id);
