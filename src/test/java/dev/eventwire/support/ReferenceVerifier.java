package dev.eventwire.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Verifies deliveries with the reference Standard Webhooks library for JavaScript (npm
 * {@code standardwebhooks}, pinned), run by Node.js — an implementation that is not ours. The library is
 * installed into {@code target/} on first use; without Node.js or npm the test fails and says so.
 */
public final class ReferenceVerifier {
    static final String PACKAGE = "standardwebhooks@1.1.1";
    private final Path script;

    private ReferenceVerifier(Path script) {
        this.script = script;
    }

    public static ReferenceVerifier install() {
        Path prefix = Path.of("target", "standardwebhooks").toAbsolutePath();
        try {
            if (!Files.isDirectory(prefix.resolve("node_modules/standardwebhooks"))) {
                Files.createDirectories(prefix);
                run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), PACKAGE), null, 180);
            }
            Path script = prefix.resolve("verify.mjs");
            try (var in = ReferenceVerifier.class.getResourceAsStream("/standardwebhooks/verify.mjs")) {
                Files.write(script, in.readAllBytes());
            }
            return new ReferenceVerifier(script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + PACKAGE + " (needs Node.js and npm: apt-get install nodejs npm): " + e.getMessage(), e);
        }
    }

    /** True when the reference library accepts the delivery as signed with {@code secret}. */
    public boolean verifies(String secret, Receiver.Received r) {
        Json json = new Json();
        ObjectNode input = json.mapper().createObjectNode();
        input.put("secret", secret);
        input.put("body", r.body());
        ObjectNode headers = input.putObject("headers");
        for (String h : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) headers.put(h, r.header(h));
        try {
            return run(List.of("node", script.toString()), input.toString(), 30) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node (apt-get install nodejs): " + e.getMessage(), e);
        }
    }

    private static int run(List<String> command, String stdin, int timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STANDARDWEBHOOKS_DIR", Path.of("target", "standardwebhooks", "node_modules").toAbsolutePath().toString());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (stdin == null && p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed: " + output);
        return p.exitValue();
    }
}
