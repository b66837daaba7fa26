-- Deaths whose report (an eventwire.delivery.dead event in the event log file) is not stored yet: written
-- with the death, removed once the event is stored, read back at start after a crash in between.
CREATE TABLE dead_unreported (
    seq         BIGINT  NOT NULL,
    attempts    INTEGER NOT NULL,
    tenant      VARCHAR NOT NULL,
    webhook_id  VARCHAR NOT NULL,
    event_id    VARCHAR NOT NULL,
    message_id  VARCHAR NOT NULL,
    event_type  VARCHAR NOT NULL,
    last_error  VARCHAR,
    died_us     BIGINT  NOT NULL
);
