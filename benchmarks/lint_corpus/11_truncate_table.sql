TRUNCATE sessions;
TRUNCATE TABLE carts, cart_items CASCADE;
