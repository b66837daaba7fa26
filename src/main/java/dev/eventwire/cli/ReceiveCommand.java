package dev.eventwire.cli;

import dev.eventwire.demo.LocalReceiver;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;

/**
 * {@code eventwire receive}: a webhook receiver in a process of its own, for benchmarks measured from
 * outside the server. Prints {@code listening <port>}; then, every 100 ms, {@code c <requests> <distinct
 * webhook-ids> <repeats> <bad signatures>}; for events whose id starts with {@code p} (timed ones) one
 * line each: {@code r <event_id> <epoch micros>}; for a webhook-id received again, {@code d <webhook-id>}. Reads {@code secret <whsec_…>} lines on standard input;
 * exits when standard input closes.
 */
@Command(name = "receive", hidden = true, mixinStandardHelpOptions = true, description = "A benchmark receiver process (answers 200, prints what arrived).")
final class ReceiveCommand implements Runnable {
    @Override
    public void run() {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong repeats = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong bad = new java.util.concurrent.atomic.AtomicLong();
        SeenIds messages = new SeenIds();
        try (LocalReceiver receiver = LocalReceiver.answeringInline(() -> 200, r -> {
            requests.incrementAndGet();
            if (!messages.add(r.messageId())) {
                repeats.incrementAndGet();
                lines.add("d " + r.messageId());
            }
            if (!r.signatureValid()) bad.incrementAndGet();
            if (r.eventId().startsWith("p")) lines.add("r " + r.eventId() + " " + ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
        })) {
            Thread.ofPlatform().daemon(true).start(() -> {
                while (true) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                    lines.add("c " + requests.get() + " " + messages.size() + " " + repeats.get() + " " + bad.get());
                }
            });
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
            Thread writer = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    out.write("listening " + receiver.port() + "\n");
                    out.flush();
                    java.util.List<String> batch = new java.util.ArrayList<>();
                    while (true) {
                        batch.add(lines.take());
                        lines.drainTo(batch);
                        for (String line : batch) out.write(line + "\n");
                        out.flush();
                        batch.clear();
                    }
                } catch (IOException | InterruptedException e) {
                    // the reader went away or we are stopping
                }
            });
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("secret ")) receiver.verifyWith(line.substring(7).strip());
            }
            writer.interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every webhook-id received, as a 64-bit fingerprint in a primitive set. A set of the strings themselves
     * grew to millions of objects in a long run, and the young collections that scanned it paused this
     * process 30–160 ms every few seconds — time that showed in the bench's accepted → received as if the
     * server had taken it. Two ids sharing a fingerprint among two million: about one chance in ten million.
     */
    static final class SeenIds {
        private final com.carrotsearch.hppc.LongHashSet fingerprints = new com.carrotsearch.hppc.LongHashSet(1 << 20);

        /** False when {@code id} was seen before. */
        synchronized boolean add(String id) {
            return fingerprints.add(fingerprint(id));
        }

        synchronized int size() {
            return fingerprints.size();
        }

        /** FNV-1a over the characters, then a finalizing mix so that nearby ids spread over all 64 bits. */
        static long fingerprint(String id) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < id.length(); i++) {
                h ^= id.charAt(i);
                h *= 0x100000001b3L;
            }
            return com.carrotsearch.hppc.BitMixer.mix64(h);
        }
    }
}
