package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.store.duckdb.DuckDbDatabase;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built-in metrics on hand-computed fixtures, window edges, as_of, late events, the cache. */
class MetricsTest {
    @TempDir
    Path dir;
    MutableClock clock;
    TestServer server;
    ApiClient acme;
    Instant t0;

    @BeforeEach
    void start() {
        // A fixed "now" on a whole minute plus 30 s, so fixtures can sit on and around minute edges.
        clock = new MutableClock(Instant.parse("2026-11-28T12:00:30Z"));
        t0 = clock.instant();
        server = TestServer.start(dir, c -> c, clock);
        acme = server.tenant("acme");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String at(Duration ago) {
        return t0.minus(ago).toString();
    }

    void send(String... events) {
        ApiClient.Response r = acme.post("/v1/events", "{\"events\":[" + String.join(",", events) + "]}");
        assertThat(r.json().get("rejected").asInt()).as(r.body()).isZero();
    }

    static String event(String type, String occurredAt, String data) {
        return "{\"event_type\":\"" + type + "\",\"occurred_at\":\"" + occurredAt + "\",\"data\":" + data + "}";
    }

    JsonNode read(String metric, String query) {
        ApiClient.Response r = acme.get("/v1/metrics/" + metric + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    String value(String metric, String query) {
        JsonNode v = read(metric, query).get("value");
        return v.isNull() ? null : v.asText();
    }

    /** Sums keep 9 decimal places; an average of large amounts read 1000000000000000 with 16 significant digits alone. */
    @Test
    void anAverageKeepsTheDecimalPlacesItsSumKeeps() {
        String amount = "999999999999999.999999999";
        send(event("order.created", at(Duration.ofMinutes(10)), "{\"total_amount\":" + amount + "}"),
                event("order.created", at(Duration.ofMinutes(11)), "{\"total_amount\":" + amount + "}"),
                event("order.created", at(Duration.ofMinutes(12)), "{\"total_amount\":" + amount + "}"));
        assertThat(exactValue("revenue", "?window=1h")).isEqualTo("2999999999999999.999999997");
        assertThat(exactValue("avg_order_value", "?window=1h")).isEqualTo(amount);
    }

    /** The value as the server wrote it. */
    private String exactValue(String metric, String query) {
        ApiClient.Response r = acme.get("/v1/metrics/" + metric + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.exactJson().get("value").decimalValue().toPlainString();
    }

    @Test
    void builtInsOnAHandComputedFixture() {
        send(event("order.created", at(Duration.ofMinutes(10)), "{\"total_amount\":100.10,\"session_id\":\"s1\"}"),
                event("order.created", at(Duration.ofMinutes(20)), "{\"total_amount\":49.90,\"session_id\":\"s2\"}"),
                event("order.created", at(Duration.ofMinutes(30)), "{\"total_amount\":50}"),
                event("page.viewed", at(Duration.ofMinutes(5)), "{\"session_id\":\"s1\"}"),
                event("page.viewed", at(Duration.ofMinutes(6)), "{\"session_id\":\"s3\"}"),
                event("page.viewed", at(Duration.ofMinutes(7)), "{\"session_id\":\"s4\"}"),
                event("payment.completed", at(Duration.ofMinutes(8)), "{\"amount\":100}"),
                event("payment.completed", at(Duration.ofMinutes(9)), "{\"amount\":100}"),
                event("payment.completed", at(Duration.ofMinutes(9)), "{\"amount\":100}"),
                event("payment.failed", at(Duration.ofMinutes(9)), "{\"amount\":100}"),
                event("order.created", at(Duration.ofHours(3)), "{\"total_amount\":1000,\"session_id\":\"old\"}"));
        acme.post("/v1/events", "{\"event_type\":\"BAD\"}");

        assertThat(value("events_total", "?window=1h")).isEqualTo("10");
        assertThat(value("events_total", "?window=6h")).isEqualTo("11");
        assertThat(value("rejected_total", "?window=1h")).isEqualTo("1");
        assertThat(value("error_rate", "?window=1h")).isEqualTo("0.09090909090909091");
        assertThat(value("order_count", "?window=1h")).isEqualTo("3");
        assertThat(value("revenue", "?window=1h")).isEqualTo("200");
        assertThat(value("avg_order_value", "?window=1h")).isEqualTo("66.66666666666667");
        assertThat(value("payment_failure_rate", "?window=1h")).isEqualTo("0.25");
        assertThat(value("active_sessions", "?window=1h")).isEqualTo("4");
        assertThat(value("conversion_rate", "?window=1h")).isEqualTo("0.5");
        assertThat(value("revenue", "?window=6h")).isEqualTo("1200");
        assertThat(value("active_sessions", "?window=6h")).isEqualTo("5");

        JsonNode r = read("revenue", "?window=1h");
        assertThat(r.get("metric").asText()).isEqualTo("revenue");
        assertThat(r.get("window").asText()).isEqualTo("1h");
        assertThat(r.get("unit").asText()).isEqualTo("currency");
        assertThat(Instant.parse(r.get("as_of").asText())).isEqualTo(t0);
        assertThat(r.has("computed_at")).isTrue();

        clock.advance(Duration.ofNanos(123_456_789));
        JsonNode later = read("revenue", "?window=15m");
        assertThat(later.get("computed_at").asText()).as("to the microsecond, as every time the API shows").isEqualTo("2026-11-28T12:00:30.123456Z");
        assertThat(later.get("as_of").asText()).isEqualTo("2026-11-28T12:00:30.123456Z");
    }

    @Test
    void aZeroDenominatorIsNull() {
        assertThat(value("conversion_rate", "?window=5m")).isNull();
        assertThat(value("avg_order_value", "?window=5m")).isNull();
        assertThat(value("payment_failure_rate", "?window=5m")).isNull();
        assertThat(value("error_rate", "?window=5m")).isNull();
        assertThat(value("revenue", "?window=5m")).isEqualTo("0");
        assertThat(value("order_count", "?window=5m")).isEqualTo("0");
    }

    @Test
    void windowIsOpenAtTheStartAndClosedAtTheEnd() {
        Instant asOf = Instant.parse("2026-11-28T12:00:00.500Z");
        Instant start = asOf.minus(Duration.ofMinutes(5));
        // Amounts are powers of two, so a sum names exactly which events were in the window.
        send(event("order.created", start.toString(), "{\"total_amount\":1}"),                           // exactly as_of - 5m: out
                event("order.created", start.plusNanos(1000).toString(), "{\"total_amount\":2}"),        // 1 µs later: in
                event("order.created", asOf.toString(), "{\"total_amount\":4}"),                         // exactly as_of: in
                event("order.created", asOf.minus(Duration.ofSeconds(150)).toString(), "{\"total_amount\":8}"), // whole minutes: in
                event("order.created", asOf.plusNanos(1000).toString(), "{\"total_amount\":16}"));       // after as_of: out
        assertThat(value("revenue", "?window=5m&as_of=" + asOf)).isEqualTo("14");
        assertThat(value("order_count", "?window=5m&as_of=" + asOf)).isEqualTo("3");
        assertThat(value("revenue", "?window=5m&as_of=" + asOf.minusNanos(1000))).isEqualTo("11");
        assertThat(value("revenue", "?window=5m&as_of=" + asOf.plusNanos(1000))).as("the 1 µs event is now exactly at the open start").isEqualTo("28");
        assertThat(value("revenue", "?window=15m&as_of=" + asOf.plusNanos(1000))).isEqualTo("31");
    }

    @Test
    void countDistinctIsExactAcrossMinutesAndEdges() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(event("page.viewed", at(Duration.ofSeconds(i * 11L)), "{\"session_id\":\"s" + (i % 37) + "\"}"));
        }
        send(events.toArray(String[]::new));
        assertThat(value("active_sessions", "?window=1h")).isEqualTo("37");
        // 5 minutes back from t0 covers i*11 s < 300 s, i.e. i = 0..27: sessions s0..s27.
        assertThat(value("active_sessions", "?window=5m")).isEqualTo("28");
    }

    @Test
    void aNumberIsOneDistinctValueHoweverItIsWritten() {
        // One visitor sent as 5, 5.0, 5e0, 0.5e1 and "5"; another as 1000, 1e3 and 1000.000; a third as 5.5 and 5.50.
        List<String> users = List.of("5", "5.0", "5e0", "0.5e1", "\"5\"", "1000", "1e3", "1000.000", "5.5", "5.50", "-0.0", "0");
        List<String> events = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            events.add(event("page.viewed", at(Duration.ofSeconds(10L + i * 20L)), "{\"session_id\":" + users.get(i) + "}"));
        }
        send(events.toArray(String[]::new));
        assertThat(value("active_sessions", "?window=1h")).as("5, 1000, 5.5 and 0").isEqualTo("4");
        assertThat(value("active_sessions", "?window=1h&as_of=" + t0.minusSeconds(25))).as("from the store").isEqualTo("4");
    }

    @Test
    void longDistinctValuesCountByWhatTheyAreAndAreKeptAsDigests() throws Exception {
        String a = "a".repeat(200_000) + "1";
        String b = "a".repeat(200_000) + "2";
        String exactlyKeptWhole = "k".repeat(DistinctKeys.LONGEST_KEPT_WHOLE);
        String oneLonger = "k".repeat(DistinctKeys.LONGEST_KEPT_WHOLE + 1);
        String looksLikeADigest = DistinctKeys.of(a); // 71 characters: itself digested, so never equal to a's key
        List<String> sessions = List.of(a, b, a, exactlyKeptWhole, oneLonger, looksLikeADigest, "s1", "s1");
        for (int i = 0; i < sessions.size(); i++) {
            send(event("page.viewed", at(Duration.ofSeconds(10L + i * 20L)), "{\"session_id\":\"" + sessions.get(i) + "\"}"));
        }
        assertThat(DistinctKeys.of(a)).as("what memory and the store keep of a 200,000-character value").hasSize(71).isNotEqualTo(DistinctKeys.of(b));
        assertThat(DistinctKeys.of(exactlyKeptWhole)).isEqualTo(exactlyKeptWhole);
        assertThat(value("active_sessions", "?window=1h")).as("a, b, 64 k, 65 k, the digest-like text, s1").isEqualTo("6");
        // From the store rather than memory: a past as_of whose window starts inside a minute.
        assertThat(value("active_sessions", "?window=1h&as_of=" + t0.minusSeconds(25))).isEqualTo("6");
        assertThat(value("active_sessions", "?window=5m&as_of=" + t0.minusSeconds(90)))
                .as("from 90 s back: 65 k, the digest-like text, s1 twice").isEqualTo("3");
        server.close();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbDatabase.FILE_NAME)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), max(length(distinct_value)) FROM metric_points WHERE distinct_value IS NOT NULL")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the points written").isEqualTo(sessions.size());
            assertThat(rs.getInt(2)).as("the longest value the store keeps, and reads back at a start").isEqualTo(71);
        }
        server = TestServer.start(dir, c -> c, clock);
        acme = server.withKey(acme.key());
        assertThat(value("active_sessions", "?window=1h")).as("read back at a restart").isEqualTo("6");
    }

    @Test
    void asOfReadsAndLateEvents() {
        send(event("order.created", at(Duration.ofHours(2)), "{\"total_amount\":10}"));
        String asOf = t0.minus(Duration.ofMinutes(90)).toString();
        assertThat(value("revenue", "?window=1h&as_of=" + asOf)).isEqualTo("10");
        ApiClient.Response cached = acme.get("/v1/metrics/revenue?window=1h&as_of=" + asOf);
        assertThat(cached.header("X-Cache")).isEqualTo("HIT");
        assertThat(cached.header("Server-Timing")).as("time spent on the value, for clients and benchmarks").matches("metric;dur=\\d+\\.\\d{3}");

        send(event("order.created", at(Duration.ofMinutes(100)), "{\"total_amount\":5}"));
        ApiClient.Response late = acme.get("/v1/metrics/revenue?window=1h&as_of=" + asOf);
        assertThat(late.header("X-Cache")).as("a late event inside the as_of window drops it").isEqualTo("MISS");
        assertThat(late.json().get("value").asText()).isEqualTo("15");

        acme.get("/v1/metrics/revenue?window=1h&as_of=" + asOf);
        send(event("order.created", at(Duration.ofMinutes(30)), "{\"total_amount\":7}"));
        assertThat(acme.get("/v1/metrics/revenue?window=1h&as_of=" + asOf).header("X-Cache"))
                .as("an event after as_of does not change it").isEqualTo("HIT");
    }

    @Test
    void cacheHitsAfterAMissAndOnlySourceEventsOfTheTenantDropIt() {
        assertThat(acme.get("/v1/metrics/revenue?window=1h").header("X-Cache")).isEqualTo("MISS");
        assertThat(acme.get("/v1/metrics/revenue?window=1h").header("X-Cache")).isEqualTo("HIT");

        send(event("page.viewed", at(Duration.ofMinutes(1)), "{}"));
        assertThat(acme.get("/v1/metrics/revenue?window=1h").header("X-Cache")).as("non-source event").isEqualTo("HIT");

        ApiClient globex = server.tenant("globex");
        globex.post("/v1/events", event("order.created", at(Duration.ofMinutes(1)), "{\"total_amount\":9}"));
        assertThat(acme.get("/v1/metrics/revenue?window=1h").header("X-Cache")).as("another tenant's event").isEqualTo("HIT");
        assertThat(globex.get("/v1/metrics/revenue?window=1h").json().get("value").asText()).isEqualTo("9");

        send(event("order.created", at(Duration.ofMinutes(1)), "{\"total_amount\":3}"));
        ApiClient.Response after = acme.get("/v1/metrics/revenue?window=1h");
        assertThat(after.header("X-Cache")).isEqualTo("MISS");
        assertThat(after.json().get("value").asText()).isEqualTo("3");
    }

    @Test
    void catalogAndErrors() {
        JsonNode catalog = acme.get("/v1/metrics").json().get("metrics");
        assertThat(catalog.findValuesAsText("name")).contains("events_total", "rejected_total", "error_rate", "order_count", "revenue",
                "avg_order_value", "payment_failure_rate", "active_sessions", "conversion_rate");
        JsonNode revenue = null;
        for (JsonNode m : catalog) if (m.get("name").asText().equals("revenue")) revenue = m;
        assertThat(revenue.get("source_event_types").get(0).asText()).isEqualTo("order.created");
        assertThat(revenue.get("windows").toString()).isEqualTo("[\"5m\",\"15m\",\"1h\",\"6h\",\"24h\",\"7d\",\"30d\"]");
        assertThat(revenue.get("unit").asText()).isEqualTo("currency");

        assertThat(acme.get("/v1/metrics/nope").status()).isEqualTo(404);
        ApiClient.Response badWindow = acme.get("/v1/metrics/revenue?window=2h");
        assertThat(badWindow.status()).isEqualTo(422);
        assertThat(badWindow.json().get("error").get("field").asText()).isEqualTo("window");
        ApiClient.Response future = acme.get("/v1/metrics/revenue?window=1h&as_of=" + t0.plusSeconds(60));
        assertThat(future.status()).isEqualTo(422);
        assertThat(future.json().get("error").get("field").asText()).isEqualTo("as_of");
        assertThat(acme.get("/v1/metrics/revenue?as_of=nonsense").status()).isEqualTo(422);
        assertThat(server.anonymous().get("/v1/metrics").status()).isEqualTo(401);
    }

    @Test
    void rollupsSurviveARestart() {
        send(event("order.created", at(Duration.ofMinutes(3)), "{\"total_amount\":12.34,\"session_id\":\"x\"}"));
        server.close();
        server = TestServer.start(dir, c -> c, clock);
        ApiClient again = server.withKey(acme.key());
        assertThat(again.get("/v1/metrics/revenue?window=5m").json().get("value").asText()).isEqualTo("12.34");
        assertThat(again.get("/v1/metrics/active_sessions?window=5m").json().get("value").asText()).isEqualTo("1");
    }
}
