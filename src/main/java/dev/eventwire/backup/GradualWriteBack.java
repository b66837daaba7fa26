package dev.eventwire.backup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sends a backup's files to disk a little at a time while they are written. On a machine with much
 * memory the kernel keeps hundreds of megabytes of a copy in its cache until the final force, which then
 * writes them all at once; the ingest journal's own force waits behind that (a quarter-second stall of
 * every acknowledgement, measured). Forcing every tenth of a second keeps what is left to write small.
 * Failures are left to the final force, which reports them.
 */
final class GradualWriteBack implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(100);
    private final Path folder;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    GradualWriteBack(Path folder) {
        this.folder = folder;
        // Below the API's threads: it only spreads the work the final force would do.
        this.thread = Thread.ofPlatform().name("eventwire-backup-write-back").daemon(true).priority(Thread.MIN_PRIORITY).start(this::run);
    }

    private void run() {
        try {
            while (!stop.await(EVERY.toMillis(), TimeUnit.MILLISECONDS)) forceAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forceAll() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, Files::isRegularFile)) {
            for (Path file : files) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    channel.force(false);
                } catch (IOException e) {
                    // the file went away (a write-ahead log merged) or cannot be read: the final force decides
                }
            }
        } catch (IOException e) {
            // the folder went away: the backup failed and says why
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
