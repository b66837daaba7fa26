package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.ShiftedClock;
import dev.eventwire.support.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: the data folder lives on a size-capped tmpfs mounted for this test (the test
 * command runs as root, as CI does). Writes answer 503, /health answers 503 with the reason, and once
 * space is back the restarted server has every acknowledged event and takes new ones.
 */
class FullDiskTest {
    @TempDir
    Path dir;

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        if (p.exitValue() != 0) System.err.println(String.join(" ", command) + ": " + out);
        return p.exitValue();
    }

    @Test
    void aFullDiskAnswers503AndAfterSpaceReturnsNothingAcknowledgedIsLost() throws Exception {
        Path mount = smallDisk();
        try {
            Path data = mount.resolve("data");
            List<String> acknowledged = new ArrayList<>();
            String key;
            TestServer server = TestServer.start(data);
            try {
                ApiClient acme = server.tenant("acme");
                key = acme.key();
                fill(mount.resolve("filler"), Files.getFileStore(mount).getUsableSpace() - (3L << 20));
                ApiClient.Response refused = postUntilRefused(acme, 100, 2000, acknowledged);
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isNotNull();
                assertThat(refused.body()).doesNotContain("Exception");
                ApiClient.Response health = server.anonymous().get("/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().get("status").asText()).as("the health shape").isEqualTo("unavailable");
                assertThat(health.json().get("reason").asText()).contains("cannot write");
                assertThat(health.json().get("store").asText()).isEqualTo("duckdb");
                assertThat(health.json().get("error").get("message").asText()).contains("cannot write")
                        .as("no path on a page that answers without a key").doesNotContain(mount.toString());
                // With the disk still full, a small write is refused, or, if it fits and is acknowledged, it is kept
                // like every other acknowledged event (checked after the restart below): never half-written.
                int small = acme.post("/v1/events", "{\"event_id\":\"small-after-full\",\"event_type\":\"a.b\"}").status();
                assertThat(small).as("refused or acknowledged").isIn(202, 503);
                if (small == 202) acknowledged.add("small-after-full");
            } finally {
                Files.deleteIfExists(mount.resolve("filler"));
                try {
                    server.close();
                } catch (RuntimeException closingABrokenStore) {
                    // expected when the store was invalidated: what matters is what the next start finds
                }
            }
            assertThat(acknowledged).as("some events were acknowledged before the disk filled").isNotEmpty();
            try (TestServer again = TestServer.start(data)) {
                ApiClient acme = again.withKey(key);
                assertThat(again.anonymous().get("/health").status()).isEqualTo(200);
                for (String id : acknowledged) assertThat(acme.get("/v1/events/" + id).status()).as(id).isEqualTo(200);
                assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * A nearly full disk takes small requests and refuses large ones. Between the two, the store takes
     * writes, so {@code /health} said "ok" while every large batch was refused; now it says "degraded", with
     * the reason and without a path, for a minute after the last refusal.
     */
    @Test
    void aNearlyFullDiskThatRefusesLargeRequestsIsReportedForAMinute() throws Exception {
        Path mount = smallDisk();
        ShiftedClock clock = new ShiftedClock();
        try (TestServer server = TestServer.start(mount.resolve("data"), c -> c, clock)) {
            ApiClient acme = server.tenant("acme");
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            fill(mount.resolve("filler"), Files.getFileStore(mount).getUsableSpace() - (1L << 20));
            String pad = "p".repeat(4000);
            StringBuilder large = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 1000; i++) large.append(i == 0 ? "" : ",").append("{\"event_type\":\"a.b\",\"data\":{\"pad\":\"").append(pad).append("\"}}");
            assertThat(acme.post("/v1/events", large.append("]}").toString()).status()).as("4 MB of events on a disk with 1-2 MB free").isEqualTo(503);
            assertThat(acme.post("/v1/events", "{\"event_id\":\"small\",\"event_type\":\"a.b\"}").status()).as("a small request still fits").isEqualTo(202);

            ApiClient.Response health = server.anonymous().get("/health");
            assertThat(health.status()).as("small requests are served: not unavailable").isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
            assertThat(health.json().get("reason").asText()).contains("refused a write").contains("ingest journal").doesNotContain(mount.toString());

            clock.shift(Duration.ofSeconds(61));
            assertThat(server.anonymous().get("/health").json().get("status").asText()).as("a minute without a refusal").isEqualTo("ok");
            assertThat(acme.get("/v1/events/small").status()).isEqualTo(200);
        } finally {
            Files.deleteIfExists(mount.resolve("filler"));
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * The delivery file's writer once met the full disk in its commit: the driver then took every later
     * statement as committing on its own, so each retry of a failing group wrote the same delivery rows
     * again (3 million rows from 37,000 deliveries, filling the disk anew) and the writer never recovered.
     */
    @Test
    void aFullDiskWhileDeliveringLeavesEachDeliveryOnceAndDeliveringResumesWhenSpaceReturns() throws Exception {
        Path mount = smallDisk();
        try (Receiver receiver = new Receiver()) {
            Path data = mount.resolve("data");
            Set<String> acknowledged = new LinkedHashSet<>();
            String key;
            String hook;
            try (TestServer server = TestServer.withLoopbackReceivers(data, java.time.Clock.systemUTC(), c -> c)) {
                ApiClient acme = server.tenant("acme");
                key = acme.key();
                hook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/hook") + "\"}").json().get("id").asText();
                fill(mount.resolve("filler"), Files.getFileStore(mount).getUsableSpace() - (3L << 20));
                assertThat(postUntilRefused(acme, 20, 500, acknowledged).status()).isEqualTo(503);
                Files.delete(mount.resolve("filler"));

                // Space is back: without a restart, every acknowledged event reaches the webhook, each delivery once in the store.
                Receiver.await(() -> server.anonymous().get("/health").status() == 200, Duration.ofSeconds(30),
                        "the server to report it writes again, with no request to write");
                Receiver.await(() -> receivedEventIds(receiver).containsAll(acknowledged), Duration.ofSeconds(60),
                        "every acknowledged event at the receiver");
                Receiver.await(() -> acme.get("/v1/webhooks/" + hook + "/deliveries?status=pending").json().get("deliveries").isEmpty(),
                        Duration.ofSeconds(30), "every outcome recorded");
                assertOneDeliveryEach(acme, hook, acknowledged);
            }
            try (TestServer again = TestServer.withLoopbackReceivers(data, java.time.Clock.systemUTC(), c -> c)) {
                assertThat(again.anonymous().get("/health").status()).isEqualTo(200);
                assertOneDeliveryEach(again.withKey(key), hook, acknowledged);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * While outcomes cannot be recorded, nothing more is sent: only what was in flight when the disk filled
     * arrives, and it is recorded once space is back, so nothing goes out twice. Seen from outside before:
     * a store that could not write kept sending every delivery it held, and after the restart a third to a
     * half of them went out again.
     */
    @Test
    void whileTheDiskIsFullNothingIsSentBeyondWhatWasInFlight() throws Exception {
        Path mount = smallDisk();
        try (Receiver receiver = new Receiver()) {
            receiver.answer(r -> new Receiver.Answer(200, java.util.Map.of(), "", Duration.ofMillis(100)));
            Path data = mount.resolve("data");
            Set<String> acknowledged = new LinkedHashSet<>();
            String key;
            String hook;
            TestServer server = TestServer.withLoopbackReceivers(data, java.time.Clock.systemUTC(), c -> c);
            boolean gaveUp = false;
            try {
                ApiClient acme = server.tenant("acme");
                key = acme.key();
                hook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/hook") + "\"}").json().get("id").asText();
                for (int batch = 0; batch < 4; batch++) {
                    StringBuilder body = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < 500; i++) {
                        String id = "f-" + batch + "-" + i;
                        body.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(id).append("\",\"event_type\":\"order.created\"}");
                        acknowledged.add(id);
                    }
                    assertThat(acme.post("/v1/events", body.append("]}").toString()).status()).isEqualTo(200);
                }
                Receiver.await(() -> receiver.received().size() >= 100, Duration.ofSeconds(30), "deliveries under way");
                fillUp(mount.resolve("filler"));
                assertOnlyWhatWasInFlightArrives(server, receiver);
                assertThat(receiver.received().size()).as("most still waiting").isLessThan(acknowledged.size() - 500);
                Files.delete(mount.resolve("filler"));
                // DuckDB may have given the database up (then it is reopened below, as a supervisor restarting the process would).
                gaveUp = server.app().needsRestart();
                if (!gaveUp) {
                    Receiver.await(() -> receivedEventIds(receiver).containsAll(acknowledged), Duration.ofSeconds(60),
                            "every event at the receiver once space is back, without a restart");
                }
            } finally {
                try {
                    server.close();
                } catch (RuntimeException closingAnInvalidatedStore) {
                    if (!gaveUp) throw closingAnInvalidatedStore;
                }
            }
            try (TestServer again = TestServer.withLoopbackReceivers(data, java.time.Clock.systemUTC(), c -> c)) {
                Receiver.await(() -> receivedEventIds(receiver).containsAll(acknowledged), Duration.ofSeconds(60), "every event at the receiver");
                ApiClient acme = again.withKey(key);
                Receiver.await(() -> acme.get("/v1/webhooks/" + hook + "/deliveries?status=pending").json().get("deliveries").isEmpty(),
                        Duration.ofSeconds(30), "every outcome recorded");
                assertOneDeliveryEach(acme, hook, acknowledged);
                assertThat(receiver.received().size() - acknowledged.size()).as("sent twice").isLessThanOrEqualTo(32);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * The same when events fill the disk, so that the event log's writer fails first and the delivery
     * file's still writes: the engine went on sending, at the webhook's rate, for the 30 s an outcome
     * waits for the event log (1,158 deliveries in an outside check), and after outages longer than the
     * lease sent them all again.
     */
    @Test
    void whenEventsFillTheDiskNothingIsSentBeyondWhatWasInFlight() throws Exception {
        Path mount = smallDisk();
        try (Receiver receiver = new Receiver()) {
            Path data = mount.resolve("data");
            Set<String> acknowledged = new LinkedHashSet<>();
            try (TestServer server = TestServer.withLoopbackReceivers(data, java.time.Clock.systemUTC(), c -> c)) {
                ApiClient acme = server.tenant("acme");
                // 100 a second: a backlog waits in the store and in the lane while the disk fills.
                String hook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/hook") + "\",\"rate_limit\":100}").json().get("id").asText();
                fill(mount.resolve("filler"), Files.getFileStore(mount).getUsableSpace() - (3L << 20));
                assertThat(postUntilRefused(acme, 20, 500, acknowledged).status()).isEqualTo(503);
                assertOnlyWhatWasInFlightArrives(server, receiver); // at 100 a second, 300 would arrive if sending went on
                Files.delete(mount.resolve("filler"));
                Receiver.await(() -> receivedEventIds(receiver).containsAll(acknowledged), Duration.ofSeconds(90),
                        "every acknowledged event at the receiver once space is back, without a restart");
                Receiver.await(() -> acme.get("/v1/webhooks/" + hook + "/deliveries?status=pending").json().get("deliveries").isEmpty(),
                        Duration.ofSeconds(30), "every outcome recorded");
                assertOneDeliveryEach(acme, hook, acknowledged);
                assertThat(receiver.received().size() - acknowledged.size()).as("sent twice").isLessThanOrEqualTo(32);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * A start on a disk with no room to fold the write-ahead log a crash left into the database file: the
     * fold fails, and DuckDB gives the database up when a checkpoint fails, so the start used to fail with a
     * stack trace. Now it attaches the files again, replays the log, and serves what it holds.
     */
    @Test
    void aStartOnAFullDiskAfterACrashServesWhatTheLogHolds() throws Exception {
        Path mount = smallDisk();
        try {
            Path data = mount.resolve("data");
            Path log = dir.resolve("child.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            // Its temporary folder is the test's: the halted child leaves its copy of DuckDB's native library behind.
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"),
                    dev.eventwire.store.duckdb.WriteAndHalt.class.getName(), data.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("written");
            assertThat(Files.size(data.resolve("eventwire.duckdb.wal"))).as("the crash left the log").isPositive();
            fillUp(mount.resolve("filler"));

            try (dev.eventwire.store.duckdb.DuckDbDatabase database = dev.eventwire.store.duckdb.DuckDbDatabase.open(data)) {
                long rows = database.read(c -> {
                    try (java.sql.Statement st = c.createStatement();
                         java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM fan_out_sets WHERE id >= 1000")) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
                assertThat(rows).as("every row the crashed process committed").isEqualTo(200);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /** A backup that meets a full disk says so, leaves nothing at its path, and the server serves on. */
    @Test
    void aBackupToAFullDiskAnswers503WithTheReasonAndLeavesNothing() throws Exception {
        Path mount = smallDisk();
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            ApiClient acme = server.tenant("acme");
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 1000; i++) batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"k-").append(i).append("\",\"event_type\":\"order.created\"}");
            assertThat(acme.post("/v1/events", batch.append("]}").toString()).status()).isEqualTo(200);
            fillUp(mount.resolve("filler"));

            ApiClient.Response refused = server.admin().post("/v1/admin/backups", "{\"to\":\"" + mount.resolve("nightly") + "\"}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("backup_failed");
            assertThat(refused.json().at("/error/message").asText()).containsIgnoringCase("space");
            try (var left = Files.list(mount)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("filler");
            }
            assertThat(server.metric("eventwire_backups_total{outcome=\"failed\"}")).isEqualTo(1);
            assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
            assertThat(acme.post("/v1/events", "{\"event_id\":\"after\",\"event_type\":\"order.created\"}").status()).isEqualTo(202);

            Files.delete(mount.resolve("filler"));
            assertThat(server.admin().post("/v1/admin/backups", "{\"to\":\"" + mount.resolve("nightly") + "\"}").status()).as("once there is room").isEqualTo(201);
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /** A disk with room for part of the backup: the copy stops part way, and the answer says the disk is full, in those words. */
    @Test
    void aBackupThatFillsTheDiskPartWaySaysTheDiskIsFull() throws Exception {
        Path mount = smallDisk();
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            ApiClient acme = server.tenant("acme");
            java.util.Random random = new java.util.Random(7);
            for (int b = 0; b < 4; b++) {
                StringBuilder batch = new StringBuilder("{\"events\":[");
                for (int i = 0; i < 1000; i++) {
                    StringBuilder note = new StringBuilder();
                    for (int k = 0; k < 1_000; k++) note.append((char) ('a' + random.nextInt(26)));
                    batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"p-").append(b).append('-').append(i)
                            .append("\",\"event_type\":\"order.created\",\"data\":{\"note\":\"").append(note).append("\"}}");
                }
                assertThat(acme.post("/v1/events", batch.append("]}").toString()).status()).isEqualTo(200);
            }
            // Room for about half of the copy (the events alone are 4 MB of text that does not compress).
            fill(mount.resolve("filler"), Files.getFileStore(mount).getUsableSpace() - (2L << 20));

            ApiClient.Response refused = server.admin().post("/v1/admin/backups", "{\"to\":\"" + mount.resolve("nightly") + "\"}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.json().at("/error/message").asText()).contains("No space left on device").doesNotContain("DETACH");
            try (var left = Files.list(mount)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("filler");
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * Once {@code server} says its store cannot write, at most the 32 requests in flight to the webhook
     * arrive in the next 3 s: what arrives then was sent after the store said so, or was in flight.
     */
    private static void assertOnlyWhatWasInFlightArrives(TestServer server, Receiver receiver) throws InterruptedException {
        Receiver.await(() -> server.anonymous().get("/health").status() == 503, Duration.ofSeconds(30), "the store to say it cannot write");
        int atRefusal = receiver.received().size();
        Thread.sleep(3000);
        assertThat(receiver.received().size() - atRefusal).as("arrived in the 3 s after the store could not write: at most the 32 in flight to the webhook")
                .isLessThanOrEqualTo(32);
    }

    /** Writes {@code file} until the disk has no room left. */
    private static void fillUp(Path file) throws IOException {
        byte[] chunk = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) out.write(chunk);
        } catch (IOException full) {
            if (Files.getFileStore(file.getParent()).getUsableSpace() > (256 << 10)) throw full;
        }
    }

    /** A 40 MB tmpfs mounted in the test's folder (unmounted by the test when done). */
    private Path smallDisk() throws IOException, InterruptedException {
        Path mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        if (run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mount.toString()) != 0) {
            fail("this test mounts a 40 MB tmpfs to fill it: run the suite as root (CI does), or with CAP_SYS_ADMIN");
        }
        return mount;
    }

    /** Posts batches of {@code perBatch} padded events until one is refused; returns the refusal, adds the acknowledged ids. */
    private static ApiClient.Response postUntilRefused(ApiClient acme, int perBatch, int padBytes, java.util.Collection<String> acknowledged) {
        String pad = "x".repeat(padBytes);
        for (int request = 0; request < 100_000 / perBatch; request++) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = 0; i < perBatch; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"d-").append(request).append('-').append(i)
                        .append("\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":1,\"pad\":\"").append(pad).append("\"}}");
            }
            ApiClient.Response r = acme.post("/v1/events", batch.append("]}").toString());
            if (r.status() != 200) return r;
            for (int i = 0; i < perBatch; i++) acknowledged.add("d-" + request + "-" + i);
        }
        throw new AssertionError("the disk never filled up");
    }

    private static Set<String> receivedEventIds(Receiver receiver) {
        Set<String> ids = new HashSet<>();
        for (Receiver.Received r : receiver.received()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"event_id\":\"([^\"]+)\"").matcher(r.body());
            if (m.find()) ids.add(m.group(1));
        }
        return ids;
    }

    /** The webhook's deliveries, every page: one per acknowledged event, none twice, none pending. */
    private static void assertOneDeliveryEach(ApiClient acme, String hook, Set<String> acknowledged) {
        List<String> listed = new ArrayList<>();
        Set<String> pending = new HashSet<>();
        String cursor = null;
        do {
            ApiClient.Response page = acme.get("/v1/webhooks/" + hook + "/deliveries?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.json().get("deliveries").forEach(d -> {
                listed.add(d.get("event_id").asText());
                if (!d.get("status").asText().equals("delivered")) pending.add(d.get("event_id").asText());
            });
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
        } while (cursor != null);
        assertThat(listed).as("deliveries listed").hasSize(acknowledged.size()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(acknowledged);
        assertThat(pending).as("deliveries not delivered").isEmpty();
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written + chunk.length <= bytes; written += chunk.length) out.write(chunk);
        }
    }
}
