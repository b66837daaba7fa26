package dev.eventwire.store.duckdb;

import dev.eventwire.events.EventStore;
import dev.eventwire.events.IngestListener;
import dev.eventwire.events.NewEvent;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.metrics.LiveRollups;
import dev.eventwire.metrics.MetricCatalog;
import dev.eventwire.metrics.MetricDefinitions;
import dev.eventwire.store.LocalReplica;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Ordering;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookFilters;
import dev.eventwire.webhooks.WebhookRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The DuckDB backend wired as the composition root wires it, for the journal's crash test and its child process. */
record JournaledStore(DuckDbBackend backend, EventStore events, WebhookRegistry registry) implements AutoCloseable {
    static JournaledStore open(Path dir) {
        return open(dir, dev.eventwire.support.CommitObserver.NONE);
    }

    /** {@code commits}: told of every commit of the three writers and of every journal write. */
    static JournaledStore open(Path dir, dev.eventwire.support.CommitObserver commits) {
        Clock clock = Clock.systemUTC();
        WebhookRegistry registry = new WebhookRegistry();
        DuckDbBackend backend = new DuckDbBackend(dir, new Ids(clock), clock, Duration.ofSeconds(60), new FiltersCodec(new Json()),
                new LocalReplica("test", "test", clock.instant()), dev.eventwire.delivery.WebhookHealthRule.disablingAfter(Duration.ofDays(5)),
                commits);
        backend.webhooks().loadActive().forEach(registry::put);
        MetricCatalog catalog = MetricDefinitions.load(Optional.empty());
        EventStore events = backend.events(new IngestCommit(registry, webhookId -> false, catalog, new LiveRollups(catalog, backend.metrics(), clock),
                IngestListener.all(List.of()), new Ids(clock)));
        backend.start();
        return new JournaledStore(backend, events, registry);
    }

    /**
     * Holds the event log's writer (as a long checkpoint holds it) until the returned latch is counted
     * down: acknowledged events then stay in the journal only.
     */
    java.util.concurrent.CountDownLatch holdEventLogWriter() throws InterruptedException {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> backend.webhooks().insert(webhook("wh_hold"), 100, () -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        held.await();
        return release;
    }

    static Webhook webhook(String id) {
        Instant now = Instant.now();
        return new Webhook(id, "acme", "https://example.com/" + id, Optional.empty(), WebhookFilters.NONE, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                Optional.empty(), true, Optional.empty(), now, now, Optional.empty(), Ordering.NONE);
    }

    static NewEvent event(String id) {
        Instant now = Instant.now();
        String body = "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\",\"entity_id\":null,\"occurred_at\":\"" + now + "\",\"data\":{}}";
        return new NewEvent("acme", id, "order.created", Optional.empty(), now, now, new Json().mapper().createObjectNode(), body);
    }

    @Override
    public void close() {
        backend.close();
    }
}
