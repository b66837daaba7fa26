-- Webhooks disabled or recovered whose report (an eventwire.webhook.disabled or .recovered event) is not
-- stored yet: written with the change, removed once the event is stored, read back at start after a
-- crash in between.
CREATE TABLE webhook_changes_unreported (
    webhook_id        VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    tenant            VARCHAR NOT NULL,
    reason            VARCHAR,
    failing_since_us  BIGINT  NOT NULL,
    at_us             BIGINT  NOT NULL
);
