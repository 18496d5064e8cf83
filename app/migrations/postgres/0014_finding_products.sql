-- Finding products: search over title and subtitle, and sorting by newest, price and sales.
-- Twin of the SQLite migration of the same number: BIGINT where SQLite has INTEGER, and a
-- pg_trgm GIN index where SQLite has an FTS5 trigram table.

-- Units sold: the lines of orders that are paid, shipped or completed (an order refunded in
-- full no longer counts). Kept by the order transition function; counted here once.
ALTER TABLE products ADD COLUMN sales BIGINT NOT NULL DEFAULT 0 CHECK (sales >= 0);
UPDATE products SET sales = COALESCE((
    SELECT SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.product_id = products.id AND o.status IN ('paid', 'shipped', 'completed')
), 0);

-- The shop's sorts, each over the products on sale.
CREATE INDEX products_newest ON products (on_sale, created_at, id);
CREATE INDEX products_by_price ON products (on_sale, price_minor, id);
CREATE INDEX products_by_sales ON products (on_sale, sales, id);

-- Search: a trigram index of title and subtitle, so any substring of three characters or
-- more (Chinese included) is found through the index. pg_trgm is a trusted extension: the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX product_search ON products USING gin ((title || ' ' || subtitle) gin_trgm_ops);
