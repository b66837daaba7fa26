-- Ordering per entity: a webhook's ordering ("none" or "entity"; NULL = none), and on each delivery of an
-- entity-ordered webhook the entity it belongs to (NULL = not ordered).
ALTER TABLE webhooks ADD COLUMN ordering text;
ALTER TABLE delivery_queue ADD COLUMN entity_key text;
ALTER TABLE delivery_history ADD COLUMN entity_key text;
-- The head of each entity (its oldest pending delivery) is what a claim may take.
CREATE INDEX delivery_queue_entity ON delivery_queue (webhook_id, entity_key, seq) WHERE entity_key IS NOT NULL;
