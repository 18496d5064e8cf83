-- The settlement job completes orders shipped more than SHOP_AUTO_COMPLETE_DAYS ago.
CREATE INDEX orders_shipped ON orders (status, shipped_at);
