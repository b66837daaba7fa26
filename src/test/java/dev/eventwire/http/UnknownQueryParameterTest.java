package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mistyped query parameter is refused, not ignored: ignored, a filter such as {@code event_typ=} came back
 * as the whole unfiltered list, which looks like an answer.
 */
class UnknownQueryParameterTest {
    @TempDir
    Path dir;

    @Test
    void aParameterTheRouteDoesNotTakeIsRefusedAndNamed() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"event_id\":\"o1\"}").status()).isEqualTo(202);
            assertThat(acme.post("/v1/events", "{\"event_type\":\"page.viewed\",\"event_id\":\"p1\"}").status()).isEqualTo(202);
            String hook = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/h\"}").json().get("id").asText();

            ApiClient.Response typo = acme.get("/v1/events?event_typ=order.created");
            assertRefused(typo, "event_typ");
            assertThat(typo.json().get("error").get("message").asText()).contains("this route takes: event_type, entity_id, limit, cursor.");
            assertRefused(acme.get("/v1/webhooks/" + hook + "/deliveries?state=dead"), "state");
            assertRefused(acme.get("/v1/metrics/events_total?windows=1h"), "windows");
            assertRefused(acme.get("/v1/webhooks/" + hook + "?limit=5"), "limit");
            assertRefused(acme.post("/v1/events?async=true", "{\"event_type\":\"a.b\"}"), "async");
            assertThat(acme.get("/v1/events/a.b").status()).as("nothing was stored by the refused post").isEqualTo(404);
            assertRefused(acme.patch("/v1/webhooks/" + hook + "?dry_run=1", "{\"description\":\"x\"}"), "dry_run");
            assertThat(acme.get("/v1/webhooks/" + hook).json().path("description").asText()).as("the refused PATCH changed nothing").isNotEqualTo("x");
            ApiClient.Response head = server.admin().head("/v1/admin/keys?tenant=acme");
            assertThat(head.status()).as("HEAD is checked as its GET").isEqualTo(400);

            // A name is repeated as body field names are: control and bidirectional characters written out, long ones cut.
            for (String[] name : new String[][]{{"a%1Bb", "a\\u001Bb"}, {"a%0Ab", "a\\u000Ab"}, {"a%00b", "a\\u0000b"}, {"a%E2%80%AEb", "a\\u202Eb"}}) {
                ApiClient.Response hostile = acme.get("/v1/events?" + name[0] + "=1");
                assertRefused(hostile, name[1]);
                assertThat(hostile.json().get("error").get("message").asText()).contains("'" + name[1] + "'").doesNotContain("\u001b", "\n", "\u0000", "\u202e");
            }
            ApiClient.Response longName = acme.get("/v1/events?" + "n".repeat(5000) + "=1");
            assertRefused(longName, "n".repeat(64) + "… (5000 characters)");

            // What the document names is taken: the filter works.
            JsonNode filtered = acme.get("/v1/events?event_type=order.created&limit=10").json().get("events");
            assertThat(filtered).hasSize(1);
            assertThat(filtered.get(0).get("event_id").asText()).isEqualTo("o1");
            assertThat(acme.get("/v1/metrics/events_total?window=1h").status()).isEqualTo(200);
            assertThat(acme.get("/v1/webhooks/" + hook + "/deliveries?status=dead&limit=5").status()).isEqualTo(200);

            // An empty value is refused too: taken as absent, status= listed every status.
            for (String query : new String[]{"status=", "status=&limit=5", "limit=", "status=%20"}) {
                ApiClient.Response empty = acme.get("/v1/webhooks/" + hook + "/deliveries?" + query);
                assertThat(empty.status()).as(query).isEqualTo(422);
                assertThat(empty.json().get("error").get("code").asText()).isEqualTo("invalid_value");
                assertThat(empty.json().get("error").get("field").asText()).isIn("status", "limit");
            }
            assertThat(acme.get("/v1/metrics/events_total?window=").status()).isEqualTo(422);

            // A stray & names no parameter: the query is read as if it were not there.
            assertThat(acme.get("/v1/events?event_type=order.created&").json().get("events")).hasSize(1);
            assertThat(acme.get("/v1/events?&event_type=order.created&&limit=10").json().get("events")).hasSize(1);
            assertThat(acme.get("/v1/webhooks/" + hook + "/deliveries?&").status()).isEqualTo(200);
            assertThat(acme.get("/v1/metrics/events_total?window=1h&").status()).isEqualTo(200);
            assertThat(acme.get("/v1/webhooks?").status()).isEqualTo(200);
            assertRefused(acme.get("/v1/events?=5"), "");
            ApiClient.Response control = acme.get("/v1/events?entity_id=a%01b");
            assertThat(control.status()).as("a control character in a value").isEqualTo(422);
            assertThat(control.json().get("error").get("field").asText()).isEqualTo("entity_id");

            // Who is not let in learns nothing about parameters: 401 comes first.
            assertThat(new ApiClient(server.baseUrl(), "wrong").get("/v1/events?event_typ=x").status()).isEqualTo(401);
        }
    }

    @Test
    void everyDocumentedOperationHasItsParametersAndNoOthers() {
        QueryParameters documented = QueryParameters.shipped();
        assertThat(documented.of("GET", "/v1/events")).contains(Set.of("event_type", "entity_id", "limit", "cursor"));
        assertThat(documented.of("GET", "/v1/webhooks/{id}/deliveries")).contains(Set.of("status", "message_id", "limit", "cursor"));
        assertThat(documented.of("GET", "/v1/metrics/{name}")).contains(Set.of("window", "as_of"));
        assertThat(documented.of("HEAD", "/v1/rejected-events")).contains(Set.of("limit", "cursor"));
        assertThat(documented.of("POST", "/v1/events")).contains(Set.of());
        assertThat(documented.of("GET", "/v1/not-a-route")).isEmpty();
    }

    private static void assertRefused(ApiClient.Response r, String parameter) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("unknown_parameter");
        assertThat(r.json().get("error").get("field").asText()).isEqualTo(parameter);
        assertThat(r.json().get("error").get("message").asText()).contains("'" + parameter + "'");
    }
}
