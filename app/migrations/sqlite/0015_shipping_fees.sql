-- Shipping fees. Twin of the PostgreSQL migration of the same number.
--
-- One rule for the whole shop (region_code '') and, where it differs, rules for provinces,
-- cities or districts of the region table: a parcel goes by the most specific one. Amounts
-- are in the shop currency's minor units. A new shop delivers everywhere, free.
CREATE TABLE shipping_rules (
    id                INTEGER PRIMARY KEY,
    region_code       TEXT    NOT NULL UNIQUE,
    delivers          INTEGER NOT NULL DEFAULT 1 CHECK (delivers IN (0, 1)),
    first_minor       INTEGER NOT NULL DEFAULT 0 CHECK (first_minor >= 0),
    additional_minor  INTEGER NOT NULL DEFAULT 0 CHECK (additional_minor >= 0),
    free_above_minor  INTEGER CHECK (free_above_minor IS NULL OR free_above_minor >= 0),
    updated_at        INTEGER NOT NULL
);
INSERT INTO shipping_rules (region_code, updated_at) VALUES ('', 0);

-- What the buyer paid for shipping, part of total_minor (the goods are the rest). Orders
-- placed before this migration shipped free.
ALTER TABLE orders ADD COLUMN shipping_minor INTEGER NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0);
