-- Each accepted event records the deliveries it owes: the number of the first one (deliveries_from, the
-- others follow in order) and fan_out, "<set> <first message id> <flags>": the set of webhooks it matched
-- (a row of fan_out_sets, shared by every event that matched the same webhooks), the message id of its
-- first delivery (the others are its siblings, numbered in order), and per delivery a flag ("i": taken
-- by the engine in memory, "e": queued behind its entity, "-": neither; one flag when all are the same).
-- The delivery file writes the delivery rows from this record, so an event and the deliveries it owes
-- are durable in the same commit of the event log. Nullable, no DEFAULT.
ALTER TABLE events ADD COLUMN deliveries_from BIGINT;
ALTER TABLE events ADD COLUMN fan_out VARCHAR;

-- A set of webhooks events were fanned out to: their ids, comma-separated, in delivery order.
CREATE TABLE fan_out_sets (
    id       BIGINT  NOT NULL,
    webhooks VARCHAR NOT NULL
);
