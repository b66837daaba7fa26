package dev.eventwire.http;

import dev.eventwire.events.EventTypes;
import dev.eventwire.store.ReplicaDirectory;
import dev.eventwire.auth.AuthService;
import dev.eventwire.delivery.DeliveryService;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.IngestService;
import dev.eventwire.events.TenantAdmission;
import dev.eventwire.metrics.MetricsService;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookService;
import java.util.List;
import dev.eventwire.support.ServiceHealth;
import java.util.function.Supplier;

/** Assembles the HTTP server from the services it exposes. */
public final class Api {
    private Api() {
    }

    /** The services behind the API. */
    public record Services(AuthService auth, IngestService ingest, TenantAdmission admission, EventStore events, WebhookService webhooks,
                           DeliveryService deliveries, FiltersCodec filters, MetricsService metrics, dev.eventwire.store.ReplicaRoster replicas,
                           EventTypes eventTypes, dev.eventwire.backup.BackupService backups, SealedCursors cursors) {
    }

    /** What /health names besides the status: the store kind and this replica. */
    public record Identity(String store, String replica) {
    }

    /**
     * What the operator routes serve: the metrics text and its content type, and whether reading it needs
     * the admin key.
     */
    public record Ops(Supplier<String> metrics, String metricsContentType, boolean metricsNeedAdmin) {
    }

    /** What the API tells about its own requests: how long each acknowledged ingest request took. */
    public record Observers(dev.eventwire.support.AcknowledgementObserver acknowledgements) {
    }

    public static HttpServer server(Services s, Json json, Supplier<ServiceHealth> health, Identity identity, long bodyBudgetBytes, Ops ops, Observers observers) {
        Responses responses = new Responses(json);
        LargeBodyWork largeBodies = LargeBodyWork.forCores(Runtime.getRuntime().availableProcessors());
        return new HttpServer(s.auth(), responses, List.of(
                new AdminRoutes(s.auth(), s.replicas(), s.backups(), responses),
                new EventRoutes(s.ingest(), largeBodies, s.events(), s.eventTypes(), responses, observers.acknowledgements(), s.cursors()),
                new WebhookRoutes(s.webhooks(), s.deliveries(), s.filters(), responses, s.cursors()),
                new MetricRoutes(s.metrics(), responses),
                new OpsRoutes(new ApiKeys(s.auth()), ops),
                new ConsoleRoutes()), health, identity, bodyBudgetBytes, s.admission(), largeBodies);
    }
}
