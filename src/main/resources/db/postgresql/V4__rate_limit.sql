-- Deliveries per second a webhook may receive; NULL = no limit.
ALTER TABLE webhooks ADD COLUMN rate_limit double precision;
