package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A distinct-count metric of one tenant that holds more distinct values than memory keeps for one (here 50)
 * is read from the store from then on: its counts stay exact, for windows ending now (read-your-writes) and
 * in the past, across a restart, and another tenant's metric stays served from memory.
 */
class DistinctValuesBeyondMemoryTest {
    private static final int KEPT = 50;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:30Z"));

    private TestServer start() {
        return TestServer.start(dir, c -> c.withLimits(c.limits().withMaxDistinctValuesInMemory(KEPT)), clock);
    }

    private static void send(ApiClient tenant, int sessions, int from, Instant now) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            // Two occurrences of each session, 20 s apart, the later one i seconds back.
            for (int back : new int[] {i + 1, i + 21}) {
                events.add("{\"event_type\":\"page.viewed\",\"occurred_at\":\"" + now.minusSeconds(back) + "\",\"data\":{\"session_id\":\"s" + (from + i) + "\"}}");
            }
        }
        ApiClient.Response r = tenant.post("/v1/events", "{\"events\":[" + String.join(",", events) + "]}");
        assertThat(r.json().get("rejected").asInt()).as(r.body()).isZero();
    }

    private static String value(ApiClient tenant, String query) {
        ApiClient.Response r = tenant.get("/v1/metrics/active_sessions" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("value").asText();
    }

    /** The warnings the operator reads: one per metric and tenant that passed the bound, per start. */
    private static List<String> overflowWarnings(ListAppender<ILoggingEvent> lines) {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("--max-distinct-values")).toList();
    }

    @Test
    void countsStayExactOnceAMetricOutgrowsMemory() {
        Instant now = clock.instant();
        Logger logger = (Logger) LoggerFactory.getLogger(LiveRollups.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        TestServer server = start();
        try {
            ApiClient acme = server.tenant("acme");
            ApiClient other = server.tenant("other");
            send(other, 10, 0, now);
            send(acme, 40, 0, now);
            assertThat(value(acme, "?window=5m")).as("within memory").isEqualTo("40");
            assertThat(overflowWarnings(lines)).as("nothing to say within the bound").isEmpty();
            assertThat(server.anonymous().get("/metrics").body()).contains("eventwire_distinct_metrics_past_bound 0.0");
            send(acme, 80, 40, now.minusSeconds(100));
            assertThat(overflowWarnings(lines)).containsExactly("metric active_sessions of tenant acme holds more than 50 distinct values"
                    + " (--max-distinct-values): its distinct counts are read from the database from now on, until a restart finds fewer");
            assertThat(server.anonymous().get("/metrics").body()).as("the operator's gauge").contains("eventwire_distinct_metrics_past_bound 1.0");
            assertThat(value(acme, "?window=1h")).as("120 sessions, past the 50 memory keeps").isEqualTo("120");
            // s0..s39 were seen 1–40 and 21–60 s back, s(40+i) 101+i and 121+i s back.
            assertThat(value(acme, "?window=5m&as_of=" + now.minusSeconds(60))).as("s39 (seen exactly 60 s back) and s40..s119")
                    .isEqualTo("81");
            assertThat(value(acme, "?window=5m&as_of=" + now.minusSeconds(150))).as("s69..s119: seen 150 s back or more").isEqualTo("51");
            send(acme, 1, 1000, now);
            assertThat(value(acme, "?window=5m")).as("an event acknowledged a moment ago counts").isEqualTo("121");
            assertThat(value(other, "?window=5m")).as("another tenant").isEqualTo("10");

            server.close();
            server = start();
            acme = server.withKey(acme.key());
            assertThat(value(acme, "?window=1h")).as("after a restart").isEqualTo("121");
            assertThat(overflowWarnings(lines)).as("said again by the restart that read the values back").hasSize(2);
            assertThat(value(server.withKey(other.key()), "?window=1h")).isEqualTo("10");
        } finally {
            server.close();
            logger.detachAppender(lines);
        }
    }

    @Test
    void aSeriesPastItsBoundHoldsNoValues() {
        Series s = new Series(Aggregation.COUNT_DISTINCT, 3);
        for (int i = 0; i < 3; i++) {
            s.see("v" + i, 1_000_000L * i, 10_000_000L);
            assertThat(s.idOf("v" + i)).isEqualTo(i);
        }
        assertThat(s.overflowed()).isFalse();
        s.see("v3", 3_000_000L, 10_000_000L);
        assertThat(s.overflowed()).as("a fourth value").isTrue();
        assertThat(s.idOf("v0")).as("ids dropped with the values").isEqualTo(-1);
        assertThat(s.distinct.distinctIn(0, 10_000_000L)).as("the index emptied").isZero();
    }
}
