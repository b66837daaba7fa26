package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child JVM runs {@code serve}; it is killed with SIGKILL while ingesting and delivering, then
 * started again on the same folder. Every acknowledged event reaches the webhook at least once, and
 * repeats carry the same webhook-id.
 */
class CrashTest {
    static final String ADMIN_KEY = "ew_admin_crash_test_0123456789";

    @TempDir
    Path dir;
    /** The output and temporary folder of the children, which die without removing their copy of DuckDB's native library; deleted with the test. */
    @TempDir
    Path logs;

    @Test
    void everyAcknowledgedEventIsDeliveredAfterAKill9() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofMillis(30)));
            int port = freePort();
            Process first = startChild(port);
            ApiClient admin = new ApiClient("http://127.0.0.1:" + port, ADMIN_KEY);
            awaitHealthy(admin);
            String key = admin.post("/v1/admin/keys", "{\"tenant\":\"acme\",\"name\":\"crash\"}").json().get("key").asText();
            ApiClient acme = new ApiClient("http://127.0.0.1:" + port, key);
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/crash") + "\"}").status()).isEqualTo(201);

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int writer = t;
                writers.add(Thread.ofVirtual().start(() -> {
                    for (int b = 0; ; b++) {
                        StringBuilder body = new StringBuilder("{\"events\":[");
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            String id = "c-" + writer + "-" + b + "-" + i;
                            ids.add(id);
                            body.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(id).append("\",\"event_type\":\"order.created\"}");
                        }
                        try {
                            ApiClient.Response r = acme.post("/v1/events", body.append("]}").toString());
                            if (r.status() != 200) return;
                            acknowledged.addAll(ids);
                        } catch (RuntimeException connectionLost) {
                            return;
                        }
                    }
                }));
            }
            await(() -> acknowledged.size() >= 1500 && receiver.received().size() >= 200, Duration.ofSeconds(60), "ingest and delivery under way");
            first.destroyForcibly();
            first.waitFor();
            for (Thread w : writers) w.join();
            int deliveredBeforeKill = receiver.received().size();
            assertThat(deliveredBeforeKill).as("the kill happened mid-stream").isLessThan(acknowledged.size());

            Process second = startChild(port);
            try {
                awaitHealthy(admin);
                await(() -> receivedIds(receiver).containsAll(acknowledged), Duration.ofSeconds(90), "every acknowledged event delivered");
                Map<String, Set<String>> idsPerEvent = receiver.received().stream().collect(Collectors.groupingBy(
                        r -> r.body().replaceAll(".*?\"event_id\":\"([^\"]+)\".*", "$1"),
                        Collectors.mapping(r -> r.header("webhook-id"), Collectors.toSet())));
                assertThat(idsPerEvent.values()).allSatisfy(ids -> assertThat(ids).as("one webhook-id per event").hasSize(1));

                // The ids acknowledged before the kill are still taken: sent again, every one is a duplicate.
                List<String> sample = acknowledged.stream().sorted().limit(500).toList();
                StringBuilder again = new StringBuilder("{\"events\":[");
                for (int i = 0; i < sample.size(); i++) {
                    again.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(sample.get(i)).append("\",\"event_type\":\"order.created\"}");
                }
                ApiClient.Response resent = acme.post("/v1/events", again.append("]}").toString());
                assertThat(resent.json().get("duplicates").asInt()).as("acknowledged before the kill, taken after it").isEqualTo(sample.size());
                assertThat(acme.get("/v1/events/" + sample.getFirst()).status()).isEqualTo(200);
            } finally {
                second.destroy();
                second.waitFor();
            }
            assertThat(second.exitValue()).as("SIGTERM drains and exits 0").isZero();
        }
    }

    static Set<String> receivedIds(Receiver receiver) {
        return receiver.received().stream().map(r -> r.body().replaceAll(".*?\"event_id\":\"([^\"]+)\".*", "$1")).collect(Collectors.toSet());
    }

    private Process startChild(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + logs, "-cp", System.getProperty("java.class.path"),
                "dev.eventwire.cli.Main", "serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--data", dir.toString(),
                "--egress-allow", "127.0.0.1/32", "--retry-schedule", "1s,1s,1s");
        pb.environment().put("EVENTWIRE_ADMIN_KEY", ADMIN_KEY);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(Files.createTempFile(logs, "child", ".log").toFile()));
        return pb.start();
    }

    private static void awaitHealthy(ApiClient client) {
        await(() -> {
            try {
                return client.get("/health").status() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        }, Duration.ofSeconds(30), "child server healthy");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
