-- Each accepted event records the deliveries it owes: the sequence number of the first one
-- (deliveries_from, the others follow in order) and, per matched webhook, its id, the delivery's
-- message id and flags ("i": handed to the engine in memory, "e": queued behind its entity), entries
-- separated by commas. The delivery file writes the delivery rows from this record, so an event and
-- the deliveries it owes are durable in the same commit of the event log. Nullable, no DEFAULT.
ALTER TABLE events ADD COLUMN deliveries_from BIGINT;
ALTER TABLE events ADD COLUMN fan_out VARCHAR;
