package dev.eventwire.bench;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The share of ingest requests the server itself acknowledged within the goal, slice by slice, read from
 * its {@code eventwire_ingest_acknowledgement_seconds} histogram in /metrics. The load generator's p99
 * counts the network, its own process and the cores it shares with the server and the receiver; this
 * says what part of that the server's own work was.
 */
final class ServerAcknowledgements {
    private static final Pattern WITHIN_GOAL = Pattern.compile("(?m)^eventwire_ingest_acknowledgement_seconds_bucket\\{le=\"0\\.05\"} (\\S+)$");
    private static final Pattern COUNT = Pattern.compile("(?m)^eventwire_ingest_acknowledgement_seconds_count (\\S+)$");

    private final SlicedShare slices;

    ServerAcknowledgements(Supplier<String> metrics) {
        this.slices = new SlicedShare(() -> parse(metrics.get()));
    }

    /** Requests acknowledged in all, and within 50 ms, since the server started; null when the text holds no such histogram. */
    static SlicedShare.Reading parse(String metrics) {
        Matcher within = WITHIN_GOAL.matcher(metrics);
        Matcher all = COUNT.matcher(metrics);
        if (!within.find() || !all.find()) return null;
        return new SlicedShare.Reading(Double.parseDouble(all.group(1)), Double.parseDouble(within.group(1)));
    }

    /** The share acknowledged within 50 ms since the last call; NaN when nothing was or /metrics cannot be read. */
    double takeSlice() {
        return slices.takeSlice();
    }

    /** "server ack ≤ 50 ms 99.71 %", or "server ack n/a". */
    static String describe(double share) {
        return Double.isNaN(share) ? "server ack n/a" : String.format("server ack ≤ 50 ms %6.2f %%", 100 * share);
    }
}
