-- Shipping by weight. The PostgreSQL migration of the same number is its twin.
--
-- A rule may charge by weight instead of by item: its first fee covers the first
-- `first_weight_g` grams and its additional fee each further `step_weight_g` grams or part
-- of them (both NULL: by item, as before). Variants have a weight (migration 0017); an
-- order keeps its parcel's weight, so moving it to another address is quoted as it was.
ALTER TABLE shipping_rules ADD COLUMN first_weight_g INTEGER CHECK (first_weight_g IS NULL OR first_weight_g > 0);
ALTER TABLE shipping_rules ADD COLUMN step_weight_g INTEGER CHECK (step_weight_g IS NULL OR step_weight_g > 0);
ALTER TABLE orders ADD COLUMN weight_g INTEGER NOT NULL DEFAULT 0 CHECK (weight_g >= 0);
