package dev.eventwire.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Single events posted on a fixed schedule from a few senders (a producer with a small connection pool)
 * until stopped. Each latency starts at the event's scheduled time, so a stall shows in the figures
 * instead of slowing the schedule. Event ids are {@code prefix + index}; times are wall-clock microseconds.
 */
final class SingleEventPacer implements AutoCloseable {
    private static final int SENDERS = 16;

    /** One posted event: when it was due, when its answer came, and the answer's status (-1: none). */
    record Sent(long index, long dueMicros, long answeredMicros, int status) {
        long latencyMicros() {
            return Math.max(0, answeredMicros - dueMicros);
        }

        boolean accepted() {
            return status == 202;
        }
    }

    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> senders = new ArrayList<>();

    /** Starts posting {@code perSecond} events a second to {@code client} with the tenant key {@code key}. */
    SingleEventPacer(LoadClient client, String key, String prefix, int perSecond) {
        long intervalNanos = 1_000_000_000L / perSecond;
        long startNanos = System.nanoTime();
        long startMicros = DeliveryBench.nowMicros();
        AtomicLong next = new AtomicLong();
        for (int s = 0; s < SENDERS; s++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (long i = next.getAndIncrement(); !stopped.get(); i = next.getAndIncrement()) {
                    long wait = startNanos + i * intervalNanos - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    if (stopped.get()) return;
                    String body = SyntheticEvents.one(ThreadLocalRandom.current()).replaceFirst("\\{", "{\"event_id\":\"" + prefix + i + "\",");
                    int status = client.post("/v1/events", key, body).status();
                    sent.add(new Sent(i, startMicros + i * intervalNanos / 1000, DeliveryBench.nowMicros(), status));
                }
            }));
        }
    }

    /** What was posted so far (answered requests only). */
    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Stops the schedule and waits for the requests under way to be answered. */
    @Override
    public void close() {
        stopped.set(true);
        for (Thread t : senders) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
