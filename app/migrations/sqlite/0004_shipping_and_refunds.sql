-- Shipping and refunds. Money is INTEGER minor units; times are unix milliseconds. The
-- PostgreSQL migration of the same number is its twin.

ALTER TABLE orders ADD COLUMN carrier TEXT;
ALTER TABLE orders ADD COLUMN tracking_no TEXT;
ALTER TABLE orders ADD COLUMN shipped_at INTEGER;
-- Sum of succeeded refunds; never more than total_minor.
ALTER TABLE orders ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0;

-- Every refund asked of the gateway, with its own state. `pending` ones count against what
-- can still be refunded, so two refunds at once can never add up to more than was paid.
CREATE TABLE refunds (
    id                 INTEGER PRIMARY KEY,
    order_id           INTEGER NOT NULL REFERENCES orders (id),
    -- The shop's refund number, sent as out_refund_id (the gateway is idempotent on it).
    refund_no          TEXT    NOT NULL UNIQUE,
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    status             TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    gateway_refund_no  TEXT,
    reason             TEXT    NOT NULL DEFAULT '',
    detail             TEXT    NOT NULL DEFAULT '',
    admin              TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX refunds_by_order ON refunds (order_id, id);
