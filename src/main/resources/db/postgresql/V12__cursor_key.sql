-- The key that seals listing cursors: a cursor names a position in a log every tenant shares, and sealed
-- it tells a tenant nothing of how many rows other tenants added. Made once, by the first replica that
-- needs it; every replica reads the same one, so a cursor one replica gave is read by any other.
CREATE TABLE IF NOT EXISTS cursor_key (id integer PRIMARY KEY, key_base64 text NOT NULL);
