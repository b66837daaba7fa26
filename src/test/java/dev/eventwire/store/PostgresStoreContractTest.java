package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.store.postgres.DatabaseUrl;
import dev.eventwire.store.postgres.PostgresBackend;
import dev.eventwire.support.Json;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.webhooks.FiltersCodec;
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

    PostgresStoreContractTest(PostgresServer.Handle postgres) {
        this.postgres = postgres;
    }

    @Override
    StoreBackend backend(Path dir, MutableClock clock, Duration lease, WebhookRegistry registry) {
        return new PostgresBackend(DatabaseUrl.parse(postgres.freshDatabase()), 8, "replica-a", "test", clock, lease,
                new FiltersCodec(new Json()), registry);
    }

    @Test
    void anOutcomeUnderAStaleLeaseIsNotRecorded() throws Exception {
        engineTakesNew.set(false);
        webhook("a", "wh_1");
        stores.events().append(List.of(event("a", "e1", "x.y")), List.of()).get();
        DeliveryJob first = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        clock.advance(LEASE.plusSeconds(1));
        DeliveryJob second = stores.deliveries().claimDue(clock.instant(), clock.instant().plus(LEASE), 10, id -> 10).jobs().getFirst();
        assertThat(second.key()).isEqualTo(first.key());
        assertThat(second.lease()).as("a new lease, a new token").isNotEqualTo(first.lease());

        stores.deliveries().record(outcome(first, DeliveryStatus.DELIVERED, Optional.empty()), () -> { }).get();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status())
                .as("the paused owner's outcome is fenced off").isEqualTo(DeliveryStatus.PENDING);
        assertThat(stores.deliveries().attempts("a", "wh_1", "e1")).isEmpty();

        stores.deliveries().record(outcome(second, DeliveryStatus.DEAD, Optional.empty()), () -> { }).get();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status()).isEqualTo(DeliveryStatus.DEAD);
        stores.deliveries().releaseLeases(List.of(first)).get();
        assertThat(stores.deliveries().find("a", "wh_1", "e1").orElseThrow().status()).isEqualTo(DeliveryStatus.DEAD);
    }
}
