package dev.eventwire.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code demo --cluster} stopped while it streams (SIGTERM, which takes the same path as Ctrl-C) stops
 * what it started before it exits: no replica process outlives it and its folder (PostgreSQL's data and the
 * replicas') is gone. Stopped by the JVM's exit alone, the replicas ran on for up to 17 s with their
 * database and folder deleted under them.
 */
class ClusterDemoInterruptTest {
    private static final Pattern FOLDER = Pattern.compile("\\(data in (\\S+)\\)");

    @Test
    void stoppedWhileStreamingItLeavesNoReplicaAndNoFolderBehind() throws Exception {
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main", "demo", "--cluster", "--seconds", "60")
                .redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch streaming = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.contains("t= 2s")) streaming.countDown();
                }
            } catch (java.io.IOException ended) {
                // the demo ended
            }
        });
        try {
            assertThat(streaming.await(150, TimeUnit.SECONDS)).as("streaming began: %s", lines).isTrue();
            // The replicas are the demo's Java children (PostgreSQL runs as its own processes).
            List<ProcessHandle> replicas = demo.descendants().filter(p -> p.info().command().orElse("").endsWith("/java")).toList();
            assertThat(replicas).as("the replicas it started").hasSize(3);
            Matcher folder = FOLDER.matcher(lines.getFirst());
            assertThat(folder.find()).as(lines.getFirst()).isTrue();

            demo.destroy(); // SIGTERM
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("stopped: %s", lines).isTrue();
            reader.join(10_000); // what it printed last

            assertThat(demo.exitValue()).isEqualTo(130);
            assertThat(replicas).as("replicas still running after the demo exited").noneMatch(ProcessHandle::isAlive);
            assertThat(Files.exists(Path.of(folder.group(1)))).as("the demo's folder").isFalse();
            assertThat(lines).as("no stack trace").noneMatch(l -> l.startsWith("\tat "));
        } finally {
            // Stopped as a user would first: killed outright, the demo could not stop its PostgreSQL.
            if (demo.isAlive()) {
                demo.destroy();
                demo.waitFor(30, TimeUnit.SECONDS);
            }
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }
}
