-- Leased rows by owner, webhook and age. Replaces the owner index (its prefix serves the same lookups):
-- a claim takes the rows a silent replica (dead or stalled) held, oldest first, ahead of the rest of the
-- due work, which the claim index orders by the time each became visible: a lapsed lease's end comes
-- after a backlog that has been due since it was created.
DROP INDEX delivery_queue_owner;
CREATE INDEX delivery_queue_leased ON delivery_queue (lease_owner, webhook_id, seq) WHERE lease_owner IS NOT NULL;
