-- Catalog and cart. Money is INTEGER minor units plus a currency code; times are unix
-- milliseconds; flags are 0/1. The PostgreSQL migration of the same number is its twin.

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX categories_listing ON categories (archived, sort_order, id);

CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    category_id  INTEGER NOT NULL REFERENCES categories (id),
    title        TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    subtitle     TEXT    NOT NULL DEFAULT '',
    description  TEXT    NOT NULL DEFAULT '',
    price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
    currency     TEXT    NOT NULL CHECK (length(currency) = 3),
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    on_sale      INTEGER NOT NULL DEFAULT 1 CHECK (on_sale IN (0, 1)),
    sort_order   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
-- The home page lists on-sale products in sort order, optionally within one category.
CREATE INDEX products_listing ON products (on_sale, sort_order, id);
CREATE INDEX products_by_category ON products (category_id, on_sale, sort_order, id);

CREATE TABLE product_images (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    url         TEXT    NOT NULL,
    alt         TEXT    NOT NULL DEFAULT '',
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX product_images_by_product ON product_images (product_id, sort_order, id);

-- The cart lives on the server, per buyer; one line per product.
CREATE TABLE cart_items (
    openid      TEXT    NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES products (id),
    quantity    INTEGER NOT NULL CHECK (quantity >= 1),
    added_at    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (openid, product_id)
);
