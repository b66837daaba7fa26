package dev.eventwire.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", description = "Benchmarks: ingest, delivery, metrics.")
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("bench comes next");
    }
}
