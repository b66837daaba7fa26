package dev.eventwire.store.duckdb;

import dev.eventwire.store.WriteQueue;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that acknowledges ingest requests: it takes everything queued (up to a bound), has it
 * planned and journaled as one group, and completes each request's future. If a group fails for a
 * reason other than the store (a bug in one request's planning), each request is tried alone, so one
 * bad request fails only its own caller.
 */
final class IngestSequencer<T, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestSequencer.class);
    private static final int QUEUE_CAPACITY = 65_536;

    /** Plans and journals one group; returns one result per item, in order. */
    @FunctionalInterface
    interface GroupHandler<T, R> {
        List<R> handle(List<T> items);
    }

    private record Item<T, R>(T value, CompletableFuture<R> future) {
    }

    private final BlockingQueue<Item<T, R>> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final GroupHandler<T, R> handler;
    private final Runnable housekeeping;
    private final long housekeepingIntervalNanos;
    private final int maxGroupSize;
    private final Thread thread;
    private volatile boolean stopping;

    /** {@code housekeeping}: run before each group and at least every {@code housekeepingInterval} while nothing comes. */
    IngestSequencer(String name, int maxGroupSize, GroupHandler<T, R> handler, Runnable housekeeping, java.time.Duration housekeepingInterval) {
        this.handler = handler;
        this.housekeeping = housekeeping;
        this.housekeepingIntervalNanos = housekeepingInterval.toNanos();
        this.maxGroupSize = maxGroupSize;
        this.thread = Thread.ofPlatform().name(name).daemon(false).start(this::loop);
    }

    CompletableFuture<R> submit(T value) {
        CompletableFuture<R> future = new CompletableFuture<>();
        if (stopping) {
            future.completeExceptionally(new StoreUnavailableException("the store is shutting down", null));
            return future;
        }
        WriteQueue.offer(queue, new Item<>(value, future), future, 10);
        return future;
    }

    private void loop() {
        List<Item<T, R>> group = new ArrayList<>();
        while (true) {
            try {
                housekeeping.run();
                Item<T, R> first = queue.poll(housekeepingIntervalNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    if (stopping) break;
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroupSize - 1);
                run(group);
            } catch (InterruptedException e) {
                if (stopping) break;
            } catch (RuntimeException e) {
                log.error("ingest sequencer failure", e);
                for (Item<T, R> item : group) item.future.completeExceptionally(new StoreUnavailableException("store write failed", e));
            } finally {
                group.clear();
            }
        }
    }

    private void run(List<Item<T, R>> group) {
        try {
            complete(group, handler.handle(group.stream().map(Item::value).toList()));
        } catch (StoreUnavailableException | ApiException e) {
            for (Item<T, R> item : group) item.future.completeExceptionally(e);
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                log.error("an ingest request failed", e);
                group.getFirst().future.completeExceptionally(new StoreUnavailableException("store write failed: " + e.getMessage(), e));
                return;
            }
            for (Item<T, R> item : group) run(List.of(item));
        }
    }

    private void complete(List<Item<T, R>> group, List<R> results) {
        for (int i = 0; i < group.size(); i++) group.get(i).future.complete(results.get(i));
    }

    /** Stops taking requests, finishes those already queued, and returns once the thread has ended. */
    @Override
    public void close() {
        stopping = true;
        WriteQueue.drainAfter(thread, queue, Item::future);
    }
}
