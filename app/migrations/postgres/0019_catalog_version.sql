-- The catalog's version, for the buyer pages kept in memory (`ssr::catalog::cache`). The
-- SQLite migration of the same number is its twin.
--
-- Every change to what the listing and product pages show (categories, products, their
-- pictures, options and variants, stock and sales included) bumps it, once per transaction
-- (a transaction-local setting remembers it did). The triggers are deferred constraint
-- triggers: the bump runs at commit, so a transaction holds the row only from its last
-- statement to the end of its commit. Transactions that change the catalog (checkouts,
-- payments, the back office) take turns on it for that moment, as those touching the same
-- product already take turns on its row; nothing else waits on it. A reader reads the
-- version before the data, so what it keeps is never older than the number it keeps it
-- under.
CREATE TABLE catalog_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT  NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shop.catalog_bumped', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('shop.catalog_bumped', 'yes', true);
        UPDATE catalog_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER categories_bump AFTER INSERT OR UPDATE OR DELETE ON categories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();
CREATE CONSTRAINT TRIGGER products_bump AFTER INSERT OR UPDATE OR DELETE ON products
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();
CREATE CONSTRAINT TRIGGER product_images_bump AFTER INSERT OR UPDATE OR DELETE ON product_images
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();
CREATE CONSTRAINT TRIGGER product_options_bump AFTER INSERT OR UPDATE OR DELETE ON product_options
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();
CREATE CONSTRAINT TRIGGER product_variants_bump AFTER INSERT OR UPDATE OR DELETE ON product_variants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();
