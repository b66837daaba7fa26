-- Deaths whose report (an eventwire.delivery.dead event) is not stored yet: written with the death,
-- removed once the event is stored, read back by a sweep after a crash in between.
CREATE TABLE dead_unreported (
    seq         BIGINT  NOT NULL,
    attempts    INTEGER NOT NULL,
    tenant      TEXT    NOT NULL,
    webhook_id  TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    last_error  TEXT,
    died_us     BIGINT  NOT NULL,
    PRIMARY KEY (seq, attempts)
);
