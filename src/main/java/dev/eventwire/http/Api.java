package dev.eventwire.http;

import dev.eventwire.auth.AuthService;
import dev.eventwire.delivery.DeliveryService;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.IngestService;
import dev.eventwire.metrics.MetricsService;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookService;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Assembles the HTTP server from the services it exposes. */
public final class Api {
    private Api() {
    }

    /** The services behind the API. */
    public record Services(AuthService auth, IngestService ingest, EventStore events, WebhookService webhooks,
                           DeliveryService deliveries, FiltersCodec filters, MetricsService metrics) {
    }

    public static HttpServer server(Services s, Json json, BooleanSupplier healthy) {
        Responses responses = new Responses(json);
        return new HttpServer(s.auth(), responses, List.of(
                new AdminRoutes(s.auth(), responses),
                new EventRoutes(s.ingest(), s.events(), responses),
                new WebhookRoutes(s.webhooks(), s.deliveries(), s.filters(), responses),
                new MetricRoutes(s.metrics(), responses)), healthy);
    }
}
