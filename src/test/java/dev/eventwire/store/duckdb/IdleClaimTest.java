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
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller claims several times a second; when nothing in the queue can be claimed, the claim must not
 * cost a delivery writer transaction, and it must still take each delivery the moment it becomes
 * claimable: a retry at its time, a lease given back at once, a lease nobody renewed when it ends.
 */
class IdleClaimTest {
    private static final Duration LEASE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void claimsFindingNothingWriteNothingAndEachDeliveryIsTakenWhenItBecomesClaimable() throws Exception {
        Instant start = Instant.parse("2026-12-04T10:00:00Z");
        Clock clock = Clock.fixed(start, ZoneOffset.UTC);
        AtomicInteger commits = new AtomicInteger();
        CommitObserver counting = (writer, nanos) -> commits.incrementAndGet();
        try (DuckDbDatabase database = DuckDbDatabase.open(dir);
             GroupCommitWriter writer = new GroupCommitWriter(database, "test-delivery-writer", 100, GroupCommitWriter.Fill.NONE, counting)) {
            new SyntheticLoad(writer).backlog("acme", "wh_a", 3, 1, micros(start));
            DuckDbDeliveryStore store = new DuckDbDeliveryStore(database, writer, writer, () -> { }, new Ids(clock), clock, LEASE,
                    WebhookHealthRule.disablingAfter(WebhookHealthRule.DEFAULT_DISABLE_AFTER));
            writer.start();

            List<DeliveryJob> jobs = claim(store, start).jobs().stream().sorted(Comparator.comparingLong(DeliveryJob::seq)).toList();
            assertThat(jobs).hasSize(3);
            DeliveryJob retried = jobs.get(0);
            DeliveryJob forgotten = jobs.get(1);
            DeliveryJob givenBack = jobs.get(2);

            int before = commits.get();
            for (int i = 1; i <= 20; i++) assertThat(claim(store, start.plusMillis(250L * i)).jobs()).isEmpty();
            assertThat(commits.get()).as("commits of twenty claims with everything leased").isEqualTo(before);

            store.record(failedWithRetryAt(retried, start.plusSeconds(6), start.plusSeconds(1)), () -> { }, true).get(5, TimeUnit.SECONDS);
            before = commits.get();
            assertThat(claim(store, start.plusSeconds(3)).jobs()).isEmpty();
            assertThat(claim(store, start.plusMillis(5999)).jobs()).isEmpty();
            assertThat(commits.get()).as("commits of claims before the retry is due").isEqualTo(before);
            assertThat(claim(store, start.plusSeconds(6)).jobs()).extracting(DeliveryJob::eventId).containsExactly(retried.eventId());

            store.releaseLeases(List.of(givenBack)).get(5, TimeUnit.SECONDS);
            assertThat(claim(store, start.plusSeconds(7)).jobs()).extracting(DeliveryJob::eventId).containsExactly(givenBack.eventId());

            before = commits.get();
            assertThat(claim(store, start.plusSeconds(59)).jobs()).isEmpty();
            assertThat(commits.get()).as("commits of a claim before any lease ends").isEqualTo(before);
            // Nobody recorded an outcome for it or renewed its lease: when the lease ends, it is claimed again.
            assertThat(claim(store, start.plus(LEASE)).jobs()).extracting(DeliveryJob::eventId).containsExactly(forgotten.eventId());
        }
    }

    private static Claim claim(DuckDbDeliveryStore store, Instant now) {
        return store.claimDue(now, now.plus(LEASE), 100, id -> 100);
    }

    private static AttemptRecord failedWithRetryAt(DeliveryJob job, Instant retryAt, Instant at) {
        return new AttemptRecord(job.tenant(), job.webhookId(), job.eventId(), job.messageId(), job.eventType(), job.attempt(), job.trigger(),
                Optional.of(503), false, Optional.of("HTTP 503"), 1, "busy", at, DeliveryStatus.PENDING, Optional.of(retryAt), Optional.empty(),
                job.seq(), job.lease());
    }

    private static long micros(Instant at) {
        return Duration.between(Instant.EPOCH, at).toNanos() / 1000;
    }
}
