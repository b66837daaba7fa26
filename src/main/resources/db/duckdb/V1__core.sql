-- Tenant API keys: only the SHA-256 of the secret is stored.
CREATE TABLE api_keys (
    id          VARCHAR PRIMARY KEY,
    tenant      VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    key_hash    VARCHAR NOT NULL UNIQUE,
    created_us  BIGINT  NOT NULL
);

-- The event log. seq is the log position (newest-first listings and cursors); body is the canonical
-- JSON sent to receivers. Timestamps are epoch microseconds (UTC).
CREATE TABLE events (
    seq          BIGINT  NOT NULL,
    tenant       VARCHAR NOT NULL,
    event_id     VARCHAR NOT NULL,
    event_type   VARCHAR NOT NULL,
    entity_id    VARCHAR,
    occurred_us  BIGINT  NOT NULL,
    received_us  BIGINT  NOT NULL,
    body         VARCHAR NOT NULL,
    PRIMARY KEY (tenant, event_id)
);

CREATE TABLE rejected_events (
    seq            BIGINT  NOT NULL,
    tenant         VARCHAR NOT NULL,
    received_us    BIGINT  NOT NULL,
    error_code     VARCHAR NOT NULL,
    error_message  VARCHAR NOT NULL,
    error_field    VARCHAR,
    body           VARCHAR NOT NULL
);
