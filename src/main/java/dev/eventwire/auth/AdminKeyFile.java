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
 * The admin key: given by the operator, or generated once into {@code <data>/admin.key} (mode 0600).
 * Its path is reported once, when it is generated.
 */
public final class AdminKeyFile {
    public static final String FILE_NAME = "admin.key";

    private AdminKeyFile() {
    }

    public static String resolve(Optional<String> configured, Path dataDir, Ids ids, Consumer<String> announce) {
        if (configured.isPresent() && !configured.get().isBlank()) return configured.get().strip();
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).strip();
            Files.createDirectories(dataDir);
            String key = "ew_admin_" + ids.randomToken(32);
            Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            announce.accept("Generated the admin key into " + file.toAbsolutePath() + " (mode 0600).");
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin key file " + file, e);
        }
    }
}
