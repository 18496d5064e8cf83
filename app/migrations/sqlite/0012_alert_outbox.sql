-- New-order alerts, written in the same transaction that records the payment and sent by a
-- worker (with backoff) from here: an alert survives a restart, and a failing webhook never
-- holds up settlement. One alert per order and kind.
CREATE TABLE alert_outbox (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    UNIQUE (order_id, kind)
);
CREATE INDEX alert_outbox_due ON alert_outbox (status, next_attempt_at);
