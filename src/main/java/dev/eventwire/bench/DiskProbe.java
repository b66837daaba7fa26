package dev.eventwire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The disk's own answer time: at a steady pace a thread overwrites {@value #BLOCK_BYTES} bytes of a file
 * written ahead and forces them, as the ingest journal forces each group before it is acknowledged. A
 * server cannot acknowledge a durable write faster than its disk forces one, so a slice whose ingest p99
 * misses its goal while a force here took as long was held by the disk, not by the server. Beside a
 * benchmark it forces every 20 ms, little beside the server's own; alone ({@code bench disk}) as often as
 * the journal does at 1,000 single events/s.
 */
final class DiskProbe implements AutoCloseable {
    private static final int BLOCK_BYTES = 4096;
    private static final int FILE_BYTES = 1 << 20;
    static final String FILE_NAME = "disk-probe.bin";

    private final FileChannel channel;
    private final long intervalNanos;
    private final Thread thread;
    private final Histogram forces = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private volatile boolean stopped;

    private DiskProbe(FileChannel channel, Duration interval) {
        this.channel = channel;
        this.intervalNanos = interval.toNanos();
        this.thread = Thread.ofPlatform().daemon().name("bench-disk-probe").start(this::run);
    }

    /** Starts probing the disk holding {@code folder}, in a file of its own there, one force every {@code interval}. */
    static DiskProbe start(Path folder, Duration interval) {
        try {
            FileChannel channel = FileChannel.open(folder.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            // Written ahead whole, so a force afterwards changes no file size or block map: like the journal's.
            ByteBuffer zeros = ByteBuffer.allocate(FILE_BYTES);
            while (zeros.hasRemaining()) channel.write(zeros, zeros.position());
            channel.force(true);
            return new DiskProbe(channel, interval);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the disk probe's file in " + folder, e);
        }
    }

    private void run() {
        ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);
        long position = 0;
        long next = System.nanoTime();
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
            // A steady pace; the forces a stall held back are not made up in a burst afterwards.
            next = Math.max(next + intervalNanos, System.nanoTime());
            LockSupport.parkNanos(next - System.nanoTime());
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
