-- How far the event log holds the ingest journal's groups: moved in every transaction that writes them.
CREATE TABLE ingest_journal_cursor (
    group_seq BIGINT NOT NULL
);
INSERT INTO ingest_journal_cursor VALUES (0);
