package dev.eventwire.support;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Paths the embedded store can open as they are written. DuckDB reads a backslash as a folder separator
 * and a question mark as the start of options: a folder named {@code b\sl} got its database files in
 * {@code b/sl} beside an ingest journal in {@code b\sl}, and a backup to {@code q\sub} wrote its copy into
 * another folder than the one checked. Linux refuses a path of more than 4,095 bytes.
 */
public final class EmbeddedStorePaths {
    /** The longest path the system opens, in bytes. */
    public static final int MAX_PATH_BYTES = 4095;
    /** Room for the longest name written inside a data or backup folder ({@code deliveries.duckdb.wal}, {@code ingest-journal/…}). */
    private static final int ROOM_INSIDE = 64;

    private EmbeddedStorePaths() {
    }

    /** Why files inside the folder {@code absolutePath} could not be opened as named, or empty when they can. */
    public static Optional<String> problem(String absolutePath) {
        if (absolutePath.indexOf('\\') >= 0 || absolutePath.indexOf('?') >= 0) {
            return Optional.of("the embedded store cannot use a path holding \\ or ? (DuckDB reads them as a separator and as options)");
        }
        if (absolutePath.getBytes(StandardCharsets.UTF_8).length + ROOM_INSIDE > MAX_PATH_BYTES) {
            return Optional.of("the path is too long: the files inside it would pass the system's limit of " + MAX_PATH_BYTES + " bytes");
        }
        return Optional.empty();
    }
}
