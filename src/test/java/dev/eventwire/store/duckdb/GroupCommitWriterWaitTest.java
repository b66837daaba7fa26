package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.CommitObserver;
import dev.eventwire.support.Latches;
import dev.eventwire.support.StoreUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a writer waits for before a transaction (the delivery writer: the event log holding every
 * acknowledged event) is waited for once per group; when it cannot be had, the whole group fails at once
 * with the reason, none of its work runs, and the writer is not reported as unable to write.
 */
class GroupCommitWriterWaitTest {
    @TempDir
    Path dir;

    @Test
    void aGroupWhoseWaitFailsFailsWholeAtOnceAndTheNextGroupRuns() throws Exception {
        AtomicBoolean behind = new AtomicBoolean();
        AtomicInteger waits = new AtomicInteger();
        try (DuckDbDatabase database = DuckDbDatabase.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(database, "test-writer", 100, CommitObserver.NONE)) {
            writer.beforeEachTransaction(() -> {
                waits.incrementAndGet();
                if (behind.get()) throw new StoreUnavailableException("the event log is behind its journal", null);
            });
            writer.start();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> first = writer.submit(c -> {
                behind.set(true); // from the next group on
                holding.countDown();
                Latches.awaitRelease(release, Duration.ofSeconds(5));
                return null;
            });
            assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
            AtomicInteger ran = new AtomicInteger();
            List<CompletableFuture<Object>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) queued.add(writer.submit(c -> ran.incrementAndGet()));
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Object> f : queued) {
                try {
                    f.get(5, TimeUnit.SECONDS);
                    throw new AssertionError("a piece of a group whose wait failed was run");
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("behind its journal");
                }
            }
            assertThat(ran.get()).as("work of the failed group run").isZero();
            assertThat(waits.get()).as("waits: one per group, none per piece").isEqualTo(2);
            assertThat(writer.problem()).as("not a write failure").isEmpty();

            behind.set(false);
            assertThat(writer.submit(c -> ran.incrementAndGet()).get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    /**
     * A piece of work that fails on its own (a value it cannot encode, a bug) fails only its caller: the
     * rest of its group commits, and the writer is not reported as unable to write — which would have
     * turned every other tenant's requests away.
     */
    @Test
    void aPieceOfWorkFailingOnItsOwnFailsOnlyItsCaller() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(database, "test-writer", 100, CommitObserver.NONE)) {
            writer.runNow(c -> {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE things (n INTEGER)");
                }
                return null;
            });
            writer.start();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> first = writer.submit(c -> {
                holding.countDown();
                Latches.awaitRelease(release, Duration.ofSeconds(5));
                return null;
            });
            assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Object>> good = new ArrayList<>();
            for (int i = 0; i < 3; i++) good.add(writer.submit(c -> insert(c)));
            CompletableFuture<Object> bad = writer.submit(c -> {
                insert(c);
                throw new IllegalStateException("value cannot be written as JSON");
            });
            for (int i = 0; i < 3; i++) good.add(writer.submit(c -> insert(c)));
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Object> f : good) f.get(5, TimeUnit.SECONDS);
            assertThat(bad).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(IllegalStateException.class).isNotInstanceOf(StoreUnavailableException.class);
            assertThat(writer.problem()).as("the store itself writes").isEmpty();
            assertThat(writer.submit(c -> {
                try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM things")) {
                    rs.next();
                    return rs.getInt(1);
                }
            }).get(5, TimeUnit.SECONDS)).as("the six good pieces, nothing of the bad one").isEqualTo(6);
        }
    }

    private static Object insert(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            return st.executeUpdate("INSERT INTO things VALUES (1)");
        }
    }
}
