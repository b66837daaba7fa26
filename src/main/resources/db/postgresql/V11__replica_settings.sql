-- The settings every replica must share (egress allow list, retry schedule, limits...), as each replica
-- publishes them with its heartbeat: replicas compare them and report a replica that differs.
ALTER TABLE replicas ADD COLUMN settings text NOT NULL DEFAULT '';
