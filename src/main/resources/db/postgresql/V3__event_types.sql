-- The event types of a tenant, with their last receipt, come from this index rather than the whole log.
CREATE INDEX events_by_type ON events (tenant, event_type, received_us);
