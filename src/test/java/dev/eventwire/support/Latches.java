package dev.eventwire.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** For test work that holds something (a writer, a receiver's answer) until the test lets it go. */
public final class Latches {
    private Latches() {
    }

    /** Waits until {@code release} is counted down or {@code atMost} passes; an interrupt ends the wait and is kept. */
    public static void awaitRelease(CountDownLatch release, Duration atMost) {
        try {
            release.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
