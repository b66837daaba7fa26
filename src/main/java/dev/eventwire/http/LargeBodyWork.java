package dev.eventwire.http;

import dev.eventwire.support.ApiException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the handling of a large request body (parsing, validating and journaling a batch of megabytes) on
 * platform threads of its own, at minimum priority, while the request's virtual thread waits unmounted.
 *
 * <p>Why: virtual threads are not preempted, and the JVM runs them on as many carrier threads as there are
 * cores. Two requests each parsing a 5 MB batch held both carriers of this 2-core machine for tens of
 * milliseconds at a time, and every other request — another tenant's single event, {@code /health} —
 * waited for a carrier to come free: seen from outside, one tenant posting 4.8 MB batches on four
 * connections pushed another tenant's ingest p99 to about a second and {@code /health}'s to half a second.
 * Platform threads are time-sliced by the kernel, and at minimum priority the small requests get a core
 * first; a large body alone on the machine still gets all of it.
 *
 * <p>At most half the cores work on large bodies at once; the rest wait in this pool's queue as the bytes
 * they arrived as. A batch being validated holds its parsed tree and each event's canonical body, some
 * 10 MB for a 4.8 MB batch, and every young collection copies what is live then; a waiting body of
 * megabytes is one array, which G1 leaves where it is instead of copying it. Measured from outside (one tenant posting 4.8 MB
 * batches on four connections, another tenant 100 single events/s, alternating): with four threads the
 * other tenant's ingest p99 was 490 and 522 ms, with two 434 and 416 ms, with one 220 and 241 ms, and the
 * flood was accepted as fast with one thread (18.4–18.6 MB/s) as with four (13.9–18.3 MB/s).
 */
final class LargeBodyWork implements AutoCloseable {
    /** Bodies up to this size are handled where they arrive: their work is short, and a hand-over would cost more. */
    static final int LARGE_BODY_BYTES = 64 * 1024;

    private final ThreadPoolExecutor threads;

    LargeBodyWork(int threads) {
        this.threads = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("eventwire-large-body-", 0).daemon(true).priority(Thread.MIN_PRIORITY).factory());
    }

    /** The pool for a machine with {@code cores} cores: half of them, at least one. */
    static LargeBodyWork forCores(int cores) {
        return new LargeBodyWork(threadsFor(cores));
    }

    static int threadsFor(int cores) {
        return Math.max(1, cores / 2);
    }

    /** The work's result, computed on this thread for a small body and on a platform thread of this pool for a large one. */
    <T> T handle(byte[] body, Supplier<T> work) {
        if (body.length <= LARGE_BODY_BYTES) return work.get();
        Future<T> result;
        try {
            result = threads.submit(work::get);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            throw new ApiException(503, "busy", "The server is stopping.", null);
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            // The work is left to finish: what it stores is stored whole, and a resend with the same ids is a duplicate.
            Thread.currentThread().interrupt();
            throw new ApiException(503, "busy", "The server is stopping.", null);
        }
    }

    /** Large bodies waiting for a thread of this pool. */
    int waiting() {
        return threads.getQueue().size();
    }

    /** Takes no more work; a body being worked on is finished and answered (the threads are daemons, so they never hold the exit). */
    @Override
    public void close() {
        threads.shutdown();
    }
}
