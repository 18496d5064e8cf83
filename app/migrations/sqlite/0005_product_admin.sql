-- Product management: archiving (orders keep their lines), a low-stock threshold, and the
-- stock ledger. The PostgreSQL migration of the same number is its twin.

ALTER TABLE products ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
ALTER TABLE products ADD COLUMN low_stock_threshold INTEGER NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0);

-- Every stock change a merchant makes, with its reason: the ledger, not just a number.
CREATE TABLE stock_movements (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products (id),
    delta        INTEGER NOT NULL CHECK (delta <> 0),
    stock_after  INTEGER NOT NULL CHECK (stock_after >= 0),
    reason       TEXT    NOT NULL CHECK (reason IN ('restock', 'damaged', 'correction', 'returned', 'initial')),
    note         TEXT    NOT NULL DEFAULT '',
    admin        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX stock_movements_by_product ON stock_movements (product_id, id);
-- The back office's product list: search and filter by category and sale state.
CREATE INDEX products_admin ON products (archived, category_id, on_sale, sort_order, id);
