-- Deliveries per second a webhook may receive; NULL = no limit. Nullable, no DEFAULT (safe to replay).
ALTER TABLE webhooks ADD COLUMN rate_limit DOUBLE;
