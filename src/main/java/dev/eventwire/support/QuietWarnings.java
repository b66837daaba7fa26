package dev.eventwire.support;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that may repeat once per request (every write refused while the disk is full): logged at most
 * once per period, with how many like it were left out since the last line, so a broken store does not
 * bury the log. Thread-safe.
 */
public final class QuietWarnings {
    private final Logger log;
    private final long periodNanos;
    private final AtomicLong lastLineNanos = new AtomicLong();
    private final AtomicInteger leftOut = new AtomicInteger();

    public QuietWarnings(Logger log, java.time.Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
        this.lastLineNanos.set(System.nanoTime() - periodNanos);
    }

    public void warn(String message) {
        long now = System.nanoTime();
        long last = lastLineNanos.get();
        if (now - last < periodNanos || !lastLineNanos.compareAndSet(last, now)) {
            leftOut.incrementAndGet();
            return;
        }
        int more = leftOut.getAndSet(0);
        if (more == 0) log.warn(message);
        else log.warn("{} ({} more like it since the last such line)", message, more);
    }
}
