-- The catalog's version, for the buyer pages kept in memory (`ssr::catalog::cache`). The
-- PostgreSQL migration of the same number is its twin.
--
-- Every change to what the listing and product pages show (categories, products, their
-- pictures, options and variants, stock and sales included) bumps it in the same
-- transaction; an app server that reads a newer number drops the pages it kept. SQLite
-- runs one writer at a time, so the bump costs no concurrency.
CREATE TABLE catalog_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 1);

CREATE TRIGGER categories_bump_i AFTER INSERT ON categories BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_bump_u AFTER UPDATE ON categories BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_bump_d AFTER DELETE ON categories BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER products_bump_i AFTER INSERT ON products BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER products_bump_u AFTER UPDATE ON products BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER products_bump_d AFTER DELETE ON products BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_images_bump_i AFTER INSERT ON product_images BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_images_bump_u AFTER UPDATE ON product_images BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_images_bump_d AFTER DELETE ON product_images BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_options_bump_i AFTER INSERT ON product_options BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_options_bump_u AFTER UPDATE ON product_options BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_options_bump_d AFTER DELETE ON product_options BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_variants_bump_i AFTER INSERT ON product_variants BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_variants_bump_u AFTER UPDATE ON product_variants BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER product_variants_bump_d AFTER DELETE ON product_variants BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
