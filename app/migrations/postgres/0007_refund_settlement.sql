-- Refunds settle on the gateway's word: an idempotency key per refund form, the settlement
-- job's schedule, when the gateway confirmed it (net revenue), and the merchant's choice to
-- put the stock back. Twin of the SQLite migration of the same number: BIGINT where SQLite
-- has INTEGER.

-- One per rendered refund form: a double submit or a retried request finds the refund the
-- first one created instead of asking for a second. NULL for refunds made before this.
ALTER TABLE refunds ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX refunds_by_idempotency_key ON refunds (idempotency_key);
-- The settlement job: when to ask the gateway about a pending refund next, and how often
-- it has asked.
ALTER TABLE refunds ADD COLUMN next_check_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN checks BIGINT NOT NULL DEFAULT 0;
CREATE INDEX refunds_due ON refunds (status, next_check_at);
-- When the gateway confirmed the refund (it then counts against that day's revenue).
ALTER TABLE refunds ADD COLUMN settled_at BIGINT;
-- The merchant asked to put the order's stock back, and whether it went back.
ALTER TABLE refunds ADD COLUMN restock BIGINT NOT NULL DEFAULT 0 CHECK (restock IN (0, 1));
ALTER TABLE refunds ADD COLUMN restocked BIGINT NOT NULL DEFAULT 0 CHECK (restocked IN (0, 1));
