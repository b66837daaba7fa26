package dev.eventwire.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder holds every webhook's signing secret and every event: only its owner may enter it.
 * Created with mode 0700; one found open to others is made private at start (as PostgreSQL insists of its
 * data directory), whatever the umask gave the files inside it. A folder this process cannot change (a
 * mounted volume owned by another user) is left as it is, with a warning.
 */
public final class PrivateFolder {
    private static final Logger log = LoggerFactory.getLogger(PrivateFolder.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateFolder() {
    }

    /**
     * Creates {@code folder} (and its parents) if needed, and makes it and everything in it private to its
     * owner: a copy of the files alone ({@code cp -r data/* backup/}) kept their 0644 and 0755, and with them
     * every secret, readable by everyone.
     */
    public static void ensure(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder.toAbsolutePath().getParent());
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created meanwhile (another start): made private below
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(folder);
                return;
            }
        }
        try {
            restrictEntries(folder);
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(folder);
            if (OWNER_ONLY.containsAll(now)) return;
            Files.setPosixFilePermissions(folder, OWNER_ONLY);
            log.info("made the data folder {} private (it was {}, now rwx------): it holds webhook secrets and every event",
                    folder.toAbsolutePath(), PosixFilePermissions.toString(now));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX modes: nothing to set
        } catch (IOException cannot) {
            log.warn("the data folder {} is open to other users and cannot be made private ({}); it holds webhook secrets and every event",
                    folder.toAbsolutePath(), cannot.getMessage());
        }
    }

    /** Takes every permission of group and others from what the folder holds (a few files and folders). */
    private static void restrictEntries(Path folder) throws IOException {
        try (java.util.stream.Stream<Path> entries = Files.walk(folder, 3)) {
            for (Path entry : (Iterable<Path>) entries.skip(1)::iterator) {
                if (Files.isSymbolicLink(entry)) continue;
                try {
                    Set<PosixFilePermission> now = Files.getPosixFilePermissions(entry);
                    Set<PosixFilePermission> owners = java.util.EnumSet.noneOf(PosixFilePermission.class);
                    for (PosixFilePermission p : now) if (p.name().startsWith("OWNER")) owners.add(p);
                    if (!owners.equals(now)) Files.setPosixFilePermissions(entry, owners);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed meanwhile (a write-ahead log after its checkpoint): nothing to restrict
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
