package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No browser or proxy keeps a copy of a /v1 answer: they are one key's data, and some carry secrets. */
class CacheControlTest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() {
        // Loopback receivers allowed: the webhook below is created, never called.
        server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyApiAnswerSaysNoStoreAndTheConsoleFilesKeepTheirOwnHeader() {
        ApiClient.Response key = server.admin().post("/v1/admin/keys", "{\"tenant\":\"acme\",\"name\":\"k\"}");
        ApiClient acme = server.withKey(key.json().get("key").asText());
        ApiClient.Response created = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:27999/a\"}");
        String id = created.json().get("id").asText();
        ApiClient.Response secret = acme.get("/v1/webhooks/" + id + "/secret");
        ApiClient.Response rotated = acme.post("/v1/webhooks/" + id + "/secret/rotate", "{\"previous_valid_for\":\"1h\"}");
        ApiClient.Response events = acme.get("/v1/events");
        ApiClient.Response noKey = server.anonymous().get("/v1/webhooks");
        ApiClient.Response missing = acme.get("/v1/webhooks/wh_nope");
        assertThat(new int[] {key.status(), created.status(), secret.status(), rotated.status(), events.status(), noKey.status(), missing.status()})
                .containsExactly(201, 201, 200, 200, 200, 401, 404);
        for (ApiClient.Response r : new ApiClient.Response[] {key, created, secret, rotated, events, noKey, missing}) {
            assertThat(r.header("Cache-Control")).as(r.raw().request().method() + " " + r.raw().uri().getPath()).isEqualTo("no-store");
        }
        assertThat(server.anonymous().get("/console").header("Cache-Control")).as("console files revalidate, as documented").isEqualTo("no-cache");
    }
}
