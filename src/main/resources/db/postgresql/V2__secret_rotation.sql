-- Secret rotation: the previous secret keeps signing until previous_valid_until_us.
ALTER TABLE webhooks ADD COLUMN previous_secret text;
ALTER TABLE webhooks ADD COLUMN previous_valid_until_us bigint;
