package dev.eventwire.metrics;

import dev.eventwire.support.ApiException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Reads metrics: validates the request, serves cached values, computes the rest from the rollups
 * in memory, or from the store for what memory does not hold. */
public final class MetricsService {
    /** A "now" read may reuse a value computed this recently (its as_of says when). */
    static final Duration NOW_REUSE = Duration.ofSeconds(1);
    static final Duration SHARED_REUSE = Duration.ofMillis(500);
    private final boolean sharedStore;

    private final MetricCatalog catalog;
    private final MetricStore store;
    private final LiveRollups live;
    private final MetricCache cache;
    private final Clock clock;

    /**
     * {@code sharedStore}: other replicas write the same store, whose commits this process is not told of:
     * memory rollups are not used (reads go to the store, which sees every replica's commits) and a cached
     * value is reused for at most {@link #SHARED_REUSE}, so a read reflects other replicas' events within a second.
     */
    public MetricsService(MetricCatalog catalog, MetricStore store, LiveRollups live, MetricCache cache, Clock clock, boolean sharedStore) {
        this.sharedStore = sharedStore;
        this.catalog = catalog;
        this.store = store;
        this.live = live;
        this.cache = cache;
        this.clock = clock;
    }

    public record Reading(String metric, Optional<BigDecimal> value, String unit, String window, Instant asOf, Instant computedAt, boolean cacheHit) {
    }

    public List<MetricDefinition> catalog() {
        return catalog.all();
    }

    public List<String> sourceEventTypes(MetricDefinition d) {
        return catalog.sourceEventTypes(d);
    }

    public Reading read(String tenant, String name, String window, Optional<Instant> requestedAsOf) {
        MetricDefinition d = catalog.find(name).orElseThrow(() -> ApiException.notFound("Metric"));
        Duration length = MetricWindow.parse(window).orElseThrow(() ->
                ApiException.invalid("invalid_window", "window must be one of " + String.join(", ", MetricWindow.NAMES) + ".", "window"));
        // The cache version first, then the time: an event acknowledged after this read began is either
        // counted (applied before the version was read, so received before now) or invalidates what this
        // read computes, so a value cached for reuse never misses an event acknowledged before a later read.
        long version = cache.version(tenant, name);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (requestedAsOf.isPresent() && requestedAsOf.get().isAfter(now)) {
            throw ApiException.invalid("as_of_in_future", "as_of must not be in the future.", "as_of");
        }
        MetricCache.Key key = new MetricCache.Key(window, requestedAsOf);
        Optional<MetricCache.Value> cached = cache.get(tenant, name, key)
                .filter(v -> sharedStore ? !v.computedAt().isBefore(now.minus(SHARED_REUSE))
                        : requestedAsOf.isPresent() || !v.computedAt().isBefore(now.minus(NOW_REUSE)));
        if (cached.isPresent()) {
            MetricCache.Value v = cached.get();
            return new Reading(name, v.value(), d.unit(), window, v.asOf(), v.computedAt(), true);
        }
        Instant asOf = requestedAsOf.orElse(now).truncatedTo(ChronoUnit.MICROS);
        Optional<BigDecimal> value = compute(tenant, d, length, asOf);
        Instant computedAt = clock.instant();
        cache.put(tenant, name, key, new MetricCache.Value(value, asOf, computedAt), version);
        return new Reading(name, value, d.unit(), window, asOf, computedAt, false);
    }

    private Optional<BigDecimal> compute(String tenant, MetricDefinition d, Duration window, Instant asOf) {
        long to = ChronoUnit.MICROS.between(Instant.EPOCH, asOf);
        long from = to - window.toNanos() / 1000;
        // A ratio's parts are read together, from one snapshot.
        List<MetricDefinition> parts = catalog.components(d).stream().distinct().toList();
        // Memory serves the last 31 days; windows reaching further back come from the store.
        java.util.Map<String, Aggregate> folded = (sharedStore ? Optional.<java.util.Map<String, Aggregate>>empty() : live.aggregate(tenant, parts, from, to))
                .orElseGet(() -> store.aggregate(tenant, parts, from, to));
        if (!d.isRatio()) return value(d, folded.get(d.name()));
        Optional<BigDecimal> numerator = value(catalog.find(d.numerator().orElseThrow()).orElseThrow(), folded.get(d.numerator().get()));
        BigDecimal denominator = BigDecimal.ZERO;
        for (String name : d.denominator()) {
            denominator = denominator.add(value(catalog.find(name).orElseThrow(), folded.get(name)).orElse(BigDecimal.ZERO));
        }
        if (denominator.signum() == 0 || numerator.isEmpty()) return Optional.empty();
        return Optional.of(quotient(numerator.get(), denominator));
    }

    /** Wide enough that rounding to the final digits below happens once, in effect. */
    private static final MathContext WIDE = new MathContext(60, RoundingMode.HALF_EVEN);

    /**
     * A ratio or an average: 16 significant digits, and as many more as reach the 9th decimal place, which
     * the sums keep. With 16 alone, an average of 999999999999999.999999999 read 1000000000000000.
     */
    static BigDecimal quotient(BigDecimal numerator, BigDecimal denominator) {
        BigDecimal wide = numerator.divide(denominator, WIDE);
        int integerDigits = Math.max(0, wide.precision() - wide.scale());
        return wide.round(new MathContext(Math.max(16, integerDigits + 9), RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    private static Optional<BigDecimal> value(MetricDefinition d, Aggregate a) {
        return switch (d.aggregation()) {
            case COUNT -> Optional.of(BigDecimal.valueOf(a.count()));
            case COUNT_DISTINCT -> Optional.of(BigDecimal.valueOf(a.distinct()));
            case SUM -> Optional.of(a.sum().stripTrailingZeros());
            case AVG -> a.count() == 0 ? Optional.empty() : Optional.of(quotient(a.sum(), BigDecimal.valueOf(a.count())));
            case MIN -> a.min().map(BigDecimal::stripTrailingZeros);
            case MAX -> a.max().map(BigDecimal::stripTrailingZeros);
            case RATIO -> throw new IllegalStateException("a ratio's parts are base metrics");
        };
    }
}
