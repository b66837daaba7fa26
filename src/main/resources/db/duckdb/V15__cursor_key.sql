-- The key that seals listing cursors: a cursor names a position in a log every tenant shares, and sealed
-- it tells a tenant nothing of how many rows other tenants added. Made once, by the first start that needs it.
CREATE TABLE IF NOT EXISTS cursor_key (id INTEGER PRIMARY KEY, key_base64 VARCHAR NOT NULL);
