package dev.eventwire.cli;

import picocli.CommandLine.Command;

@Command(name = "demo", description = "Runs a server and streams synthetic e-commerce events through it.")
final class DemoCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("demo comes next");
    }
}
