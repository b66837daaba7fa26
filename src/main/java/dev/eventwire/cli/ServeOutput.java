package dev.eventwire.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines {@code serve} writes for whoever runs it, beside its log: progress on standard output (the
 * generated admin key, "listening on", "Stopping"), a failed start or a forced exit on standard error. They
 * go through the loggers {@code eventwire.stdout} and {@code eventwire.stderr} of logback.xml, so with
 * EVENTWIRE_LOG_FORMAT=json each is one JSON log line like every other, and with text they stay plain
 * ({@code eventwire: cannot listen on …}). Only a bad EVENTWIRE_LOG_FORMAT itself cannot come this way.
 */
final class ServeOutput {
    private static final Logger OUT = LoggerFactory.getLogger("eventwire.stdout");
    private static final Logger ERR = LoggerFactory.getLogger("eventwire.stderr");

    private ServeOutput() {
    }

    static void say(String line) {
        OUT.info("{}", line); // as an argument: a line holding "{}" is written as it is
    }

    /** Why the process does not start, or exits; text adds the program's name in front. */
    static void fail(String line) {
        ERR.error("{}", line);
    }

    /** A stream for code that prints its progress (the warm-up): each line printed is said. */
    static PrintStream sayingStream() {
        return new PrintStream(new LineSink(ServeOutput::say), true, StandardCharsets.UTF_8);
    }
}
