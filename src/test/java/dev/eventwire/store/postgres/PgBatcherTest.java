package dev.eventwire.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.PostgresServer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Group commit on a real PostgreSQL: what each transaction holds, with and without lingering. */
@ExtendWith(PostgresServer.class)
class PgBatcherTest {

    @Test
    void aLingeringBatcherWritesItemsThatTrickleInWithinTheLingerInOneTransaction(PostgresServer.Handle postgres) throws Exception {
        try (PgDatabase database = PgDatabase.open(DatabaseUrl.parse(postgres.freshDatabase()), 4, "test")) {
            AtomicInteger commits = new AtomicInteger();
            PgBatcher<Integer, Integer> batcher = new PgBatcher<>(database, "test-linger", 1, 100, 50, Duration.ofSeconds(30),
                    PgBatcherTest::insertAndCountTransaction, (writer, nanos) -> commits.incrementAndGet());
            createTable(database);
            batcher.start();
            List<CompletableFuture<Integer>> written = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                written.add(batcher.submit(i));
                Thread.sleep(2); // items arrive one by one, as outcomes of separate attempts do
            }
            CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            batcher.close();

            assertThat(commits.get()).as("transactions").isEqualTo(1);
            assertThat(written).allSatisfy(f -> assertThat(f.join()).as("rows in the item's transaction").isEqualTo(50));
            assertThat(rowCount(database)).isEqualTo(50);
        }
    }

    @Test
    void aBatcherThatDoesNotLingerWritesALoneItemAtOnce(PostgresServer.Handle postgres) throws Exception {
        try (PgDatabase database = PgDatabase.open(DatabaseUrl.parse(postgres.freshDatabase()), 4, "test")) {
            PgBatcher<Integer, Integer> batcher = new PgBatcher<>(database, "test-plain", 1, 100, PgBatcherTest::insertAndCountTransaction,
                    (writer, nanos) -> { });
            createTable(database);
            batcher.start();
            // Another lingering batcher would hold this item for the whole 30 s; this one must not wait at all.
            assertThat(batcher.submit(7).get(10, TimeUnit.SECONDS)).isEqualTo(1);
            batcher.close();
            assertThat(rowCount(database)).isEqualTo(1);
        }
    }

    @Test
    void aValueTheDatabaseRefusesFailsOnlyItsOwnItemNotTheOthersBatchedWithIt(PostgresServer.Handle postgres) throws Exception {
        try (PgDatabase database = PgDatabase.open(DatabaseUrl.parse(postgres.freshDatabase()), 4, "test")) {
            database.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE texts (t TEXT NOT NULL)");
                }
                return null;
            });
            // One lingering writer, so the poisoned item shares its transaction with the others.
            PgBatcher<String, Integer> batcher = new PgBatcher<>(database, "test-poison", 1, 100, 20, Duration.ofSeconds(30), (c, items) -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO texts VALUES (?)")) {
                    for (String t : items) {
                        ps.setString(1, t);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return new PgBatcher.Result<>(items.stream().map(String::length).toList(), () -> { });
            }, (writer, nanos) -> { });
            batcher.start();
            List<CompletableFuture<Integer>> written = new ArrayList<>();
            for (int i = 0; i < 20; i++) written.add(batcher.submit(i == 7 ? "nul\u0000inside" : "item " + i));
            for (int i = 0; i < 20; i++) {
                if (i == 7) continue;
                assertThat(written.get(i).get(30, TimeUnit.SECONDS)).as("item %d, batched with the refused one", i).isEqualTo(("item " + i).length());
            }
            assertThat(written.get(7)).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(dev.eventwire.support.ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.code()).isEqualTo("unstorable_value");
                    });
            assertThat(batcher.problem()).as("the database takes writes: nothing for /health to report").isEmpty();
            batcher.close();
            int rows = database.read(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM texts")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(19);
        }
    }

    private static void createTable(PgDatabase database) {
        database.inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE items (n INT NOT NULL, tx BIGINT NOT NULL)");
            }
            return null;
        });
    }

    /** Inserts each item tagged with its transaction id; answers, per item, how many rows that transaction wrote. */
    private static PgBatcher.Result<Integer> insertAndCountTransaction(java.sql.Connection c, List<Integer> items) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, txid_current())")) {
            for (int n : items) {
                ps.setInt(1, n);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        int rows;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM items WHERE tx = txid_current()")) {
            rs.next();
            rows = rs.getInt(1);
        }
        return new PgBatcher.Result<>(items.stream().map(i -> rows).toList(), () -> { });
    }

    private static long rowCount(PgDatabase database) {
        return database.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
