package dev.eventwire.events;

import dev.eventwire.support.ApiException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Admission per tenant: the requests of one tenant in progress at once may carry at most so many
 * bytes of body. A tenant past it gets 429 with Retry-After at once (it is not queued), so one tenant's
 * flood of large batches cannot fill the shared write path and raise the latency of the others, while a
 * tenant sending many small single events is rarely limited. With a rate set, a tenant may also send
 * only so many body bytes per second ({@link TenantByteRate}).
 */
public final class TenantAdmission {
    private final int maxKiB;
    private final Map<String, Semaphore> budgets = new ConcurrentHashMap<>();
    private final Optional<TenantByteRate> rate;

    /** {@code bytesPerSecond}: what one tenant may send per second on average (0 = no limit); {@code largestRequestBytes} always fits a full bucket. */
    public TenantAdmission(long maxBytes, long bytesPerSecond, long largestRequestBytes, Clock clock) {
        this.maxKiB = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes / 1024));
        this.rate = bytesPerSecond > 0 ? Optional.of(new TenantByteRate(bytesPerSecond, largestRequestBytes, clock)) : Optional.empty();
    }

    /**
     * Room for one request of {@code tenant} with a body of {@code bytes}; close it when answered. Throws 429
     * when there is none, or when the tenant's rate has no room for the body now (nothing is taken then).
     */
    public Permit admit(String tenant, long bytes) {
        int kib = (int) Math.min(maxKiB, Math.max(1, (bytes + 1023) / 1024));
        Semaphore budget = budgets.computeIfAbsent(tenant, t -> new Semaphore(maxKiB));
        if (!budget.tryAcquire(kib)) {
            int inProgressKiB = Math.max(0, maxKiB - budget.availablePermits());
            throw new ApiException(429, "too_many_requests", "This tenant has " + mib(inProgressKiB) + " MiB of request bodies in progress, and this one's "
                    + mib(kib) + " MiB would pass its budget of " + mib(maxKiB) + " MiB; retry after the time in Retry-After.", null);
        }
        try {
            rate.ifPresent(r -> r.take(tenant, bytes));
        } catch (RuntimeException refused) {
            budget.release(kib);
            throw refused;
        }
        return () -> budget.release(kib);
    }

    /** An admitted request's share of the budget. */
    @FunctionalInterface
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** KiB as MiB with one decimal, as an operator reads a budget. */
    private static String mib(int kib) {
        return String.format(java.util.Locale.ROOT, "%.1f", kib / 1024.0);
    }
}
