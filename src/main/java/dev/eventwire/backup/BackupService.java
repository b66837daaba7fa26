package dev.eventwire.backup;

import dev.eventwire.support.ApiException;
import dev.eventwire.support.Echo;
import dev.eventwire.support.EmbeddedStorePaths;
import dev.eventwire.support.TextRules;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online backups: a consistent copy of the data folder written by the running server into a new folder
 * of its machine, which a server starts on as it is (docs/backup.md). The copy is written beside its
 * target as {@code <name>.incomplete} and renamed once every file is on disk, so a folder with the
 * target's name is always a whole backup. One backup at a time.
 */
public final class BackupService {
    private static final Logger log = LoggerFactory.getLogger(BackupService.class);
    static final String INCOMPLETE_SUFFIX = ".incomplete";
    /** The longest file name Linux file systems take, in bytes. */
    private static final int MAX_NAME_BYTES = 255;

    private final Optional<StoreSnapshots> snapshots;
    private final Path dataDir;
    private final List<String> alongside;
    private final Clock clock;
    private final BackupObserver observer;
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * {@code snapshots}: empty for a store that other tools back up (PostgreSQL); {@code alongside}: files
     * of the data folder copied too when present (the generated admin key).
     */
    public BackupService(Optional<StoreSnapshots> snapshots, Path dataDir, List<String> alongside, Clock clock, BackupObserver observer) {
        this.observer = observer;
        this.snapshots = snapshots;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.alongside = List.copyOf(alongside);
        this.clock = clock;
    }

    /** Writes a backup into the new folder {@code to}, an absolute path on this machine outside the data folder. */
    public TakenBackup take(String to) {
        StoreSnapshots store = snapshots.orElseThrow(() -> new ApiException(409, "not_supported",
                "This server keeps its data in PostgreSQL: back it up with the database's own tools (pg_dump, streaming replicas, "
                        + "point-in-time recovery).", null));
        Path target = target(to);
        if (!running.compareAndSet(false, true)) {
            throw new ApiException(409, "backup_running", "A backup is being written; ask again once it has finished.", null);
        }
        try {
            return write(store, target);
        } finally {
            running.set(false);
        }
    }

    /**
     * The folder {@code to} names, refused unless a backup can be created there. Compared by real paths: a
     * symbolic link (or {@code /proc/self/root}) must not lead a backup into the data folder, where a folder
     * named like one of its files stopped every later start.
     */
    private Path target(String to) {
        if (to == null || to.isBlank()) throw ApiException.invalid("missing_field", "to is required: the absolute path of a new folder for the backup.", "to");
        if (!to.equals(to.strip())) throw ApiException.invalid("invalid_path", "to must not begin or end with spaces.", "to");
        if (to.chars().anyMatch(c -> Character.isISOControl(c) || TextRules.isBidiControl(c))) {
            throw ApiException.invalid("invalid_path", "to must not hold control characters.", "to");
        }
        Path given;
        try {
            given = Path.of(to);
        } catch (InvalidPathException e) {
            // The JDK's reason ("Malformed input or input contains unmappable characters") names its own machinery.
            throw ApiException.invalid("invalid_path", "to holds a character no file name can hold (a lone UTF-16 surrogate, say).", "to");
        }
        if (!given.isAbsolute()) throw ApiException.invalid("invalid_path", "to must be an absolute path on the server's machine.", "to");
        given = given.normalize();
        if (given.getParent() == null || given.getFileName() == null) throw ApiException.invalid("invalid_path", "to must name a new folder, not the root.", "to");
        String name = given.getFileName().toString();
        if (name.endsWith(INCOMPLETE_SUFFIX)) {
            throw ApiException.invalid("invalid_path", "Names ending in " + INCOMPLETE_SUFFIX + " mark backups still being written: choose another name.", "to");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length + INCOMPLETE_SUFFIX.length() > MAX_NAME_BYTES) {
            throw ApiException.invalid("invalid_path", "The new folder's name may be at most " + (MAX_NAME_BYTES - INCOMPLETE_SUFFIX.length())
                    + " bytes: it is written as <name>" + INCOMPLETE_SUFFIX + " first.", "to");
        }
        Path parent = given.getParent();
        if (!Files.exists(parent)) {
            throw ApiException.invalid("invalid_path", "The folder " + Echo.of(parent.toString()) + " does not exist on the server's machine.", "to");
        }
        if (!Files.isDirectory(parent)) throw ApiException.invalid("invalid_path", Echo.of(parent.toString()) + " is not a folder.", "to");
        Path target;
        try {
            target = parent.toRealPath().resolve(name);
        } catch (IOException e) {
            throw ApiException.invalid("invalid_path", "The server cannot read " + Echo.of(parent.toString()) + ": " + reason(e) + ".", "to");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(409, "already_exists", Echo.of(given.toString()) + " already exists: a backup goes into a new folder.", "to");
        }
        // On the real path: a link in the parent may bring in what the given text did not hold.
        var unusable = EmbeddedStorePaths.problem(target + INCOMPLETE_SUFFIX);
        if (unusable.isPresent()) throw ApiException.invalid("invalid_path", "to cannot be used: " + unusable.get() + ".", "to");
        Path data = realDataDir();
        if (target.startsWith(data)) {
            // Inside, it would be copied into every later backup and share the data folder's fate (its disk).
            throw ApiException.invalid("invalid_path", "to must be outside the data folder (" + data + ").", "to");
        }
        return target;
    }

    /** The data folder as the file system names it, links followed. */
    private Path realDataDir() {
        try {
            return dataDir.toRealPath();
        } catch (IOException e) {
            return dataDir;
        }
    }

    private TakenBackup write(StoreSnapshots store, Path target) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Path incomplete = target.resolveSibling(target.getFileName() + INCOMPLETE_SUFFIX);
        try {
            Files.createDirectory(incomplete, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new ApiException(409, "already_exists", Echo.of(incomplete.toString()) + " is in the way: an earlier backup to this path was cut off. "
                    + "Delete it and ask again.", "to");
        } catch (IOException e) {
            throw ApiException.invalid("invalid_path", "The server cannot create " + Echo.of(incomplete.toString()) + ": " + reason(e) + ".", "to");
        }
        try {
            Path marker = incomplete.resolve(StoreSnapshots.INCOMPLETE_MARKER);
            // A server started on this folder before it is whole refuses it (a kill -9 mid-copy leaves it so).
            Files.writeString(marker, "This folder is a backup that was still being written when its server stopped. It is not a data folder to start on:"
                    + " delete it and take another backup.\n");
            List<String> names;
            try (GradualWriteBack writeBack = new GradualWriteBack(incomplete)) {
                names = new ArrayList<>(store.writeInto(incomplete));
            }
            for (String name : alongside) {
                Path file = dataDir.resolve(name);
                if (!Files.isRegularFile(file)) continue;
                Files.copy(file, incomplete.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                names.add(name);
            }
            List<TakenBackup.BackupFile> files = new ArrayList<>();
            for (String name : names) {
                Path file = incomplete.resolve(name);
                force(file);
                files.add(new TakenBackup.BackupFile(name, Files.size(file)));
            }
            Files.delete(marker);
            force(incomplete);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ApiException(409, "already_exists", Echo.of(target.toString()) + " was created while the backup was written.", "to");
            }
            Files.move(incomplete, target, StandardCopyOption.ATOMIC_MOVE);
            force(target.getParent());
            TakenBackup taken = new TakenBackup(target, files, started, Duration.ofNanos(System.nanoTime() - startNanos));
            log.info("backup written to {}: {} file(s), {} MB in {} ms", Echo.visible(target.toString()), files.size(), taken.bytes() / 1_000_000,
                    taken.took().toMillis());
            observer.written(taken);
            return taken;
        } catch (StoreSnapshots.SnapshotFailedException | IOException e) {
            String reason = diskFull(target) ? "No space left on device" : e instanceof IOException io ? reason(io) : e.getMessage();
            deleteQuietly(incomplete);
            log.warn("backup to {} failed: {}", Echo.visible(target.toString()), Echo.visible(reason));
            observer.failed();
            throw new ApiException(503, "backup_failed", "The backup could not be written (" + reason + "); nothing was left at " + target + ".", null);
        } catch (RuntimeException e) {
            deleteQuietly(incomplete);
            throw e;
        }
    }

    /**
     * Whether the disk the backup goes to is full, looked at before the partial copy is removed. The store's
     * own words for a disk that filled part way do not say so ("CHECKPOINT during DETACH failed"); only a
     * disk full before the first write got "No space left on device" from them.
     */
    private static boolean diskFull(Path target) {
        try {
            return Files.getFileStore(target.getParent()).getUsableSpace() < NEARLY_FULL_BYTES;
        } catch (IOException e) {
            return false;
        }
    }

    /** Less free than a few of the store's blocks: a copy that stopped here stopped for want of room. */
    private static final long NEARLY_FULL_BYTES = 4L << 20;

    /** An I/O failure in words: the file and what the system said, never a class name. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fs) {
            String what = fs.getReason() != null ? fs.getReason()
                    : e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.DirectoryNotEmptyException ? "the folder is not empty"
                    : e instanceof FileAlreadyExistsException ? "it already exists"
                    : "the file system refused";
            return Echo.of(String.valueOf(fs.getFile())) + ": " + what;
        }
        return e.getMessage() == null ? "input/output error" : e.getMessage();
    }

    /** On disk before the folder is renamed into place: a power cut after the rename leaves a whole backup. */
    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not remove the incomplete backup {}: {}", Echo.visible(folder.toString()), Echo.visible(reason(e)));
        }
    }
}
