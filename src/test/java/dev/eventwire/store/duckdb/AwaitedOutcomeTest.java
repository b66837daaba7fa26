package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.Claim;
import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.WebhookHealthRule;
import dev.eventwire.support.CommitObserver;
import dev.eventwire.support.Ids;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery store holds outcomes back to write many per transaction, except one something waits for
 * (an entity-ordered delivery's, whose entity's next delivery becomes claimable with it): that one is
 * written at once, and takes the held ones with it. The store's writer paces for ten seconds here, so an
 * outcome held when it should not be shows as a timeout.
 */
class AwaitedOutcomeTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void anAwaitedOutcomeIsWrittenAtOnceAndTakesTheHeldOnesWithIt() throws Exception {
        Clock clock = Clock.systemUTC();
        try (DuckDbDatabase database = DuckDbDatabase.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(database, "test-delivery-writer", 100, new GroupCommitWriter.Fill(1000, LONG, Integer.MAX_VALUE, LONG),
                     CommitObserver.NONE)) {
            Instant now = clock.instant();
            new SyntheticLoad(writer).backlog("acme", "wh_ordered", 3, 1, Duration.between(Instant.EPOCH, now).toNanos() / 1000);
            DuckDbDeliveryStore store = new DuckDbDeliveryStore(database, writer, writer, () -> { }, new Ids(clock), clock, Duration.ofSeconds(60),
                    WebhookHealthRule.disablingAfter(WebhookHealthRule.DEFAULT_DISABLE_AFTER));
            writer.start();
            Claim claim = store.claimDue(now, now.plusSeconds(60), 10, id -> 10);
            assertThat(claim.jobs()).hasSize(3);

            CompletableFuture<Boolean> first = store.record(delivered(claim.jobs().get(0), now), () -> { });
            CompletableFuture<Boolean> second = store.record(delivered(claim.jobs().get(1), now), () -> { });
            Thread.sleep(100);
            assertThat(first).as("held back for the pace").isNotDone();
            store.record(delivered(claim.jobs().get(2), now), () -> { }, true).get(5, TimeUnit.SECONDS);
            first.get(5, TimeUnit.SECONDS);
            second.get(5, TimeUnit.SECONDS);
            for (DeliveryJob job : claim.jobs()) {
                assertThat(store.find("acme", "wh_ordered", job.eventId())).as(job.eventId()).get()
                        .extracting(d -> d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            }
        }
    }

    private static AttemptRecord delivered(DeliveryJob job, Instant at) {
        return new AttemptRecord(job.tenant(), job.webhookId(), job.eventId(), job.messageId(), job.eventType(), job.attempt(), job.trigger(),
                Optional.of(200), true, Optional.empty(), 1, "ok", at, DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty(), job.seq(), job.lease());
    }
}
