package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Path mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        if (run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mount.toString()) != 0) {
            fail("this test mounts a 40 MB tmpfs to fill it: run the suite as root (CI does), or with CAP_SYS_ADMIN");
        }
        try {
            Path data = mount.resolve("data");
            List<String> acknowledged = new ArrayList<>();
            String key;
            TestServer server = TestServer.start(data);
            try {
                ApiClient acme = server.tenant("acme");
                key = acme.key();
                fill(mount.resolve("filler"), Files.getFileStore(mount).getUsableSpace() - (3L << 20));
                String pad = "x".repeat(2000);
                ApiClient.Response refused = null;
                for (int request = 0; request < 500 && refused == null; request++) {
                    StringBuilder batch = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < 100; i++) {
                        batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"d-").append(request).append('-').append(i)
                                .append("\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":1,\"pad\":\"").append(pad).append("\"}}");
                    }
                    ApiClient.Response r = acme.post("/v1/events", batch.append("]}").toString());
                    if (r.status() == 200) {
                        for (int i = 0; i < 100; i++) acknowledged.add("d-" + request + "-" + i);
                    } else {
                        refused = r;
                    }
                }
                assertThat(refused).as("the disk filled up").isNotNull();
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isNotNull();
                assertThat(refused.body()).doesNotContain("Exception");
                ApiClient.Response health = server.anonymous().get("/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().get("error").get("message").asText()).contains("cannot write");
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

    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written + chunk.length <= bytes; written += chunk.length) out.write(chunk);
        }
    }
}
