package dev.eventwire.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waits for a store future on the calling (virtual) thread, unwrapping the failure the store reported. */
public final class Awaits {
    private Awaits() {
    }

    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new StoreUnavailableException("the store failed", e.getCause());
        }
    }
}
