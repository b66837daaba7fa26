-- The event log's unique index moves into memory (the server's event id index): with a DuckDB primary
-- key, every ingest commit waited for each checkpoint, which rewrote the whole index. Same columns, in log
-- order, so each row group holds a narrow range of positions and a lookup by position reads one of them.
CREATE TABLE events_log (
    seq          BIGINT  NOT NULL,
    tenant       VARCHAR NOT NULL,
    event_id     VARCHAR NOT NULL,
    event_type   VARCHAR NOT NULL,
    entity_id    VARCHAR,
    occurred_us  BIGINT  NOT NULL,
    received_us  BIGINT  NOT NULL,
    body         VARCHAR NOT NULL
);
INSERT INTO events_log SELECT seq, tenant, event_id, event_type, entity_id, occurred_us, received_us, body FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_log RENAME TO events;
