package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data folder holds webhook secrets and every event: no other user of the machine may read them. */
class PrivateDataFolderTest {
    @TempDir
    Path root;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewDataFolderIsTheOwnersAlone() throws IOException {
        Path data = root.resolve("new/data");
        DuckDbDatabase.open(data).close();
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(Files.exists(data.resolve("eventwire.duckdb"))).isTrue();
    }

    @Test
    void aDataFolderOpenToOthersIsMadePrivateAtStart() throws IOException {
        // What `mkdir data` gives under the usual umask 022: every local user could read the secrets inside.
        Path data = Files.createDirectory(root.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        DuckDbDatabase.open(data).close();
        assertThat(mode(data)).isEqualTo("rwx------");
    }

    @Test
    void theFilesAndFoldersInsideAreTheOwnersAloneAfterAStart() throws IOException {
        // A copy of the files alone (cp -r data/* backup/) kept their modes: 0644 files holding every secret.
        Path data = root.resolve("data");
        DuckDbDatabase.open(data).close();
        Path journal = Files.createDirectories(data.resolve("ingest-journal"));
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path segment = Files.writeString(journal.resolve("segment"), "x");
        Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(data.resolve("eventwire.duckdb"), PosixFilePermissions.fromString("rw-rw-r--"));
        DuckDbDatabase.open(data).close();
        assertThat(mode(data.resolve("eventwire.duckdb"))).isEqualTo("rw-------");
        assertThat(mode(journal)).isEqualTo("rwx------");
        assertThat(mode(segment)).isEqualTo("rw-------");
    }
}
