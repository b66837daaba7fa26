package dev.eventwire.auth;

import dev.eventwire.support.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The admin key: given by the operator (EVENTWIRE_ADMIN_KEY), or generated once into
 * {@code <data>/admin.key} (mode 0600). Its path is reported once, when it is generated. A key the operator
 * gave, by either way, must pass {@link AdminKeyRule}.
 */
public final class AdminKeyFile {
    public static final String FILE_NAME = "admin.key";
    public static final String VARIABLE = "EVENTWIRE_ADMIN_KEY";

    private AdminKeyFile() {
    }

    /** Refuses a weak key in the variable or the file, writing nothing: a start checks it before it does anything. */
    public static void check(Optional<String> configured, Path dataDir) {
        try {
            given(configured, dataDir);
        } catch (UncheckedIOException e) {
            // A file that cannot be read is not a weak key: resolve reports it, as it reports the store's I/O errors.
        }
    }

    public static String resolve(Optional<String> configured, Path dataDir, Ids ids, Consumer<String> announce) {
        if (fromVariable(configured) && Files.isRegularFile(dataDir.resolve(FILE_NAME))) {
            org.slf4j.LoggerFactory.getLogger(AdminKeyFile.class).warn("{} is not used while {} is set, and backups leave it out: delete it once no "
                    + "start goes without the variable", dataDir.resolve(FILE_NAME).toAbsolutePath().normalize(), VARIABLE);
        }
        return given(configured, dataDir).orElseGet(() -> generate(dataDir, ids, announce));
    }

    /**
     * Whether the admin key comes from the variable (set and not empty), not from the file. A backup copies
     * the file only when it holds the key in use: one left from before the variable was set would bring a
     * replaced key back with a restore.
     */
    public static boolean fromVariable(Optional<String> configured) {
        return configured.isPresent() && !configured.get().isEmpty();
    }

    /** The key the variable or an existing file holds, if it is strong enough; empty when there is neither. */
    private static Optional<String> given(Optional<String> configured, Path dataDir) {
        // An empty variable counts as unset, as shells and compose files write it. One of spaces alone is a
        // template that lost its value: taken as unset, it had a different key generated without a word.
        if (fromVariable(configured)) {
            if (configured.get().isBlank()) {
                throw new IllegalArgumentException(VARIABLE + " holds only spaces; give a key of at least " + AdminKeyRule.MIN_LENGTH
                        + " characters, or leave the variable empty to have one generated.");
            }
            return Optional.of(AdminKeyRule.require(configured.get().strip(), VARIABLE + " must be", ""));
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) return Optional.empty();
        // No restart changes a folder where the key file belongs: a configuration error, not an I/O one.
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file.toAbsolutePath().normalize() + " is a folder; the admin key file must be a file: remove the folder "
                    + "to have a key generated, or write the key into a file of that name.");
        }
        try {
            return Optional.of(AdminKeyRule.require(Files.readString(file, StandardCharsets.UTF_8).strip(),
                    file.toAbsolutePath().normalize() + " must hold", ", or delete the file to have a key generated"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin key file " + file, e);
        }
    }

    private static String generate(Path dataDir, Ids ids, Consumer<String> announce) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            dev.eventwire.support.PrivateFolder.ensure(dataDir);
            String key = "ew_admin_" + ids.randomToken(32);
            Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            announce.accept("Generated the admin key into " + file.toAbsolutePath().normalize() + " (mode 0600).");
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the admin key file " + file, e);
        }
    }
}
