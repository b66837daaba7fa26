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
        assertThat(described).matches("this process \\d+\\.\\d µs \\d+\\.\\d\\d switches a request");
        double micros = Double.parseDouble(described.split(" ")[2]);
        assertThat(micros).as(described).isBetween(300.0, 3000.0);
    }

    @Test
    void threadsThatWaitForEachOtherAreCountedAsSwitches() throws Exception {
        long self = ProcessHandle.current().pid();
        java.util.concurrent.Semaphore ping = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.Semaphore pong = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    ping.acquire();
                    pong.release();
                }
                read.await(); // alive until counted: an ended thread's switches leave the kernel's list with it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CpuPerRequest cpu = new CpuPerRequest(new CpuPerRequest.Named("this process", self));
        // 1,000 round trips: each side waits for the other every time, so each is switched off its core.
        for (int i = 0; i < 1000; i++) {
            ping.release();
            pong.acquire();
        }
        String described = cpu.describe(1000);
        read.countDown();
        other.join();
        assertThat(Double.parseDouble(described.split(" ")[4])).as(described).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void aProcessWhoseCountCannotBeReadSaysSoRatherThanZero() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        CpuPerRequest cpu = new CpuPerRequest(new CpuPerRequest.Named("gone", gone.pid()), new CpuPerRequest.Named("this process", ProcessHandle.current().pid()));
        assertThat(cpu.describe(10)).startsWith("gone n/a n/a switches, this process ").endsWith(" switches a request");
    }
}
