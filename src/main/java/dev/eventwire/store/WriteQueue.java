package dev.eventwire.store;

import dev.eventwire.support.StoreUnavailableException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The hand-off every store writer thread shares: a bounded queue whose callers learn of overload or shutdown through their futures. */
public final class WriteQueue {
    private WriteQueue() {
    }

    /** Queues {@code item}, waiting up to {@code seconds} for room; otherwise fails {@code future} as overloaded. */
    public static <E> void offer(BlockingQueue<E> queue, E item, CompletableFuture<?> future, int seconds) {
        try {
            if (!queue.offer(item, seconds, TimeUnit.SECONDS)) {
                future.completeExceptionally(new StoreUnavailableException("the store is overloaded; retry later", null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.completeExceptionally(new StoreUnavailableException("interrupted while queueing a write", e));
        }
    }

    /** Waits for {@code thread} (told to stop) to finish what it had, then fails what is still queued as the store shutting down. */
    public static <E> void drainAfter(Thread thread, BlockingQueue<E> queue, Function<E, CompletableFuture<?>> futureOf) {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (E late; (late = queue.poll()) != null; ) {
            futureOf.apply(late).completeExceptionally(new StoreUnavailableException("the store is shutting down", null));
        }
    }
}
