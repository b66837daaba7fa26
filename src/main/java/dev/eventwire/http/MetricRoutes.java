package dev.eventwire.http;

import dev.eventwire.metrics.MetricDefinition;
import dev.eventwire.metrics.MetricWindow;
import dev.eventwire.metrics.MetricsService;
import dev.eventwire.support.ApiException;
import io.javalin.config.RoutesConfig;
import java.math.BigDecimal;
import java.time.Instant;
import dev.eventwire.support.Timestamps;
import java.util.List;
import java.util.Optional;

/** {@code /v1/metrics}: the catalog and metric reads. */
final class MetricRoutes implements RouteGroup {
    static final String DEFAULT_WINDOW = "1h";

    private final MetricsService metrics;
    private final Responses responses;

    MetricRoutes(MetricsService metrics, Responses responses) {
        this.metrics = metrics;
        this.responses = responses;
    }

    record CatalogEntry(String name, String description, String unit, List<String> windows, List<String> sourceEventTypes) {
    }

    record Catalog(List<CatalogEntry> metrics) {
    }

    record ReadingView(String metric, BigDecimal value, String unit, String window, Instant asOf, Instant computedAt) {
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/metrics", ctx -> {
            Requests.tenant(ctx);
            List<CatalogEntry> entries = metrics.catalog().stream().map(this::entry).toList();
            responses.json(ctx, 200, new Catalog(entries));
        });
        routes.get("/v1/metrics/{name}", ctx -> {
            String tenant = Requests.tenant(ctx);
            String window = Optional.ofNullable(ctx.queryParam("window")).filter(w -> !w.isEmpty()).orElse(DEFAULT_WINDOW);
            Optional<Instant> asOf = Optional.ofNullable(ctx.queryParam("as_of")).filter(a -> !a.isEmpty()).map(MetricRoutes::parseAsOf);
            long started = System.nanoTime();
            MetricsService.Reading r = metrics.read(tenant, ctx.pathParam("name"), window, asOf);
            // Server-Timing (W3C): the time spent computing or finding the value, apart from HTTP and JSON.
            ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "metric;dur=%.3f", (System.nanoTime() - started) / 1e6));
            ctx.header("X-Cache", r.cacheHit() ? "HIT" : "MISS");
            responses.json(ctx, 200, new ReadingView(r.metric(), r.value().orElse(null), r.unit(), r.window(), r.asOf(), r.computedAt()));
        });
    }

    private CatalogEntry entry(MetricDefinition d) {
        return new CatalogEntry(d.name(), d.description(), d.unit(), MetricWindow.NAMES, metrics.sourceEventTypes(d));
    }

    private static Instant parseAsOf(String text) {
        return Timestamps.parameter("as_of", text);
    }
}
