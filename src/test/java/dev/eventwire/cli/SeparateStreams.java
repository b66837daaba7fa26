package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end and keeps what it wrote on each stream apart, for tests of what goes where. */
final class SeparateStreams {
    private SeparateStreams() {
    }

    record Run(int exit, String stdout, String stderr) {
    }

    /** Both pipes are read at once, so neither can block the child; it must end within 30 s. */
    static Run run(ProcessBuilder builder) throws Exception {
        Process process = builder.start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String stdout = read(process.getInputStream());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), stdout, stderr.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
