package dev.eventwire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table locked by someone else (an operator's {@code LOCK TABLE} in psql, a migration) makes writes fail
 * after a few seconds with a 503 and {@code /health} say so. Before, every replica's ingest hung for the
 * 30-s answer timeout while {@code /health} answered 200 (seen from outside: 64 client posts timed out).
 */
@ExtendWith(PostgresServer.class)
class LockedTableTest {
    @TempDir
    Path dir;

    @Test
    void ingestAnswers503SoonAndHealthSaysWhyWhileTheEventsTableIsLocked(PostgresServer.Handle postgres) throws Exception {
        String url = postgres.freshDatabase();
        try (TestServer server = TestServer.replica(dir, url, "replica-a")) {
            ApiClient acme = server.tenant("acme");
            assertThat(acme.post("/v1/events", "{\"event_id\":\"before\",\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            String jdbc = url.replace("postgresql://postgres:postgres@", "jdbc:postgresql://");
            try (Connection operator = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement st = operator.createStatement()) {
                operator.setAutoCommit(false);
                st.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
                long started = System.nanoTime();
                ApiClient.Response locked = acme.post("/v1/events", "{\"event_id\":\"during\",\"event_type\":\"a.b\"}");
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                assertThat(locked.status()).as(locked.body()).isEqualTo(503);
                assertThat(locked.header("Retry-After")).isEqualTo("1");
                assertThat(waited).as("how long the client waited").isLessThan(Duration.ofSeconds(20));
                Receiver.await(() -> server.anonymous().get("/health").status() == 503, Duration.ofSeconds(10), "/health to say writes fail");
                // The probe that looks once a second whether writes work again must see the lock too: it said
                // 200 a second later, while the lock was still held (seen from outside).
                Thread.sleep(3_000);
                assertThat(server.anonymous().get("/health").status()).as("/health while the lock is still held").isEqualTo(503);
                operator.rollback();
            }
            Receiver.await(() -> acme.post("/v1/events", "{\"event_id\":\"during\",\"event_type\":\"a.b\"}").status() == 202, Duration.ofSeconds(20),
                    "the retried event to be accepted once the lock is gone");
            Receiver.await(() -> server.anonymous().get("/health").status() == 200, Duration.ofSeconds(10), "/health to be 200 again");
            assertThat(acme.get("/v1/events/during").status()).isEqualTo(200);
        }
    }
}
