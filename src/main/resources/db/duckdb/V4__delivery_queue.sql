-- Deliveries split in two so that what the engine touches stays as small as the work still to do:
-- delivery_queue holds pending deliveries only (claims, leases and outcomes scan it), and
-- delivery_history receives each delivery once it is delivered or dead (reads and retention only).
-- Neither has an index: a unique index is rewritten whole at every checkpoint in DuckDB, and appends
-- to index-free tables can commit while a checkpoint runs. Uniqueness of (webhook_id, event_id) holds
-- by construction: a delivery is created once with its event, and moves between the two tables in
-- one transaction. event_seq is the event's log position: claims find bodies by it, a range DuckDB
-- answers from each row group's min and max instead of an index.
CREATE TABLE delivery_queue (
    webhook_id        VARCHAR NOT NULL,
    event_id          VARCHAR NOT NULL,
    tenant            VARCHAR NOT NULL,
    message_id        VARCHAR NOT NULL,
    event_type        VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    attempts          INTEGER NOT NULL,
    budget_base       INTEGER NOT NULL,
    requeued          BOOLEAN NOT NULL,
    next_attempt_us   BIGINT,
    lease_until_us    BIGINT,
    last_status_code  INTEGER,
    last_error        VARCHAR,
    created_us        BIGINT  NOT NULL,
    updated_us        BIGINT  NOT NULL,
    seq               BIGINT  NOT NULL,
    event_seq         BIGINT  NOT NULL
);

CREATE TABLE delivery_history (
    webhook_id        VARCHAR NOT NULL,
    event_id          VARCHAR NOT NULL,
    tenant            VARCHAR NOT NULL,
    message_id        VARCHAR NOT NULL,
    event_type        VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    attempts          INTEGER NOT NULL,
    budget_base       INTEGER NOT NULL,
    requeued          BOOLEAN NOT NULL,
    next_attempt_us   BIGINT,
    lease_until_us    BIGINT,
    last_status_code  INTEGER,
    last_error        VARCHAR,
    created_us        BIGINT  NOT NULL,
    updated_us        BIGINT  NOT NULL,
    seq               BIGINT  NOT NULL,
    event_seq         BIGINT  NOT NULL
);

INSERT INTO delivery_queue SELECT d.*, e.seq FROM deliveries d JOIN events e ON e.tenant = d.tenant AND e.event_id = d.event_id
WHERE d.status = 'pending';
INSERT INTO delivery_history SELECT d.*, e.seq FROM deliveries d JOIN events e ON e.tenant = d.tenant AND e.event_id = d.event_id
WHERE d.status <> 'pending';
DROP TABLE deliveries;
