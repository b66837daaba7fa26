package dev.eventwire.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every field rule of an event (README, docs/api-choices.md), through the real HTTP API, with its status, error code and field. */
class EventValidationTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static ApiClient acme;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        acme = server.tenant("acme");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> invalidEvents() {
        String future = Instant.now().plus(10, ChronoUnit.MINUTES).toString();
        String longId = "a".repeat(129);
        String bigData = "{\"event_type\":\"a.b\",\"data\":{\"blob\":\"" + "x".repeat(256 * 1024) + "\"}}";
        return Stream.of(
                Arguments.of("missing event_type", "{}", "missing_field", "event_type"),
                Arguments.of("null event_type", "{\"event_type\":null}", "missing_field", "event_type"),
                Arguments.of("event_type not a string", "{\"event_type\":5}", "invalid_type", "event_type"),
                Arguments.of("empty event_type", "{\"event_type\":\"\"}", "invalid_length", "event_type"),
                Arguments.of("event_type too long", "{\"event_type\":\"" + "a".repeat(129) + "\"}", "invalid_length", "event_type"),
                Arguments.of("event_type upper case", "{\"event_type\":\"Order.created\"}", "invalid_format", "event_type"),
                Arguments.of("event_type starts with digit", "{\"event_type\":\"1order\"}", "invalid_format", "event_type"),
                Arguments.of("event_type trailing dot", "{\"event_type\":\"order.\"}", "invalid_format", "event_type"),
                Arguments.of("event_type double dot", "{\"event_type\":\"order..created\"}", "invalid_format", "event_type"),
                Arguments.of("event_type with dash", "{\"event_type\":\"order-created\"}", "invalid_format", "event_type"),
                Arguments.of("event_id not a string", "{\"event_type\":\"a.b\",\"event_id\":12}", "invalid_type", "event_id"),
                Arguments.of("event_id empty", "{\"event_type\":\"a.b\",\"event_id\":\"\"}", "invalid_format", "event_id"),
                Arguments.of("event_id too long", "{\"event_type\":\"a.b\",\"event_id\":\"" + longId + "\"}", "invalid_format", "event_id"),
                Arguments.of("event_id with space", "{\"event_type\":\"a.b\",\"event_id\":\"a b\"}", "invalid_format", "event_id"),
                Arguments.of("event_id with slash", "{\"event_type\":\"a.b\",\"event_id\":\"a/b\"}", "invalid_format", "event_id"),
                Arguments.of("occurred_at not a string", "{\"event_type\":\"a.b\",\"occurred_at\":1700000000}", "invalid_type", "occurred_at"),
                Arguments.of("occurred_at without offset", "{\"event_type\":\"a.b\",\"occurred_at\":\"2026-01-01T00:00:00\"}", "invalid_format", "occurred_at"),
                Arguments.of("occurred_at a date only", "{\"event_type\":\"a.b\",\"occurred_at\":\"2026-01-01\"}", "invalid_format", "occurred_at"),
                Arguments.of("occurred_at nonsense", "{\"event_type\":\"a.b\",\"occurred_at\":\"yesterday\"}", "invalid_format", "occurred_at"),
                Arguments.of("occurred_at 10 min ahead", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + future + "\"}", "occurred_in_future", "occurred_at"),
                Arguments.of("entity_id not a string", "{\"event_type\":\"a.b\",\"entity_id\":42}", "invalid_type", "entity_id"),
                Arguments.of("entity_id empty", "{\"event_type\":\"a.b\",\"entity_id\":\"\"}", "invalid_length", "entity_id"),
                Arguments.of("entity_id too long", "{\"event_type\":\"a.b\",\"entity_id\":\"" + "e".repeat(129) + "\"}", "invalid_length", "entity_id"),
                Arguments.of("data an array", "{\"event_type\":\"a.b\",\"data\":[1]}", "invalid_type", "data"),
                Arguments.of("data a string", "{\"event_type\":\"a.b\",\"data\":\"x\"}", "invalid_type", "data"),
                Arguments.of("data over 256 KiB", bigData, "too_large", "data"),
                Arguments.of("unknown field", "{\"event_type\":\"a.b\",\"amount\":3}", "unknown_field", "amount"),
                Arguments.of("not an object", "[1,2]", "invalid_type", null),
                Arguments.of("a bare string", "\"order.created\"", "invalid_type", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void singleInvalidEventIs422WithCodeAndField(String label, String body, String code, String field) {
        ApiClient.Response r = acme.post("/v1/events", body);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonNode error = r.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        if (field == null) assertThat(error.get("field").isNull()).isTrue();
        else assertThat(error.get("field").asText()).isEqualTo(field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void sameRuleRejectsTheItemInsideABatch(String label, String body, String code, String field) {
        ApiClient.Response r = acme.post("/v1/events", "{\"events\":[{\"event_type\":\"ok.one\"}," + body + "]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode item = r.json().get("results").get(1);
        assertThat(item.get("index").asInt()).isEqualTo(1);
        assertThat(item.get("status").asText()).isEqualTo("rejected");
        assertThat(item.get("error").get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(r.json().get("rejected").asInt()).isEqualTo(1);
    }

    @Test
    void validEventsWithEveryOptionalFieldAreAccepted() {
        ApiClient.Response r = acme.post("/v1/events", """
                {"event_id":"Ord-1.a:b_c","event_type":"order.created","occurred_at":"2026-01-31T12:00:00.123+02:00",
                 "entity_id":"order 1","data":{"total_amount":19.99,"big":123456789012345678901234567890.5}}""");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("event_id").asText()).isEqualTo("Ord-1.a:b_c");
        assertThat(r.json().get("status").asText()).isEqualTo("accepted");

        JsonNode stored = acme.get("/v1/events/Ord-1.a:b_c").json();
        assertThat(stored.get("occurred_at").asText()).isEqualTo("2026-01-31T10:00:00.123Z");
        assertThat(stored.get("entity_id").asText()).isEqualTo("order 1");
        assertThat(acme.get("/v1/events/Ord-1.a:b_c").body()).contains("\"big\":123456789012345678901234567890.5");
        assertThat(stored.get("received_at").asText()).isNotBlank();
    }

    @Test
    void generatedIdsAreTimeOrderedAndUnique() {
        String first = acme.post("/v1/events", "{\"event_type\":\"page.viewed\"}").json().get("event_id").asText();
        String second = acme.post("/v1/events", "{\"event_type\":\"page.viewed\"}").json().get("event_id").asText();
        assertThat(first).startsWith("evt_").isNotEqualTo(second);
        assertThat(first.substring(4, 14).compareTo(second.substring(4, 14))).isLessThanOrEqualTo(0);
    }

    @Test
    void occurredAtDefaultsToReceiveTimeAndDataToEmptyObject() {
        String id = acme.post("/v1/events", "{\"event_type\":\"deploy.finished\"}").json().get("event_id").asText();
        JsonNode stored = acme.get("/v1/events/" + id).json();
        assertThat(stored.get("occurred_at").asText()).isEqualTo(stored.get("received_at").asText());
        assertThat(stored.get("data").isObject()).isTrue();
        assertThat(stored.get("data").isEmpty()).isTrue();
        assertThat(stored.get("entity_id").isNull()).isTrue();
    }
}
