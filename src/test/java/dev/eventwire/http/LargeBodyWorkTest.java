package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.support.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Large bodies are worked on outside the virtual threads' carriers, so their CPU never holds every other request up. */
class LargeBodyWorkTest {
    private static final byte[] LARGE = new byte[LargeBodyWork.LARGE_BODY_BYTES + 1];
    private static final byte[] SMALL = new byte[100];

    /** As many carriers as the JVM gives virtual threads: the cores, unless set otherwise. */
    private static int carriers() {
        String set = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        return set != null ? Integer.parseInt(set) : Runtime.getRuntime().availableProcessors();
    }

    @Test
    void requestsBusyWithLargeBodiesOnEveryCarrierLeaveOtherRequestsRunning() throws Exception {
        // As many threads as carriers, so a large body is being worked on for every carrier.
        try (LargeBodyWork work = new LargeBodyWork(carriers())) {
            AtomicBoolean release = new AtomicBoolean();
            CountDownLatch busy = new CountDownLatch(carriers());
            List<Thread> heavy = new ArrayList<>();
            try {
                // One request per carrier, each spending the CPU a multi-megabyte batch costs (here: until released).
                for (int i = 0; i < carriers(); i++) {
                    heavy.add(Thread.ofVirtual().start(() -> work.handle(LARGE, () -> {
                        busy.countDown();
                        while (!release.get()) Thread.onSpinWait();
                        return null;
                    })));
                }
                assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();
                // Another request (another tenant's single event, /health) still gets a carrier.
                CountDownLatch answered = new CountDownLatch(1);
                Thread.ofVirtual().start(answered::countDown);
                assertThat(answered.await(10, TimeUnit.SECONDS))
                        .as("a small request ran while every carrier's request worked on a large body").isTrue();
            } finally {
                release.set(true);
                for (Thread t : heavy) t.join(10_000);
            }
        }
    }

    @Test
    void onATwoCoreMachineASecondLargeBodyWaitsUntilTheFirstIsDone() throws Exception {
        assertThat(LargeBodyWork.threadsFor(2)).isEqualTo(1);
        assertThat(LargeBodyWork.threadsFor(8)).isEqualTo(4);
        try (LargeBodyWork work = LargeBodyWork.forCores(2)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch firstStarted = new CountDownLatch(1);
            AtomicBoolean secondStarted = new AtomicBoolean();
            Thread first = Thread.ofVirtual().start(() -> work.handle(LARGE, () -> {
                firstStarted.countDown();
                awaitQuietly(release);
                return null;
            }));
            assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
            Thread second = Thread.ofVirtual().start(() -> work.handle(LARGE, () -> {
                secondStarted.set(true);
                awaitQuietly(release);
                return null;
            }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (work.waiting() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(work.waiting()).as("the second large body waits for the pool").isEqualTo(1);
            assertThat(secondStarted).as("a second large body was worked on beside the first").isFalse();
            release.countDown();
            first.join(10_000);
            second.join(10_000);
            assertThat(secondStarted).as("the second large body once the first was done").isTrue();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aLargeBodysRefusalReachesTheRequestAsItWasThrown() {
        try (LargeBodyWork work = LargeBodyWork.forCores(2)) {
            ApiException refusal = ApiException.invalid("invalid_json", "The body is not JSON.", null);
            assertThatThrownBy(() -> work.handle(LARGE, () -> {
                throw refusal;
            })).isSameAs(refusal);
            assertThat(work.handle(LARGE, () -> "accepted")).isEqualTo("accepted");
        }
    }

    @Test
    void aLargeBodyArrivingAfterTheStopIsAskedToComeBack() {
        LargeBodyWork work = LargeBodyWork.forCores(2);
        work.close();
        assertThatThrownBy(() -> work.handle(LARGE, () -> "accepted"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void aSmallBodyIsHandledWhereItArrived() {
        try (LargeBodyWork work = LargeBodyWork.forCores(2)) {
            Thread caller = Thread.currentThread();
            assertThat(work.handle(SMALL, Thread::currentThread)).isSameAs(caller);
            assertThat(work.handle(LARGE, Thread::currentThread)).isNotSameAs(caller);
        }
    }
}
