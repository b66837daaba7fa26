-- Metric rollups. The ingest transaction appends each event's contribution to metric_points; a rollup
-- worker folds points into metric_buckets (per tenant, metric and minute of occurred_at: n events and
-- the sum, min and max of the field) and metric_distinct, and moves metric_rollup.rolled_up_seq in the
-- same transaction. Reads add the points not yet rolled up, so they are exact and read-your-writes.
CREATE TABLE metric_buckets (
    tenant  VARCHAR NOT NULL,
    metric  VARCHAR NOT NULL,
    minute  BIGINT  NOT NULL,
    n       BIGINT  NOT NULL,
    total   DECIMAL(38, 9),
    lo      DECIMAL(38, 9),
    hi      DECIMAL(38, 9),
    PRIMARY KEY (tenant, metric, minute)
);

-- Distinct values per tenant, metric and minute, so distinct counts over a window stay exact.
CREATE TABLE metric_distinct (
    tenant  VARCHAR NOT NULL,
    metric  VARCHAR NOT NULL,
    minute  BIGINT  NOT NULL,
    value   VARCHAR NOT NULL,
    PRIMARY KEY (tenant, metric, minute, value)
);

-- Each event's contribution at its exact time; read for the partial minutes at a window's edges and for
-- points newer than the rollup watermark.
CREATE TABLE metric_points (
    seq             BIGINT  NOT NULL,
    tenant          VARCHAR NOT NULL,
    metric          VARCHAR NOT NULL,
    occurred_us     BIGINT  NOT NULL,
    value           DECIMAL(38, 9),
    distinct_value  VARCHAR
);

CREATE TABLE metric_rollup (
    id             INTEGER PRIMARY KEY,
    rolled_up_seq  BIGINT  NOT NULL
);
INSERT INTO metric_rollup VALUES (1, 0);
