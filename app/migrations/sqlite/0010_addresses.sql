-- Delivery addresses. Twin of the PostgreSQL migration of the same number.
--
-- The buyer's address book: at most 20 per buyer (checked on insert, under the write
-- lock), and at most one default (the partial unique index).
CREATE TABLE addresses (
    id           INTEGER PRIMARY KEY,
    openid       TEXT    NOT NULL,
    recipient    TEXT    NOT NULL,
    -- The calling code the number is in: mainland, Hong Kong, Macau.
    phone_area   TEXT    NOT NULL CHECK (phone_area IN ('86', '852', '853')),
    mobile       TEXT    NOT NULL,
    -- A district of the region table (GB/T 2260, or the shop's Hong Kong / Macau codes),
    -- and its names as they were when the address was saved.
    region_code  TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    detail       TEXT    NOT NULL,
    postcode     TEXT    NOT NULL DEFAULT '',
    is_default   INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX addresses_by_buyer ON addresses (openid, id);
CREATE UNIQUE INDEX addresses_one_default ON addresses (openid) WHERE is_default = 1;

-- Where the order goes: a copy of the address at checkout (or when the buyer changed it
-- before shipping), never a reference, so editing the address book changes no order.
-- Orders placed before this migration have none (NULL).
ALTER TABLE orders ADD COLUMN ship_recipient TEXT;
ALTER TABLE orders ADD COLUMN ship_phone TEXT;
ALTER TABLE orders ADD COLUMN ship_region TEXT;
ALTER TABLE orders ADD COLUMN ship_detail TEXT;
ALTER TABLE orders ADD COLUMN ship_postcode TEXT;
-- The buyer's note to the merchant, from checkout.
ALTER TABLE orders ADD COLUMN remark TEXT NOT NULL DEFAULT '';
