package dev.eventwire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.bench.ChildProcess;
import dev.eventwire.bench.ServerProcess;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.EventBatches;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas (real servers on loopback) on one real PostgreSQL database: what one acknowledges, the other honours. */
@ExtendWith(PostgresServer.class)
class ReplicasTest {
    private final PostgresServer.Handle postgres;
    @TempDir
    Path dir;
    TestServer a;
    TestServer b;
    String url;

    ReplicasTest(PostgresServer.Handle postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void start() {
        url = postgres.freshDatabase();
        a = TestServer.replica(dir.resolve("a"), url, "replica-a");
        b = TestServer.replica(dir.resolve("b"), url, "replica-b");
    }

    @AfterEach
    void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    static String order(String id, int amount) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\",\"occurred_at\":\"" + Instant.now() + "\",\"data\":{\"total_amount\":" + amount + "}}";
    }

    /** Two processes given one replica id share a heartbeat row and count as one: both say so, nobody refuses work. */
    @Test
    void aSecondProcessWithTheSameReplicaIdIsReportedOnHealth() {
        assertThat(a.anonymous().get("/health").json().get("status").asText()).isEqualTo("ok");
        try (TestServer twin = TestServer.replica(dir.resolve("twin"), url, "replica-a")) {
            Receiver.await(() -> a.anonymous().get("/health").body().contains("in use twice")
                            && twin.anonymous().get("/health").body().contains("in use twice"), Duration.ofSeconds(15),
                    "both processes with the id reporting it");
            ApiClient.Response health = a.anonymous().get("/health");
            assertThat(health.status()).as("degraded, still serving").isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
            assertThat(b.anonymous().get("/health").json().get("status").asText()).as("the other replica is fine").isEqualTo("ok");
        }
    }

    /**
     * A second process started with a live replica's id leaves that replica's deliveries to it: it used to
     * make them due again at its start (as after a crash of the id's previous process), and another replica
     * then sent what the first was still sending: 64 of 300 arrived twice in an outside check.
     */
    @Test
    void aSecondProcessWithTheSameReplicaIdDoesNotTakeTheFirstOnesDeliveries() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        try (Receiver receiver = new Receiver()) {
            receiver.answerOnceOpen(gate);
            ApiClient onA = a.tenant("acme");
            onA.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/held") + "\"}");
            int events = 300;
            assertThat(onA.post("/v1/events", EventBatches.batch("order.created", 0, events)).status()).isEqualTo(200);
            Receiver.await(() -> receiver.received().size() >= 16 && held(a) > 0, Duration.ofSeconds(20), "replica-a sending and holding deliveries");
            long heldByA = held(a);
            try (TestServer twin = TestServer.replica(dir.resolve("twin"), url, "replica-a")) {
                gate.countDown();
                Receiver.await(() -> receiver.received().stream().map(r -> r.header("webhook-id")).distinct().count() == events,
                        Duration.ofSeconds(60), "every delivery");
                Thread.sleep(500); // a second copy, were one sent, has arrived
                assertThat(receiver.received()).as("replica-a held %d when its twin started", heldByA)
                        .extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates();
            }
        } finally {
            gate.countDown();
        }
    }

    /**
     * The other side of the test above: a replica restarted with its id after kill -9 frees the deliveries its
     * predecessor held (the predecessor's heartbeat, a moment old, does not advance), instead of leaving them
     * to leases of the delivery timeout + 10 s (70 s here).
     */
    @Test
    void aReplicaRestartedAfterKill9FreesWhatItsPredecessorHeldWithoutWaitingForTheLeases() throws Exception {
        a.close();
        a = null;
        b.close();
        b = null;
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        List<String> options = List.of("--database-url", url, "--replica-id", "replica-c", "--data", dir.resolve("c").toString(), "--delivery-timeout", "60s");
        try (Receiver receiver = new Receiver()) {
            receiver.answerOnceOpen(gate);
            ServerProcess first = ServerProcess.start(List.of(), options, ChildProcess.freePort(), dir.resolve("c1.log"));
            String key = first.createTenantKey("acme");
            assertThat(first.client().post("/v1/webhooks", key, "{\"url\":\"" + receiver.url("/held") + "\"}").status()).isEqualTo(201);
            int events = 300;
            assertThat(first.client().post("/v1/events", key, EventBatches.batch("order.created", 0, events)).status()).isEqualTo(200);
            Receiver.await(() -> receiver.received().size() >= 16, Duration.ofSeconds(20), "the first process sending");
            first.kill();
            try (ServerProcess restarted = ServerProcess.start(List.of(), options, ChildProcess.freePort(), dir.resolve("c2.log"))) {
                gate.countDown();
                Receiver.await(() -> receiver.received().stream().map(r -> r.header("webhook-id")).distinct().count() == events,
                        Duration.ofSeconds(30), "every delivery, well before the predecessor's leases (70 s) end");
            }
        } finally {
            gate.countDown();
        }
    }

    /**
     * A replica started without the others' settings (here an egress allow list that lacks what theirs has)
     * failed the deliveries it claimed while every /health said ok: now every replica names it, and which
     * options differ, until it is gone.
     */
    @Test
    void aReplicaWithOtherSettingsIsNamedOnEveryReplicasHealth() {
        try (TestServer other = TestServer.start(dir.resolve("c"), c -> c.withEgressAllow(List.of("10.0.0.0/8"))
                .withStorage(new dev.eventwire.ServeConfig.Storage(java.util.Optional.of(url), "replica-c")), java.time.Clock.systemUTC())) {
            Receiver.await(() -> a.anonymous().get("/health").body().contains("replica-c (--egress-allow)")
                            && other.anonymous().get("/health").body().contains("replica-a (--egress-allow); replica-b (--egress-allow)"),
                    Duration.ofSeconds(15), "the replicas naming the one with other settings");
            JsonNode health = a.anonymous().get("/health").json();
            assertThat(health.get("status").asText()).isEqualTo("degraded");
            assertThat(health.get("reason").asText()).startsWith("Replicas run with different settings:").doesNotContain("10.0.0.0");
        }
        Receiver.await(() -> a.anonymous().get("/health").json().get("status").asText().equals("ok"), Duration.ofSeconds(15),
                "ok again once the replica with other settings stopped");
    }

    @Test
    void aWebhookCreatedOnOneReplicaReceivesAnEventPostedToAnotherRightAfter() {
        ApiClient onA = a.tenant("acme");
        ApiClient onB = b.withKey(onA.key());
        try (Receiver receiver = new Receiver()) {
            for (int i = 0; i < 20; i++) {
                assertThat(onA.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/h" + i) + "\"}").status()).isEqualTo(201);
                // Posted to the other replica the moment the create is acknowledged.
                assertThat(onB.post("/v1/events", order("o" + i, 10)).status()).isEqualTo(202);
                String path = "/h" + i;
                Receiver.await(() -> receiver.received().stream().anyMatch(r -> r.path().equals(path)), Duration.ofSeconds(20),
                        "the event reaches the webhook created a moment before on the other replica");
            }
        }
    }

    /** Behind a load balancer the next page's request reaches any replica: a cursor one gave, the other reads. */
    @Test
    void aCursorOneReplicaGaveIsReadByTheOther() {
        ApiClient onA = a.tenant("acme");
        ApiClient onB = b.withKey(onA.key());
        for (int i = 0; i < 5; i++) assertThat(onA.post("/v1/events", order("page-" + i, 10)).status()).isEqualTo(202);
        java.util.List<String> listed = new java.util.ArrayList<>();
        String cursor = null;
        int page = 0;
        do {
            ApiClient on = page++ % 2 == 0 ? onA : onB;
            JsonNode body = on.get("/v1/events?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            body.get("events").forEach(e -> listed.add(e.get("event_id").asText()));
            cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(listed).containsExactly("page-4", "page-3", "page-2", "page-1", "page-0");
    }

    @Test
    void aKeyRevokedOnOneReplicaIsRefusedByTheOtherWithinASecond() throws Exception {
        ApiClient onA = a.tenant("acme");
        ApiClient onB = b.withKey(onA.key());
        assertThat(onB.get("/v1/webhooks").status()).isEqualTo(200);
        String keyId = a.admin().get("/v1/admin/keys").json().get("keys").get(0).get("id").asText();
        assertThat(a.admin().delete("/v1/admin/keys/" + keyId).status()).isEqualTo(204);
        long revoked = System.nanoTime();
        while (onB.get("/v1/webhooks").status() != 401) {
            assertThat(Duration.ofNanos(System.nanoTime() - revoked)).as("refused within 1 s").isLessThan(Duration.ofSeconds(1));
            Thread.sleep(20);
        }
    }

    @Test
    void metricsAreReadYourWritesOnTheAcknowledgingReplicaAndReflectTheOtherWithinASecond() throws Exception {
        ApiClient onA = a.tenant("acme");
        ApiClient onB = b.withKey(onA.key());
        assertThat(onB.get("/v1/metrics/order_count?window=5m").json().get("value").asLong()).isZero();
        for (int i = 1; i <= 5; i++) {
            assertThat(onA.post("/v1/events", order("m" + i, 10)).status()).isEqualTo(202);
            assertThat(onA.get("/v1/metrics/order_count?window=5m").json().get("value").asLong()).as("read-your-writes").isEqualTo(i);
            long posted = System.nanoTime();
            while (onB.get("/v1/metrics/order_count?window=5m").json().get("value").asLong() != i) {
                assertThat(Duration.ofNanos(System.nanoTime() - posted)).as("the other replica within 1 s").isLessThan(Duration.ofSeconds(1));
                Thread.sleep(20);
            }
        }
    }

    @Test
    void theSameEventPostedToBothAtOnceIsStoredAndDeliveredOnce() throws Exception {
        ApiClient onA = a.tenant("acme");
        ApiClient onB = b.withKey(onA.key());
        try (Receiver receiver = new Receiver()) {
            onA.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/dup") + "\"}");
            List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String body = order("same" + i, 1);
                answers.add(CompletableFuture.supplyAsync(() -> onA.post("/v1/events", body).json()));
                answers.add(CompletableFuture.supplyAsync(() -> onB.post("/v1/events", body).json()));
            }
            long accepted = answers.stream().map(CompletableFuture::join).filter(j -> j.path("status").asText().equals("accepted")).count();
            Receiver.await(() -> receiver.received().size() >= 50, Duration.ofSeconds(20), "50 deliveries");
            Thread.sleep(500);
            assertThat(receiver.received()).as("one delivery per event id").hasSize(50);
            assertThat(receiver.received().stream().map(r -> r.header("webhook-id")).distinct()).hasSize(50);
            assertThat(accepted).as("each id acknowledged as new exactly once").isEqualTo(50);
        }
    }

    /** This replica's own gauge of the deliveries it holds (queued in its lanes or in flight), as an operator reads it. */
    private static long held(TestServer replica) {
        return replica.metric("eventwire_delivery_held");
    }

    private static Instant heartbeatOf(TestServer replica, String id) {
        for (JsonNode r : replica.admin().get("/v1/admin/replicas").json().get("replicas")) {
            if (r.get("id").asText().equals(id)) return Instant.parse(r.get("last_heartbeat_at").asText());
        }
        return Instant.MIN;
    }

    @Test
    void aReplicaHoldsAboutASecondOfSendingAndLeavesTheRestOfABacklogToEveryReplica() throws Exception {
        // Each replica learns of the other at its first heartbeat after the other's first one.
        Receiver.await(() -> !heartbeatOf(a, "replica-b").equals(Instant.MIN), Duration.ofSeconds(10), "replica-b listed");
        Instant seen = heartbeatOf(a, "replica-a");
        Receiver.await(() -> heartbeatOf(a, "replica-a").isAfter(seen), Duration.ofSeconds(10), "a heartbeat of replica-a that sees replica-b");
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        ApiClient onA = a.tenant("acme");
        try (Receiver receiver = new Receiver()) {
            receiver.answerOnceOpen(gate);
            onA.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/backlog") + "\"}");
            int events = 3000;
            for (int from = 0; from < events; from += 1000) {
                assertThat(onA.post("/v1/events", EventBatches.batch("order.created", from, 1000)).status()).isEqualTo(200);
            }
            // The receiver answers nothing yet: each replica has its share of the in-flight cap (32 / 2) out.
            Receiver.await(() -> receiver.received().size() == 32, Duration.ofSeconds(20), "16 requests in flight from each replica");
            Thread.sleep(500); // a poll or two more: claims the replicas would make, they have made
            // A full lane (5,000) would have let replica-a, which took the events, hold all 3,000. A lane whose
            // webhook answers nothing sends nothing a second, so it holds the floor: the rest stays in the store.
            assertThat(held(a)).as("deliveries replica-a holds").isBetween(16L, 256L + 16);
            assertThat(held(b)).as("deliveries replica-b holds").isBetween(16L, 256L + 16);
            gate.countDown();
            Receiver.await(() -> receiver.received().size() >= events, Duration.ofSeconds(30), "every delivery");
            Thread.sleep(500);
            assertThat(receiver.received()).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates().hasSize(events);
        } finally {
            gate.countDown();
        }
    }

    /**
     * Replicas given a key seal the secrets the database held in the clear, and the replica that starts
     * first with it does it once for all: rows are changed only while they still hold what was read.
     */
    @Test
    void replicasGivenAKeySealTheSecretsTheDatabaseHeldInTheClear() throws Exception {
        ApiClient acme = a.tenant("acme");
        String hook = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/h\"}").json().get("id").asText();
        String secret = acme.get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText();
        a.close();
        b.close();
        a = null;
        b = null;
        dev.eventwire.store.SecretSeal seal = dev.eventwire.store.SecretSeal.fromKeys(
                java.util.Optional.of(java.util.Base64.getEncoder().encodeToString(new byte[32])), java.util.Optional.empty());
        java.util.function.UnaryOperator<dev.eventwire.ServeConfig> sealed =
                c -> c.withStorage(new dev.eventwire.ServeConfig.Storage(java.util.Optional.of(url), c.storage().replicaId() + "-sealed", seal));
        // Two at once: both find the row in the clear; one seals it, the other's change finds it changed and leaves it.
        CompletableFuture<TestServer> first = CompletableFuture.supplyAsync(() -> TestServer.start(dir.resolve("c"), c -> sealed.apply(
                c.withEgressAllow(List.of("127.0.0.1/32"))), java.time.Clock.systemUTC()));
        CompletableFuture<TestServer> second = CompletableFuture.supplyAsync(() -> TestServer.start(dir.resolve("d"), c -> sealed.apply(
                c.withEgressAllow(List.of("127.0.0.1/32"))), java.time.Clock.systemUTC()));
        try (TestServer c = first.get(); TestServer d = second.get()) {
            assertThat(c.withKey(acme.key()).get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(secret);
            assertThat(d.withKey(acme.key()).get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(secret);
        }
        String jdbc = url.replace("postgresql://postgres:postgres@", "jdbc:postgresql://");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbc, "postgres", "postgres");
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT secret FROM webhooks")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("sealed:v1:").doesNotContain(secret.substring("whsec_".length()));
        }
    }

    /**
     * One replica started with a key seals every secret; the others, without it, cannot open them. They once
     * answered 500 with a stack trace in the log and refused every event with 503 while their /health said
     * ok: a load balancer kept them in. Now their /health is 503 saying which key they lack, a request that
     * needs a secret is a 503 saying so, and every replica names the one whose key differs.
     */
    @Test
    void replicasWithoutTheKeyAnotherSealedWithSayWhatTheyLackOnHealth() {
        ApiClient acme = a.tenant("acme");
        String hook = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/h\"}").json().get("id").asText();
        dev.eventwire.store.SecretSeal seal = dev.eventwire.store.SecretSeal.fromKeys(
                java.util.Optional.of(java.util.Base64.getEncoder().encodeToString(new byte[32])), java.util.Optional.empty());
        String keyId = seal.currentKeyId().orElseThrow();
        try (TestServer keyed = TestServer.withLoopbackReceivers(dir.resolve("c"), java.time.Clock.systemUTC(),
                c -> c.withStorage(new dev.eventwire.ServeConfig.Storage(java.util.Optional.of(url), "replica-c", seal)))) {
            ApiClient.Response secret = acme.get("/v1/webhooks/" + hook + "/secret");
            assertThat(secret.status()).isEqualTo(503);
            assertThat(secret.json().at("/error/code").asText()).isEqualTo("store_unavailable");
            assertThat(secret.json().at("/error/message").asText()).contains("sealed with a key it was not started with");
            ApiClient.Response health = a.anonymous().get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("reason").asText()).contains("sealed with key " + keyId, "EVENTWIRE_SECRET_KEY");
            assertThat(keyed.withKey(acme.key()).get("/v1/webhooks/" + hook + "/secret").status()).isEqualTo(200);
            Receiver.await(() -> keyed.anonymous().get("/health").body().contains("replica-b (EVENTWIRE_SECRET_KEY)"), Duration.ofSeconds(15),
                    "the keyed replica naming the others, whose key differs");
        }
    }

    @Test
    void aBackupIsLeftToTheDatabasesOwnTools() {
        ApiClient.Response refused = a.admin().post("/v1/admin/backups", "{\"to\":\"" + dir.resolve("backup") + "\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("not_supported");
        assertThat(refused.json().at("/error/message").asText()).contains("pg_dump");
        assertThat(dir.resolve("backup")).doesNotExist();
    }

    @Test
    void healthAndTheReplicaListNameEveryReplica() {
        JsonNode health = a.anonymous().get("/health").json();
        assertThat(health.get("store").asText()).isEqualTo("postgresql");
        assertThat(health.get("replica").asText()).isEqualTo("replica-a");
        JsonNode replicas = b.admin().get("/v1/admin/replicas").json().get("replicas");
        assertThat(replicas).extracting(r -> r.get("id").asText()).containsExactly("replica-a", "replica-b");
        for (JsonNode r : replicas) {
            for (String field : List.of("started_at", "last_heartbeat_at", "in_flight", "version")) assertThat(r.has(field)).as(field).isTrue();
            assertThat(r.get("state").asText()).as(r.get("id").asText()).isEqualTo("live");
        }
    }

    @Test
    void aReplicaWithoutARecentHeartbeatIsListedAsSilent() {
        // Its heartbeats carry a time a minute old, as the row of a replica killed a minute ago does: before, it
        // was listed like the others, with the requests it had in flight when it died.
        dev.eventwire.support.ShiftedClock behind = new dev.eventwire.support.ShiftedClock();
        behind.shift(Duration.ofMinutes(-1));
        try (TestServer stale = TestServer.replica(dir.resolve("stale"), url, "replica-stale", behind)) {
            Receiver.await(() -> !heartbeatOf(a, "replica-stale").equals(Instant.MIN), Duration.ofSeconds(10), "replica-stale listed");
            JsonNode replicas = a.admin().get("/v1/admin/replicas").json().get("replicas");
            for (JsonNode r : replicas) {
                assertThat(r.get("state").asText()).as(r.get("id").asText()).isEqualTo(r.get("id").asText().equals("replica-stale") ? "silent" : "live");
            }
            assertThat(stale.anonymous().get("/health").status()).isEqualTo(200);
        }
    }
}
