-- When the current run of failed attempts to a webhook began (NULL: its last attempt succeeded).
ALTER TABLE webhooks ADD COLUMN failing_since_us BIGINT;
