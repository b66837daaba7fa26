-- Webhooks of each tenant. filters is JSON; a deleted webhook keeps its row (deliveries refer to it).
CREATE TABLE webhooks (
    id               VARCHAR PRIMARY KEY,
    tenant           VARCHAR NOT NULL,
    url              VARCHAR NOT NULL,
    description      VARCHAR,
    filters          VARCHAR NOT NULL,
    secret           VARCHAR NOT NULL,
    active           BOOLEAN NOT NULL,
    disabled_reason  VARCHAR,
    deleted          BOOLEAN NOT NULL,
    created_us       BIGINT  NOT NULL,
    updated_us       BIGINT  NOT NULL
);

-- One row per (webhook, event), created in the ingest transaction. attempts counts every attempt ever
-- made (it numbers the attempts); budget_base is attempts at the last manual retry, so the schedule's
-- budget restarts there; requeued says the next attempt was asked for by hand (retry, recover).
-- lease_until_us keeps a claimed delivery from being claimed again while in flight.
CREATE TABLE deliveries (
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
    PRIMARY KEY (webhook_id, event_id)
);

-- The attempt log, append-only. A row is written in the same transaction that moves its delivery's
-- attempt count forward, so the same outcome written twice adds no second row.
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
