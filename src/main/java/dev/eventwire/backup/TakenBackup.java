package dev.eventwire.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A backup written: its folder, its files and how long it took. */
public record TakenBackup(Path path, List<BackupFile> files, Instant startedAt, Duration took) {
    public TakenBackup {
        files = List.copyOf(files);
    }

    /** One file of the backup folder and its size. */
    public record BackupFile(String name, long bytes) {
    }

    public long bytes() {
        return files.stream().mapToLong(BackupFile::bytes).sum();
    }
}
