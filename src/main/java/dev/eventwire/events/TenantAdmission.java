package dev.eventwire.events;

import dev.eventwire.support.ApiException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Admission per tenant: at most so many ingest requests of one tenant are processed at once. A tenant
 * that sends more gets 429 with Retry-After at once (it is not queued), so one tenant's flood cannot fill
 * the shared write path and raise the latency of the others.
 */
public final class TenantAdmission {
    private final int maxConcurrent;
    private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();

    public TenantAdmission(int maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
    }

    /** A slot for one request of {@code tenant}; close it when the request is answered. Throws 429 when none is free. */
    public Permit admit(String tenant) {
        Semaphore s = slots.computeIfAbsent(tenant, t -> new Semaphore(maxConcurrent));
        if (!s.tryAcquire()) {
            throw new ApiException(429, "too_many_requests", "This tenant already has " + maxConcurrent
                    + " ingest requests in progress; retry after the time in Retry-After.", null);
        }
        return s::release;
    }

    /** An admitted request's slot. */
    @FunctionalInterface
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }
}
