package dev.eventwire.store.duckdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A child process for the migration crash test: applies the migration steps up to a number, writes some
 * rows the later steps must carry over, and dies like kill -9 (no close, no checkpoint).
 */
public final class MigrateAndHalt {
    /** The step after which the delivery tables live in the delivery file (its copy is made). */
    static final int DELIVERIES_MOVED = Migrations.STEPS.indexOf(new Migrations.Step(DuckDbDatabase.DELIVERY_CATALOG, 2, "D2__moved_from_event_log.sql")) + 1;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int upTo = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        Connection c = DuckDbDatabase.attach(dir);
        Migrations.apply(c, upTo);
        try (Statement st = c.createStatement()) {
            if (upTo >= 2) {
                st.execute("INSERT INTO store.main.events (seq, tenant, event_id, event_type, entity_id, occurred_us, received_us, body) VALUES ("
                        + upTo + ", 't', 'e" + upTo + "', 'a.b', NULL, 1, 1, '{}')");
                st.execute("INSERT INTO store.main.webhooks (id, tenant, url, description, filters, secret, active, disabled_reason, deleted, created_us, updated_us)"
                        + " VALUES ('wh_" + upTo + "', 't', 'https://example.com', NULL, '{}', 'whsec_x', true, NULL, false, 1, 1)");
            }
            if (upTo >= 4) {
                String queue = upTo >= DELIVERIES_MOVED ? DuckDbDatabase.DELIVERY_CATALOG + ".main.delivery_queue" : "store.main.delivery_queue";
                st.execute("INSERT INTO " + queue + " (webhook_id, event_id, tenant, message_id, event_type, status, attempts, budget_base, requeued, "
                        + "next_attempt_us, created_us, updated_us, seq, event_seq) VALUES ('wh_" + upTo + "', 'e" + upTo + "', 't', 'msg_1', 'a.b', "
                        + "'pending', 0, 0, false, 1, 1, 1, 1, " + upTo + ")");
            }
        }
        System.out.println("migrated " + upTo);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
