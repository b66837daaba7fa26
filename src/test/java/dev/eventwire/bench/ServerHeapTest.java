package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.cli.ServerHeap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started in a process of its own runs on the launcher's heap: fixed, every page touched before it
 * answers, which is what keeps page faults out of a busy hour.
 */
class ServerHeapTest {

    @Test
    void aSizeBecomesAFixedPreTouchedHeapAndNonsenseIsRefusedByName() {
        assertThat(ServerHeap.jvmFlags("512m")).containsExactly("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");
        assertThat(ServerHeap.jvmFlags(" 3G ")).containsExactly("-Xms3G", "-Xmx3G", "-XX:+AlwaysPreTouch");
        assertThat(ServerHeap.jvmFlags(null)).containsExactly("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
        assertThat(ServerHeap.jvmFlags("")).isEqualTo(ServerHeap.jvmFlags(ServerHeap.DEFAULT));
        for (String bad : List.of("255m", "2", "2gb", "-1g", "0512m", "1.5g", "1234567890123456m", "2g -XX:+UseSerialGC")) {
            assertThatThrownBy(() -> ServerHeap.jvmFlags(bad)).as(bad)
                    .hasMessage("EVENTWIRE_HEAP must be a size such as 512m or 2g, at least 256m (got '" + bad + "')");
        }
        // The whole heap is touched at start: more than the machine holds is refused, naming what it holds.
        long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() >> 20;
        for (String tooLarge : List.of(memory + "m", "12345678m", "99999999g")) {
            assertThatThrownBy(() -> ServerHeap.jvmFlags(tooLarge)).as(tooLarge)
                    .hasMessage("EVENTWIRE_HEAP must be less than this machine's memory, " + memory + " MiB (got '" + tooLarge + "')");
        }
        assertThat(ServerHeap.jvmFlags((memory - 1) + "m")).containsExactly("-Xms" + (memory - 1) + "m", "-Xmx" + (memory - 1) + "m", "-XX:+AlwaysPreTouch");
    }

    @Test
    void aServedChildHoldsItsWholeHeapWhenItAnswersAndSaysSo(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("server.log");
        try (ServerProcess server = ServerProcess.start(List.of(), List.of("--data", dir.resolve("db").toString()), ChildProcess.freePort(), log,
                Map.of(ServerHeap.VARIABLE, "384m"))) {
            assertThat(server.client().get("/health", null).status()).isEqualTo(200);
            assertThat(residentMiB(server.pid())).as("resident memory once it answers").isGreaterThanOrEqualTo(384);
        }
        assertThat(Files.readString(log)).contains("Heap: 384 MiB, fixed and touched at start.");
    }

    @Test
    void aChildGivenAHeapCapOfItsOwnKeepsIt(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("server.log");
        try (ServerProcess server = ServerProcess.start(List.of("-Xmx300m"), List.of("--data", dir.resolve("db").toString()), ChildProcess.freePort(), log,
                Map.of(ServerHeap.VARIABLE, "2g"))) {
            assertThat(server.client().get("/health", null).status()).isEqualTo(200);
        }
        assertThat(Files.readString(log)).contains("Heap: grows as needed, up to 300 MiB.");
    }

    private static long residentMiB(long pid) throws IOException {
        String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow();
        return Long.parseLong(rss.replaceAll("[^0-9]", "")) >> 10;
    }
}
