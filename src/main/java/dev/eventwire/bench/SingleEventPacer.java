package dev.eventwire.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Single events posted on a fixed schedule from a bounded set of senders (a producer with a connection
 * pool), a given number of them or until stopped. Each latency starts at the event's scheduled time, so a
 * stall shows in the figures instead of slowing the schedule (no coordinated omission). Event ids are
 * {@code prefix + index}; times are wall-clock microseconds, comparable across the processes of this machine.
 */
final class SingleEventPacer implements AutoCloseable {
    /** Until stopped. */
    static final long UNBOUNDED = Long.MAX_VALUE;
    private static final int REFUSAL_CHARS = 200;

    /**
     * One posted event: when it was due, when its answer came, the answer's status (-1: none) and, for a
     * status other than 202, the start of the answer's body.
     */
    record Sent(long index, long dueMicros, long answeredMicros, int status, String refusal) {
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

    /**
     * Starts posting {@code perSecond} events a second, {@code count} in all (or {@link #UNBOUNDED}), from
     * {@code senderCount} senders to {@code client} with the tenant key {@code key}.
     */
    SingleEventPacer(LoadClient client, String key, String prefix, int perSecond, long count, int senderCount) {
        long intervalNanos = 1_000_000_000L / perSecond;
        long startNanos = System.nanoTime();
        long startMicros = DeliveryBench.nowMicros();
        AtomicLong next = new AtomicLong();
        for (int s = 0; s < senderCount; s++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (long i = next.getAndIncrement(); i < count && !stopped.get(); i = next.getAndIncrement()) {
                    long wait = startNanos + i * intervalNanos - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    if (stopped.get()) return;
                    String body = SyntheticEvents.one(ThreadLocalRandom.current()).replaceFirst("\\{", "{\"event_id\":\"" + prefix + i + "\",");
                    LoadClient.Reply reply = client.post("/v1/events", key, body);
                    long answered = DeliveryBench.nowMicros();
                    String answer = reply.body() == null ? "" : reply.body();
                    String refusal = reply.status() == 202 ? null : reply.status() + " " + answer.substring(0, Math.min(REFUSAL_CHARS, answer.length()));
                    sent.add(new Sent(i, startMicros + i * intervalNanos / 1000, answered, reply.status(), refusal));
                }
            }));
        }
    }

    /** What was posted so far (answered requests only), in the order the answers came. */
    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Waits until a counted schedule has been posted and answered. */
    void awaitDone() {
        joinSenders();
    }

    /** Stops the schedule and waits for the requests under way to be answered. */
    @Override
    public void close() {
        stopped.set(true);
        joinSenders();
    }

    private void joinSenders() {
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
