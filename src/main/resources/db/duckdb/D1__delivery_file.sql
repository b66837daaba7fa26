-- The delivery file: pending deliveries (delivery_queue), finished ones (delivery_history) and the
-- attempt log, with the same columns they had in the event log file. No indexes (see V4).
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
    event_seq         BIGINT  NOT NULL,
    entity_key        VARCHAR
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
    event_seq         BIGINT  NOT NULL,
    entity_key        VARCHAR
);

CREATE TABLE delivery_attempts (
    attempt_id     VARCHAR NOT NULL,
    seq            BIGINT  NOT NULL,
    tenant         VARCHAR NOT NULL,
    webhook_id     VARCHAR NOT NULL,
    event_id       VARCHAR NOT NULL,
    message_id     VARCHAR NOT NULL,
    attempt        INTEGER NOT NULL,
    trigger        VARCHAR NOT NULL,
    status_code    INTEGER,
    success        BOOLEAN NOT NULL,
    error          VARCHAR,
    duration_ms    BIGINT  NOT NULL,
    response_body  VARCHAR NOT NULL,
    attempted_us   BIGINT  NOT NULL
);

-- The log position up to which the deliveries recorded in the event log are written here (one row).
CREATE TABLE fan_out_cursor (
    event_seq BIGINT NOT NULL
);
INSERT INTO fan_out_cursor VALUES (0);
