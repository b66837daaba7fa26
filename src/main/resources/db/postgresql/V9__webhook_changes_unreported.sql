-- Webhooks disabled or recovered whose report (an eventwire.webhook.disabled or .recovered event) is not
-- stored yet: written with the change, removed once the event is stored, read back by a sweep after a
-- crash in between.
CREATE TABLE webhook_changes_unreported (
    webhook_id        TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    tenant            TEXT    NOT NULL,
    reason            TEXT,
    failing_since_us  BIGINT  NOT NULL,
    at_us             BIGINT  NOT NULL
);
