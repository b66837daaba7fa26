package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.bench.LocalServer;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of the events, webhooks and metrics APIs against one real server, with a fixed
 * budget and seed: hostile numbers, dates, Unicode, control characters, wrong types and shapes. Whatever
 * comes in, the answer is never a 5xx and always the error body; a refused event is not stored; the server
 * is healthy afterwards.
 */
class ApiFuzzTest {
    private static Path dir;
    private static TestServer server;
    private static ApiClient acme;
    private static final AtomicLong ids = new AtomicLong();

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("eventwire-fuzz");
        server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c);
        acme = server.tenant("acme");
    }

    @AfterContainer
    static void healthyAfterwards() {
        assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
        assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":3}}").status()).isEqualTo(202);
        assertThat(acme.get("/v1/metrics/revenue?window=1h").status()).isEqualTo(200);
        server.close();
        LocalServer.deleteFolder(dir);
    }

    private static void assertClientError(ApiClient.Response r, String what) {
        assertThat(r.status()).as(what + " -> " + r.body()).isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.json().get("error").get("code").asText()).as(what).matches("[a-z_]+");
            assertThat(r.body()).as(what).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("com.fasterxml").doesNotContain("duckdb");
        }
    }

    // ---- values ----

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "-0", "1e15", "-1e15", "1.000000001e15", "6e28", "1e400", "-1e400", "1e99999", "1e-99999", "0.0000000001",
                        "123456789012345678901234567890", "1E308", "4.9e-324", "-9223372036854775809", "18446744073709551616", "1.5"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "0"));
    }

    private static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.of("\"\"", "\"a\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\ud83d\\ude00\"", "\"line\\nbreak\"",
                        "\"\\u001b[31m\"", "\"caf\u00e9\"", "\"" + "x".repeat(300) + "\"", "\"order.created\"", "\"ORDER\"", "\"a..b\""),
                Arbitraries.strings().ofMaxLength(20).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    }

    private static Arbitrary<String> dates() {
        return Arbitraries.of("\"2026-11-29T10:00:00Z\"", "\"1970-01-01T00:00:00Z\"", "\"1969-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"",
                "\"9999-12-31T23:59:59Z\"", "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"",
                "\"2026-11-29T10:00:00\"", "\"2026-11-29T10:00:00+25:00\"", "\"yesterday\"", "\"2100-01-01T00:00:00Z\"");
    }

    private static Arbitrary<String> anyValue() {
        return Arbitraries.oneOf(numbers(), strings(), dates(), Arbitraries.of("null", "true", "[]", "{}", "[1,[2,[3]]]", "{\"a\":{\"b\":null}}"));
    }

    // ---- events ----

    @Provide
    Arbitrary<String> eventFields() {
        Arbitrary<String> type = Arbitraries.oneOf(Arbitraries.of("\"order.created\"", "\"payment.completed\"", "\"eventwire.x\""), strings(), numbers());
        Arbitrary<String> data = Combinators.combine(Arbitraries.of("total_amount", "amount", "session_id", "n", "\\ud800", "pad"), anyValue())
                .as((k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}");
        Arbitrary<String> extra = Arbitraries.oneOf(Arbitraries.just(""), Combinators.combine(
                Arbitraries.of("occurred_at", "entity_id", "extra", "event_id"), anyValue()).as((k, v) -> ",\"" + k + "\":" + v));
        Arbitrary<String> occurred = Arbitraries.oneOf(Arbitraries.just(""), dates().map(d -> ",\"occurred_at\":" + d));
        Arbitrary<String> entity = Arbitraries.oneOf(Arbitraries.just(""), strings().map(s -> ",\"entity_id\":" + s));
        return Combinators.combine(type, Arbitraries.oneOf(data, anyValue()), occurred, entity, extra)
                .as((t, d, o, e, x) -> "\"event_type\":" + t + ",\"data\":" + d + o + e + x);
    }

    @Property(tries = 400, seed = "20261129")
    void eventsAreStoredExactlyWhenAccepted(@ForAll("eventFields") String fields) {
        String id = "fz-" + ids.incrementAndGet();
        String body = "{\"event_id\":\"" + id + "\"," + fields + "}";
        ApiClient.Response r = acme.post("/v1/events", body);
        assertClientError(r, body);
        int stored = acme.get("/v1/events/" + id).status();
        if (r.status() == 202) assertThat(stored).as(body).isEqualTo(200);
        else if (!body.contains("\"event_id\":") || body.indexOf("\"event_id\":") == body.lastIndexOf("\"event_id\":")) {
            assertThat(stored).as("refused, so not stored: " + body).isEqualTo(404);
        }
    }

    @Provide
    Arbitrary<List<String>> eventBatches() {
        return eventFields().list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 100, seed = "20261129")
    void batchesAnswerPerItemOrRefuseWhole(@ForAll("eventBatches") List<String> items) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = 0; i < items.size(); i++) b.append(i == 0 ? "" : ",").append('{').append(items.get(i)).append('}');
        String body = b.append("]}").toString();
        ApiClient.Response r = acme.post("/v1/events", body);
        assertClientError(r, body);
        if (r.status() == 200) assertThat(r.json().get("results").size()).isEqualTo(items.size());
    }

    // ---- webhooks ----

    @Provide
    Arbitrary<String> webhookBodies() {
        Arbitrary<String> url = Arbitraries.oneOf(
                Arbitraries.of("\"http://127.0.0.1:0/h\"", "\"http://127.0.0.1:65536/h\"", "\"http://127.0.0.1:/h\"", "\"http://127.0.0.1:8080/h\"",
                        "\"http://[::ffff:0:7f00:1]/h\"", "\"http://[64:ff9b::a00:1]/h\"", "\"ftp://127.0.0.1/h\"", "\"http://127.0.0.1/h#x\"",
                        "\"http://127.0.0.1/\\u0000\"", "\"http://user:pw@127.0.0.1:9/h\"", "\"//127.0.0.1\"", "\"http://169.254.169.254/\""),
                strings());
        Arbitrary<String> filters = Arbitraries.oneOf(Arbitraries.of("", ",\"filters\":null", ",\"filters\":{}", ",\"filters\":[]"),
                Combinators.combine(Arbitraries.of("event_types", "entity_ids", "min_amount", "other"), anyValue())
                        .as((k, v) -> ",\"filters\":{\"" + k + "\":" + v + "}"));
        Arbitrary<String> description = Arbitraries.oneOf(Arbitraries.just(""), strings().map(s -> ",\"description\":" + s));
        return Combinators.combine(url, filters, description).as((u, f, d) -> "{\"url\":" + u + f + d + "}");
    }

    @Property(tries = 200, seed = "20261129")
    void webhookCreationNeverFailsOnTheServer(@ForAll("webhookBodies") String body) {
        ApiClient.Response r = acme.post("/v1/webhooks", body);
        assertClientError(r, body);
        if (r.status() == 201) {
            String id = r.json().get("id").asText();
            assertClientError(acme.patch("/v1/webhooks/" + id, body), "patch " + body);
            assertClientError(acme.post("/v1/webhooks/" + id + "/recover", "{\"since\":" + body.length() % 7 + "}"), "recover");
            assertThat(acme.delete("/v1/webhooks/" + id).status()).isEqualTo(204);
        }
    }

    // ---- metrics ----

    @Provide
    Arbitrary<String> metricQueries() {
        Arbitrary<String> name = Arbitraries.of("revenue", "order_count", "conversion_rate", "active_sessions", "nope", "REVENUE", "%00", "..");
        Arbitrary<String> window = Arbitraries.of("", "5m", "30d", "1y", "0m", "-5m", "99999999999999999999d", "%2B");
        Arbitrary<String> asOf = Arbitraries.of("", "2026-11-29T10:00:00Z", "0001-01-01T00:00:00Z", "%2B999999999-12-31T23:59:59Z",
                "-290000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-11-29T10:00:00%2B25:00", "x");
        return Combinators.combine(name, window, asOf).as((n, w, a) -> "/v1/metrics/" + n + "?window=" + w + "&as_of=" + a);
    }

    @Property(tries = 200, seed = "20261129")
    void metricReadsNeverFailOnTheServer(@ForAll("metricQueries") String path) {
        assertClientError(acme.get(path), path);
    }
}
