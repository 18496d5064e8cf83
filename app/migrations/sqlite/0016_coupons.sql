-- Coupons. Twin of the PostgreSQL migration of the same number.
--
-- A coupon (the template) is what the merchant makes: fixed amount or percentage off (with a
-- cap), a minimum spend, a scope (everything, some categories or some products), a validity
-- (fixed dates, or days from claiming), a total quantity and a per-buyer limit. `claimed`
-- moves only by a conditional update (`claimed < total`), so the total holds under
-- concurrent claims; `used` counts coupons on paid orders.
CREATE TABLE coupons (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    -- Entered by buyers to claim it (upper case); NULL: claimed in the coupon centre or issued.
    code             TEXT    UNIQUE,
    kind             TEXT    NOT NULL CHECK (kind IN ('fixed', 'percent')),
    amount_minor     INTEGER NOT NULL DEFAULT 0 CHECK (amount_minor >= 0),
    percent_off      INTEGER NOT NULL DEFAULT 0 CHECK (percent_off BETWEEN 0 AND 100),
    cap_minor        INTEGER CHECK (cap_minor IS NULL OR cap_minor > 0),
    min_spend_minor  INTEGER NOT NULL DEFAULT 0 CHECK (min_spend_minor >= 0),
    scope            TEXT    NOT NULL CHECK (scope IN ('all', 'categories', 'products')),
    -- Comma-separated category or product ids for a narrower scope.
    scope_ids        TEXT    NOT NULL DEFAULT '',
    valid_from       INTEGER,
    valid_until      INTEGER,
    -- Valid this many days from claiming, instead of fixed dates.
    valid_days       INTEGER CHECK (valid_days IS NULL OR valid_days > 0),
    total            INTEGER NOT NULL CHECK (total > 0),
    claimed          INTEGER NOT NULL DEFAULT 0 CHECK (claimed >= 0 AND claimed <= total),
    used             INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
    per_buyer        INTEGER NOT NULL DEFAULT 1 CHECK (per_buyer > 0),
    in_centre        INTEGER NOT NULL DEFAULT 1 CHECK (in_centre IN (0, 1)),
    paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX coupons_in_centre ON coupons (in_centre, paused, id);

-- A buyer's coupon: available, locked by an unpaid order, or used by a paid one. It moves
-- only with its order, in the order transition function (`store::apply`): an order that is
-- cancelled or expires gives it back.
CREATE TABLE buyer_coupons (
    id           INTEGER PRIMARY KEY,
    coupon_id    INTEGER NOT NULL REFERENCES coupons (id),
    openid       TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('available', 'locked', 'used')),
    order_id     INTEGER REFERENCES orders (id),
    source       TEXT    NOT NULL CHECK (source IN ('centre', 'code', 'issued')),
    valid_from   INTEGER NOT NULL,
    valid_until  INTEGER NOT NULL,
    claimed_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX buyer_coupons_by_buyer ON buyer_coupons (openid, status, valid_until);
CREATE INDEX buyer_coupons_by_coupon ON buyer_coupons (coupon_id, openid);
CREATE UNIQUE INDEX buyer_coupons_by_order ON buyer_coupons (order_id) WHERE order_id IS NOT NULL;

-- What the coupon took off the goods (part of the order's arithmetic: total = goods -
-- discount + shipping), and which of the buyer's coupons did it.
ALTER TABLE orders ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0);
ALTER TABLE orders ADD COLUMN buyer_coupon_id INTEGER REFERENCES buyer_coupons (id);
ALTER TABLE orders ADD COLUMN coupon_name TEXT;
