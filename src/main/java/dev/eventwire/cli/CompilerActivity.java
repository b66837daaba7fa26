package dev.eventwire.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** How busy this JVM's JIT compiler is, from the time it reports spending on compiling. */
final class CompilerActivity {
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final boolean measured = jit != null && jit.isCompilationTimeMonitoringSupported();

    /**
     * Waits a second and returns the milliseconds the compiler threads spent compiling meanwhile; 0 where
     * the JVM does not report it (a warm-up then lasts its minimum).
     */
    long millisCompilingOverASecond() throws InterruptedException {
        long before = measured ? jit.getTotalCompilationTime() : 0;
        Thread.sleep(1000);
        return measured ? jit.getTotalCompilationTime() - before : 0;
    }
}
