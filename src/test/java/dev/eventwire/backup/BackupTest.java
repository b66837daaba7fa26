package dev.eventwire.backup;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups written by the running server (embedded store), restored by starting a server on them. */
class BackupTest {
    @TempDir
    Path dir;

    @Test
    void aBackupTakenWhileEventsArriveHoldsEveryAcknowledgedEventAndAServerStartsOnIt() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backups").resolve("nightly");
        Files.createDirectories(backup.getParent());
        try (Receiver receiver = new Receiver()) {
            receiver.answerStatus(503);
            // The admin key the server generated into the data folder (here written before its start): the backup carries it.
            Files.createDirectories(data);
            Files.writeString(data.resolve("admin.key"), TestServer.ADMIN_KEY + "\n");
            Files.setPosixFilePermissions(data.resolve("admin.key"), PosixFilePermissions.fromString("rw-------"));
            TestServer server = TestServer.withLoopbackReceivers(data, clock, c -> c.withRetrySchedule(List.of(Duration.ofMinutes(5)))
                    .withAdminKey(java.util.Optional.empty()));
            ApiClient acme = server.tenant("acme");
            String webhook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/r") + "\"}").json().get("id").asText();
            String secret = acme.get("/v1/webhooks/" + webhook + "/secret").json().get("secret").asText();
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 300; i++) batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"b-").append(i).append("\",\"event_type\":\"order.created\"}");
            assertThat(acme.post("/v1/events", batch.append("]}").toString()).json().get("accepted").asInt()).isEqualTo(300);

            // Events keep arriving while the backup is written; each one acknowledged before it was asked for is in it.
            Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            AtomicBoolean posting = new AtomicBoolean(true);
            CompletableFuture<Void> during = CompletableFuture.runAsync(() -> {
                for (int i = 0; posting.get(); i++) {
                    if (acme.post("/v1/events", "{\"event_id\":\"d-" + i + "\",\"event_type\":\"order.created\"}").status() == 202) acknowledged.add("d-" + i);
                }
            });
            await(() -> acknowledged.size() >= 20, Duration.ofSeconds(10), "events arriving");
            Set<String> before = new HashSet<>(acknowledged);
            ApiClient.Response taken = server.admin().post("/v1/admin/backups", "{\"to\":\"" + backup + "\"}");
            posting.set(false);
            during.get();
            assertThat(taken.status()).as(taken.body()).isEqualTo(201);
            JsonNode answer = taken.json();
            assertThat(answer.get("path").asText()).isEqualTo(backup.toString());
            List<String> names = new ArrayList<>();
            long sum = 0;
            for (JsonNode f : answer.get("files")) {
                names.add(f.get("name").asText());
                assertThat(Files.size(backup.resolve(f.get("name").asText()))).isEqualTo(f.get("bytes").asLong());
                sum += f.get("bytes").asLong();
            }
            assertThat(names).containsExactlyInAnyOrder("eventwire.duckdb", "deliveries.duckdb", "admin.key");
            assertThat(answer.get("bytes").asLong()).isEqualTo(sum);
            assertThat(answer.get("took_ms").asLong()).isNotNegative();
            assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.readString(backup.resolve("admin.key"))).isEqualTo(TestServer.ADMIN_KEY + "\n");
            assertThat(Files.getPosixFilePermissions(backup.resolve("admin.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(backup.resolveSibling("nightly.incomplete")).doesNotExist();
            assertThat(backup.resolve(StoreSnapshots.INCOMPLETE_MARKER)).as("a whole backup is not marked").doesNotExist();
            assertThat(Thread.getAllStackTraces().keySet()).as("the thread forcing the copy as it is written ends with it")
                    .noneMatch(t -> t.getName().equals("eventwire-backup-write-back"));
            assertThat(server.metric("eventwire_backups_total{outcome=\"written\"}")).isEqualTo(1);
            assertThat(server.metric("eventwire_backup_last_written_size_bytes")).isEqualTo(sum);
            assertThat(server.metric("eventwire_backup_last_written_timestamp_seconds"))
                    .isBetween(java.time.Instant.now().minusSeconds(60).getEpochSecond(), java.time.Instant.now().getEpochSecond() + 1);
            acme.post("/v1/events", "{\"event_id\":\"after\",\"event_type\":\"order.created\"}");
            await(() -> receiver.receivedFor("after").size() == 1, Duration.ofSeconds(10), "the event after the backup attempted once");
            server.close();

            // Restored: the backup folder is the data folder. Keys, webhooks (with their secret), events and
            // pending deliveries are there; the event acknowledged after the backup is not.
            receiver.answerStatus(200);
            clock.advance(Duration.ofMinutes(6));
            try (TestServer restored = TestServer.withLoopbackReceivers(backup, clock, c -> c.withRetrySchedule(List.of(Duration.ofMinutes(5))))) {
                ApiClient client = restored.withKey(acme.key());
                assertThat(client.get("/v1/webhooks/" + webhook + "/secret").json().get("secret").asText()).isEqualTo(secret);
                assertThat(client.get("/v1/events/after").status()).isEqualTo(404);
                Set<String> expected = new HashSet<>(before);
                for (int i = 0; i < 300; i++) expected.add("b-" + i);
                for (String id : before) assertThat(client.get("/v1/events/" + id).status()).as(id).isEqualTo(200);
                await(() -> expected.stream().allMatch(id -> !receiver.receivedFor(id).isEmpty()), Duration.ofSeconds(30),
                        "every event in the backup delivered after the restore");
                assertThat(receiver.receivedFor("after")).as("not sent again: the backup does not hold it").hasSize(1);
            }
        }
    }

    /**
     * An admin.key left from before EVENTWIRE_ADMIN_KEY was set holds a key the server no longer takes; a
     * backup that carried it brought the replaced key back with a restore (an outside check).
     */
    @Test
    void aBackupLeavesOutAnAdminKeyFileTheServerDoesNotUse() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("admin.key"), "ew_admin_replaced_0123456789abcdef\n");
        Path backup = dir.resolve("without-key");
        try (TestServer server = TestServer.start(data)) {
            assertThat(server.withKey("ew_admin_replaced_0123456789abcdef").get("/v1/admin/keys").status()).isEqualTo(401);
            ApiClient.Response taken = server.admin().post("/v1/admin/backups", "{\"to\":\"" + backup + "\"}");
            assertThat(taken.status()).as(taken.body()).isEqualTo(201);
            List<String> names = new ArrayList<>();
            taken.json().get("files").forEach(f -> names.add(f.get("name").asText()));
            assertThat(names).containsExactlyInAnyOrder("eventwire.duckdb", "deliveries.duckdb");
        }
        assertThat(backup.resolve("admin.key")).doesNotExist();
    }

    @Test
    void requestsThatCannotMakeANewBackupFolderAreRefusedAndLeaveNothing() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer server = TestServer.start(data)) {
            ApiClient admin = server.admin();
            Files.createDirectories(dir.resolve("taken"));
            Files.createDirectories(dir.resolve("cut.incomplete"));
            refused(admin, "{\"to\":\"relative/path\"}", 422, "invalid_path", "to");
            refused(admin, "{}", 422, "missing_field", "to");
            refused(admin, "{\"to\":null}", 422, "missing_field", "to");
            refused(admin, "{\"to\":5}", 422, "invalid_type", "to");
            refused(admin, "{\"to\":\"/\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("no/such/parent/b") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + data.resolve("inside") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("taken") + "\"}", 409, "already_exists", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("cut") + "\"}", 409, "already_exists", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("a\\u0000b") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("b") + "\",\"extra\":1}", 422, "unknown_field", "extra");
            // Through a link the path text does not show: the real paths are compared.
            Files.createSymbolicLink(dir.resolve("link-to-data"), data);
            refused(admin, "{\"to\":\"" + dir.resolve("link-to-data").resolve("deliveries.duckdb.wal") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"/proc/self/root" + data.resolve("inside") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("nightly.incomplete") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("line\\nbreak") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("trailing ") + "\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("n".repeat(250)) + "\"}", 422, "invalid_path", "to");
            // DuckDB reads \ as a separator and ? as options: the copy went to another folder than the one checked.
            Files.createDirectories(dir.resolve("q").resolve("sub.incomplete"));
            refused(admin, "{\"to\":\"" + dir.resolve("q") + "\\\\sub\"}", 422, "invalid_path", "to");
            refused(admin, "{\"to\":\"" + dir.resolve("h?x=1") + "\"}", 422, "invalid_path", "to");
            ApiClient.Response surrogate = admin.post("/v1/admin/backups", "{\"to\":\"" + dir + "/s\\ud800x\"}");
            assertThat(surrogate.status()).as(surrogate.body()).isEqualTo(422);
            assertThat(surrogate.json().at("/error/message").asText()).contains("lone UTF-16 surrogate").doesNotContain("Malformed");
            // Past the system's path limit once the files inside are named: refused, in a message of bounded length.
            Path deep = dir.resolve("deep");
            for (int i = 0; i < 20; i++) deep = deep.resolve(String.valueOf((char) ('d' + i % 3)).repeat(200));
            Files.createDirectories(deep);
            assertThat(deep.toString().length()).as("a folder the system can name, whose backup's files it cannot").isBetween(4_000, 4_080);
            ApiClient.Response tooLong = admin.post("/v1/admin/backups", "{\"to\":\"" + deep.resolve("g".repeat(10)) + "\"}");
            assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(422);
            assertThat(tooLong.json().at("/error/code").asText()).isEqualTo("invalid_path");
            assertThat(tooLong.json().at("/error/message").asText()).hasSizeLessThan(600).contains("too long");
            Files.writeString(dir.resolve("a-file"), "x");
            ApiClient.Response underAFile = admin.post("/v1/admin/backups", "{\"to\":\"" + dir.resolve("a-file").resolve("b") + "\"}");
            assertThat(underAFile.json().at("/error/message").asText()).endsWith("a-file is not a folder.");
            assertThat(server.tenant("acme").post("/v1/admin/backups", "{\"to\":\"" + dir.resolve("b") + "\"}").status()).isEqualTo(403);
            assertThat(admin.post("/v1/admin/backups", "{\"to\":").status()).isEqualTo(400);
            try (var left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("data", "taken", "cut.incomplete", "link-to-data", "a-file", "q", "deep");
            }
            try (var inQ = Files.list(dir.resolve("q").resolve("sub.incomplete"))) {
                assertThat(inQ).as("nothing written where DuckDB would have put the copy").isEmpty();
            }
            try (var inData = Files.list(data)) {
                assertThat(inData.map(p -> p.getFileName().toString())).doesNotContain("inside", "deliveries.duckdb.wal");
            }
            assertThat(server.metric("eventwire_backups_total{outcome=\"failed\"}")).as("refusals are not failed backups").isZero();
            assertThat(server.metric("eventwire_backup_last_written_timestamp_seconds")).as("none written yet").isZero();
            // The refusals left the server able to take one.
            assertThat(admin.post("/v1/admin/backups", "{\"to\":\"" + dir.resolve("b") + "\"}").status()).isEqualTo(201);
        }
    }

    private static void refused(ApiClient admin, String body, int status, String code, String field) {
        ApiClient.Response r = admin.post("/v1/admin/backups", body);
        assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(status);
        assertThat(r.json().at("/error/code").asText()).as(body).isEqualTo(code);
        assertThat(r.json().at("/error/field").asText()).as(body).isEqualTo(field);
        assertThat(r.body()).doesNotContain("Exception");
    }

    /** A folder a cut-off backup left (kill -9 mid-copy) looked like a data folder: a start on it served an empty store. */
    @Test
    void aServerDoesNotStartOnABackupThatWasCutOff() throws Exception {
        Path cut = Files.createDirectories(dir.resolve("nightly.incomplete"));
        Files.writeString(cut.resolve(StoreSnapshots.INCOMPLETE_MARKER), "still being written\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(cut))
                .isInstanceOf(dev.eventwire.support.StoreConfigurationException.class)
                .hasMessageContaining("is a backup that was cut off before it was complete");
        try (var left = Files.list(cut)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(StoreSnapshots.INCOMPLETE_MARKER);
        }
    }
}
