-- Metric rollups, written in the ingest transaction. metric_buckets folds each base metric per tenant
-- and minute of occurred_at (n events, and the sum, min and max of the field for field metrics).
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

-- Each event's contribution at its exact time, read only for the partial minutes at a window's edges.
CREATE TABLE metric_points (
    tenant          VARCHAR NOT NULL,
    metric          VARCHAR NOT NULL,
    occurred_us     BIGINT  NOT NULL,
    value           DECIMAL(38, 9),
    distinct_value  VARCHAR
);
