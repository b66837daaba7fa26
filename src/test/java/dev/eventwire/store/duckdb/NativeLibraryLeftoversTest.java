package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies of DuckDB's native library left by killed processes are removed at start; nothing else is. */
class NativeLibraryLeftoversTest {
    @TempDir
    Path tmp;

    @Test
    void copiesOlderThanTheGraceAreRemovedAndEverythingElseIsKept() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        Instant now = clock.instant();
        Path leftover = file("libduckdb_java4711.so", now.minus(Duration.ofHours(3)));
        Path justOld = file("libduckdb_java4712.so", now.minus(NativeLibraryLeftovers.GRACE).minusSeconds(1));
        Path starting = file("libduckdb_java4713.so", now.minusSeconds(5));
        Path otherLibrary = file("libsomething_else.so", now.minus(Duration.ofDays(2)));
        Path notALibrary = file("libduckdb_java4714.so.txt", now.minus(Duration.ofDays(2)));

        assertThat(NativeLibraryLeftovers.remove(tmp, clock)).isEqualTo(2);

        assertThat(leftover).doesNotExist();
        assertThat(justOld).doesNotExist();
        assertThat(starting).as("a copy a starting process may not have loaded yet").exists();
        assertThat(otherLibrary).exists();
        assertThat(notALibrary).exists();
    }

    @Test
    void aMissingFolderIsNotAnError() {
        assertThat(NativeLibraryLeftovers.remove(tmp.resolve("gone"), MutableClock.startingNow())).isZero();
    }

    private Path file(String name, Instant modified) throws Exception {
        Path p = Files.writeString(tmp.resolve(name), "x");
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }
}
