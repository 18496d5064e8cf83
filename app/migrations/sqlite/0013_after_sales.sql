-- After-sales requests: a refund or a return the buyer asks for. Twin of the PostgreSQL
-- migration of the same number. Every status change goes through
-- `ssr::after_sales::store::apply`; the steps are also on the order's timeline.
CREATE TABLE after_sales (
    id                  INTEGER PRIMARY KEY,
    case_no             TEXT    NOT NULL UNIQUE,
    order_id            INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind                TEXT    NOT NULL CHECK (kind IN ('refund_only', 'return_refund')),
    status              TEXT    NOT NULL CHECK (status IN ('requested', 'awaiting_return',
                            'returning', 'refunding', 'refund_failed', 'refunded', 'refused',
                            'withdrawn')),
    reason              TEXT    NOT NULL,
    description         TEXT    NOT NULL DEFAULT '',
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    refusal             TEXT    NOT NULL DEFAULT '',
    return_to           TEXT    NOT NULL DEFAULT '',
    return_carrier      TEXT,
    return_tracking_no  TEXT,
    -- The refund it sent (the latest, after a retry).
    refund_id           INTEGER REFERENCES refunds (id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
-- One open request per order, whatever two tabs or two app servers do.
CREATE UNIQUE INDEX after_sales_one_open ON after_sales (order_id)
    WHERE status IN ('requested', 'awaiting_return', 'returning', 'refunding', 'refund_failed');
CREATE INDEX after_sales_by_order ON after_sales (order_id, id);
CREATE INDEX after_sales_by_status ON after_sales (status, updated_at);
-- A refund belongs to at most one request.
CREATE UNIQUE INDEX after_sales_by_refund ON after_sales (refund_id) WHERE refund_id IS NOT NULL;

CREATE TABLE after_sale_photos (
    id             INTEGER PRIMARY KEY,
    after_sale_id  INTEGER NOT NULL REFERENCES after_sales (id) ON DELETE CASCADE,
    url            TEXT    NOT NULL,
    thumb_url      TEXT    NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    sort_order     INTEGER NOT NULL
);
CREATE INDEX after_sale_photos_by_case ON after_sale_photos (after_sale_id, sort_order);
