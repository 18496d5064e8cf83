-- Going live safely. Twin of the PostgreSQL migration of the same number.
--
-- Closed (cancelled, expired) orders stay watched by the settlement job until the gateway's
-- payable window has surely passed (WeChat keeps a prepay order two hours), so a payment that
-- lands late is found even if every notification is lost.
ALTER TABLE orders ADD COLUMN watch_until INTEGER NOT NULL DEFAULT 0;
-- Consecutive payment queries the gateway answered "unknown order": one alone never closes
-- an order; it is asked again first.
ALTER TABLE orders ADD COLUMN unknown_answers INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET watch_until = created_at + 7800000;

-- Notifications that failed verification (bad or missing signature, stale Timestamp, too
-- large) are not stored against any order: they are counted per day and reason, with one
-- truncated sample, so a flood cannot fill the disk or reach an order's page.
CREATE TABLE rejected_notifications (
    day      TEXT    NOT NULL,
    reason   TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    last_at  INTEGER NOT NULL,
    sample   TEXT    NOT NULL,
    PRIMARY KEY (day, reason)
);
