package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CpuPerRequestTest {

    @Test
    void aProcessThatSpentCpuOverThePhaseIsChargedItPerRequest() {
        long self = ProcessHandle.current().pid();
        CpuPerRequest cpu = new CpuPerRequest(new CpuPerRequest.Named("this process", self));
        Duration start = CpuPerRequest.cpuOf(self);
        // Burn at least 300 ms of this thread's CPU (more of the process's: the JIT and GC run too).
        long spin = 0;
        while (CpuPerRequest.cpuOf(self).minus(start).toMillis() < 300) spin += Long.numberOfTrailingZeros(System.nanoTime());
        String described = cpu.describe(1000);
        assertThat(spin).isNotNegative();
        assertThat(described).matches("this process \\d+\\.\\d µs of CPU a request");
        double micros = Double.parseDouble(described.replaceAll("[^0-9.]", ""));
        assertThat(micros).as(described).isBetween(300.0, 3000.0);
    }

    @Test
    void aProcessWhoseCountCannotBeReadSaysSoRatherThanZero() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        CpuPerRequest cpu = new CpuPerRequest(new CpuPerRequest.Named("gone", gone.pid()), new CpuPerRequest.Named("this process", ProcessHandle.current().pid()));
        assertThat(cpu.describe(10)).startsWith("gone n/a, this process ").endsWith(" µs of CPU a request");
    }
}
