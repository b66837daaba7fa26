package dev.eventwire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.bench.ChildProcess;
import dev.eventwire.store.postgres.EmbeddedPostgresServer;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops while a replica is idle, then starts again. A load balancer asks {@code /health}: it must
 * say 503 within seconds even though nothing tried to write (it once said ok through a whole outage), and
 * requests meanwhile are refused at once, not after the pool's 10-s wait for a connection. Once the
 * database is back the replica serves again by itself.
 */
class DatabaseOutageTest {
    @TempDir
    Path dir;

    @Test
    void anIdleReplicaReportsTheOutageAndRefusesAtOnceThenRecoversByItself() throws Exception {
        int port = ChildProcess.freePort();
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), port);
        try {
            String url = postgres.createDatabase("outage");
            try (TestServer replica = TestServer.replica(dir.resolve("r"), url, "replica-a")) {
                ApiClient acme = replica.tenant("acme");
                assertThat(acme.post("/v1/events", "{\"event_id\":\"before\",\"event_type\":\"a.b\"}").status()).isEqualTo(202);

                postgres.close();
                long stopped = System.nanoTime();
                Receiver.await(() -> replica.anonymous().get("/health").status() == 503, Duration.ofSeconds(10), "/health saying 503");
                System.out.printf("database outage: /health 503 after %.1f s%n", (System.nanoTime() - stopped) / 1e9);
                ApiClient.Response health = replica.anonymous().get("/health");
                assertThat(health.body()).contains("does not answer").doesNotContain("Exception");

                long asked = System.nanoTime();
                ApiClient.Response refused = acme.get("/v1/events");
                Duration waited = Duration.ofNanos(System.nanoTime() - asked);
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.json().get("error").get("code").asText()).isEqualTo("store_unavailable");
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(waited).as("how long a request waited for its 503").isLessThan(Duration.ofSeconds(2));

                postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), port);
                Receiver.await(() -> replica.anonymous().get("/health").status() == 200, Duration.ofSeconds(30), "/health ok again");
                Receiver.await(() -> acme.post("/v1/events", "{\"event_id\":\"after\",\"event_type\":\"a.b\"}").status() == 202,
                        Duration.ofSeconds(30), "an event accepted again");
                assertThat(acme.get("/v1/events/before").status()).isEqualTo(200);
            }
        } finally {
            postgres.close();
        }
    }
}
