package dev.eventwire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text PostgreSQL cannot store (a NUL character, a lone surrogate) is refused with a 4xx before it
 * reaches the database, or stored in a form it can hold — never a 500 from a refused insert.
 */
@ExtendWith(PostgresServer.class)
class HostileTextOnPostgresTest {
    private final PostgresServer.Handle postgres;
    @TempDir
    Path dir;

    HostileTextOnPostgresTest(PostgresServer.Handle postgres) {
        this.postgres = postgres;
    }

    @Test
    void nulAndLoneSurrogatesAreRefusedOrKeptInAFormTheDatabaseHolds() {
        String url = postgres.freshDatabase();
        try (TestServer server = TestServer.replica(dir, url, "replica-a")) {
            ApiClient acme = server.tenant("acme");
            // Malformed JSON is kept as a rejected event, as the bytes arrived: here with a NUL and bytes that are not UTF-8.
            byte[] malformed = "{\"event_type\":\"a.b\", \u0000 \"x\":".getBytes(StandardCharsets.UTF_8);
            byte[] withBadBytes = new byte[malformed.length + 2];
            System.arraycopy(malformed, 0, withBadBytes, 0, malformed.length);
            withBadBytes[malformed.length] = (byte) 0xC3;
            withBadBytes[malformed.length + 1] = (byte) 0x28;
            ApiClient.Response r = acme.post("/v1/events", withBadBytes);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(acme.get("/v1/rejected-events").json().get("rejected")).hasSize(1);
            // A NUL in a field name the error names back is kept too.
            ApiClient.Response unknown = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"x\\u0000y\":1}");
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
            assertThat(acme.get("/v1/rejected-events").json().get("rejected")).hasSize(2);

            assertThat(server.admin().post("/v1/admin/keys", "{\"tenant\":\"acme\",\"name\":\"k\\u0000\"}").status()).isEqualTo(422);
            assertThat(server.admin().post("/v1/admin/keys", "{\"tenant\":\"acme\",\"name\":\"k\\ud800\"}").status()).isEqualTo(422);
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"description\":\"a\\u0000b\"}").status()).isEqualTo(422);
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"description\":\"a\\ud800b\"}").status()).isEqualTo(422);
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"filters\":{\"entity_ids\":[\"a\\ud800\"]}}").status()).isEqualTo(422);
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"description\":\"line one\\nline two\\ttabbed\"}").status())
                    .as("line breaks and tabs in a description are fine").isEqualTo(201);
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"s\":\"nul \\u0000 inside data\"}}").status())
                    .as("data is stored as JSON text, where a NUL is an escape").isEqualTo(202);
            // A NUL in a filter is the client's mistake: 422, not a 503 that says to retry.
            for (String query : new String[]{"event_type=%00", "entity_id=%00", "entity_id=a%00b", "event_type=order%00"}) {
                ApiClient.Response filtered = acme.get("/v1/events?" + query);
                assertThat(filtered.status()).as(query + ": " + filtered.body()).isEqualTo(422);
                assertThat(filtered.json().get("error").get("code").asText()).isEqualTo("invalid_value");
            }
            assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aNulInAReceiversAnswerOrInAMetricValueFailsNoOtherTenantsWrites() {
        // Before, a receiver's answer holding a NUL failed every outcome batched with it, every tenant's, again and
        // again: no replica recorded a delivery, and /health went 503 on all of them (seen from outside).
        try (Receiver hostile = new Receiver(); Receiver fine = new Receiver(); TestServer server = TestServer.replica(dir, postgres.freshDatabase(), "replica-a")) {
            hostile.answer(r -> new Receiver.Answer(500, Map.of(), "bad\u0000answer", Duration.ZERO));
            ApiClient mallory = server.tenant("mallory");
            ApiClient acme = server.tenant("acme");
            String hostileHook = mallory.post("/v1/webhooks", "{\"url\":\"" + hostile.url("/h") + "\"}").json().get("id").asText();
            String fineHook = acme.post("/v1/webhooks", "{\"url\":\"" + fine.url("/f") + "\"}").json().get("id").asText();
            for (int i = 0; i < 20; i++) {
                assertThat(mallory.post("/v1/events", "{\"event_id\":\"m-" + i + "\",\"event_type\":\"order.created\",\"data\":{\"session_id\":\"s\\u0000" + i + "\"}}").status())
                        .as("a NUL in a value a metric counts").isEqualTo(202);
                assertThat(acme.post("/v1/events", "{\"event_id\":\"a-" + i + "\",\"event_type\":\"order.created\"}").status()).isEqualTo(202);
            }
            Receiver.await(() -> "delivered".equals(acme.get("/v1/webhooks/" + fineHook + "/deliveries/a-19").json().path("status").asText())
                    && acme.get("/v1/webhooks/" + fineHook + "/deliveries?status=pending").json().get("deliveries").isEmpty(),
                    Duration.ofSeconds(30), "the other tenant's 20 deliveries recorded as delivered");
            Receiver.await(() -> !mallory.get("/v1/webhooks/" + hostileHook + "/logs").json().get("logs").isEmpty(), Duration.ofSeconds(30),
                    "the hostile receiver's answers in the attempt log");
            assertThat(mallory.get("/v1/webhooks/" + hostileHook + "/logs").json().get("logs").get(0).get("response_body").asText())
                    .isEqualTo("bad\uFFFDanswer");
            assertThat(mallory.get("/v1/metrics/converted_sessions?window=24h").json().get("value").asInt()).as("20 distinct sessions").isEqualTo(20);
            assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
        }
    }
}
