package dev.eventwire.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.PostgresServer;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replica frozen in the middle of a transaction (SIGSTOP between two statements) must not keep the
 * deliveries it locked from the others beyond a lease: claims skip locked rows, so without a limit on idle
 * transactions those deliveries waited for the frozen replica to come back (the chaos test once saw a
 * frozen replica's 88 leased deliveries untouched 45 s later, with a 15 s lease).
 */
@ExtendWith(PostgresServer.class)
class FrozenTransactionTest {

    @Test
    void aTransactionLeftIdleByAFrozenReplicaGivesUpItsRowLocks(PostgresServer.Handle postgres) throws Exception {
        String url = postgres.freshDatabase();
        try (PgDatabase frozen = PgDatabase.open(DatabaseUrl.parse(url), 2, "frozen");
             PgDatabase survivor = PgDatabase.open(DatabaseUrl.parse(url), 2, "survivor")) {
            survivor.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO delivery_queue (webhook_id, event_id, tenant, message_id, event_type, event_seq, attempts, budget_base,"
                            + " requeued, next_attempt_us, visible_us, created_us, updated_us) VALUES ('wh_1', 'ev_1', 'acme', 'msg_1', 'order.created',"
                            + " 1, 0, 0, false, 0, 0, 0, 0)");
                }
                return null;
            });
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch thaw = new CountDownLatch(1);
            Thread replica = Thread.ofPlatform().start(() -> {
                try {
                    frozen.inTransaction(c -> {
                        try (Statement st = c.createStatement()) {
                            st.executeQuery("SELECT seq FROM delivery_queue FOR UPDATE").close();
                        }
                        locked.countDown();
                        try {
                            thaw.await(); // frozen: the transaction stays open and sends nothing
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    });
                } catch (RuntimeException ended) {
                    // PostgreSQL ended the idle transaction: what this test wants
                }
            });
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            assertThat(claimable(survivor)).as("locked by the frozen replica at first").isZero();
            while (claimable(survivor) == 0 && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) Thread.sleep(100);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            thaw.countDown();
            replica.join();
            assertThat(claimable(survivor)).as("the row is free again").isEqualTo(1);
            assertThat(waited).as("freed once idle for the limit, well within a lease").isLessThan(PgDatabase.IDLE_IN_TRANSACTION.plusSeconds(3));
        }
    }

    /** Rows another replica's claim could take now (as the claim does: skipping locked rows). */
    private static int claimable(PgDatabase database) {
        return database.inTransaction(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT seq FROM delivery_queue FOR UPDATE SKIP LOCKED) free")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
