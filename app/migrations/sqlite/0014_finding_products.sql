-- Finding products: search over title and subtitle, and sorting by newest, price and sales.
-- The PostgreSQL migration of the same number is its twin.

-- Units sold: the lines of orders that are paid, shipped or completed (an order refunded in
-- full no longer counts). Kept by the order transition function; counted here once.
ALTER TABLE products ADD COLUMN sales INTEGER NOT NULL DEFAULT 0 CHECK (sales >= 0);
UPDATE products SET sales = COALESCE((
    SELECT SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.product_id = products.id AND o.status IN ('paid', 'shipped', 'completed')
), 0);

-- The shop's sorts, each over the products on sale.
CREATE INDEX products_newest ON products (on_sale, created_at, id);
CREATE INDEX products_by_price ON products (on_sale, price_minor, id);
CREATE INDEX products_by_sales ON products (on_sale, sales, id);

-- Search: an FTS5 index of title and subtitle with the trigram tokenizer, so any substring
-- of three characters or more (Chinese included) is found through the index. The products
-- table holds the text; triggers keep the index in step with it.
CREATE VIRTUAL TABLE product_search USING fts5 (
    title, subtitle, content = 'products', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO product_search (product_search) VALUES ('rebuild');
CREATE TRIGGER product_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_search (rowid, title, subtitle) VALUES (new.id, new.title, new.subtitle);
END;
CREATE TRIGGER product_search_delete AFTER DELETE ON products BEGIN
    INSERT INTO product_search (product_search, rowid, title, subtitle)
    VALUES ('delete', old.id, old.title, old.subtitle);
END;
CREATE TRIGGER product_search_update AFTER UPDATE OF title, subtitle ON products BEGIN
    INSERT INTO product_search (product_search, rowid, title, subtitle)
    VALUES ('delete', old.id, old.title, old.subtitle);
    INSERT INTO product_search (rowid, title, subtitle) VALUES (new.id, new.title, new.subtitle);
END;
