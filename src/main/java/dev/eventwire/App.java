package dev.eventwire;

import dev.eventwire.auth.AdminKeyFile;
import dev.eventwire.auth.AuthService;
import dev.eventwire.auth.KeyHasher;
import dev.eventwire.delivery.DeliveryEngine;
import dev.eventwire.delivery.DeliveryService;
import dev.eventwire.delivery.EgressGuard;
import dev.eventwire.delivery.EngineSettings;
import dev.eventwire.delivery.HostResolver;
import dev.eventwire.delivery.HttpSender;
import dev.eventwire.delivery.OutcomePolicy;
import dev.eventwire.delivery.RequestFactory;
import dev.eventwire.delivery.RetryPolicy;
import dev.eventwire.delivery.Signer;
import dev.eventwire.delivery.WebhookTester;
import dev.eventwire.events.EventValidator;
import dev.eventwire.delivery.DeliveryStore;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.IngestListener;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.ingest.OperationalEvents;
import dev.eventwire.retention.RetentionWorker;
import dev.eventwire.store.StoreBackend;
import dev.eventwire.store.StoreFactory;
import dev.eventwire.observability.AcknowledgementMeters;
import dev.eventwire.observability.DeliveryMeters;
import dev.eventwire.observability.EngineGauges;
import dev.eventwire.observability.IngestMeters;
import dev.eventwire.observability.MetricGauges;
import dev.eventwire.observability.StoreMeters;
import dev.eventwire.observability.Telemetry;
import dev.eventwire.webhooks.WebhookStore;
import dev.eventwire.metrics.MetricCache;
import dev.eventwire.metrics.MetricCatalog;
import dev.eventwire.metrics.MetricDefinitions;
import dev.eventwire.metrics.LiveRollups;
import dev.eventwire.metrics.MetricsService;
import dev.eventwire.metrics.RollupWorker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import dev.eventwire.events.IngestService;
import dev.eventwire.http.Api;
import dev.eventwire.http.HttpServer;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.support.ServiceHealth;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookRegistry;
import dev.eventwire.webhooks.WebhookService;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The composition root: builds every part by constructor from a {@link ServeConfig}, starts them in
 * dependency order (store, writer, registry, delivery engine, HTTP) and stops them in reverse.
 */
public final class App implements AutoCloseable {
    /** With replicas: how long a looked-up API key is trusted before asking the store again (a revoked key is refused everywhere within it). */
    private static final Duration SHARED_KEY_CACHE = Duration.ofMillis(500);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(App.class);
    private static final Duration RETENTION_INTERVAL = Duration.ofMinutes(10);

    private final StoreBackend store;
    private final RollupWorker rollups;
    private final Heartbeat heartbeat;
    private final RetentionWorker retention;
    private final DeliveryEngine engine;
    private final OperationalEvents operationalEvents;
    private final HttpServer http;
    private final Telemetry telemetry;
    private final String adminKey;
    private final dev.eventwire.store.SecretSeal secrets;
    private volatile boolean running;

    private App(ServeConfig config, Clock clock, HostResolver dns, Consumer<String> announce, IngestListener observer,
                UnaryOperator<DeliveryStore> engineView) {
        Json json = new Json();
        Ids ids = new Ids(clock);
        MetricCatalog catalog = MetricDefinitions.load(config.metricsFile());
        EngineSettings settings = config.storage().databaseUrl().isPresent()
                ? EngineSettings.forReplicas(config.deliveryTimeout()) : EngineSettings.defaults(config.deliveryTimeout());
        FiltersCodec filters = new FiltersCodec(json);
        WebhookRegistry registry = new WebhookRegistry();
        this.secrets = config.storage().secrets();
        this.telemetry = new Telemetry();
        try {
            this.store = StoreFactory.open(config, ids, clock, settings.lease(), filters, registry, new StoreMeters(telemetry));
        } catch (RuntimeException e) {
            telemetry.close();
            throw e;
        }
        try {
            // After the store opened: a database that cannot be reached leaves no generated key (and no data
            // folder) behind, and a retried start does not announce a second key.
            // Replicas on other hosts would each generate a key of their own, and refuse each other's.
            java.util.function.Consumer<String> generated = config.storage().databaseUrl().isEmpty() ? announce : line -> announce.accept(line
                    + " Replicas sharing the database need one admin key: give each this one in " + AdminKeyFile.VARIABLE + ".");
            this.adminKey = AdminKeyFile.resolve(config.adminKey(), config.dataDir(), ids, generated);
        } catch (RuntimeException e) {
            store.close();
            telemetry.close();
            throw e;
        }
        HttpSender sender = null;
        java.util.Deque<Runnable> stopOnFailure = new java.util.ArrayDeque<>();
        try {
            EgressGuard guard = new EgressGuard(dns, config.egress().allow());
            sender = new HttpSender(guard, config.egress().trust(), settings.connectTimeout(), settings.deliveryTimeout(), settings.perEndpointInFlight());
            RequestFactory requests = new RequestFactory(new Signer(), Version.current());

            DeliveryStore deliveries = store.deliveries();
            WebhookStore webhookStore = store.webhooks();
            this.engine = new DeliveryEngine(engineView.apply(deliveries), registry, sender, requests,
                    new OutcomePolicy(new RetryPolicy(config.retrySchedule(), () -> ThreadLocalRandom.current().nextDouble())), clock, settings,
                    new DeliveryMeters(telemetry));
            EngineGauges.register(telemetry, engine, store.pendingDeliveries(), () -> store.writeProblem().isEmpty(), clock);
            this.rollups = new RollupWorker(store.metrics(), Duration.ofSeconds(1));
            this.heartbeat = new Heartbeat(store.replicas(), engine, clock, HEARTBEAT, SharedSettings.of(config));
            this.retention = new RetentionWorker(store.retention(), clock, config.retention(), RETENTION_INTERVAL);
            MetricCache metricCache = new MetricCache(catalog);
            LiveRollups liveMetrics = new LiveRollups(catalog, store.metrics(), clock, config.limits().maxDistinctValuesInMemory());
            MetricGauges.register(telemetry, liveMetrics::pastDistinctBound);
            // The cache is told first: values are dropped before the engine starts sending and before any answer.
            EventStore events = store.events(new IngestCommit(registry, engine, catalog, liveMetrics,
                    IngestListener.all(List.of(observer, metricCache, engine)), ids));
            this.operationalEvents = new OperationalEvents(events, deliveries, EventValidator.forOperationalEvents(json, ids), registry, json, clock);
            deliveries.listen(operationalEvents);
            MetricsService metrics = new MetricsService(catalog, store.metrics(), liveMetrics, metricCache, clock, store.shared());
            AuthService auth = new AuthService(store.keys(), new KeyHasher(), ids, clock, adminKey, store.shared() ? SHARED_KEY_CACHE : Duration.ofDays(36_500));
            IngestService ingest = new IngestService(new IngestMeters(events, telemetry), new EventValidator(json, ids), catalog, registry,
                    config.limits().maxDeliveriesPerRequest(), json, clock);
            WebhookService webhooks = new WebhookService(webhookStore, registry, filters, guard, ids, clock, config.limits().maxWebhooksPerTenant());
            DeliveryService deliveryService = new DeliveryService(deliveries, webhooks, engine,
                    new WebhookTester(sender, requests, deliveries, ids, json, clock, settings.deliveryTimeout()), clock, events, json, ids);

            registry.load(webhookStore.loadActive());
            store.start();
            if (!store.shared()) liveMetrics.restore(); // with replicas, metric reads go to the store
            if (heartbeat.anotherLiveProcessUsesThisId()) {
                log.warn("another live process uses this replica's id: the deliveries it holds are left to it (they are sent again only if"
                        + " its leases lapse); give each replica its own --replica-id");
            } else {
                engine.releaseOwnLeases();
            }
            engine.start();
            stopOnFailure.push(engine::close);
            rollups.start();
            stopOnFailure.push(rollups::close);
            heartbeat.start();
            stopOnFailure.push(heartbeat::close);
            retention.start();
            stopOnFailure.push(retention::close);
            operationalEvents.start();
            stopOnFailure.push(operationalEvents::close);
            this.http = Api.server(new Api.Services(auth, ingest,
                    new dev.eventwire.events.TenantAdmission(config.limits().tenantIngestBudgetBytes(), config.limits().tenantBodyBytesPerSecond(),
                            dev.eventwire.http.HttpServer.MAX_BODY_BYTES, clock), events, webhooks, deliveryService, filters, metrics,
                    new dev.eventwire.store.ReplicaRoster(store.replicas(), clock), new dev.eventwire.events.EventTypes(events, clock),
                    new dev.eventwire.backup.BackupService(store.snapshots(), config.dataDir(),
                            AdminKeyFile.fromVariable(config.adminKey()) ? List.of() : List.of(AdminKeyFile.FILE_NAME), clock,
                            new dev.eventwire.observability.BackupMeters(telemetry)), new dev.eventwire.http.SealedCursors(store.cursorKey())), json, this::health, new Api.Identity(store.name(), config.storage().replicaId()),
                    config.limits().bodyBudgetBytes(), new Api.Ops(telemetry::scrape, Telemetry.CONTENT_TYPE, config.metricsAuth() == MetricsAuth.ADMIN),
                    new Api.Observers(new AcknowledgementMeters(telemetry)));
            http.start(config.host(), config.port());
            running = true;
            log.info("Eventwire {} serving on {}:{} with {} ({})", Version.current(), config.host(), http.port(), store.name(),
                    store.shared() ? "replica " + config.storage().replicaId() : "data in " + config.dataDir().toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            // What started stops, last first, before the store closes under it (the port may be taken).
            stopOnFailure.forEach(Runnable::run);
            if (sender != null) sender.close();
            store.close();
            telemetry.close();
            throw e;
        }
    }

    public static App start(ServeConfig config, Clock clock, Consumer<String> announce) {
        return new App(config, clock, HostResolver.SYSTEM, announce, (accepted, rejected, deliveries) -> { }, UnaryOperator.identity());
    }

    /** For tests that stand in for DNS. */
    public static App start(ServeConfig config, Clock clock, HostResolver dns, Consumer<String> announce) {
        return new App(config, clock, dns, announce, (accepted, rejected, deliveries) -> { }, UnaryOperator.identity());
    }

    /**
     * For tests that inject faults between the delivery engine and its store (a slow acknowledgement of a
     * recorded outcome, say): the engine works through {@code engineView} of the real store.
     */
    public static App startWithEngineView(ServeConfig config, Clock clock, HostResolver dns, UnaryOperator<DeliveryStore> engineView) {
        return new App(config, clock, dns, message -> { }, (accepted, rejected, deliveries) -> { }, engineView);
    }

    /** For benchmarks that time from the commit: {@code observer} is told what each ingest commit accepted. */
    public static App startObserved(ServeConfig config, Clock clock, IngestListener observer) {
        return new App(config, clock, HostResolver.SYSTEM, message -> { }, observer, UnaryOperator.identity());
    }

    /** What /health reports: unavailable (503) when writes cannot be served, degraded (200) when a background job keeps failing. */
    public ServiceHealth health() {
        if (!running) return new ServiceHealth.Unavailable("The service is starting or stopping.");
        if (!engine.isRunning()) return new ServiceHealth.Unavailable("The delivery engine is not running.");
        Optional<StoreBackend.WriteProblem> p = store.writeProblem();
        if (p.isPresent()) {
            return new ServiceHealth.Unavailable("The store cannot write" + (p.get().fatal() ? " until it is reopened" : "") + ": " + p.get().reason());
        }
        Optional<String> missingKey = secrets.missingKeyId();
        if (missingKey.isPresent()) {
            return new ServiceHealth.Unavailable("Webhook secrets in the store are sealed with key " + missingKey.get() + ", which this server was not "
                    + "started with: restart it with that key in " + dev.eventwire.store.SecretSeal.VARIABLE + " (or " + dev.eventwire.store.SecretSeal.PREVIOUS_VARIABLE + ").");
        }
        Optional<String> refused = store.recentRefusal();
        if (refused.isPresent()) {
            return new ServiceHealth.Degraded("The store refused a write in the last minute and takes writes again (a nearly full disk takes small "
                    + "requests and refuses large ones): " + refused.get());
        }
        Optional<String> twin = heartbeat.twin();
        if (twin.isPresent()) return new ServiceHealth.Degraded("Replica id in use twice: " + twin.get());
        Optional<String> differ = heartbeat.settingsDiffer();
        if (differ.isPresent()) {
            return new ServiceHealth.Degraded("Replicas run with different settings: " + differ.get() + "; give every replica the same settings.");
        }
        // In general words, as the store's problems: /health takes no key, the log has the driver's message.
        if (rollups.failure().isPresent()) return new ServiceHealth.Degraded("Metric rollups keep failing (reads stay exact; the server's log says why).");
        return new ServiceHealth.Ok();
    }

    /**
     * True when the store refuses every write until it is reopened (after an I/O error such as a full
     * disk): the process should exit so its supervisor starts it again, which replays the write-ahead log.
     */
    public boolean needsRestart() {
        return store.writeProblem().map(StoreBackend.WriteProblem::fatal).orElse(false);
    }

    /** Folds every metric point written so far into the durable rollups (benchmarks wait for it before measuring). */
    public void awaitMetricRollups() {
        store.metrics().rollUpAll();
    }

    /** The HTTP routes as registered in the router (the OpenAPI test compares them with the document). */
    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    /** Runs one retention round now (tests, with an injected clock). */
    public java.util.Map<dev.eventwire.retention.Retained, Integer> runRetention() {
        return retention.runOnce();
    }

    public int port() {
        return http.port();
    }

    public String adminKey() {
        return adminKey;
    }

    /** Graceful stop: no new requests, in-flight work finished or released, queued writes committed, store closed. */
    @Override
    public void close() {
        running = false;
        http.close();
        engine.close();
        operationalEvents.close();
        heartbeat.close();
        retention.close();
        rollups.close();
        store.close();
        telemetry.close();
        log.info("Eventwire stopped");
    }
}
