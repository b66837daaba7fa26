package dev.eventwire.store.duckdb;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start does before the server answers, said in the log with how long it took. After a kill -9
 * a start replays write-ahead logs, applies the ingest journal and writes deliveries behind the event
 * log; with large logs that took tens of seconds with nothing in the log at all.
 */
final class StartLog {
    private static final Logger log = LoggerFactory.getLogger(StartLog.class);

    private StartLog() {
    }

    /** A step that may take long begins (callers say it only when there is something to recover). */
    static void begins(String what, Object... arguments) {
        log.info(what, arguments);
    }

    /** A step ended: "{done} in 1.23 s". */
    static void ended(long startNanos, String done, Object... arguments) {
        if (log.isInfoEnabled()) log.info(format(done, arguments) + " in " + seconds(startNanos) + " s");
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9);
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String format(String pattern, Object... arguments) {
        return org.slf4j.helpers.MessageFormatter.arrayFormat(pattern, arguments).getMessage();
    }
}
