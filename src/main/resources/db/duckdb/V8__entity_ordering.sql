-- Ordering per entity: a webhook's ordering ("none" or "entity"; NULL = none), and on each delivery of an
-- entity-ordered webhook the entity it belongs to (NULL = not ordered). Nullable, no DEFAULT.
ALTER TABLE webhooks ADD COLUMN ordering VARCHAR;
ALTER TABLE delivery_queue ADD COLUMN entity_key VARCHAR;
ALTER TABLE delivery_history ADD COLUMN entity_key VARCHAR;
