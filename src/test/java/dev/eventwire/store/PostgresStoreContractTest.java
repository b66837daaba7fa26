package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.store.postgres.DatabaseUrl;
import dev.eventwire.store.postgres.PostgresBackend;
import dev.eventwire.support.Json;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.support.Receiver;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store contract against PostgreSQL (a real server), plus what only a store shared by replicas must do. */
@ExtendWith(PostgresServer.class)
class PostgresStoreContractTest extends StoreContractTest {
    private final PostgresServer.Handle postgres;
    private String databaseUrl;

    PostgresStoreContractTest(PostgresServer.Handle postgres) {
        this.postgres = postgres;
    }

    @Override
    StoreBackend backend(Path dir, MutableClock clock, Duration lease, WebhookRegistry registry) {
        databaseUrl = postgres.freshDatabase();
        return replica("replica-a", lease, registry);
    }

    @Override
    StoreBackend sameStoreAgain(Path dir, MutableClock clock, Duration lease, WebhookRegistry registry) {
        return replica("replica-a", lease, registry);
    }

    private PostgresBackend replica(String id, Duration lease, WebhookRegistry registry) {
        // Every webhook of these replicas is stored sealed, so the whole contract runs through sealing too (the DuckDB
        // contract test stores secrets as they are).
        return new PostgresBackend(DatabaseUrl.parse(databaseUrl), 8, id, "test", clock, lease, new FiltersCodec(new Json()),
                SecretSeal.fromKeys(java.util.Optional.of(java.util.Base64.getEncoder().encodeToString(new byte[32])), java.util.Optional.empty()), registry,
                dev.eventwire.delivery.WebhookHealthRule.disablingAfter(Duration.ofDays(5)),
                dev.eventwire.support.CommitObserver.NONE);
    }

    /** One delivery claimed by a first owner, then, once that lease lapsed, by a second. */
    private record Takeover(DeliveryJob first, DeliveryJob second) {
    }

    private Takeover takeover() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y")), List.of()).get();
        DeliveryJob first = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        clock.advance(LEASE.plusSeconds(1));
        DeliveryJob second = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        assertThat(second.key()).isEqualTo(first.key());
        return new Takeover(first, second);
    }

    @Test
    void anOutcomeUnderAStaleLeaseIsNotRecorded() throws Exception {
        Takeover t = takeover();
        DeliveryJob first = t.first();
        DeliveryJob second = t.second();
        assertThat(second.lease()).as("a new lease, a new token").isNotEqualTo(first.lease());

        assertThat(stores.deliveries().record(outcome(first, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get())
                .as("the store says the outcome did not apply").isFalse();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status())
                .as("the paused owner's outcome is fenced off").isEqualTo(DeliveryStatus.PENDING);
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).isEmpty();

        assertThat(stores.deliveries().record(outcome(second, DeliveryStatus.DEAD, Optional.empty()), () -> { }).get()).isTrue();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status()).isEqualTo(DeliveryStatus.DEAD);
        stores.deliveries().releaseLeases(List.of(first)).get();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status()).isEqualTo(DeliveryStatus.DEAD);
    }

    @Test
    void aStaleLeaseCannotBeRenewed() throws Exception {
        DeliveryJob first = takeover().first();
        stores.deliveries().renewLeases(List.of(first), clock.instant().plus(LEASE.multipliedBy(10))).get();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs())
                .as("the paused owner's renewal did not extend the new owner's lease").hasSize(1);
    }

    @Test
    void aStaleLeaseCannotHandBackTheNewOwnersClaim() throws Exception {
        Takeover t = takeover();
        DeliveryJob first = t.first();
        DeliveryJob second = t.second();

        // The paused first owner comes back, does not know the (active) webhook yet and hands the delivery back.
        stores.deliveries().parkRemoved(first, clock.instant()).get();
        clock.advance(Duration.ofSeconds(5));
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs())
                .as("still the new owner's: nobody else may send it meanwhile").isEmpty();

        stores.deliveries().parkRemoved(second, clock.instant()).get();
        clock.advance(Duration.ofSeconds(5));
        assertThat(stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs())
                .as("the owner's own hand-back frees it").hasSize(1);
    }

    @Test
    void aLocalUpdateOlderThanAnotherReplicasLaterChangeDoesNotStick() throws Exception {
        Webhook w = webhook("a", "wh_1");
        Webhook mine = w.withUpdate("https://example.com/mine", w.description(), w.filters(), true, Optional.empty(), clock.instant());
        Webhook theirs = w.withUpdate("https://example.com/theirs", w.description(), w.filters(), true, Optional.empty(), clock.instant());
        try (PostgresBackend other = replica("replica-b", LEASE, new WebhookRegistry())) {
            stores.webhooks().update(mine, w.updatedAt(), false, () -> {
                // Committed, not yet in this replica's registry: another replica changes the webhook after it,
                // and this replica's background refresh (every 250 ms) has time to run before the late update.
                other.webhooks().update(theirs, mine.updatedAt(), false, () -> { });
                pause(Duration.ofMillis(700));
                stores.registry().put(mine);
            });
        }
        Receiver.await(() -> stores.registry().active("wh_1").orElseThrow().url().equals(theirs.url()), Duration.ofSeconds(5),
                "the registry to hold the later change, not this replica's older one");
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRenewalSkipsARowAnotherTransactionHoldsInsteadOfWaitingForIt() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y"), event("a", "e2", "x.y")), List.of()).get();
        List<DeliveryJob> held = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(held).hasSize(2);
        DeliveryJob beingRecorded = held.get(0);
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        // Another transaction (an outcome batch, in a replica) holds one of the two rows until it commits.
        try (java.sql.Connection outcome = java.sql.DriverManager.getConnection(url.jdbcUrl(), url.user().orElse(null), url.password().orElse(null))) {
            outcome.setAutoCommit(false);
            try (var ps = outcome.prepareStatement("SELECT seq FROM delivery_queue WHERE seq = ? FOR UPDATE")) {
                ps.setLong(1, beingRecorded.seq());
                ps.executeQuery().close();
            }
            stores.deliveries().renewLeases(held, clock.instant().plus(LEASE.multipliedBy(10))).get(5, java.util.concurrent.TimeUnit.SECONDS);
            outcome.rollback();
        }
        clock.advance(LEASE.plusSeconds(1));
        List<DeliveryJob> lapsed = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs();
        assertThat(lapsed).as("the held row was skipped (its lease lapsed), the other one renewed")
                .extracting(DeliveryJob::seq).containsExactly(beingRecorded.seq());
    }

    @Test
    void aSilentReplicasLapsedLeaseIsClaimedAheadOfWorkThatFellDueBeforeItsLeaseEnded() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y")), List.of()).get();
        try (PostgresBackend other = replica("replica-b", LEASE, new WebhookRegistry())) {
            other.replicas().beat(clock.instant(), 1, "");
            DeliveryJob held = other.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 1).jobs().getFirst();
            clock.advance(Duration.ofSeconds(1));
            stores.events().append(List.of(event("a", "e2", "x.y"), event("a", "e3", "x.y")), List.of()).get();
            // replica-b died holding e1: its heartbeat stops, its lease lapses. e2 and e3 have been due since before that.
            clock.advance(LEASE.plusSeconds(1));
            List<DeliveryJob> next = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 2).jobs();
            assertThat(next).as("the dead replica's delivery first, then the oldest of the rest")
                    .extracting(DeliveryJob::eventId).containsExactly(held.eventId(), "e2");
        }
    }

    @Test
    void twoReplicasRacingOverOneHundredThousandDueDeliveriesClaimEachExactlyOnce() throws Exception {
        engineTakesNew.set(false);
        for (int w = 0; w < 10; w++) webhook("a", "wh_" + w);
        for (int batch = 0; batch < 10; batch++) {
            List<dev.eventwire.events.NewEvent> events = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) events.add(event("a", "e" + batch + "_" + i, "x.y"));
            stores.events().append(events, List.of()).get();
        }
        try (PostgresBackend other = replica("replica-b", LEASE, new WebhookRegistry())) {
            List<dev.eventwire.delivery.DeliveryStore> claimers = List.of(stores.deliveries(), other.deliveries());
            List<java.util.concurrent.Future<List<Long>>> claimed = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                for (int t = 0; t < 4; t++) {
                    dev.eventwire.delivery.DeliveryStore store = claimers.get(t % 2);
                    claimed.add(pool.submit(() -> {
                        List<Long> seqs = new java.util.ArrayList<>();
                        int emptyInARow = 0;
                        while (emptyInARow < 3) {
                            List<DeliveryJob> jobs = store.claimDue(clock.instant(), clock.instant().plus(LEASE), 2000, id -> 500).jobs();
                            emptyInARow = jobs.isEmpty() ? emptyInARow + 1 : 0;
                            jobs.forEach(j -> seqs.add(j.seq()));
                        }
                        return seqs;
                    }));
                }
            }
            List<Long> all = new java.util.ArrayList<>();
            for (var f : claimed) all.addAll(f.get());
            assertThat(all).as("every due delivery claimed").hasSize(100_000);
            assertThat(new java.util.HashSet<>(all)).as("none claimed twice").hasSize(100_000);
            assertThat(claimed.stream().filter(f -> {
                try {
                    return !f.get().isEmpty();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).count()).as("both replicas took part").isGreaterThan(1);
        }
    }
}
