-- Product images get a resized copy for lists (the full image stays for the product page).

ALTER TABLE product_images ADD COLUMN thumb_url TEXT;
