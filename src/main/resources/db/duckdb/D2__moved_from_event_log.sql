-- The deliveries an older version kept in the event log file come here; every event logged so far has
-- its deliveries among them (they were written in its commit), so the cursor starts past them all.
INSERT INTO delivery_queue SELECT * FROM store.main.delivery_queue;
INSERT INTO delivery_history SELECT * FROM store.main.delivery_history;
INSERT INTO delivery_attempts SELECT * FROM store.main.delivery_attempts;
UPDATE fan_out_cursor SET event_seq = (SELECT coalesce(max(seq), 0) FROM store.main.events);
