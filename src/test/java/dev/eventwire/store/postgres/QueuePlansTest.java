package dev.eventwire.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The claim and the look for webhooks with due work, planned by a real PostgreSQL over a backlog of 60,000
 * rows with what a busy replica binds (5,000 rows per webhook): neither may scan the whole queue, in the
 * plan made for the values at hand or in the generic plan a prepared statement switches to after its fifth
 * run. Such a scan's cost grows with the backlog and with every dead row a drain leaves until vacuum: a
 * claim of 20,000 rows planned as a hash join over the queue took 0.4 s, and counting a webhook's due rows
 * by reading the table from its start took over half a second per poll while a long backlog drained.
 */
@ExtendWith(PostgresServer.class)
class QueuePlansTest {
    private static final int ROWS = 60_000;
    private static final int BATCH = 5_000;
    private static final long NOW = 2_000_000_000L;

    /** Binds one statement's parameters. */
    @FunctionalInterface
    private interface Binder {
        void bind(Connection c, PreparedStatement ps) throws SQLException;
    }

    private record Case(String name, String sql, Binder binder) {
    }

    @Test
    void neitherTheClaimNorTheDueLookScansTheWholeQueue(PostgresServer.Handle postgres) throws Exception {
        try (PgDatabase database = PgDatabase.open(DatabaseUrl.parse(postgres.freshDatabase()), 2, "plans")) {
            database.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO delivery_queue (webhook_id, event_id, tenant, message_id, event_type, event_seq, attempts, budget_base,"
                            + " requeued, next_attempt_us, visible_us, created_us, updated_us) SELECT 'wh_' || (i % 4), 'ev_' || i, 'acme', 'msg_' || i,"
                            + " 'order.created', i, 0, 0, false, " + NOW + " - i, " + NOW + " - i, 0, 0 FROM generate_series(1, " + ROWS + ") i");
                    st.execute("ANALYZE delivery_queue");
                }
                return null;
            });
            List<Case> cases = List.of(
                    new Case("claim", PgDeliveryStore.CLAIM, (c, ps) -> bindClaim(c, ps, Optional.empty())),
                    new Case("claim of lapsed leases", PgDeliveryStore.CLAIM_LAPSED, (c, ps) -> bindClaim(c, ps, Optional.of(new String[]{"gone"}))),
                    new Case("due webhooks", PgDeliveryStore.DUE_WEBHOOKS, (c, ps) -> {
                        ps.setLong(1, NOW);
                        ps.setInt(2, 256);
                        ps.setLong(3, NOW);
                        ps.setInt(4, 1000);
                    }));

            List<String> scans = new ArrayList<>();
            for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                for (Case k : cases) {
                    String plan = database.read(c -> explain(c, mode, k));
                    if (plan.contains("Seq Scan on delivery_queue")) scans.add(k.name() + " (" + mode + "):\n" + plan);
                }
            }
            assertThat(scans).as("plans that scan the whole queue").isEmpty();
        }
    }

    private static void bindClaim(Connection c, PreparedStatement ps, Optional<String[]> owners) throws SQLException {
        int p = 1;
        ps.setArray(p++, c.createArrayOf("text", new String[]{"wh_0", "wh_1", "wh_2", "wh_3"}));
        ps.setArray(p++, c.createArrayOf("integer", new Integer[]{BATCH, BATCH, BATCH, BATCH}));
        ps.setLong(p++, NOW);
        if (owners.isPresent()) ps.setArray(p++, c.createArrayOf("text", owners.get()));
        ps.setLong(p++, NOW + 60_000_000L);
        ps.setLong(p++, 7);
        ps.setString(p, "plans");
    }

    private static String explain(Connection c, String mode, Case k) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET plan_cache_mode = " + mode);
        }
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + k.sql())) {
            k.binder().bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) plan.append(rs.getString(1)).append('\n');
            }
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("RESET plan_cache_mode");
            }
        }
        return plan.toString();
    }
}
