package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.events.NewEvent;
import dev.eventwire.store.LocalReplica;
import dev.eventwire.store.duckdb.DuckDbBackend;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.FiltersCodec;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metric read that begins, then sees an event acknowledged (applied in memory, its cached values dropped)
 * before it computes, must not leave behind a cached value that a later read reuses without that event:
 * the event was received after the first read's "now", so the first read rightly leaves it out, but the
 * second read began after its acknowledgement.
 */
class CachedReadRaceTest {
    @TempDir
    Path dir;

    /** A fixed clock that, once armed, runs an ingest the moment it is next read — as a concurrent one would land. */
    private static final class LandingClock extends dev.eventwire.support.UtcClock {
        private final Instant at;
        private final AtomicReference<Runnable> landing = new AtomicReference<>();

        LandingClock(Instant at) {
            this.at = at;
        }

        @Override
        public Instant instant() {
            Runnable land = landing.getAndSet(null);
            if (land != null) land.run();
            return at;
        }
    }

    @Test
    void aReadThatBeganBeforeAnAcknowledgementDoesNotCacheAValueALaterReadReusesWithoutIt() {
        Instant t = Instant.parse("2026-12-01T10:00:30Z");
        LandingClock clock = new LandingClock(t);
        try (DuckDbBackend backend = new DuckDbBackend(dir, new Ids(clock), clock, Duration.ofSeconds(60), new FiltersCodec(new Json()),
                new LocalReplica("test", "test", t), dev.eventwire.delivery.WebhookHealthRule.disablingAfter(Duration.ofDays(5)),
                dev.eventwire.support.CommitObserver.NONE)) {
            MetricCatalog catalog = MetricDefinitions.load(Optional.empty());
            LiveRollups live = new LiveRollups(catalog, backend.metrics(), clock);
            backend.start();
            live.restore();
            MetricCache cache = new MetricCache(catalog);
            MetricsService metrics = new MetricsService(catalog, backend.metrics(), live, cache, clock, false);
            long[] seq = {1};
            java.util.function.Consumer<Instant> ingest = at -> {
                NewEvent e = new NewEvent("acme", "e" + seq[0], "order.created", Optional.empty(), at, at, new Json().mapper().createObjectNode(), "{}");
                live.apply(catalog.pointsOf(e).stream().map(p -> new Contribution(seq[0]++, p)).toList());
                cache.committed(List.of(e), List.of(), List.of());
            };
            ingest.accept(t.minusSeconds(10));
            assertThat(metrics.read("acme", "order_count", "5m", Optional.empty()).value()).contains(BigDecimal.ONE);

            // The second event is received a microsecond after the next read's "now" and acknowledged before it computes.
            clock.landing.set(() -> ingest.accept(t.plusNanos(1_000)));
            assertThat(metrics.read("acme", "order_count", "5m", Optional.empty()).value()).as("as of its own now").contains(BigDecimal.ONE);

            LandingClock later = new LandingClock(t.plusMillis(200));
            MetricsService afterwards = new MetricsService(catalog, backend.metrics(), live, cache, later, false);
            assertThat(afterwards.read("acme", "order_count", "5m", Optional.empty()).value())
                    .as("a read that began after the acknowledgement counts it").contains(BigDecimal.valueOf(2));
        }
    }
}
