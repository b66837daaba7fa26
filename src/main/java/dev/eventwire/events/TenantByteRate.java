package dev.eventwire.events;

import dev.eventwire.support.RateLimitedException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many body bytes one tenant may send per second, on average: a bucket per tenant that fills at the
 * rate and holds one second of it, or one largest request if that is more, so a single 5 MiB batch always
 * fits once the bucket is full. A request that does not fit is refused whole (429, nothing taken from the
 * bucket) with the seconds until it would fit. The in-progress budget bounds what one tenant holds at
 * once; this bounds the share of the machine its stream takes, whatever its batches' size.
 */
final class TenantByteRate {
    private final double bytesPerSecond;
    private final double capacity;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        private double bytes;
        private long lastNanos;

        Bucket(double bytes, long nowNanos) {
            this.bytes = bytes;
            this.lastNanos = nowNanos;
        }
    }

    TenantByteRate(long bytesPerSecond, long largestRequestBytes, Clock clock) {
        if (bytesPerSecond <= 0) throw new IllegalArgumentException("the rate must be positive");
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = Math.max(bytesPerSecond, largestRequestBytes);
        this.clock = clock;
    }

    /** Takes {@code bytes} from the tenant's bucket, or throws 429 with the wait if they do not fit now. */
    void take(String tenant, long bytes) {
        long now = nanos();
        Bucket bucket = buckets.computeIfAbsent(tenant, t -> new Bucket(capacity, now));
        double wanted = Math.min(bytes, capacity);
        synchronized (bucket) {
            bucket.bytes = Math.min(capacity, bucket.bytes + Math.max(0, now - bucket.lastNanos) / 1e9 * bytesPerSecond);
            bucket.lastNanos = Math.max(bucket.lastNanos, now);
            if (bucket.bytes >= wanted) {
                bucket.bytes -= wanted;
                return;
            }
            long seconds = Math.max(1, (long) Math.ceil((wanted - bucket.bytes) / bytesPerSecond));
            throw new RateLimitedException("This tenant may send " + describe(bytesPerSecond) + " of request bodies per second; retry after "
                    + seconds + " s (Retry-After).", seconds);
        }
    }

    private long nanos() {
        java.time.Instant t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static String describe(double bytesPerSecond) {
        double mib = bytesPerSecond / (1 << 20);
        return mib >= 1 ? String.format(java.util.Locale.ROOT, "%.3g MiB", mib) : String.format(java.util.Locale.ROOT, "%.0f KiB", bytesPerSecond / 1024);
    }
}
