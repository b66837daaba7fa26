-- Secret rotation: the previous secret keeps signing until previous_valid_until_us. Nullable columns
-- without a DEFAULT, which DuckDB replays safely from its write-ahead log.
ALTER TABLE webhooks ADD COLUMN previous_secret VARCHAR;
ALTER TABLE webhooks ADD COLUMN previous_valid_until_us BIGINT;
