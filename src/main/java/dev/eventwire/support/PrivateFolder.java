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
            try {
                Files.createDirectories(folder.toAbsolutePath().getParent());
                try {
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // created meanwhile (another start): made private below
                } catch (UnsupportedOperationException notPosix) {
                    Files.createDirectories(folder);
                    return;
                }
            } catch (java.nio.file.FileSystemException cannot) {
                // A full disk passes: the start fails as any other I/O error, and a supervisor tries again.
                String why = String.valueOf(cannot.getReason()).toLowerCase(java.util.Locale.ROOT);
                if (why.contains("no space") || why.contains("quota")) throw cannot;
                // Where no folder can be made (/proc, a read-only or foreign path) no restart helps: a
                // configuration error, said in words (the exception's message was the bare path).
                throw new StoreConfigurationException("cannot create the data folder " + folder.toAbsolutePath() + ": " + reason(cannot), cannot);
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

    private static String reason(java.nio.file.FileSystemException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "a folder on its path does not exist and cannot be created";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return e.getFile() + " is a file, not a folder";
        return e.getReason() == null ? "the file system refused" : e.getReason().toLowerCase(java.util.Locale.ROOT);
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
