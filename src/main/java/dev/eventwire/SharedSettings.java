package dev.eventwire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The settings every replica sharing a database must agree on, by option name: each replica sends whatever
 * deliveries it claims, retries and disables webhooks and removes old data with its own. Each publishes
 * them with its heartbeat, so that a replica started without the others' {@code --egress-allow} is seen
 * instead of quietly failing the deliveries it claims. Files are compared by a digest of their content.
 */
record SharedSettings(SortedMap<String, String> values) {

    SharedSettings {
        values = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    static SharedSettings of(ServeConfig config) {
        SortedMap<String, String> v = new TreeMap<>();
        v.put("--egress-allow", config.egress().allow().stream().sorted().collect(Collectors.joining(",")));
        v.put("--webhook-ca", config.egress().trust().operatorCertificates().map(SharedSettings::digest).orElse("none"));
        v.put("--retry-schedule", config.retrySchedule().stream().map(SharedSettings::millis).collect(Collectors.joining(",")));
        v.put("--delivery-timeout", millis(config.deliveryTimeout()));
        v.put("--retention", millis(config.retention()));
        v.put("--disable-after", millis(config.disableAfter()));
        v.put("--metrics-file", config.metricsFile().map(SharedSettings::contentDigest).orElse("none"));
        Limits limits = config.limits();
        v.put("--max-webhooks-per-tenant", Integer.toString(limits.maxWebhooksPerTenant()));
        v.put("--max-deliveries-per-request", Integer.toString(limits.maxDeliveriesPerRequest()));
        v.put("--tenant-ingest-budget-mib", Long.toString(limits.tenantIngestBudgetBytes()));
        v.put("--tenant-ingest-rate-mib", Long.toString(limits.tenantBodyBytesPerSecond()));
        v.put("--max-distinct-values", Integer.toString(limits.maxDistinctValuesInMemory()));
        v.put("--body-budget-mib", Long.toString(limits.bodyBudgetBytes()));
        // The key's id (what every sealed value names anyway), never the key: a replica with another key, or
        // none, cannot open what the others seal.
        v.put(dev.eventwire.store.SecretSeal.VARIABLE, config.storage().secrets().currentKeyId().orElse("none"));
        return new SharedSettings(v);
    }

    /** One {@code name=value} line per setting, in name order: what the heartbeat row holds. */
    String encoded() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }

    /** The settings {@link #encoded()} wrote; none from an empty text (a replica of a version that publishes none). */
    static SharedSettings decode(String text) {
        SortedMap<String, String> v = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) v.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new SharedSettings(v);
    }

    /** The options set differently in {@code other}; of those both publish (a newer version's extra ones are not compared). */
    List<String> differingFrom(SharedSettings other) {
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String theirs = other.values.get(e.getKey());
            if (theirs != null && !theirs.equals(e.getValue())) differing.add(e.getKey());
        }
        return differing;
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }

    private static String contentDigest(Path file) {
        try {
            return digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** The first 16 hex digits of the SHA-256 of {@code bytes}. */
    static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
