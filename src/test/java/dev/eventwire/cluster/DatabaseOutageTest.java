package dev.eventwire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.bench.ChildProcess;
import dev.eventwire.store.postgres.EmbeddedPostgresServer;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /** The embedded PostgreSQL these tests stop and start again, on the same port and data folder. */
    private static final class StoppablePostgres implements AutoCloseable {
        private final Path data;
        private final int port = ChildProcess.freePort();
        private EmbeddedPostgresServer server;

        StoppablePostgres(Path data) {
            this.data = data;
            this.server = EmbeddedPostgresServer.start(data, port);
        }

        String createDatabase(String name) {
            return server.createDatabase(name);
        }

        void stop() {
            server.close();
        }

        void startAgain() {
            server = EmbeddedPostgresServer.start(data, port);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    @Test
    void anIdleReplicaReportsTheOutageAndRefusesAtOnceThenRecoversByItself() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres(dir.resolve("pg"))) {
            String url = postgres.createDatabase("outage");
            try (TestServer replica = TestServer.replica(dir.resolve("r"), url, "replica-a")) {
                ApiClient acme = replica.tenant("acme");
                assertThat(acme.post("/v1/events", "{\"event_id\":\"before\",\"event_type\":\"a.b\"}").status()).isEqualTo(202);

                postgres.stop();
                long stopped = System.nanoTime();
                Receiver.await(() -> replica.anonymous().get("/health").status() == 503, Duration.ofSeconds(10), "/health saying 503");
                System.out.printf("database outage: /health 503 after %.1f s%n", (System.nanoTime() - stopped) / 1e9);
                ApiClient.Response health = replica.anonymous().get("/health");
                assertThat(health.body()).contains("does not answer").doesNotContain("Exception", "jdbc:", "127.0.0.1", "user");

                long asked = System.nanoTime();
                ApiClient.Response refused = acme.get("/v1/events");
                Duration waited = Duration.ofNanos(System.nanoTime() - asked);
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.json().get("error").get("code").asText()).isEqualTo("store_unavailable");
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(waited).as("how long a request waited for its 503").isLessThan(Duration.ofSeconds(2));
                // A dashboard sees the outage, and no frozen backlog figure.
                assertThat(replica.anonymous().get("/metrics").body()).contains("eventwire_store_writable 0.0");
                Receiver.await(() -> replica.anonymous().get("/metrics").body().contains("eventwire_deliveries_pending NaN"), Duration.ofSeconds(10),
                        "the pending count unknown, not the last one read");

                postgres.startAgain();
                Receiver.await(() -> replica.anonymous().get("/health").status() == 200, Duration.ofSeconds(30), "/health ok again");
                Receiver.await(() -> acme.post("/v1/events", "{\"event_id\":\"after\",\"event_type\":\"a.b\"}").status() == 202,
                        Duration.ofSeconds(30), "an event accepted again");
                assertThat(acme.get("/v1/events/before").status()).isEqualTo(200);
                assertThat(replica.anonymous().get("/metrics").body()).contains("eventwire_store_writable 1.0");
            }
        }
    }

    /**
     * A replica with deliveries queued in memory when the database stops: sending them would only make
     * repeats (the outcomes cannot be recorded, the leases not renewed), so it stops sending as soon as it
     * knows, and they are all delivered once the database is back. It once kept sending until each lease
     * was close to its end: 2,587 repeats in a 20-s stop, seen from outside.
     */
    @Test
    void aReplicaStopsSendingWhileTheDatabaseDoesNotAnswerAndDeliversEverythingAfter() throws Exception {
        // At 10 a second, 150 leave over ten seconds of work queued when the database stops a second in.
        int events = 150;
        try (StoppablePostgres postgres = new StoppablePostgres(dir.resolve("pg")); Receiver receiver = new Receiver()) {
            String url = postgres.createDatabase("outage");
            // 10 requests a second at most (two in flight, 200 ms each): the lane holds the rest in memory.
            receiver.answer(r -> new Receiver.Answer(200, java.util.Map.of(), "", Duration.ofMillis(200)));
            try (TestServer replica = TestServer.start(dir.resolve("r"), c -> c.withEgressAllow(java.util.List.of("127.0.0.1/32"))
                    .withDeliveryTimeout(Duration.ofSeconds(2))
                    .withStorage(new dev.eventwire.ServeConfig.Storage(java.util.Optional.of(url), "replica-a")), java.time.Clock.systemUTC())) {
                ApiClient acme = replica.tenant("acme");
                String hook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/o") + "\",\"rate_limit\":10}").json().get("id").asText();
                assertThat(acme.post("/v1/events", dev.eventwire.support.EventBatches.batch("order.created", 0, events)).status()).isEqualTo(200);
                Receiver.await(() -> receiver.received().size() >= 5, Duration.ofSeconds(20), "deliveries under way");

                postgres.stop();
                Receiver.await(() -> replica.anonymous().get("/health").status() == 503, Duration.ofSeconds(10), "/health saying 503");
                Thread.sleep(500); // what was in flight when it knew has arrived
                int atOutage = receiver.received().size();
                Thread.sleep(3_000);
                int sentDuringOutage = receiver.received().size() - atOutage;
                System.out.printf("database outage with deliveries queued: %d received before, %d during 3 s of the outage%n", atOutage, sentDuringOutage);
                assertThat(sentDuringOutage).as("requests sent while the database did not answer").isZero();

                int beforeBack = receiver.received().size();
                postgres.startAgain();
                long back = System.nanoTime();
                Receiver.await(() -> receiver.received().size() > beforeBack, Duration.ofSeconds(30), "sending again");
                double resumedAfter = (System.nanoTime() - back) / 1e9;
                System.out.printf("database back: sending again after %.2f s%n", resumedAfter);
                assertThat(resumedAfter).as("sending again once the probe and a retried outcome find the database back, not after the leases it gave up")
                        .isLessThan(10.0);
                Receiver.await(() -> receiver.received().stream().map(r -> r.header("webhook-id")).distinct().count() == events,
                        Duration.ofSeconds(90), "every delivery once the database is back");
                Receiver.await(() -> acme.get("/v1/webhooks/" + hook + "/deliveries?status=pending").json().get("deliveries").isEmpty(),
                        Duration.ofSeconds(30), "every outcome recorded");
                long repeats = receiver.received().size() - events;
                assertThat(repeats).as("repeats: at most about a second of sending (10/s), before the probe saw the stop").isLessThanOrEqualTo(10);
            }
        }
    }

    /**
     * A write in flight when the database stops fails in its batch; that failure used to stay the
     * replica's {@code /health} answer until some later write succeeded — with no traffic (a load balancer
     * keeping the replica out because of it), for minutes after the database was back.
     */
    @Test
    void aWriteThatFailedInTheOutageDoesNotKeepAnIdleReplicaUnhealthyAfterIt() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres(dir.resolve("pg"))) {
            String url = postgres.createDatabase("outage");
            try (TestServer replica = TestServer.replica(dir.resolve("r"), url, "replica-a")) {
                ApiClient acme = replica.tenant("acme");
                java.util.concurrent.atomic.AtomicBoolean posting = new java.util.concurrent.atomic.AtomicBoolean(true);
                java.util.concurrent.atomic.AtomicInteger refusedInFlight = new java.util.concurrent.atomic.AtomicInteger();
                Thread poster = Thread.ofPlatform().start(() -> {
                    for (int i = 0; posting.get(); i++) {
                        ApiClient.Response r = acme.post("/v1/events", dev.eventwire.support.EventBatches.batch("order.created", i * 50, 50));
                        if (r.status() == 503) refusedInFlight.incrementAndGet();
                    }
                });
                Thread.sleep(500);
                postgres.stop();
                Receiver.await(() -> replica.anonymous().get("/health").status() == 503, Duration.ofSeconds(10), "/health saying 503");
                posting.set(false);
                poster.join();
                assertThat(refusedInFlight.get()).as("writes refused during the outage").isPositive();

                postgres.startAgain();
                long back = System.nanoTime();
                // Nothing is posted now: only /health is asked, as a load balancer would.
                Receiver.await(() -> replica.anonymous().get("/health").status() == 200, Duration.ofSeconds(15), "/health ok again with no traffic");
                System.out.printf("database back: an idle replica's /health ok after %.1f s%n", (System.nanoTime() - back) / 1e9);
            }
        }
    }

    /**
     * A database that accepts connections but never answers (its processes stopped, a hung VM): the probe
     * used to take 13 s to say so, its query timeout waiting 10 s more for a cancel the frozen server never
     * acknowledged; {@code /health} said ok meanwhile.
     */
    @Test
    void aFrozenDatabaseIsReportedWithinTheProbesTimeout() throws Exception {
        Path data = dir.resolve("pg");
        try (StoppablePostgres postgres = new StoppablePostgres(data)) {
            String url = postgres.createDatabase("frozen");
            try (TestServer replica = TestServer.replica(dir.resolve("r"), url, "replica-a")) {
                assertThat(replica.anonymous().get("/health").status()).isEqualTo(200);
                List<ProcessHandle> postgresProcesses = processesServing(data);
                assertThat(postgresProcesses).isNotEmpty();
                signal("STOP", postgresProcesses);
                long frozen = System.nanoTime();
                try {
                    Receiver.await(() -> replica.anonymous().get("/health").status() == 503, Duration.ofSeconds(8), "/health saying 503");
                    System.out.printf("frozen database: /health 503 after %.1f s%n", (System.nanoTime() - frozen) / 1e9);
                    assertThat(replica.anonymous().get("/health").body()).contains("does not answer");
                } finally {
                    signal("CONT", postgresProcesses);
                }
                Receiver.await(() -> replica.anonymous().get("/health").status() == 200, Duration.ofSeconds(15), "/health ok once it answers");
            }
        }
    }

    /** The postmaster whose command line names {@code data}, and every process under it. */
    private static List<ProcessHandle> processesServing(Path data) {
        String folder = data.toAbsolutePath().toString();
        List<ProcessHandle> found = new java.util.ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(folder)).orElse(false))
                .forEach(p -> {
                    found.add(p);
                    p.descendants().forEach(found::add);
                });
        return found;
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(String.valueOf(p.pid())));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }
}
