package dev.eventwire.store.duckdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * DuckDB's JDBC driver copies its native library (about 70 MB) into the temporary folder at every start
 * and deletes the copy when the JVM exits normally. A process killed with SIGKILL (an OOM kill, kill -9,
 * a crashed host's restart loop) leaves its copy behind; hundreds of such restarts filled a 250 GB disk
 * here. Each start removes the copies old enough to be loaded already: on Linux a loaded library stays
 * mapped after its name is removed, so a process still running loses nothing, and a copy younger than the
 * grace period may belong to a process that is starting and has not loaded it yet.
 */
public final class NativeLibraryLeftovers {
    /** Far longer than any start takes to copy and load the library. */
    public static final Duration GRACE = Duration.ofMinutes(10);

    private NativeLibraryLeftovers() {
    }

    /** Removes the driver's library copies in {@code folder} last written before {@code now - GRACE}; returns how many. Never throws. */
    public static int remove(Path folder, Clock clock) {
        Instant before = clock.instant().minus(GRACE);
        int removed = 0;
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(folder, "libduckdb_java*.so")) {
            for (Path copy : copies) {
                try {
                    if (Files.isRegularFile(copy) && Files.getLastModifiedTime(copy).toInstant().isBefore(before) && Files.deleteIfExists(copy)) {
                        removed++;
                    }
                } catch (IOException | SecurityException e) {
                    // another user's copy, or gone meanwhile: not ours to worry about
                }
            }
        } catch (IOException | SecurityException e) {
            // no such folder, or not readable: nothing to clean
        }
        return removed;
    }
}
