-- Variants (SKUs). The PostgreSQL migration of the same number is its twin.
--
-- A product has up to three options (规格: 150g / 300g; 包装: 罐装 / 袋装) and one variant
-- per combination, each with its own price, stock, image, barcode and weight. A product
-- without options has one variant whose option values are all ''. Variants are never
-- deleted (order lines refer to them): a combination the merchant drops is archived, and
-- comes back if the merchant adds it again.
--
-- `products.stock` stays as the sum of its live variants' stock and `products.price_minor`
-- as their lowest price (`max_price_minor` their highest), kept by the same transactions
-- that change the variants, so the listing's sorts and "sold out" tags keep their indexes.

CREATE TABLE product_options (
    product_id  INTEGER NOT NULL REFERENCES products (id),
    position    INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 20),
    -- The option's values in the merchant's order, one per line.
    choices     TEXT    NOT NULL,
    PRIMARY KEY (product_id, position)
);

CREATE TABLE product_variants (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products (id),
    option1      TEXT    NOT NULL DEFAULT '',
    option2      TEXT    NOT NULL DEFAULT '',
    option3      TEXT    NOT NULL DEFAULT '',
    price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    image_id     INTEGER REFERENCES product_images (id) ON DELETE SET NULL,
    barcode      TEXT    NOT NULL DEFAULT '',
    weight_g     INTEGER NOT NULL DEFAULT 0 CHECK (weight_g >= 0),
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (product_id, option1, option2, option3)
);
-- A product's variants (the product page, the editor) in the merchant's order.
CREATE INDEX product_variants_by_product ON product_variants (product_id, archived, id);

-- Every existing product becomes one implicit variant with its price and stock.
INSERT INTO product_variants (product_id, price_minor, stock, created_at, updated_at)
SELECT id, price_minor, stock, created_at, updated_at FROM products;

ALTER TABLE products ADD COLUMN max_price_minor INTEGER NOT NULL DEFAULT 0 CHECK (max_price_minor >= 0);
UPDATE products SET max_price_minor = price_minor;

-- The cart holds variants: one line per variant.
CREATE TABLE cart_items_by_variant (
    openid      TEXT    NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES products (id),
    variant_id  INTEGER NOT NULL REFERENCES product_variants (id),
    quantity    INTEGER NOT NULL CHECK (quantity >= 1),
    added_at    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (openid, variant_id)
);
INSERT INTO cart_items_by_variant (openid, product_id, variant_id, quantity, added_at, updated_at)
SELECT ci.openid, ci.product_id, v.id, ci.quantity, ci.added_at, ci.updated_at
FROM cart_items ci JOIN product_variants v ON v.product_id = ci.product_id;
DROP TABLE cart_items;
ALTER TABLE cart_items_by_variant RENAME TO cart_items;

-- Order lines refer to the variant and keep what the buyer saw of it: its option text and
-- its image (the title and price were kept already).
CREATE TABLE order_lines_by_variant (
    order_id          INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id        INTEGER NOT NULL REFERENCES products (id),
    variant_id        INTEGER NOT NULL REFERENCES product_variants (id),
    title             TEXT    NOT NULL,
    option_text       TEXT    NOT NULL DEFAULT '',
    image_url         TEXT,
    unit_price_minor  INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    quantity          INTEGER NOT NULL CHECK (quantity >= 1),
    line_total_minor  INTEGER NOT NULL CHECK (line_total_minor >= 0),
    PRIMARY KEY (order_id, variant_id)
);
INSERT INTO order_lines_by_variant (order_id, product_id, variant_id, title, unit_price_minor,
    quantity, line_total_minor)
SELECT l.order_id, l.product_id, v.id, l.title, l.unit_price_minor, l.quantity, l.line_total_minor
FROM order_lines l JOIN product_variants v ON v.product_id = l.product_id;
DROP TABLE order_lines;
ALTER TABLE order_lines_by_variant RENAME TO order_lines;
-- Sales per product and "which orders hold this product" (the admin's order filter).
CREATE INDEX order_lines_by_product ON order_lines (product_id, order_id);

-- The stock ledger names the variant (every movement so far was of the implicit one).
ALTER TABLE stock_movements ADD COLUMN variant_id INTEGER REFERENCES product_variants (id);
UPDATE stock_movements SET variant_id = (
    SELECT v.id FROM product_variants v WHERE v.product_id = stock_movements.product_id
);
