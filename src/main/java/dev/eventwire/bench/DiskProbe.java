package dev.eventwire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The disk's own answer time, measured beside a benchmark on the same file system: every
 * {@value #INTERVAL_MILLIS} ms a thread overwrites {@value #BLOCK_BYTES} bytes of a file written ahead and
 * forces them, as the ingest journal forces each group before it is acknowledged. A server cannot
 * acknowledge a durable write faster than its disk forces one, so a slice whose ingest p99 misses its goal
 * while a force here took as long was held by the disk, not by the server. The probe adds
 * {@value #BLOCK_BYTES} bytes and one force per interval, little beside the server's own.
 */
final class DiskProbe implements AutoCloseable {
    private static final int BLOCK_BYTES = 4096;
    private static final int FILE_BYTES = 1 << 20;
    private static final long INTERVAL_MILLIS = 20;

    private final FileChannel channel;
    private final Thread thread;
    private final Histogram forces = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private volatile boolean stopped;

    private DiskProbe(FileChannel channel) {
        this.channel = channel;
        this.thread = Thread.ofPlatform().daemon().name("bench-disk-probe").start(this::run);
    }

    /** Starts probing the disk holding {@code folder}, in a file of its own there. */
    static DiskProbe start(Path folder) {
        try {
            FileChannel channel = FileChannel.open(folder.resolve("disk-probe.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            // Written ahead whole, so a force afterwards changes no file size or block map: like the journal's.
            ByteBuffer zeros = ByteBuffer.allocate(FILE_BYTES);
            while (zeros.hasRemaining()) channel.write(zeros, zeros.position());
            channel.force(true);
            return new DiskProbe(channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the disk probe's file in " + folder, e);
        }
    }

    private void run() {
        ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);
        long position = 0;
        while (!stopped) {
            block.clear();
            block.putLong(0, System.nanoTime());
            long start = System.nanoTime();
            try {
                while (block.hasRemaining()) channel.write(block, position + block.position());
                channel.force(false);
            } catch (IOException e) {
                if (stopped) return;
                throw new UncheckedIOException("the disk probe's write failed", e);
            }
            long micros = (System.nanoTime() - start) / 1000;
            synchronized (forces) {
                forces.recordValue(Math.min(micros, forces.getHighestTrackableValue()));
            }
            position = (position + BLOCK_BYTES) % FILE_BYTES;
            DeliveryBench.pause(java.time.Duration.ofMillis(INTERVAL_MILLIS));
        }
    }

    /** The forces since the last call, and starts counting anew. */
    Histogram takeSlice() {
        synchronized (forces) {
            Histogram slice = forces.copy();
            forces.reset();
            return slice;
        }
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
