package dev.eventwire.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log that other replicas took over deliveries this one held: a replica back from a pause or
 * cut off from the database past its leases drops what it held (not sent) and finds the outcomes of what
 * it had in flight refused (sent twice). One line per kind at the start of each spell, naming a delivery;
 * the metrics count every one.
 */
final class TakeoverLog {
    /** A quiet gap this long ends a spell. */
    private static final Duration SPELL_GAP = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(TakeoverLog.class);

    private final Clock clock;
    private Instant lastNotSent = Instant.MIN;
    private Instant lastRefused = Instant.MIN;

    TakeoverLog(Clock clock) {
        this.clock = clock;
    }

    /** A delivery held in memory was not sent: its lease had ended. */
    synchronized void notSent(String messageId) {
        Instant now = clock.instant();
        if (now.isAfter(lastNotSent.plus(SPELL_GAP))) {
            log.warn("not sending {} (and any more like it): its lease ended while this replica was paused or cut off from the database,"
                    + " so another replica sends it (counted in eventwire_delivery_leases_lost_total)", messageId);
        }
        lastNotSent = now;
    }

    /** An attempt was sent and its outcome refused: another replica had taken the delivery over. */
    synchronized void outcomeRefused(String messageId) {
        Instant now = clock.instant();
        if (now.isAfter(lastRefused.plus(SPELL_GAP))) {
            log.warn("the outcome of {} (and any more like it) was not recorded: another replica took the delivery over while this one was paused"
                    + " or cut off from the database past its lease, so its receiver gets it twice (counted in"
                    + " eventwire_delivery_outcomes_taken_over_total)", messageId);
        }
        lastRefused = now;
    }
}
