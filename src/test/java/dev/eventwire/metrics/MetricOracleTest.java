package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.TestServer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metric reads against a brute-force oracle over the events the test sent: random times down to the
 * microsecond (recent, hours and weeks old, a little in the future), windows ending now and at past
 * {@code as_of} values that sit exactly on event times, while the clock moves on — and again after a
 * restart. This covers both the in-memory rollups and the store's path (old windows, past distinct counts).
 */
class MetricOracleTest {
    private static final List<String> WINDOWS = List.of("5m", "15m", "1h", "6h", "24h", "7d", "30d");
    private static final List<String> TYPES = List.of("order.created", "page.viewed", "payment.completed", "payment.failed", "order.shipped");

    /** Reads numbers as written, not through a double. */

    @TempDir
    Path dir;

    record Sent(String type, Instant at, BigDecimal amount, String session) {
    }

    @Test
    void readsAgreeWithABruteForceCountOfTheEventsSent() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:30.123456Z"));
        List<Sent> sent = new ArrayList<>();
        TestServer server = TestServer.start(dir, c -> c, clock);
        try {
            ApiClient acme = server.tenant("acme");
            ApiClient other = server.tenant("other");
            for (int round = 0; round < 6; round++) {
                for (int batch = 0; batch < 3; batch++) {
                    List<Sent> events = new ArrayList<>();
                    for (int i = 0; i < 100; i++) events.add(randomEvent(random, clock.instant()));
                    post(acme, events);
                    sent.addAll(events);
                    // Another tenant's events must never show up in acme's values.
                    post(other, List.of(randomEvent(random, clock.instant())));
                }
                // Sessions seen only exactly on the open start of the 5m and 1h windows ending now, and 1 µs after it.
                List<Sent> onEdges = new ArrayList<>();
                for (Duration w : List.of(Duration.ofMinutes(5), Duration.ofHours(1))) {
                    Instant start = clock.instant().minus(w);
                    onEdges.add(new Sent("order.created", start, BigDecimal.ONE, "edge-" + round + "-" + w));
                    onEdges.add(new Sent("order.created", start.plus(1, ChronoUnit.MICROS), BigDecimal.TEN, "after-edge-" + round + "-" + w));
                }
                // Two sessions in one minute three hours back, and past windows starting between them and
                // a microsecond before the second: the edge minute is read point by point.
                Instant first = clock.instant().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MINUTES).plusSeconds(5);
                Instant second = first.plusSeconds(10);
                onEdges.add(new Sent("page.viewed", first, BigDecimal.ONE, "first-" + round));
                onEdges.add(new Sent("page.viewed", second, BigDecimal.ONE, "second-" + round));
                post(acme, onEdges);
                sent.addAll(onEdges);
                for (Instant start : List.of(second.minus(1, ChronoUnit.MICROS), second)) {
                    for (String w : List.of("5m", "1h")) check(acme, sent, w, start.plus(MetricWindow.parse(w).orElseThrow()), clock.instant(), "seed " + seed);
                }
                checkAll(acme, sent, clock.instant(), random, "seed " + seed + " round " + round);
                // Up to 15 minutes: minute copies age out of memory and are fetched back from the store.
                clock.advance(Duration.ofMillis(random.nextInt(900_000)));
            }
            server.close();
            server = TestServer.start(dir, c -> c, clock);
            checkAll(server.withKey(acme.key()), sent, clock.instant(), random, "seed " + seed + " after restart");
        } finally {
            server.close();
        }
    }

    private static Sent randomEvent(Random random, Instant now) {
        long agoMicros = switch (random.nextInt(10)) {
            case 0 -> random.nextLong(32L * 86_400_000_000L);       // up to 32 days old
            case 1 -> random.nextLong(26L * 3_600_000_000L);        // up to 26 hours old
            case 2 -> -random.nextLong(240_000_000L);              // up to 4 minutes ahead
            default -> random.nextLong(20L * 60_000_000L);          // the last 20 minutes
        };
        Instant at = now.minus(agoMicros, ChronoUnit.MICROS);
        String type = TYPES.get(random.nextInt(TYPES.size()));
        BigDecimal amount = BigDecimal.valueOf(random.nextInt(100_000), 2);
        String session = random.nextInt(5) == 0 ? null : "s" + random.nextInt(60);
        return new Sent(type, at, amount, session);
    }

    private static void post(ApiClient client, List<Sent> events) {
        List<String> json = new ArrayList<>();
        for (Sent e : events) {
            json.add("{\"event_type\":\"" + e.type() + "\",\"occurred_at\":\"" + e.at() + "\",\"data\":{\"total_amount\":" + e.amount()
                    + (e.session() == null ? "" : ",\"session_id\":\"" + e.session() + "\"") + "}}");
        }
        ApiClient.Response r = client.post("/v1/events", "{\"events\":[" + String.join(",", json) + "]}");
        assertThat(r.json().get("accepted").asInt()).as(r.body()).isEqualTo(events.size());
    }

    private void checkAll(ApiClient acme, List<Sent> sent, Instant now, Random random, String context) {
        for (String window : WINDOWS) check(acme, sent, window, null, now, context);
        for (int i = 0; i < 12; i++) {
            // as_of exactly on an event time, or a microsecond before it: the window's closed and open ends.
            Instant eventTime = sent.get(random.nextInt(sent.size())).at();
            Instant asOf = eventTime.minus(random.nextInt(2), ChronoUnit.MICROS);
            if (asOf.isAfter(now)) continue;
            check(acme, sent, WINDOWS.get(random.nextInt(WINDOWS.size())), asOf, now, context);
        }
        // A window whose start lies just after an event time: that event is outside (the start is open).
        Instant start = sent.get(random.nextInt(sent.size())).at();
        Instant asOf = start.plus(Duration.ofHours(1));
        if (!asOf.isAfter(now)) check(acme, sent, "1h", asOf, now, context);
        // ... and a microsecond earlier: then it is inside.
        Instant justBefore = asOf.minus(1, ChronoUnit.MICROS);
        if (!justBefore.isAfter(now)) check(acme, sent, "1h", justBefore, now, context);
    }

    private static void check(ApiClient acme, List<Sent> sent, String window, Instant asOf, Instant now, String context) {
        Instant to = asOf == null ? now : asOf;
        Instant from = to.minus(MetricWindow.parse(window).orElseThrow());
        List<Sent> in = sent.stream().filter(e -> e.at().isAfter(from) && !e.at().isAfter(to)).toList();
        List<Sent> orders = in.stream().filter(e -> e.type().equals("order.created")).toList();
        long activeSessions = distinctSessions(in, e -> true);
        long convertedSessions = distinctSessions(in, e -> e.type().equals("order.created"));
        long paymentsFailed = in.stream().filter(e -> e.type().equals("payment.failed")).count();
        long paymentsCompleted = in.stream().filter(e -> e.type().equals("payment.completed")).count();
        String query = "?window=" + window + (asOf == null ? "" : "&as_of=" + asOf);
        String what = context + " " + query;

        assertThat(value(acme, "events_total", query)).as(what).isEqualByComparingTo(BigDecimal.valueOf(in.size()));
        assertThat(value(acme, "order_count", query)).as(what).isEqualByComparingTo(BigDecimal.valueOf(orders.size()));
        assertThat(value(acme, "revenue", query)).as(what)
                .isEqualByComparingTo(orders.stream().map(Sent::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
        assertThat(value(acme, "active_sessions", query)).as(what).isEqualByComparingTo(BigDecimal.valueOf(activeSessions));
        assertThat(value(acme, "conversion_rate", query)).as(what).isEqualTo(ratio(convertedSessions, activeSessions));
        assertThat(value(acme, "payment_failure_rate", query)).as(what).isEqualTo(ratio(paymentsFailed, paymentsCompleted + paymentsFailed));
    }

    private static long distinctSessions(List<Sent> events, Predicate<Sent> which) {
        Set<String> sessions = new HashSet<>();
        for (Sent e : events) {
            if (e.session() != null && which.test(e)) sessions.add(e.session());
        }
        return sessions.size();
    }

    private static BigDecimal ratio(long numerator, long denominator) {
        return denominator == 0 ? null : BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), MathContext.DECIMAL64).stripTrailingZeros();
    }

    private static BigDecimal value(ApiClient client, String metric, String query) {
        ApiClient.Response r = client.get("/v1/metrics/" + metric + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode v = r.exactJson().get("value");
        return v.isNull() ? null : v.decimalValue().stripTrailingZeros();
    }
}
