package dev.eventwire.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.random.RandomGenerator;

/** Synthetic e-commerce events for the demo and the benchmarks. */
public final class SyntheticEvents {
    private SyntheticEvents() {
    }

    /** One event, as JSON, from 500 sessions. Orders carry total_amount and session_id; page views session_id. */
    public static String one(RandomGenerator random) {
        return one(random, 500);
    }

    /** One event, as JSON, with a session drawn from {@code sessions}. */
    public static String one(RandomGenerator random, int sessions) {
        int kind = random.nextInt(100);
        String session = "s" + random.nextInt(sessions);
        String occurred = Instant.now().minus(random.nextInt(60_000), ChronoUnit.MILLIS).toString();
        if (kind < 25) {
            String order = "o" + Long.toHexString(random.nextLong() & 0xffffffffL);
            return "{\"event_type\":\"order.created\",\"entity_id\":\"" + order + "\",\"occurred_at\":\"" + occurred
                    + "\",\"data\":{\"order_id\":\"" + order + "\",\"total_amount\":" + (5 + random.nextInt(400)) + "." + (10 + random.nextInt(89))
                    + ",\"currency\":\"EUR\",\"session_id\":\"" + session + "\",\"items\":" + (1 + random.nextInt(5)) + "}}";
        }
        if (kind < 40) {
            String type = random.nextInt(10) == 0 ? "payment.failed" : "payment.completed";
            return "{\"event_type\":\"" + type + "\",\"occurred_at\":\"" + occurred + "\",\"data\":{\"order_id\":\"o" + random.nextInt(100_000)
                    + "\",\"amount\":" + (5 + random.nextInt(400)) + ".00,\"method\":\"card\"}}";
        }
        return "{\"event_type\":\"page.viewed\",\"occurred_at\":\"" + occurred + "\",\"data\":{\"session_id\":\"" + session
                + "\",\"path\":\"/products/" + random.nextInt(1000) + "\"}}";
    }

    public static String batch(RandomGenerator random, int size) {
        StringBuilder b = new StringBuilder(size * 200).append("{\"events\":[");
        for (int i = 0; i < size; i++) {
            if (i > 0) b.append(',');
            b.append(one(random));
        }
        return b.append("]}").toString();
    }

    public static Random seeded(long seed) {
        return new Random(seed);
    }
}
